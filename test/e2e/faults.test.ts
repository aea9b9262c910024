/**
 * Holding up under what a CI fleet throws at the action: cells that print
 * hundreds of megabytes (past the log file's default cap) (and bytes that are not text), several cells at once
 * on one runner, a broken runsc, runner debug logging.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { cgroupMountPoints } from '../../src/run/cgroups.js';
import { type BucketServer, serveBucket } from '../support/bucket.js';
import { type Job, makeJob, removeJob } from '../support/job.js';
import type { ActionRun } from '../support/runner.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

let job: Job;
const runsc = inject('runsc');

beforeAll(() => {
  job = makeJob('faults');
});
afterAll(() => removeJob(job));

/** Peak resident memory of a process, sampled from /proc until it exits. */
function watchRss(pid: number): { peakKiB: () => number; stop: () => void } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch {
      // exited
    }
  }, 25);
  return { peakKiB: () => peak, stop: () => clearInterval(timer) };
}

describe('a cell that prints 300 MB, a long line, binary and invalid UTF-8', () => {
  let run: ActionRun;
  let peakKiB = 0;
  const TOTAL_LINES = 300 * 1024 * 1024;
  beforeAll(async () => {
    let watch: ReturnType<typeof watchRss> | undefined;
    const doc = [
      'name: chatty',
      'shell: sh', // no pipefail: `yes` ends with SIGPIPE once head has had enough
      'run: |',
      `  yes 'a line of output, 0123456789' | head -c ${TOTAL_LINES}`,
      '  head -c 3000000 /dev/zero | tr "\\0" "x"',
      '  head -c 100000 /dev/urandom',
      "  printf '\\nbad utf-8: \\377\\376 cut \\303'",
      "  printf '\\nthe end\\n'",
    ].join('\n');
    run = await runAction(job, {
      inputs: { cell: doc, 'runsc-path': runsc, 'output-limit': '16384' },
      stdoutTail: 1 << 20,
      onSpawn: (child) => {
        watch = watchRss(child.pid as number);
      },
    });
    watch?.stop();
    peakKiB = watch?.peakKiB() ?? 0;
  }, 300_000);

  test('the cell succeeds; the log file stops at the default limits.log (256Mi) with the marker line, and the step says so', () => {
    expect(run.main.outputs['exit-code']).toBe('0');
    const file = run.main.outputs['log-file'] as string;
    const cap = 256 * 2 ** 20;
    const line = 'a line of output, 0123456789\n';
    // The cut falls where it falls in a line of `yes`: the marker then starts a line of its own.
    const marker = `${cap % line.length === 0 ? '' : '\n'}[gvisor-cell] log file cut at ${cap} bytes (limits.log: 256Mi); the rest of the output is only in the job log\n`;
    expect(statSync(file).size).toBe(cap + Buffer.byteLength(marker));
    const end = Buffer.alloc(200);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, end, 0, end.length, cap + Buffer.byteLength(marker) - end.length);
    } finally {
      closeSync(fd);
    }
    const expectedEnd =
      line
        .repeat(Math.ceil(cap / line.length))
        .slice(0, cap)
        .slice(-(end.length - marker.length)) + marker;
    expect(end.toString()).toBe(expectedEnd);
    const warnings = run.main.commands.filter((c) => c.command === 'warning').map((c) => c.value);
    expect(warnings).toEqual([`log-file ${file}: cut at 256Mi by limits.log; the rest of the output is only in the job log`]);
  });

  test('the action’s own memory stays bounded', () => {
    expect(peakKiB).toBeGreaterThan(0);
    expect(peakKiB).toBeLessThan(200 * 1024);
  });

  test('outputs are tails within output-limit; all together well under the runner’s 1 MB', () => {
    for (const name of ['logs', 'stdout'] as const) {
      const value = run.main.outputs[name] as string;
      expect(Buffer.byteLength(value)).toBeLessThanOrEqual(16384 * 3); // replacement characters may widen invalid bytes
      expect(value.endsWith('\nthe end\n')).toBe(true);
    }
    const outputFile = Object.values(run.main.outputs).join('');
    expect(Buffer.byteLength(outputFile)).toBeLessThan(200_000);
  });

  test('the summary stays far under 1 MiB and the job log closes the stop-commands window', () => {
    expect(Buffer.byteLength(run.main.summary)).toBeLessThan(100_000);
    expect(run.main.stdout).toMatch(/the end\n::[0-9a-f]{48}::\n/);
  });
});

