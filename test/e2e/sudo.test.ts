/**
 * The hosted-runner case: the action runs as an ordinary user with
 * passwordless sudo, so runsc runs through `sudo -n` while the cell runs as
 * that user. And a user without sudo gets a clear error. Real users, made in
 * setup (needs root; skipped, saying so, when the suite is not run as root).
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { cgroupMountPoints } from '../../src/run/cgroups.js';
import { REPO } from '../support/action-yml.js';
import { ARCH, type BucketServer, serveBucket } from '../support/bucket.js';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { ensureUser, isRoot } from '../support/users.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

const SUDOER = 'gvc-e2e-sudo';
const PLAIN = 'gvc-e2e-plain';
const SUDOERS_FILE = '/etc/sudoers.d/gvc-e2e';

describe.skipIf(!isRoot)('as an ordinary user (creating users needs root)', () => {
  let sudoer: { uid: number; gid: number };
  let plain: { uid: number; gid: number };
  let job: Job;
  let plainJob: Job;
  let server: BucketServer;
  let actionDir: string;
  const install = { 'download-url': '', 'runsc-version': '20260901.0' };

  beforeAll(async () => {
    if (!existsSync('/usr/bin/sudo')) throw new Error('sudo is not installed: .ci/run installs it (apt-get install sudo)');
    sudoer = ensureUser(SUDOER);
    plain = ensureUser(PLAIN);
    writeFileSync(SUDOERS_FILE, `${SUDOER} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
    job = makeJob('sudo', sudoer);
    // The repository may sit where other users cannot read (under /root): give them a copy of dist/.
    actionDir = mkdtempSync('/tmp/gvc-e2e-action-');
    chmodSync(actionDir, 0o755);
    cpSync(path.join(REPO, 'dist'), path.join(actionDir, 'dist'), { recursive: true });
    plainJob = makeJob('plain', plain);
    server = await serveBucket(inject('bucketDir'));
    install['download-url'] = server.url;
  });

  afterAll(async () => {
    await server?.close();
    rmSync(SUDOERS_FILE, { force: true });
    if (job) removeJob(job);
    if (actionDir) rmSync(actionDir, { recursive: true, force: true });
    if (plainJob) removeJob(plainJob);
    for (const name of [SUDOER, PLAIN]) spawnSync('userdel', [name]);
  });

  test('runsc runs through sudo -n, the cell as the user; everything left behind is the user’s', async () => {
    const run = await runAction(job, {
      user: sudoer,
      actionDir,
      inputs: { cell: 'run: |\n  id -u; id -g\n  echo x > made-in-cell\n', ...install },
    });
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe(`${sudoer.uid}\n${sudoer.gid}\n`);
    // The tool cache entry and the log are the user's, so the next step (or job) can use them.
    const runscPath = run.main.outputs['runsc-path'] as string;
    expect(statSync(path.dirname(runscPath)).uid).toBe(sudoer.uid);
    expect(statSync(runscPath).uid).toBe(sudoer.uid);
    expect(statSync(run.main.outputs['log-file'] as string).uid).toBe(sudoer.uid);
    // The run directory, runsc state included, is gone: nothing root-owned was left in RUNNER_TEMP.
    expect(readdirSync(job.temp).filter((e) => e.startsWith('gvisor-cell-') && e !== 'gvisor-cell-logs')).toEqual([]);
    expect(existsSync(path.join(job.workspace, 'made-in-cell'))).toBe(false);

    // Second run: from the cache, still as the user.
    server.requests.length = 0;
    const again = await runAction(job, { user: sudoer, actionDir, inputs: { cell: 'run: id -u', ...install } });
    expect(again.main.outputs.stdout).toBe(`${sudoer.uid}\n`);
    expect(server.requests).toEqual([]);
  });

  test('files a cell writes to the host (a read-write mount) belong to the user, not root', async () => {
    const out = path.join(job.home, 'out');
    mkdirSync(out);
    chownSync(out, sudoer.uid, sudoer.gid);
    const run = await runAction(job, {
      user: sudoer,
      actionDir,
      inputs: {
        cell: `workspace: read-only\nmounts: [{ source: ${out}, target: /out, mode: read-write }]\nrun: echo report > /out/report.xml`,
        ...install,
      },
    });
    expect(errors(run.main)).toEqual([]);
    const report = statSync(path.join(out, 'report.xml'));
    expect([report.uid, report.gid]).toEqual([sudoer.uid, sudoer.gid]);
  });

  test('user: root is root inside the cell only', async () => {
    const run = await runAction(job, { user: sudoer, actionDir, inputs: { cell: 'run: id -u\nuser: root', ...install } });
    expect(run.main.outputs.stdout).toBe('0\n');
  });

  test('killed outright: the post step removes the sandbox through sudo, and runs no runsc the state names', async () => {
    // A forger's "runsc", for a post step that would run what STATE_runsc names through sudo (as root).
    const marker = path.join(job.home, 'evil-ran');
    const evil = path.join(job.home, 'evil-runsc');
    writeFileSync(evil, `#!/bin/sh\necho "uid $(id -u): $*" >> ${marker}\n`, { mode: 0o755 });
    const run = await runAction(job, {
      user: sudoer,
      actionDir,
      inputs: { cell: 'run: |\n  echo ready\n  sleep 600\n', ...install },
      noPost: true,
      onSpawn: (child) => {
        let seen = '';
        child.stdout?.on('data', (c: Buffer) => {
          seen += c.toString();
          if (seen.includes('ready\n')) child.kill('SIGKILL');
        });
      },
    });
    expect(run.main.signal).toBe('SIGKILL');
    const runDir = run.main.state['run-dir'] as string;
    const alive = () => spawnSync('pgrep', ['-f', runDir]).status === 0;
    expect(alive()).toBe(true);
    // The genuine state, with a forged runsc and sudo added (as a `::save-state` would), replayed as the runner does.
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', RUNNER_TEMP: job.temp };
    for (const [k, v] of Object.entries({ ...run.main.state, runsc: evil, sudo: 'true' })) env[`STATE_${k}`] = v;
    const post = spawnSync(inject('actionNode'), [path.join(actionDir, 'dist', 'post', 'index.js')], {
      env,
      encoding: 'utf8',
      uid: sudoer.uid,
      gid: sudoer.gid,
      timeout: 60_000,
    });
    expect(post.status).toBe(0);
    expect(existsSync(marker)).toBe(false);
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
    // Root-owned runsc state included: removed through sudo.
    expect(existsSync(runDir)).toBe(false);
  });

  // Where /dev/kvm exists but KVM hangs (this project's VMs), the start stalls and its processes are killed.
  test.skipIf(!existsSync('/dev/kvm'))(
    'a stalled start with limits: the cgroups runsc made as root are removed through sudo',
    async () => {
      const cell = 'name: sudo-cgroups\nrun: echo in-kvm\nlimits: { timeout: 4s, memory: 256Mi }';
      const run = await runAction(job, { user: sudoer, actionDir, inputs: { cell, platform: 'kvm', ...install } });
      if (run.main.outputs['exit-code'] !== '0') expect(errors(run.main)[0]).toContain('runsc did not start the sandbox within 4s');
      const id = path.basename(run.main.outputs['log-file'] as string, '.log');
      expect(id).toMatch(/^sudo-cgroups-\w{6}$/);
      const left = cgroupMountPoints(readFileSync('/proc/self/mountinfo', 'utf8')).filter((point) => existsSync(path.join(point, id)));
      expect(left).toEqual([]);
    },
    60_000,
  );

  test('runsc-sha512 through sudo: the verified private copy runs as root; a tampered entry fails closed, never run as root', async () => {
    const pin = readFileSync(path.join(inject('bucketDir'), '20260901.0', ARCH, 'gvisor.tar.zstd.sha512'), 'utf8').slice(0, 128);
    const pinned = { ...install, 'runsc-sha512': pin };
    const first = await runAction(job, { user: sudoer, actionDir, inputs: { cell: 'run: id -u', ...pinned } });
    expect(errors(first.main)).toEqual([]);
    expect(first.main.outputs.stdout).toBe(`${sudoer.uid}\n`);
    expect((first.main.outputs['runsc-path'] as string).startsWith(`${job.temp}/gvisor-cell-`)).toBe(true);

    // What a job before this one could leave in the user's own tool cache: runsc that runs anything as root.
    const entry = path.join(job.toolCache, readdirSync(job.toolCache)[0] as string, '20260901.0.0', ARCH);
    const marker = path.join(job.home, 'ran-as-root');
    const evil = `#!/bin/sh\nid -u >> '${marker}'\nexec '${inject('runsc')}' "$@"\n`;
    for (const file of ['runsc', 'gvisor.tar.zstd']) writeFileSync(path.join(entry, file), evil, { mode: 0o755 });
    const run = await runAction(job, { user: sudoer, actionDir, inputs: { cell: 'run: echo never', ...pinned } });
    expect(run.main.exitCode).toBe(1);
    expect(errors(run.main)[0]).toContain(`the tool-cache entry ${entry} does not match runsc-sha512`);
    expect(existsSync(marker)).toBe(false);
    expect(readdirSync(job.temp).filter((e) => e.startsWith('gvisor-cell-') && e !== 'gvisor-cell-logs')).toEqual([]);
    rmSync(entry, { recursive: true, force: true });
    rmSync(`${entry}.complete`, { force: true });
  });

  test('without root and without sudo: a clear error, no exit-code', async () => {
    const run = await runAction(plainJob, { user: plain, actionDir, inputs: { cell: 'run: echo never', ...install } });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.outputs['exit-code']).toBeUndefined();
    const [error] = errors(run.main);
    expect(error).toContain('runsc never started: running it needs root or passwordless sudo, and `sudo -n` failed');
    expect(error).not.toContain('platform: ptrace');
    expect(run.main.outputs.logs).not.toContain('never\n');
  });
});
