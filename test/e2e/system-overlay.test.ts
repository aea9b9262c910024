/**
 * `system: overlay` (#14): the runner's /usr, /etc, /opt and package state
 * writable in memory, and sudo for the cell's user, as a hosted runner runs
 * the action (an ordinary user with passwordless sudo on the runner). The
 * install is a real `.deb` the test builds with dpkg-deb; the runner's files
 * are hashed before and after. Attacks: a root cell truncating, deleting and
 * replacing the runner's files through the overlay.
 */

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type BucketServer, serveBucket } from '../support/bucket.js';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { createUpstream } from '../support/upstream.js';
import { actionCopy, ensureUser, isRoot } from '../support/users.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

const USER = 'gvc-e2e-system';
const SUDOERS_FILE = '/etc/sudoers.d/gvc-e2e-system';
const PACKAGE = 'gvc-e2e-hello';

/** The runner's files a cell could try to change, hashed (a file that does not exist hashes as "absent"). */
const WATCHED = ['/var/lib/dpkg/status', '/etc/hostname', '/etc/passwd', '/usr/bin/env', `/usr/bin/${PACKAGE}`, '/etc/gvc-e2e-written'];

function hashes(): Record<string, string> {
  return Object.fromEntries(WATCHED.map((f) => [f, existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : 'absent']));
}

