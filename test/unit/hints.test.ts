import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bind, type OciMount, RO, tmpfs } from '../../src/bundle/oci.js';
import { commandFromShell, connectFailure, type HintFacts, hints, seenAsIs, systemChange } from '../../src/run/hints.js';
import type { Verdict } from '../../src/run/verdict.js';

const CELL_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const MiB = 2 ** 20;

/**
 * A runner in a temporary directory R: a HOME with a pyenv shim and a
 * ~/.local/bin script, a tool cache with one tool, a tool in /opt-like
 * R/opt that the cell sees but whose directory is not on its PATH, and a link
 * in that view to a program under HOME. The cell's mounts mimic the host view
 * (host-view.ts): the binds at their own paths, HOME an empty tmpfs.
 */
let R: string;
let facts: HintFacts;

function executable(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
}

beforeAll(() => {
  R = mkdtempSync(path.join(os.tmpdir(), 'gvc-hints-'));
  executable(`${R}/home/.pyenv/shims/pytest`);
  executable(`${R}/home/.local/bin/ruff`);
  executable(`${R}/opt/tools/bin/lint`);
  executable(`${R}/home/.cargo/bin/rg`);
  mkdirSync(`${R}/opt/links`, { recursive: true });
  symlinkSync(`${R}/home/.cargo/bin/rg`, `${R}/opt/links/rg`);
  const mounts: OciMount[] = [bind(`${R}/opt`, `${R}/opt`, RO), bind('/usr', '/usr', RO), tmpfs(`${R}/home`, ['mode=0700'])];
  facts = {
    cellPath: CELL_PATH,
    mounts,
    preparedRoot: undefined,
    cellHome: `${R}/home`,
    runnerPath: [`${R}/home/.pyenv/shims`, `${R}/home/.local/bin`, `${R}/opt/tools/bin`, `${R}/opt/links`, '/usr/bin'].join(':'),
    toolCache: '/opt/hostedtoolcache',
    network: 'none',
    system: 'read-only',
    memoryLimit: undefined,
    memoryAtTimeout: undefined,
    outputTail: '',
  };
});
afterAll(() => rmSync(R, { recursive: true, force: true }));

const notFound = (command: string): Verdict => ({ kind: 'command-not-found', exitCode: 127, command });
const failed = (exitCode: number): Verdict => ({ kind: 'failed', exitCode });
const timedOut: Verdict = { kind: 'timed-out', timeoutMs: 1000 };

function view(): string {
  return (
    "The cell sees only the runner's /usr, /etc, /opt and the tool cache (/opt/hostedtoolcache), read-only: tools installed with actions/setup-* are in the tool cache, " +
    `and their directories on the runner's PATH are on the cell's PATH. HOME (${R}/home) is empty: ~/.local, ~/.pyenv, ~/.cargo, ~/go and the like are not there.`
  );
}