describe('cells in parallel on one runner', () => {
  test('same name, started at once: no collision of ids, state, logs', async () => {
    const runs = await Promise.all(
      [1, 2, 3].map((i) => runAction(job, { inputs: { cell: `name: same\nrun: sleep 0.5; echo cell ${i}`, 'runsc-path': runsc } })),
    );
    expect(runs.map((r) => r.main.outputs.stdout)).toEqual(['cell 1\n', 'cell 2\n', 'cell 3\n']);
    const dirs = runs.map((r) => r.main.state['run-dir']);
    expect(new Set(dirs).size).toBe(3);
    const logs = runs.map((r) => r.main.outputs['log-file']);
    expect(new Set(logs).size).toBe(3);
    expect(logs.map((l) => readFileSync(l as string, 'utf8'))).toEqual(['cell 1\n', 'cell 2\n', 'cell 3\n']);
  });

  describe('installing the same runsc twice at once', () => {
    let server: BucketServer;
    beforeAll(async () => {
      server = await serveBucket(inject('bucketDir'));
    });
    afterAll(() => server.close());

    test('both succeed and leave one whole cache entry', async () => {
      const inputs = { cell: 'run: echo ok', 'download-url': server.url, 'runsc-version': '20260901.0' };
      const [a, b] = await Promise.all([runAction(job, { inputs }), runAction(job, { inputs })]);
      expect(errors(a.main)).toEqual([]);
      expect(errors(b.main)).toEqual([]);
      expect([a.main.outputs.stdout, b.main.outputs.stdout]).toEqual(['ok\n', 'ok\n']);
      expect(a.main.outputs['runsc-path']).toBe(b.main.outputs['runsc-path']);
      const third = await runAction(job, { inputs });
      expect(third.main.stdout).toContain('Using cached');
    });
  });
});

describe('a broken runsc', () => {
  test('runsc-path to a file that is not runsc names the input', async () => {
    const fake = path.join(job.home, 'not-runsc');
    writeFileSync(fake, 'this is not a binary', { mode: 0o755 });
    const run = await runAction(job, { inputs: { cell: 'run: echo', 'runsc-path': fake } });
    expect(run.main.exitCode).toBe(1);
    expect(errors(run.main)[0]).toMatch(new RegExp(`^input runsc-path: ${fake} --version failed`));
    expect(run.main.outputs['exit-code']).toBeUndefined();
  });

  test('runsc-path to a program that exits 0 (/usr/bin/true) is refused by its --version, naming the input', async () => {
    const run = await runAction(job, { inputs: { cell: 'run: echo', 'runsc-path': '/usr/bin/true' } });
    expect(run.main.exitCode).toBe(1);
    expect(errors(run.main)[0]).toMatch(
      /^input runsc-path: \/usr\/bin\/true is not runsc: its --version printed .*, where runsc prints "runsc version release-…"$/,
    );
    // Before, true's exit 0 was the cell's: exit-code 0 and a passed step.
    expect(run.main.outputs['exit-code']).toBeUndefined();
    expect(run.main.stdout).not.toContain('Running cell');
  });

  test('a runsc that fails to start the sandbox: the error says so and shows runsc’s words', async () => {
    // A file that is not a program is refused by runsc itself (exec format error), before the cell runs.
    // (A program that does not exist is the cell's exit 127: test/e2e/hints.test.ts.)
    const run = await runAction(job, { inputs: { cell: 'command: [/etc/passwd]', 'runsc-path': runsc } });
    expect(run.main.outputs['exit-code']).toBeUndefined();
    expect(errors(run.main)[0]).toMatch(/^The sandbox did not start: runsc failed before running the cell\.\n/);
    expect(errors(run.main)[0]).toContain('If the host refuses systrap');
  });
});

/** The cgroup directories (in every hierarchy) of containers whose id starts so. */
function cellCgroups(prefix: string): string[] {
  const dirs: string[] = [];
  for (const point of cgroupMountPoints(readFileSync('/proc/self/mountinfo', 'utf8'))) {
    for (const name of readdirSync(point)) if (name.startsWith(prefix)) dirs.push(path.join(point, name));
  }
  return dirs;
}

/** Host processes of a runsc on the kvm platform: what a stalled start must not leave. */
function kvmRunscs(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes('--platform=kvm')) pids.push(Number(entry));
    } catch {
      // not a process, or gone
    }
  }
  return pids;
}

