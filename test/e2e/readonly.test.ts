/**
 * Read-only means read-only on the host, whatever the runsc in use lets
 * through (gVisor before 20250707 let `open(O_TRUNC)` empty files of
 * read-only mounts). For every kind of path a cell gets read-only, as the
 * action's root and as an ordinary user with sudo, each with `user: runner`
 * and `user: root`, a probe tries every way of changing a file; afterwards
 * the host file's bytes, mode and mtime are as they were and its directory
 * holds no new name. And no mount is left in the runner's namespace.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { findNamespaceTools, inNamespace, SETUP_FAILED } from '../../src/run/readonly.js';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { mountsBelow } from '../support/procs.js';
import { actionCopy, ensureUser, grantSudo, isRoot, type User } from '../support/users.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

/** Tries every change on each target; prints {target: {operation: "ok" | errno name}}. */
const PROBE = `
import errno, json, os, sys
out = {}
for t in json.loads(sys.argv[1]):
    r = {}
    def attempt(name, f):
        try:
            f(); r[name] = 'ok'
        except OSError as e:
            r[name] = errno.errorcode.get(e.errno, str(e.errno))
    attempt('open O_WRONLY|O_TRUNC', lambda: os.close(os.open(t, os.O_WRONLY | os.O_TRUNC)))
    attempt('open O_RDONLY|O_TRUNC', lambda: os.close(os.open(t, os.O_RDONLY | os.O_TRUNC)))
    attempt('open O_RDWR|O_TRUNC|O_CREAT', lambda: os.close(os.open(t, os.O_RDWR | os.O_TRUNC | os.O_CREAT)))
    attempt('truncate', lambda: os.truncate(t, 0))
    attempt('write', lambda: os.close(os.open(t, os.O_WRONLY | os.O_APPEND)))
    attempt('chmod', lambda: os.chmod(t, 0o777))
    attempt('utimes', lambda: os.utime(t, (0, 0)))
    attempt('setxattr', lambda: os.setxattr(t, 'user.gvc', b'x'))
    attempt('link', lambda: os.link(t, t + '.link'))
    attempt('rename', lambda: os.rename(t, t + '.moved'))
    attempt('unlink', lambda: os.unlink(t))
    out[t] = r
print(json.dumps(out))
`;

interface Snapshot {
  bytes: string;
  mode: number;
  mtimeMs: number;
  names: string[];
}

function snapshot(file: string): Snapshot {
  const s = lstatSync(file);
  return {
    bytes: readFileSync(file, 'base64'),
    mode: s.mode,
    mtimeMs: s.mtimeMs,
    names: readdirSync(path.dirname(file)).sort(),
  };
}

interface Setup {
  job: Job;
  /** host path → the path the cell reaches it by */
  targets: Map<string, string>;
  mounts: string;
  cleanup: () => void;
}

const tag = `gvc-ro-${process.pid}`;

/** Plants a victim file (with its own directory, so that new names show) owned by `owner`. */
function victim(file: string, owner?: User): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `precious ${file}\n`, { mode: 0o644 });
  if (owner) {
    chownSync(path.dirname(file), owner.uid, owner.gid);
    chownSync(file, owner.uid, owner.gid);
  }
  return file;
}