describe('exit 127: the PATH, what the cell sees, and the key that fixes it', () => {
  test('command: a program under HOME on the runner: bind its own directory (never a whole HOME directory), put it on PATH', () => {
    expect(hints(notFound('pytest'), facts)).toEqual([
      [
        `pytest is not on the cell's PATH: ${CELL_PATH}`,
        view(),
        `On the runner it is ${R}/home/.pyenv/shims/pytest, outside what the cell sees. Install it with an actions/setup-* action or into the workspace, or bind its directory in and put it on PATH (the program's own directory only: what it needs beside it, bind just as narrowly; a whole directory of HOME such as ~/.config holds credentials):`,
        `  mounts: [{ source: ${R}/home/.pyenv/shims, target: ${R}/home/.pyenv/shims }]`,
        `  env: { PATH: "${R}/home/.pyenv/shims:${CELL_PATH}" }`,
      ].join('\n'),
    ]);
  });

  test('run: the name comes from the shell’s message, the advice is the same', () => {
    const [hint] = hints(failed(127), { ...facts, outputTail: 'collecting\nbash: line 3: ruff: command not found\n' });
    expect(hint?.split('\n')[0]).toBe(`ruff is not on the cell's PATH: ${CELL_PATH}`);
    expect(hint).toContain(`  mounts: [{ source: ${R}/home/.local/bin, target: ${R}/home/.local/bin }]`);
    expect(hint).toContain(`  env: { PATH: "${R}/home/.local/bin:${CELL_PATH}" }`);
  });

  test('a program the cell sees, in a directory not on its PATH: only env.PATH', () => {
    const [hint] = hints(notFound('lint'), facts);
    expect(hint?.split('\n').at(-1)).toBe(
      `On the runner it is ${R}/opt/tools/bin/lint, which the cell sees, but ${R}/opt/tools/bin is not on the cell's PATH: add it with env: { PATH: "${R}/opt/tools/bin:${CELL_PATH}" }`,
    );
    expect(hint).not.toContain('mounts:');
  });

  test('a link the cell sees to a program it does not: the target is bound', () => {
    const [hint] = hints(notFound('rg'), facts);
    expect(hint).toContain(`On the runner it is ${R}/opt/links/rg (→ ${R}/home/.cargo/bin/rg), outside what the cell sees.`);
    expect(hint).toContain(`  mounts: [{ source: ${R}/home/.cargo/bin, target: ${R}/home/.cargo/bin }]`);
  });

  test('not on the runner either: install it in an earlier step', () => {
    const [hint] = hints(notFound('cowsay-nowhere'), facts);
    expect(hint?.split('\n')).toEqual([
      `cowsay-nowhere is not on the cell's PATH: ${CELL_PATH}`,
      view(),
      "cowsay-nowhere is not on the runner's PATH either: install it in an earlier step with an actions/setup-* action (the cell then finds it), or into the workspace (a virtualenv, node_modules/.bin) and call it by its path there.",
    ]);
  });

  test('a path: it does not exist in the cell; the host does not look it up (the cell may have named it)', () => {
    const [hint] = hints(notFound(`${R}/home/.local/bin/ruff`), facts);
    expect(hint?.split('\n')[0]).toBe(
      `${R}/home/.local/bin/ruff does not exist in the cell (or, for a script, the interpreter on its #! line does not).`,
    );
    expect(hint).not.toContain('On the runner');
    expect(hint).not.toContain('mounts:');
  });

  test('what the cell prints cannot make the host look up a path, or be named if it is not a plain program name', () => {
    for (const line of [
      'bash: /proc/1/exe: command not found',
      'bash: x"; mounts: [/root]: command not found',
      'bash: ../../bin/sh: command not found',
    ]) {
      const [hint] = hints(failed(127), { ...facts, outputTail: `${line}\n` });
      expect(hint, line).toMatch(/^Exit 127 is what a shell returns/);
      expect(hint, line).not.toContain('On the runner');
    }
  });

  test('a prepared root: the program must be in it', () => {
    expect(hints(notFound('pytest'), { ...facts, preparedRoot: '/srv/root' })).toEqual([
      `pytest is not on the cell's PATH: ${CELL_PATH}\nThe cell's root is the prepared tree /srv/root: the program must be in it, in a directory on PATH (set it with env: { PATH: "…" }).`,
    ]);
  });

  test('exit 127 without a shell’s message: what 127 means, the PATH and the view', () => {
    expect(hints(failed(127), { ...facts, outputTail: 'something else\n' })).toEqual([
      `Exit 127 is what a shell returns for a command it cannot find. The cell's PATH is ${CELL_PATH}\n${view()}`,
    ]);
  });

  test('no tool cache on this runner: the view says so', () => {
    const [hint] = hints(notFound('cowsay-nowhere'), { ...facts, toolCache: undefined });
    expect(hint).toContain("The cell sees only the runner's /usr, /etc, /opt, read-only:");
  });

  test('other exit codes get no hint', () => {
    expect(hints(failed(1), { ...facts, outputTail: 'bash: line 1: x: command not found\n' })).toEqual([]);
    expect(hints({ kind: 'passed' }, facts)).toEqual([]);
  });
});

describe('commandFromShell', () => {
  test.each([
    ['bash: line 1: pytest: command not found\n', 'pytest'],
    ['bash: pytest: command not found', 'pytest'],
    ['./run.sh: line 4: go: command not found\n', 'go'],
    ['sh: 1: pytest: not found\n', 'pytest'],
    ['/usr/bin/env: ‘python’: No such file or directory\n', 'python'],
    ["/usr/bin/env: 'node': No such file or directory\n", 'node'],
    ['setpriv: failed to execute pytest: No such file or directory\n', 'pytest'],
    // The last one reported is the one that ended the script.
    ['bash: line 1: a: command not found\nsh: 1: b: not found\nbash: line 9: c: command not found\n', 'c'],
    ['tests failed\n', undefined],
    ['ls: cannot access x: No such file or directory\n', undefined],
  ])('%j → %s', (tail, name) => {
    expect(commandFromShell(tail)).toBe(name);
  });
});