// /dev/kvm is there on this project's VMs, but nested KVM does not work: runsc hangs instead of failing.
describe.skipIf(!existsSync('/dev/kvm'))('platform: kvm', () => {
  test('runs the cell where KVM works; where it hangs, the start limit stops it with the advice to use systrap', async () => {
    const run = await runAction(job, { inputs: { cell: 'run: echo in-kvm', 'runsc-path': runsc, platform: 'kvm' } });
    if (run.main.outputs['exit-code'] === '0') {
      expect(run.main.outputs.stdout).toBe('in-kvm\n');
    } else {
      expect(run.main.exitCode).toBe(1);
      expect(errors(run.main)[0]).toMatch(/^The sandbox did not start: runsc failed before running the cell\.\n/);
      expect(errors(run.main)[0]).toContain(
        'runsc did not start the sandbox within 30 s on platform kvm, and was stopped. /dev/kvm is there, but KVM does not work',
      );
      expect(errors(run.main)[0]).not.toContain('try platform: ptrace');
      expect(run.main.outputs['exit-code']).toBeUndefined();
      expect(run.main.outputs.stdout).toBe('');
      expect(Number(run.main.outputs['duration-ms'])).toBeLessThan(40_000);
    }
    expect(kvmRunscs()).toEqual([]);
  }, 90_000);

  test('where it hangs under a timeout shorter than the start limit, the timeout says it never started, not that it timed out', async () => {
    const cell = 'run: echo in-kvm\nlimits: { timeout: 4s }';
    const run = await runAction(job, { inputs: { cell, 'runsc-path': runsc, platform: 'kvm' } });
    if (run.main.outputs['exit-code'] === '0') {
      expect(run.main.outputs.stdout).toBe('in-kvm\n');
    } else {
      expect(run.main.exitCode).toBe(1);
      expect(errors(run.main)[0]).toContain(
        "runsc did not start the sandbox within 4s, the cell's timeout, on platform kvm, and was stopped. /dev/kvm is there, but KVM does not work",
      );
      expect(run.main.outputs['timed-out']).toBe('false');
      expect(run.main.outputs['exit-code']).toBeUndefined();
      expect(Number(run.main.outputs['duration-ms'])).toBeLessThan(15_000);
    }
    expect(kvmRunscs()).toEqual([]);
  }, 60_000);
  test('killed outright while the start stalls, with limits: the post step kills what runsc cannot stop, and its cgroups go', async () => {
    const cell = 'name: kvm-post\nrun: echo in-kvm\nlimits: { memory: 256Mi }';
    // This run's only: whatever an earlier run may have left does not count.
    const before = new Set(cellCgroups('kvm-post-'));
    const ours = () => cellCgroups('kvm-post-').filter((dir) => !before.has(dir));
    let seen: string[] = [];
    const run = await runAction(job, {
      inputs: { cell, 'runsc-path': runsc, platform: 'kvm' },
      onSpawn: (child) => {
        // Once runsc has made the sandbox's cgroups (it hangs in KVM after that), main is killed.
        const look = setInterval(() => {
          seen = ours();
          if (seen.length > 0 && kvmRunscs().length > 0) {
            clearInterval(look);
            setTimeout(() => child.kill('SIGKILL'), 500);
          }
        }, 50);
        child.once('exit', () => clearInterval(look));
      },
    });
    if (run.main.outputs['exit-code'] === '0') return; // KVM works here: nothing stalled.
    expect(run.main.signal).toBe('SIGKILL');
    expect(seen.length).toBeGreaterThan(0);
    expect(run.post?.exitCode).toBe(0);
    expect(errors(run.post as NonNullable<typeof run.post>)).toEqual([]);
    expect(kvmRunscs()).toEqual([]);
    expect(ours()).toEqual([]);
  }, 90_000);

  test('with limits, the cgroups runsc made for a sandbox killed in its stalled start go with it', async () => {
    // runsc removes its cgroups when its sandbox ends, not when its processes are killed.
    const cell = 'name: kvm-cgroups\nrun: echo in-kvm\nlimits: { timeout: 4s, memory: 256Mi, pids: 200 }';
    const before = new Set(cellCgroups('kvm-cgroups-'));
    let seen: string[] = [];
    const run = await runAction(job, {
      inputs: { cell, 'runsc-path': runsc, platform: 'kvm' },
      onSpawn: (child) => {
        const look = setInterval(() => {
          if (seen.length === 0) seen = cellCgroups('kvm-cgroups-').filter((dir) => !before.has(dir));
        }, 50);
        child.once('exit', () => clearInterval(look));
      },
    });
    if (run.main.outputs['exit-code'] === '0') return; // KVM works here: runsc stopped its own sandbox.
    expect(errors(run.main)[0]).toContain('runsc did not start the sandbox within 4s');
    // They were there while the start stalled.
    expect(seen.length).toBeGreaterThan(0);
    expect(kvmRunscs()).toEqual([]);
    const id = path.basename(run.main.outputs['log-file'] as string, '.log');
    expect(id).toMatch(/^kvm-cgroups-\w{6}$/);
    const left = cgroupMountPoints(readFileSync('/proc/self/mountinfo', 'utf8')).filter((point) => existsSync(path.join(point, id)));
    expect(left).toEqual([]);
  }, 60_000);
});

describe('runner debug logging', () => {
  test('RUNNER_DEBUG=1: runsc debug logs in debug-log-dir, config.json in a group', async () => {
    const run = await runAction(job, { inputs: { cell: 'run: echo dbg', 'runsc-path': runsc }, env: { RUNNER_DEBUG: '1' } });
    expect(run.main.outputs.stdout).toBe('dbg\n');
    const dir = run.main.outputs['debug-log-dir'] as string;
    expect(dir).toBeTruthy();
    expect(readdirSync(dir).length).toBeGreaterThan(0);
    const groups = run.main.commands.filter((c) => c.command === 'group').map((c) => c.value);
    expect(groups).toContain('config.json');
    expect(run.main.stdout).toContain('"ociVersion"');
  });
});