function prepare(name: string, owner?: User): Setup {
  const job = makeJob(name, owner);
  const targets = new Map<string, string>();
  const ws = victim(path.join(job.workspace, 'src', 'victim.txt'), owner);
  targets.set(ws, ws);
  const roDir = path.join(job.home, 'ro-dir');
  targets.set(victim(path.join(roDir, 'victim.txt'), owner), '/data/victim.txt');
  const roFile = victim(path.join(job.home, 'ro-file', 'victim.txt'), owner);
  targets.set(roFile, '/victim-file.txt');
  // A mount below a read-only source: --rbind copies it, `ro` would not reach it on its own.
  const withSub = path.join(job.home, 'with-sub');
  mkdirSync(path.join(withSub, 'sub'), { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', path.join(withSub, 'sub')]);
  targets.set(victim(path.join(withSub, 'sub', 'inner', 'victim.txt'), owner), '/data2/sub/inner/victim.txt');
  // The host view: root-owned files in /opt, /etc and /usr; the tool cache (the runner user's).
  for (const file of [`/opt/${tag}/victim.txt`, `/etc/${tag}/victim.conf`, `/usr/local/share/${tag}/victim.txt`]) {
    targets.set(victim(file), file);
  }
  const cached = victim(path.join(job.toolCache, 'gvc-tool', '1.0.0', 'x64', 'bin', 'tool'), owner);
  targets.set(cached, cached);
  const mounts = [
    `  - { source: ${roDir}, target: /data, mode: read-only }`,
    `  - { source: ${roFile}, target: /victim-file.txt, mode: read-only }`,
    `  - { source: ${withSub}, target: /data2, mode: read-only }`,
  ].join('\n');
  return {
    job,
    targets,
    mounts,
    cleanup: () => {
      execFileSync('umount', [path.join(withSub, 'sub')]);
      for (const dir of [`/opt/${tag}`, `/etc/${tag}`, `/usr/local/share/${tag}`]) rmSync(dir, { recursive: true, force: true });
      removeJob(job);
    },
  };
}

function cellDocument(setup: Setup, workspace: 'read-only' | 'overlay', user: 'runner' | 'root', inCell: string[]): string {
  return [
    `workspace: ${workspace}`,
    `user: ${user}`,
    'mounts:',
    setup.mounts,
    `command: [python3, -c, ${JSON.stringify(PROBE)}, ${JSON.stringify(JSON.stringify(inCell))}]`,
  ].join('\n');
}

type Identity = { name: string; user?: User; actionDir?: string; runsc: string };

async function attack(setup: Setup, who: Identity, workspace: 'read-only' | 'overlay', user: 'runner' | 'root') {
  const before = new Map([...setup.targets.keys()].map((host) => [host, snapshot(host)]));
  const run = await runAction(setup.job, {
    user: who.user,
    actionDir: who.actionDir,
    inputs: { cell: cellDocument(setup, workspace, user, [...setup.targets.values()]), 'runsc-path': who.runsc },
  });
  expect(errors(run.main)).toEqual([]);
  const tried = JSON.parse(run.main.outputs.stdout as string) as Record<string, Record<string, string>>;
  // The probe really ran every operation on every target (none was skipped as missing).
  for (const inCell of setup.targets.values()) expect(Object.keys(tried[inCell] ?? {})).toHaveLength(11);
  for (const [host, was] of before) {
    expect({ host, ...snapshot(host) }).toEqual({ host, ...was });
  }
  // Nothing of the private mount namespace is left in the runner's.
  expect(mountsBelow(setup.job.temp)).toEqual([]);
  return tried;
}

describe.skipIf(!isRoot)('read-only paths stay intact on the host (mounting a submount needs root)', () => {
  const runsc = inject('runsc');
  let rootSetup: Setup;
  let userSetup: Setup;
  let sudoer: User;
  let revoke: () => void;
  let copy: ReturnType<typeof actionCopy>;

  beforeAll(() => {
    rootSetup = prepare('ro-root');
    sudoer = ensureUser('gvc-e2e-ro');
    revoke = grantSudo('gvc-e2e-ro');
    userSetup = prepare('ro-user', sudoer);
    copy = actionCopy(runsc);
  });
  afterAll(() => {
    rootSetup?.cleanup();
    userSetup?.cleanup();
    revoke?.();
    copy?.remove();
  });

  const identities = (): Identity[] => [
    { name: 'the action as root', runsc },
    { name: 'the action as an ordinary user with sudo', user: sudoer, actionDir: copy.dir, runsc: copy.runsc as string },
  ];

  for (const who of ['the action as root', 'the action as an ordinary user with sudo']) {
    for (const user of ['runner', 'root'] as const) {
      test(`${who}, user: ${user}: workspace read-only, read-only mounts (dir, file, submount), /opt, /etc, /usr, the tool cache`, async () => {
        const identity = identities().find((i) => i.name === who) as Identity;
        const setup = identity.user ? userSetup : rootSetup;
        const tried = await attack(setup, identity, 'read-only', user);
        // The kernel refuses (EROFS) what gVisor's own check let through.
        for (const inCell of setup.targets.values()) {
          expect(tried[inCell]?.['open O_RDONLY|O_TRUNC']).not.toBe('ok');
          expect(tried[inCell]?.['open O_WRONLY|O_TRUNC']).not.toBe('ok');
        }
      });
    }
  }

  test('overlay workspace: writes stay in the cell, the host file is untouched', async () => {
    const setup = rootSetup;
    const before = snapshot([...setup.targets.keys()][0] as string);
    await attack(setup, identities()[0] as Identity, 'overlay', 'root');
    expect(snapshot([...setup.targets.keys()][0] as string)).toEqual(before);
  });
});

describe('a runsc older than the upstream fix', () => {
  test('the log and the summary say so (this suite runs Debian’s 20240729)', async () => {
    const job = makeJob('ro-advisory');
    try {
      const run = await runAction(job, { inputs: { cell: 'run: "true"', 'runsc-path': inject('runsc') } });
      expect(errors(run.main)).toEqual([]);
      expect(run.main.stdout).toMatch(/^Note: runsc version \S+ predates gVisor release-20250707\.0, which fixed open\(O_TRUNC\)/m);
      expect(run.main.summary).toContain('> [!WARNING]\n> runsc version');
    } finally {
      removeJob(job);
    }
  });
});

describe.skipIf(!isRoot)('the namespace script fails closed (unshare and mount need root)', () => {
  test('a source that cannot be bound stops it before the command runs: exit 125, mount named, nothing mounted', () => {
    const dir = mkdtempSync('/tmp/gvc-ro-script-');
    try {
      const stub = path.join(dir, 'stub');
      mkdirSync(stub);
      const marker = path.join(dir, 'ran');
      const tableFile = path.join(dir, 'mounts.fstab');
      const argv = inNamespace(
        { binds: [{ source: path.join(dir, 'no-such-source'), at: stub, file: false }], submounts: [] },
        findNamespaceTools(),
        ['/bin/sh', '-c', `touch ${marker}`],
        { tableFile },
      );
      const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });
      expect(r.status).toBe(SETUP_FAILED);
      // mount names the source it could not bind; the script says what it was doing.
      expect(r.stderr).toContain(path.join(dir, 'no-such-source'));
      expect(r.stderr).toContain(`gvisor-cell: could not make the mounts in ${tableFile}`);
      expect(existsSync(marker)).toBe(false);
      expect(mountsBelow(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a good source: the command sees it read-only at the stub, and the runner sees nothing mounted', () => {
    const dir = mkdtempSync('/tmp/gvc-ro-script-');
    try {
      // A name with every character the table escapes: bound where it says, as itself.
      const source = path.join(dir, 'sour ce\t#1\\\nx');
      mkdirSync(source);
      writeFileSync(path.join(source, 'f'), 'kept\n');
      const stub = path.join(dir, 'st ub#');
      mkdirSync(stub);
      const argv = inNamespace(
        { binds: [{ source, at: stub, file: false }], submounts: [] },
        findNamespaceTools(),
        ['/bin/sh', '-c', 'cat "$0/f" && : > "$0/f"', stub],
        { tableFile: path.join(dir, 'mounts.fstab') },
      );
      const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });
      expect(r.stdout).toBe('kept\n');
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/Read-only file system/);
      expect(readFileSync(path.join(source, 'f'), 'utf8')).toBe('kept\n');
      expect(mountsBelow(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