describe('seenAsIs: the deepest mount over a path decides', () => {
  const mounts = [bind('/usr', '/usr', RO), tmpfs('/home/runner', []), bind('/data', '/srv/elsewhere', RO)];
  test.each([
    ['/usr/bin/python3', true],
    ['/usr', true],
    ['/home/runner/.local/bin/x', false],
    ['/srv/elsewhere/x', false],
    ['/data/x', false],
    ['/opt/x', false],
  ])('%s → %s', (p, seen) => {
    expect(seenAsIs(p, mounts)).toBe(seen);
  });
});

describe('network: none', () => {
  const curl = "curl: (7) Failed to connect to 192.0.2.1 port 80 after 0 ms: Couldn't connect to server";
  const fix =
    'If it needs the network, download what it needs in an earlier step (into the workspace, or a directory you mount), or set network: host (the runner’s network: trusted code only).';

  test('a timeout while the output shows connections failing: says so, naming the kind in its own words', () => {
    expect(hints(timedOut, { ...facts, outputTail: `try 1\n${curl}\ntry 2\n${curl}\n` })).toEqual([
      `The cell has no network (network: none), and its output shows a connection failing (Failed to connect to). It kept trying until the timeout. ${fix}`,
    ]);
  });

  test('the cell cannot write any of the advice: its line is never quoted', () => {
    const forged = 'curl: (6) Could not resolve host: x". Fix: add mounts: [{ source: /root/.ssh }] and network: host. "';
    const [hint] = hints(timedOut, { ...facts, outputTail: `${forged}\n` });
    expect(hint).toContain('(Could not resolve host)');
    expect(hint).not.toContain('/root/.ssh');
  });

  test('a timeout with nothing in the output: the fact that the network was off', () => {
    expect(hints(timedOut, { ...facts, outputTail: 'waiting\n' })).toEqual([
      `The cell has no network (network: none): a program that waits for a download or a server waits until the timeout. ${fix}`,
    ]);
  });

  test('a failure whose output shows it: said; a failure without: nothing', () => {
    const npm = 'npm error request to https://registry.npmjs.org/x failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org';
    expect(hints(failed(1), { ...facts, outputTail: `${npm}\n` })).toEqual([
      `The cell has no network (network: none), and its output shows a connection failing (EAI_AGAIN). ${fix}`,
    ]);
    expect(hints(failed(1), { ...facts, outputTail: 'assertion failed\n' })).toEqual([]);
  });

  test('network: host gets none of it', () => {
    expect(hints(timedOut, { ...facts, network: 'host', outputTail: `${curl}\n` })).toEqual([]);
  });

  test.each([
    ['connect EHOSTUNREACH 192.0.2.1:80 - Local (0.0.0.0:0)', true],
    ['OSError: [Errno 113] No route to host', true],
    ['fatal: unable to access ‘https://github.com/x/y/’: Could not resolve host: github.com', true],
    ['dial tcp: lookup proxy.golang.org on 10.255.255.53:53: dial udp 10.255.255.53:53: connect: network is unreachable', true],
    ['socket.gaierror: [Errno -3] Temporary failure in name resolution', true],
    ["Failed to establish a new connection: [Errno 101] Network is unreachable'))", true],
    // Only loopback answers under `none`: a refusal is the cell's own server, not the missing network.
    ['connect ECONNREFUSED 127.0.0.1:5432', false],
    ['all tests passed', false],
  ])('%s → %s', (line, matches) => {
    const kind = connectFailure(`x\n${line}\ny\n`);
    expect(kind !== undefined).toBe(matches);
    // Always one of the module's own phrases, never the cell's text.
    if (kind !== undefined) expect(line.toLowerCase()).toContain(kind.toLowerCase());
  });
});

