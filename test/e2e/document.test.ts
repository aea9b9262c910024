/**
 * Cell document keys beyond the basics, against a real runsc: checkout
 * credentials, mounts in each mode, resource limits, a prepared rootfs.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { decodeCommandValue, errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

let job: Job;
const runsc = inject('runsc');
const TOKEN = 'ghs_canaryCheckoutToken0042';

beforeAll(() => {
  job = makeJob('document');
});
afterAll(() => removeJob(job));

function cell(doc: string, inputs: Record<string, string> = {}) {
  return runAction(job, { inputs: { cell: doc, 'runsc-path': runsc, ...inputs } });
}

describe('checkout credentials', () => {
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
  let config: string;
  beforeAll(() => {
    execFileSync('git', ['init', '-q', job.workspace]);
    execFileSync('git', ['-C', job.workspace, 'remote', 'add', 'origin', 'https://github.com/acme/app']);
    execFileSync('git', ['-C', job.workspace, 'config', 'http.https://github.com/.extraheader', header]);
    config = path.join(job.workspace, '.git', 'config');
    // checkout with `submodules:` writes the header into each submodule's config too.
    mkdirSync(path.join(job.workspace, '.git', 'modules', 'lib'), { recursive: true });
    writeFileSync(
      path.join(job.workspace, '.git', 'modules', 'lib', 'config'),
      `[http "https://github.com/"]\n\textraheader = ${header}\n`,
    );
  });

  test.each(['overlay', 'read-only', 'read-write'])(
    'workspace %s: the cell reads a scrubbed .git/config and git still works',
    async (workspace) => {
      const before = readFileSync(config, 'utf8');
      const run = await cell(
        `workspace: ${workspace}\nrun: |\n  cat .git/config .git/modules/lib/config\n  git config --get remote.origin.url\n  git config --get-all http.https://github.com/.extraheader || echo "no extraheader"\n`,
      );
      expect(run.main.outputs['exit-code']).toBe('0');
      const out = run.main.outputs.stdout as string;
      expect(out).not.toContain(TOKEN);
      expect(out).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
      expect(out).toContain('https://github.com/acme/app\nno extraheader\n');
      expect(run.main.stdout).toContain('The cell sees .git/config without the checkout credentials');
      const warnings = run.main.commands.filter((c) => c.command === 'warning').map((c) => c.value);
      expect(warnings).toEqual(
        workspace === 'read-write' ? [expect.stringContaining('workspace: read-write lets the cell change the workspace')] : [],
      );
      // The host's file is untouched: later steps (a push) still have their credentials.
      expect(readFileSync(config, 'utf8')).toBe(before);
    },
  );
});

describe('git in a cell', () => {
  // gVisor numbers inodes itself, so the index a checkout wrote never matches them: without
  // core.checkStat=minimal, git reads every tracked file again to see whether it changed. A file whose
  // content changed but whose size and times did not shows which git did: a stat match leaves it
  // unseen, a read finds it.
  beforeAll(() => {
    const repo = path.join(job.workspace, 'stat-repo');
    mkdirSync(repo);
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]);
    git('init', '-q');
    // ctime cannot be set back: left out of the check on both sides, so that the inode is what differs.
    git('config', 'core.trustctime', 'false');
    const file = path.join(repo, 'a.txt');
    writeFileSync(file, 'one\n');
    const then = new Date('2020-01-01T00:00:00Z');
    utimesSync(file, then, then);
    git('add', 'a.txt');
    git('commit', '-qm', 'one');
    writeFileSync(file, 'two\n');
    utimesSync(file, then, then);
    // The premise: on the host, with the inode the index recorded, git trusts the stat and sees no change.
    expect(git('status', '--porcelain').toString()).toBe('');
  });

  test('git trusts its index on size and mtime (core.checkStat=minimal), unless the document sets git config itself', async () => {
    const status = 'working-directory: stat-repo\nrun: git config core.checkStat || echo unset; git status --porcelain; echo end\n';
    const run = await cell(status);
    expect(run.main.outputs['exit-code']).toBe('0');
    expect(run.main.outputs.stdout).toBe('minimal\nend\n');
    const without = await cell(`${status}env: { GIT_CONFIG_COUNT: "0" }\n`);
    expect(without.main.outputs['exit-code']).toBe('0');
    expect(without.main.outputs.stdout).toBe('unset\n M a.txt\nend\n');
  });
});

describe('mounts', () => {
  let data: string;
  beforeAll(() => {
    data = path.join(job.home, 'data');
    mkdirSync(data, { recursive: true });
    writeFileSync(path.join(data, 'in.txt'), 'host data\n');
    writeFileSync(path.join(job.workspace, 'single.txt'), 'one file\n');
  });

  test('read-only: readable, not writable; a file mount works too', async () => {
    const run = await cell(
      `mounts:\n  - { source: ${data}, target: /data }\n  - { source: single.txt, target: /etc-extra/single.txt }\nrun: |\n  cat /data/in.txt /etc-extra/single.txt\n  echo x > /data/new 2>/dev/null && echo wrote || echo refused\n`,
    );
    expect(run.main.outputs.stdout).toBe('host data\none file\nrefused\n');
    expect(existsSync(path.join(data, 'new'))).toBe(false);
  });

  test('read-write: writes persist on the host', async () => {
    const run = await cell(
      `workspace: read-only\nmounts: [{ source: ${data}, target: /data, mode: read-write }]\nrun: echo kept > /data/rw.txt`,
    );
    expect(errors(run.main)).toEqual([]);
    expect(readFileSync(path.join(data, 'rw.txt'), 'utf8')).toBe('kept\n');
  });

  test('overlay: writable inside, untouched outside', async () => {
    const run = await cell(
      `mounts: [{ source: ${data}, target: /data, mode: overlay }]\nrun: echo gone > /data/ov.txt && cat /data/ov.txt`,
    );
    expect(run.main.outputs.stdout).toBe('gone\n');
    expect(existsSync(path.join(data, 'ov.txt'))).toBe(false);
  });

  test('a workspace-relative source that the code under test made a link out of the workspace is refused', async () => {
    symlinkSync('/', path.join(job.workspace, 'escape'));
    symlinkSync('single.txt', path.join(job.workspace, 'inside-link'));
    const out = await cell('mounts: [{ source: escape/root, target: /stolen }]\nrun: ls /stolen');
    expect(errors(out.main)).toEqual([
      `mounts[0].source: ${job.workspace}/escape/root leads outside the workspace (through a symbolic link, to /root); refused`,
    ]);
    const rootfs = await cell('rootfs: { path: escape }\nrun: "true"');
    expect(errors(rootfs.main)[0]).toMatch(/^rootfs\.path: .* leads outside the workspace/);
    // A link that stays inside is followed once, here, and bound as what it points to.
    const inside = await cell('mounts: [{ source: inside-link, target: /in.txt }]\nrun: cat /in.txt');
    expect(inside.main.outputs.stdout).toBe('one file\n');
  });

  test('a source that does not exist, or / as a target, is refused naming the key', async () => {
    const missing = await cell('mounts: [{ source: /no/such/dir, target: /x }]\nrun: "true"');
    expect(errors(missing.main)).toEqual(['mounts[0].source: /no/such/dir does not exist on the runner']);
    const root = await cell('mounts: [{ source: /usr, target: / }]\nrun: "true"');
    expect(errors(root.main)[0]).toContain('mounts[0].target: expected a path below /, not / itself, got "/"');
  });
});

describe('limits', () => {
  test('memory, cpus and pids land in the sandbox’s cgroup (v1 or v2)', async () => {
    const name = `cgtest-${process.pid}`;
    let seen: Record<string, string> | undefined;
    const read = (f: string) => readFileSync(f, 'utf8').trim();
    const run = await runAction(job, {
      inputs: { cell: `name: ${name}\nrun: sleep 2\nlimits: { cpus: 0.5, memory: 300Mi, pids: 100 }`, 'runsc-path': runsc },
      onSpawn: () => {
        const poll = setInterval(() => {
          const v2 = readdirSync('/sys/fs/cgroup').find((d) => d.startsWith(`${name}-`));
          const v1 = existsSync('/sys/fs/cgroup/cpu') ? readdirSync('/sys/fs/cgroup/cpu').find((d) => d.startsWith(`${name}-`)) : undefined;
          try {
            if (v1) {
              seen = {
                cpu: `${read(`/sys/fs/cgroup/cpu/${v1}/cpu.cfs_quota_us`)} ${read(`/sys/fs/cgroup/cpu/${v1}/cpu.cfs_period_us`)}`,
                memory: read(`/sys/fs/cgroup/memory/${v1}/memory.limit_in_bytes`),
                pids: read(`/sys/fs/cgroup/pids/${v1}/pids.max`),
              };
            } else if (v2) {
              seen = {
                cpu: read(`/sys/fs/cgroup/${v2}/cpu.max`),
                memory: read(`/sys/fs/cgroup/${v2}/memory.max`),
                pids: read(`/sys/fs/cgroup/${v2}/pids.max`),
              };
            }
          } catch {
            // not all files are there yet
          }
          if (seen) clearInterval(poll);
        }, 50);
        setTimeout(() => clearInterval(poll), 10_000);
      },
    });
    expect(errors(run.main)).toEqual([]);
    expect(seen).toEqual({ cpu: '50000 100000', memory: String(300 * 2 ** 20), pids: '100' });
  });

  test('without memory, cpus or pids limits runsc makes no cgroup (--ignore-cgroups)', async () => {
    const name = `nocg-${process.pid}`;
    const found = new Set<string>();
    let polls = 0;
    const run = await runAction(job, {
      inputs: { cell: `name: ${name}\nrun: sleep 1.5\nlimits: { timeout: 60s }`, 'runsc-path': runsc },
      onSpawn: () => {
        const poll = setInterval(() => {
          polls++;
          for (const dir of ['/sys/fs/cgroup', '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/memory', '/sys/fs/cgroup/pids']) {
            if (!existsSync(dir)) continue;
            for (const d of readdirSync(dir)) if (d.startsWith(`${name}-`)) found.add(`${dir}/${d}`);
          }
        }, 50);
        setTimeout(() => clearInterval(poll), 1_500);
      },
    });
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs['exit-code']).toBe('0');
    expect(polls).toBeGreaterThan(10);
    expect([...found]).toEqual([]);
  });

  // node's allocator under a memory limit stalls rather than dying (seen here with this runsc);
  // a plain allocation is killed at once.
  test('memory: a 1 GiB allocation under 256Mi is killed', async () => {
    const run = await cell(
      'limits: { memory: 256Mi, timeout: 60s }\ncommand: [python3, -c, \'b = bytearray(1 << 30); print("allocated")\']',
      {
        'fail-on-error': 'false',
      },
    );
    expect(run.main.outputs['timed-out']).toBe('false');
    expect(run.main.outputs['exit-code']).toBe('137');
    expect(run.main.outputs.stdout).not.toContain('allocated');
    expect(run.main.stdout).toContain('was killed (exit 137, SIGKILL) under limits.memory 256Mi: most likely out of memory');
    expect(run.main.summary).toContain('killed, likely out of memory');
  });

  test('pids: a fork bomb is contained and the step returns', async () => {
    const run = await cell(
      "limits: { pids: 64, timeout: 60s }\nshell: sh\nrun: |\n  i=0\n  while [ $i -lt 300 ]; do (sleep 30 &) 2>/dev/null || true; i=$((i+1)); done\n  ls /proc | grep -c '^[0-9]'\n",
      { 'fail-on-error': 'false' },
    );
    expect(run.main.outputs['timed-out']).toBe('false');
    expect(Number(run.main.outputs.stdout)).toBeLessThanOrEqual(64);
  });
});

describe('bounds on what a cell may spend of the runner', () => {
  const MiB = 2 ** 20;

  test('limits.log: 5 MB printed under 1Mi leaves the first 1Mi and one marker line on disk; outputs, job log and summary whole', async () => {
    // Numbered lines, so the file can be checked byte for byte against what was printed.
    const printed = Buffer.from(`${Array.from({ length: 800_000 }, (_, i) => `${i + 1}\n`).join('')}the end\n`);
    expect(printed.length).toBeGreaterThan(5 * MiB);
    const run = await cell('limits: { log: 1Mi }\nrun: seq 1 800000; echo the end');
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs['exit-code']).toBe('0');

    const file = run.main.outputs['log-file'] as string;
    const cutAt = printed.subarray(0, MiB);
    const marker = `${cutAt.at(-1) === 0x0a ? '' : '\n'}[gvisor-cell] log file cut at 1048576 bytes (limits.log: 1Mi); the rest of the output is only in the job log\n`;
    expect(statSync(file).size).toBe(MiB + Buffer.byteLength(marker));
    expect(readFileSync(file).equals(Buffer.concat([cutAt, Buffer.from(marker)]))).toBe(true);

    // Everything else carries on unchanged: the tails, the live job log.
    expect(run.main.outputs.stdout).toBe(printed.subarray(printed.length - 32768).toString());
    expect(run.main.outputs.logs).toBe(run.main.outputs.stdout);
    expect(run.main.stdout).toContain(printed.toString());
    // The step's log (a warning, after the window) and the summary say where the rest is.
    const warnings = run.main.commands.filter((c) => c.command === 'warning').map((c) => decodeCommandValue(c.value));
    expect(warnings).toEqual([`log-file ${file}: cut at 1Mi by limits.log; the rest of the output is only in the job log`]);
    expect(run.main.summary).toContain('(cut at 1Mi by limits.log; the rest of the output is only in the job log) |');
    expect(run.main.summary).toContain('| limits | log 1Mi |');
  });

  test('limits.log: output within the cap is kept whole, without a marker or warning', async () => {
    const run = await cell('limits: { log: 1Mi }\nrun: seq 1 1000');
    const file = run.main.outputs['log-file'] as string;
    expect(readFileSync(file, 'utf8')).toBe(execFileSync('seq', ['1', '1000'], { encoding: 'utf8' }));
    expect(run.main.commands.filter((c) => c.command === 'warning')).toEqual([]);
    expect(run.main.summary).not.toContain('cut at');
  });

  // What a hostile cell runs to pin the runner's memory: each scratch directory is memory.
  const FILL = [
    'shell: sh',
    'run: |',
    '  for d in /tmp "$HOME" /var/tmp; do',
    '    if head -c 67108864 /dev/zero > "$d/fill" 2>/dev/null; then echo "$d wrote 64 MB"; else echo "$d refused at $(stat -c %s "$d/fill")"; fi',
    '    rm -f "$d/fill"',
    '  done',
    '  df -k /tmp "$HOME" /var/tmp /run | tail -n +2 | awk \'{ print $6, $2 }\'',
  ].join('\n');

  test('limits.tmpfs: 16Mi: a 64 MB write to /tmp, HOME and /var/tmp fails with the directory full at 16Mi', async () => {
    const run = await cell(`limits: { tmpfs: 16Mi }\n${FILL}`);
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe(
      [
        `/tmp refused at ${16 * MiB}`,
        `${job.home} refused at ${16 * MiB}`,
        `/var/tmp refused at ${16 * MiB}`,
        '/tmp 16384',
        `${job.home} 16384`,
        '/var/tmp 16384',
        '/run 16384',
        '',
      ].join('\n'),
    );
  });

  test('without the key each is bounded at the default 2Gi (/run at 64Mi), not half the host’s memory', async () => {
    const run = await cell(FILL);
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe(
      [
        '/tmp wrote 64 MB',
        `${job.home} wrote 64 MB`,
        '/var/tmp wrote 64 MB',
        '/tmp 2097152',
        `${job.home} 2097152`,
        '/var/tmp 2097152',
        '/run 65536',
        '',
      ].join('\n'),
    );
  });
});

describe('collect', () => {
  const script = [
    'run: |',
    '  mkdir -p out/sub',
    "  echo '<testsuite/>' > out/junit.xml",
    '  echo deep > out/sub/deep.txt && chmod 600 out/sub/deep.txt',
    '  ln -s /etc/passwd out/evil',
    '  ln -s /etc etc-link',
    '  head -c 20000000 /dev/zero > out/big.bin',
  ];

  test('files and directories come back with their modes, after a failure too; links and missing paths are warned of', async () => {
    const run = await cell([...script, '  exit 3', 'collect: [out, etc-link, never-made]'].join('\n'), { 'fail-on-error': 'false' });
    expect(run.main.outputs['exit-code']).toBe('3');
    expect(readFileSync(path.join(job.workspace, 'out', 'junit.xml'), 'utf8')).toBe('<testsuite/>\n');
    expect(statSync(path.join(job.workspace, 'out', 'sub', 'deep.txt')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(job.workspace, 'out', 'big.bin')).size).toBe(20_000_000);
    expect(statSync(path.join(job.workspace, 'out', 'sub', 'deep.txt')).uid).toBe(process.getuid?.());
    expect(existsSync(path.join(job.workspace, 'out', 'evil'))).toBe(false);
    expect(existsSync(path.join(job.workspace, 'etc-link'))).toBe(false);
    const warnings = run.main.commands.filter((c) => c.command === 'warning').map((c) => c.value);
    expect(warnings).toEqual([
      'collect: out/evil is a symbolic link in the cell; not copied',
      'collect: etc-link is a symbolic link in the cell; not copied',
      'collect: never-made was not created by the cell; nothing to copy',
    ]);
    expect(run.main.stdout).toContain('Collected 3 files from the cell into the workspace');
    rmSync(path.join(job.workspace, 'out'), { recursive: true, force: true });
  });

  test('after a timeout, what the cell wrote before it is collected', async () => {
    const run = await cell(
      'run: |\n  mkdir -p late && echo partial > late/report.txt\n  sleep 60\ncollect: [late]\nlimits: { timeout: 2s }',
      {
        'fail-on-error': 'false',
      },
    );
    expect(run.main.outputs['timed-out']).toBe('true');
    expect(readFileSync(path.join(job.workspace, 'late', 'report.txt'), 'utf8')).toBe('partial\n');
    rmSync(path.join(job.workspace, 'late'), { recursive: true, force: true });
  });

  test('a link on the runner’s side is never followed', async () => {
    const outside = path.join(job.home, 'outside');
    mkdirSync(outside, { recursive: true });
    symlinkSync(outside, path.join(job.workspace, 'reports'));
    const run = await cell('run: |\n  rm -f reports && mkdir reports && echo x > reports/r.txt\ncollect: [reports]', {
      'fail-on-error': 'false',
    });
    expect(readdirSync(outside)).toEqual([]);
    const warnings = run.main.commands.filter((c) => c.command === 'warning').map((c) => c.value);
    expect(warnings[0]).toContain('collect: reports not copied: reports on the runner is not a directory (links are never followed)');
    rmSync(path.join(job.workspace, 'reports'));
  });

  test('with workspace: none there is nowhere to collect into', async () => {
    const run = await cell('workspace: none\nrun: "true"\ncollect: [x]');
    // A rule of the document: refused by the schema, as `gvisor-cell validate` refuses it.
    expect(errors(run.main)).toEqual([
      'input cell is not a valid cell document:\n  - collect: there is no workspace to collect into with workspace: none',
    ]);
  });
});

describe('a workspace at a long path with spaces and non-ASCII names', () => {
  test('is mounted, entered and collected into like any other', async () => {
    const odd: Job = makeJob('ünïcode wörk');
    const deep = path.join(odd.workspace, 'ä b', `${'x'.repeat(180)}-ø`);
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(deep, 'dätä.txt'), 'grüße\n');
    const relative = path.relative(odd.workspace, deep);
    try {
      const run = await runAction(odd, {
        inputs: {
          cell: JSON.stringify({
            'working-directory': relative,
            run: 'cat dätä.txt && pwd && mkdir -p "../../résumé dir" && echo ok > "../../résumé dir/ñ.txt"',
            collect: ['résumé dir'],
          }),
          'runsc-path': runsc,
        },
      });
      expect(errors(run.main)).toEqual([]);
      expect(run.main.outputs.stdout).toBe(`grüße\n${deep}\n`);
      expect(readFileSync(path.join(odd.workspace, 'résumé dir', 'ñ.txt'), 'utf8')).toBe('ok\n');
    } finally {
      removeJob(odd);
    }
  });
});

describe('rootfs: { path }', () => {
  test('a prepared root filesystem runs the cell; the workspace is added on top; writes stay in the cell', async () => {
    // The smallest real root filesystem at hand: one static binary (runsc itself, a static Go program).
    const rootfs = path.join(job.workspace, 'images', 'static');
    mkdirSync(path.join(rootfs, 'bin'), { recursive: true });
    copyFileSync(runsc, path.join(rootfs, 'bin', 'tool'));
    chmodSync(path.join(rootfs, 'bin', 'tool'), 0o755);
    // The workspace's mount point is missing: refused, naming it, rather than written into the directory.
    const refused = await cell('rootfs: { path: images/static }\ncommand: [/bin/tool, --version]');
    expect(errors(refused.main)).toEqual([
      `rootfs.path: ${rootfs} lacks the mount points ${job.workspace}; create them in it (runsc would otherwise create them there, and a prepared root filesystem is never written to)`,
    ]);
    mkdirSync(path.join(rootfs, job.workspace), { recursive: true });
    const before = readdirSync(rootfs, { recursive: true }).sort();
    const run = await cell('rootfs: { path: images/static }\ncommand: [/bin/tool, --version]');
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toMatch(/^runsc version /);
    expect(readdirSync(rootfs, { recursive: true }).sort()).toEqual(before);
    // Nothing of the host's /usr is there: only what the directory holds.
    const missing = await cell('rootfs: { path: images/static }\ncommand: [/usr/bin/env]', { 'fail-on-error': 'false' });
    // The cell's failure (exit 127, as a shell says it), which fail-on-error: false reports without failing the step.
    expect(missing.main.outputs['exit-code']).toBe('127');
    expect(errors(missing.main)).toEqual([]);
    expect(missing.main.stdout).toContain('Cell cell could not run its command: /usr/bin/env was not found in the cell (exit 127)\n');
    expect(missing.main.stdout).toContain(`The cell's root is the prepared tree ${rootfs}: the program must be in it`);
  });

  test('a path that is not a directory is refused naming the key', async () => {
    const run = await cell('rootfs: { path: single.txt }\nrun: "true"');
    expect(errors(run.main)).toEqual([`rootfs.path: ${job.workspace}/single.txt is not a directory`]);
  });
});

describe('workspace: none', () => {
  test('working-directory is relative to HOME, which is a fresh tmpfs', async () => {
    const run = await cell('workspace: none\nrun: pwd; ls -A; ls -A /home/*/work 2>&1 || true');
    // Only the mount point of the (read-only) tool cache, which lies in this runner's HOME; no workspace.
    expect(run.main.outputs.stdout).toBe(`${job.home}\ntoolcache\nls: cannot access '/home/*/work': No such file or directory\n`);
  });
});