describe.skipIf(!isRoot)('system: overlay, as an ordinary user with sudo on the runner (making users needs root)', () => {
  let user: { uid: number; gid: number };
  let job: Job;
  let server: BucketServer;
  let actionDir: string;
  const install = { 'download-url': '', 'runsc-version': '20260901.0' };

  const run = (cell: string, more: Record<string, string> = {}) =>
    runAction(job, { user, actionDir, inputs: { cell, ...install, ...more } });

  beforeAll(async () => {
    user = ensureUser(USER);
    writeFileSync(SUDOERS_FILE, `${USER} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
    job = makeJob('system', user);
    // A copy of dist/ the user can read (the repository may sit under /root); removed in afterAll.
    actionDir = actionCopy().dir;
    server = await serveBucket(inject('bucketDir'));
    install['download-url'] = server.url;
    // A package of the test's own: one script in /usr/bin.
    const root = path.join(job.home, 'pkg');
    mkdirSync(path.join(root, 'DEBIAN'), { recursive: true });
    mkdirSync(path.join(root, 'usr', 'bin'), { recursive: true });
    writeFileSync(
      path.join(root, 'DEBIAN', 'control'),
      `Package: ${PACKAGE}\nVersion: 1.0\nArchitecture: all\nMaintainer: gvisor-cell tests <tests@example.invalid>\nDescription: says hello\n`,
    );
    writeFileSync(path.join(root, 'usr', 'bin', PACKAGE), '#!/bin/sh\necho "hello from the package"\n', { mode: 0o755 });
    const built = spawnSync('dpkg-deb', ['--root-owner-group', '--build', root, path.join(job.workspace, `${PACKAGE}.deb`)], {
      encoding: 'utf8',
    });
    if (built.status !== 0) throw new Error(`dpkg-deb failed: ${built.stderr}`);
    spawnSync('chown', ['-R', `${user.uid}:${user.gid}`, job.workspace]);
  });

  afterAll(async () => {
    await server?.close();
    rmSync(SUDOERS_FILE, { force: true });
    if (job) removeJob(job);
    if (actionDir) rmSync(actionDir, { recursive: true, force: true });
    spawnSync('userdel', [USER]);
  });

  test('sudo works for the cell’s user: root inside, the masked files still empty, input, output and status passed through', async () => {
    const r = await run(
      [
        'system: overlay',
        'run: |',
        '  id -u',
        '  sudo -n true && echo sudo-n-true',
        '  sudo id -u',
        '  echo "shadow $(sudo cat /etc/shadow | wc -c) sudoers $(sudo cat /etc/sudoers | wc -c)"',
        '  echo from-stdin | sudo tee /etc/gvc-e2e-written > /dev/null && cat /etc/gvc-e2e-written',
        '  sudo -E sh -c "echo \\$SUDO_USER; exit 7" || echo "status $?"',
        '  sudo -u nobody id -un',
      ].join('\n'),
    );
    expect(errors(r.main)).toEqual([]);
    expect(r.main.outputs.stdout).toBe(
      [`${user.uid}`, 'sudo-n-true', '0', 'shadow 0 sudoers 0', 'from-stdin', USER, 'status 7', 'nobody', ''].join('\n'),
    );
    expect(existsSync('/etc/gvc-e2e-written')).toBe(false);
  });

  test('sudo as sudo is: the helper leaves the cell’s environment, descriptors and input alone', async () => {
    const r = await run(
      [
        'system: overlay',
        'env: { dir: build, uid: mine, setpriv: x, TMOUT: "1" }',
        'run: |',
        '  echo "env $dir $uid $setpriv"',
        // A loop reading a file: sudo must not eat the lines it does not read.
        '  printf "a\\nb\\nc\\n" > /tmp/list',
        '  while read -r l; do sudo true; echo "line $l"; done < /tmp/list',
        // Into a pipe of the cell's (relayed), and the request FIFO not handed on.
        '  sudo ls -l /proc/self/fd | grep -c /run/gvisor-cell-sudo/requests || true',
        // The words of -s are escaped, as sudo does.
        "  sudo -s echo 'a   b' ';' echo injected",
        // A daemon started with its output redirected does not hold sudo.
        '  start=$(date +%s); sudo sh -c "sleep 20 > /dev/null 2>&1 &"; echo "returned after $(( $(date +%s) - start ))s"',
        // Output into a file keeps the file's place; a slow reader gets everything; a closed stdout is /dev/null.
        '  { echo a; sudo echo b; echo c; } > /tmp/f; tr "\\n" " " < /tmp/f; echo',
        '  sudo seq 1 20000 | { sleep 3; wc -l; }',
        '  sudo true >&- && echo closed-ok',
        // TMOUT in the environment (bash's read timeout) does not stop the helper between requests.
        '  sleep 2; sudo id -u',
      ].join('\n'),
    );
    expect(errors(r.main)).toEqual([]);
    const out = r.main.outputs.stdout ?? '';
    expect(out).toContain('env build mine x\nline a\nline b\nline c\n0\na   b ; echo injected\n');
    const after = Number(/returned after (\d+)s/.exec(out)?.[1]);
    expect(after).toBeLessThan(10);
    expect(out).toMatch(/returned after \d+s\na b c \n20000\nclosed-ok\n0\n$/);
  });

  test('with collect (the helper is the waiting init, the command comes by runsc exec), sudo works from the first line', async () => {
    const r = await run(['system: overlay', 'collect: [who.txt]', 'run: sudo id -u > who.txt'].join('\n'));
    expect(errors(r.main)).toEqual([]);
    expect(readFileSync(path.join(job.workspace, 'who.txt'), 'utf8')).toBe('0\n');
    rmSync(path.join(job.workspace, 'who.txt'), { force: true });
  });

  test('sudo dpkg -i installs a package that then runs; the runner has no trace of it', async () => {
    const before = hashes();
    const r = await run(
      ['system: overlay', 'run: |', `  sudo dpkg -i ${PACKAGE}.deb`, `  ${PACKAGE}`, `  dpkg -s ${PACKAGE} | grep '^Status'`].join('\n'),
    );
    expect(errors(r.main)).toEqual([]);
    expect(r.main.outputs.stdout).toContain('hello from the package\nStatus: install ok installed\n');
    expect(hashes()).toEqual(before);
    expect(spawnSync('dpkg', ['-s', PACKAGE]).status).not.toBe(0);
  });

  test('a root cell truncating, deleting and replacing the runner’s files changes only its own copies', async () => {
    const before = hashes();
    const r = await run(
      [
        'system: overlay',
        'user: root',
        'run: |',
        '  : > /etc/hostname; : > /var/lib/dpkg/status',
        '  truncate -s 0 /etc/passwd',
        '  rm -f /usr/bin/env && echo gone > /usr/bin/env',
        '  python3 -c "import os; os.truncate(\'/etc/hostname\', 0)" 2>/dev/null || true',
        '  wc -c < /etc/hostname; wc -c < /var/lib/dpkg/status; cat /usr/bin/env',
      ].join('\n'),
    );
    expect(errors(r.main)).toEqual([]);
    expect(r.main.outputs.stdout).toBe('0\n0\ngone\n');
    expect(hashes()).toEqual(before);
  });

  test('apt-get update and install from an archive on an allowed name, through the allow-list; an unlisted archive is refused', async () => {
    // A flat archive of the test's own (dpkg-scanpackages, a Release with the Packages' hash), served by the
    // egress harness's upstream in its own namespace: nothing leaves this machine.
    const files = mkdtempSync('/tmp/gvc-e2e-archive-');
    chmodSync(files, 0o755);
    const archive = path.join(files, 'apt');
    mkdirSync(archive);
    cpSync(path.join(job.workspace, `${PACKAGE}.deb`), path.join(archive, `${PACKAGE}_1.0_all.deb`));
    const scanned = spawnSync('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], { cwd: archive, encoding: 'utf8' });
    if (scanned.status !== 0) throw new Error(`dpkg-scanpackages failed: ${scanned.stderr}`);
    writeFileSync(path.join(archive, 'Packages'), scanned.stdout);
    const packages = readFileSync(path.join(archive, 'Packages'));
    writeFileSync(
      path.join(archive, 'Release'),
      `Origin: gvisor-cell tests\nDate: ${new Date().toUTCString()}\nSHA256:\n ${createHash('sha256').update(packages).digest('hex')} ${packages.length} Packages\n`,
    );
    const up = await createUpstream({ files });
    try {
      const before = hashes();
      const name = up.names.allowed;
      const r = await run(
        [
          'system: overlay',
          `network: { allow: [${name}] }`,
          'env: { DEBIAN_FRONTEND: noninteractive }',
          'run: |',
          '  sudo rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*',
          `  echo "deb [trusted=yes] http://${name}/files/apt ./" | sudo tee /etc/apt/sources.list.d/gvc-e2e.list`,
          '  sudo apt-get update -q',
          `  sudo apt-get install -y -q ${PACKAGE}`,
          `  ${PACKAGE}`,
          `  echo "deb [trusted=yes] http://${up.names.other}/files/apt ./" | sudo tee /etc/apt/sources.list.d/other.list`,
          '  sudo apt-get update -q 2>&1 | grep -c "Failed to fetch" || true',
        ].join('\n'),
      );
      expect(errors(r.main)).toEqual([]);
      const out = r.main.outputs.stdout ?? '';
      expect(out).toContain('hello from the package\n');
      expect(out).toMatch(/^[1-9]\d*$/m);
      const log = readFileSync(r.main.outputs['egress-log'] as string, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { name: string; via: string; decision: string });
      // apt takes the cell's proxy (sudo keeps the proxy settings, as the runner's sudoers would be told to).
      expect(log).toContainEqual(expect.objectContaining({ name, via: 'connect', decision: 'allowed' }));
      expect(log).toContainEqual(expect.objectContaining({ name: up.names.other, decision: 'denied' }));
      expect(log.filter((e) => e.decision === 'allowed').every((e) => e.name === name)).toBe(true);
      // The archive was reached by name, with the Host apt sent.
      expect((await up.hits()).some((h) => h.kind === 'http' && h.host === name && h.path === '/files/apt/./Release')).toBe(true);
      expect(hashes()).toEqual(before);
    } finally {
      await up.dispose();
      rmSync(files, { recursive: true, force: true });
    }
  });

  test('without the key, the same install fails, and the step says to set system: overlay', async () => {
    const before = hashes();
    const r = await run(`run: sudo dpkg -i ${PACKAGE}.deb`);
    expect(r.main.exitCode).toBe(1);
    const said = errors(r.main).join('\n');
    expect(said).toContain('set system: overlay');
    expect(hashes()).toEqual(before);
  });
});
