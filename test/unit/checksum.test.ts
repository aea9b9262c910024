import { describe, expect, test } from 'vitest';
import { parseSha512File } from '../../src/install/checksum.js';

const URL = 'https://storage.example/release/latest/x86_64/runsc.sha512';
const A = 'a'.repeat(128);
const B = `${'0123456789abcdef'.repeat(8)}`;
const C = 'c'.repeat(128);

describe('parseSha512File', () => {
  test.each([
    ['sha512sum text mode', `${A}  runsc\n`, A],
    ['binary mode (space-star)', `${A} *runsc\n`, A],
    ['a bare digest', `${A}\n`, A],
    ['a bare digest without newline', A, A],
    ['a bare digest with trailing spaces', `${A}   \n`, A],
    ['upper-case hex is lower-cased', `${B.toUpperCase()}  runsc`, B],
    ['CRLF line endings', `${A}  runsc\r\n`, A],
    ['blank lines around', `\n\n${A}  runsc\n\n`, A],
    ['a directory prefix', `${A}  ./x86_64/runsc`, A],
    ['a tab as separator', `${A}\trunsc`, A],
    ['several entries, the right one picked', `${B}  containerd-shim-runsc-v1\n${A}  runsc\n${C}  runsc.sha512\n`, A],
  ])('%s', (_label, text, digest) => {
    expect(parseSha512File(text, 'runsc', URL)).toBe(digest);
  });

  test('the other artifact of a combined listing', () => {
    const text = `${A}  runsc\n${B}  containerd-shim-runsc-v1\n`;
    expect(parseSha512File(text, 'containerd-shim-runsc-v1', URL)).toBe(B);
  });

  test.each([
    ['an empty file', ''],
    ['only blank lines', '\n  \n'],
    ['an HTML error page', '<html><body>404 Not Found</body></html>'],
    ['a sha256 digest', `${'a'.repeat(64)}  runsc`],
    ['127 hex digits', `${'a'.repeat(127)}  runsc`],
    ['129 hex digits', `${'a'.repeat(129)}  runsc`],
    ['a non-hex digit', `${'a'.repeat(127)}g  runsc`],
    ['a good line and a bad one', `${A}  runsc\nnot a checksum`],
  ])('%s is not a checksum file', (_label, text) => {
    expect(() => parseSha512File(text, 'runsc', URL)).toThrow(`${URL} is not a sha512 checksum file (expected "<128 hex digits>  runsc")`);
  });

  test.each([
    ['a single entry for another file', `${A}  runsc-debug`],
    ['a name that only ends like it', `${A}  myrunsc`],
    ['a name with the basename as a prefix', `${A}  runsc.tar.gz`],
    ['several entries, none for it', `${A}  a\n${B}  b`],
    ['two bare digests', `${A}\n${B}`],
  ])('%s: no checksum for the artifact', (_label, text) => {
    expect(() => parseSha512File(text, 'runsc', URL)).toThrow(`${URL} has no checksum for runsc`);
  });
});