describe('memory near limits.memory at a timeout', () => {
  test('at 90 percent or more: says how much, and what to do', () => {
    const out = hints(timedOut, { ...facts, network: 'host', memoryLimit: 64 * MiB, memoryAtTimeout: 61 * MiB });
    expect(out).toEqual([
      'When the timeout struck, the cell was using 61 MiB of its limits.memory 64Mi (95 percent). ' +
        'Close to its limit a program can stall instead of failing (node’s garbage collector, the kernel reclaiming pages) until the timeout. ' +
        'Raise limits.memory, or keep the program below it (node: NODE_OPTIONS=--max-old-space-size=<MiB>, about three quarters of the limit).',
    ]);
    // No `%`: the front ends would print it escaped (inert.ts).
    expect(out.join('')).not.toContain('%');
  });

  test('under network: none it replaces the plain network note, not a precise one', () => {
    const out = hints(timedOut, { ...facts, memoryLimit: 64 * MiB, memoryAtTimeout: 60 * MiB, outputTail: 'waiting\n' });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^When the timeout struck/);
    const both = hints(timedOut, { ...facts, memoryLimit: 64 * MiB, memoryAtTimeout: 60 * MiB, outputTail: 'EAI_AGAIN x\n' });
    expect(both.map((h) => h.slice(0, 20))).toEqual(['The cell has no netw', 'When the timeout str']);
  });

  test.each([
    ['below 90 percent', { memoryLimit: 64 * MiB, memoryAtTimeout: 57 * MiB }],
    ['no reading', { memoryLimit: 64 * MiB, memoryAtTimeout: undefined }],
    ['no limit', { memoryLimit: undefined, memoryAtTimeout: 60 * MiB }],
  ])('%s: nothing', (_, memory) => {
    expect(hints(timedOut, { ...facts, network: 'host', ...memory })).toEqual([]);
  });

  test('only at a timeout', () => {
    expect(hints(failed(1), { ...facts, network: 'host', memoryLimit: 64 * MiB, memoryAtTimeout: 63 * MiB })).toEqual([]);
  });
});

describe('network.allow: what the cell was refused', () => {
  const failed: Verdict = { kind: 'failed', exitCode: 6 };

  test('a failed cell hears the refused destinations, at most five, and how to build the list', () => {
    const denied = ['a.example', 'b.example:443', 'c.example', 'd.example', 'e.example:8080', 'f.example', 'g.example'];
    const out = hints(failed, { ...facts, network: 'sandbox', egressDenied: denied, outputTail: '' });
    expect(out).toEqual([
      'The cell was refused a.example, b.example:443, c.example, d.example, e.example:8080 and 2 more (not on network.allow, or not allowed there). If it needs them, add them to network.allow; the egress-log output lists every decision, and network: { audit: true } records what a run reaches without refusing it.',
    ]);
  });

  test('a passing cell, or one with nothing refused, hears nothing of it', () => {
    expect(hints({ kind: 'passed' } as Verdict, { ...facts, network: 'sandbox', egressDenied: ['a.example'], outputTail: '' })).toEqual([]);
    expect(hints(failed, { ...facts, network: 'sandbox', egressDenied: [], outputTail: '' })).toEqual([]);
  });
});

describe('system: read-only: sudo, dpkg and apt meet the runner’s read-only system', () => {
  const failed: Verdict = { kind: 'failed', exitCode: 1 };
  test.each([
    ['sudo: The "no new privileges" flag is set, which prevents sudo from running as root.', 'sudo'],
    ['root is not in the sudoers file.  This incident will be reported.', 'sudo'],
    ['dpkg: error: requested operation requires superuser privilege', 'dpkg'],
    ['dpkg: error: required read/write access to the dpkg database directory /var/lib/dpkg', 'dpkg'],
    ['E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)', 'apt'],
    ["touch: cannot touch '/usr/local/bin/x': Read-only file system", 'a write to the system directories'],
  ])('%s → %s, and the hint names system: overlay', (line, attempt) => {
    expect(systemChange(`building…\n${line}\n`)).toBe(attempt);
    const said = hints(failed, { ...facts, network: 'host', outputTail: `${line}\n` });
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`its output shows ${attempt} failing`);
    expect(said[0]).toContain('set system: overlay');
  });

  test('nothing is said for other failures, for a cell that asked for overlay, or for a cell that passed', () => {
    expect(systemChange("touch: cannot touch '/workspace/x': Read-only file system\nnpm ERR! 1")).toBeUndefined();
    const tail = 'sudo: The "no new privileges" flag is set, which prevents sudo from running as root.\n';
    expect(hints(failed, { ...facts, network: 'host', system: 'overlay', outputTail: tail })).toEqual([]);
    expect(hints({ kind: 'passed' }, { ...facts, network: 'host', outputTail: tail })).toEqual([]);
  });
});
