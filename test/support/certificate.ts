/**
 * A self-signed certificate (EC P-256, two days) for the test harnesses' own
 * HTTPS servers: the certificate is the CA the clients under test trust.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';

/**
 * Writes the certificate to `files.cert` (readable by all: a cell's user reads
 * it) and its key to `files.key` (the owner's alone), for `names` (the first is
 * the subject's CN) and `addresses`, all of them subjectAltNames.
 */
export function makeCertificate(files: { cert: string; key: string }, names: readonly string[], addresses: readonly string[] = []): void {
  if (names.length === 0) throw new Error('makeCertificate: names is empty; the certificate needs a name for its CN');
  const san = [...names.map((n) => `DNS:${n}`), ...addresses.map((a) => `IP:${a}`)].join(',');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${names[0]}`,
      '-addext',
      `subjectAltName=${san}`,
      '-keyout',
      files.key,
      '-out',
      files.cert,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  chmodSync(files.cert, 0o644);
  chmodSync(files.key, 0o600);
}
