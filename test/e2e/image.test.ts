/**
 * `rootfs: { image }` against a real registry on loopback (Debian's
 * docker-registry) and a real runsc: images the suite builds and pushes
 * itself, pulled, verified, unpacked into the tool cache and run.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { REPO } from '../support/action-yml.js';
import { busyboxLayer, gzipped, nodeLayer, zstded } from '../support/images.js';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { OCI_INDEX, OCI_MANIFEST, pushImage, pushManifest, type Registry, startRegistry } from '../support/registry.js';
import { tar } from '../support/tar-build.js';
import { actionCopy, ensureUser, grantSudo, isRoot, type User } from '../support/users.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

const runsc = inject('runsc');
let job: Job;
let registry: Registry;
let locked: Registry;
/** A proxy in front of `registry`: counts blob requests; with `tamper`, flips a byte of every layer it serves. */
let proxy: { host: string; blobRequests: number; tamper: boolean; close: () => void };
let base: string;

const USER = { name: 'ci', password: 'pa55-w0rd' };

beforeAll(async () => {
  job = makeJob('image');
  registry = await startRegistry(path.join(job.home, 'registry'));
  locked = await startRegistry(path.join(job.home, 'registry-locked'), USER);
  const counting = { blobRequests: 0, tamper: false };
  const server = http.createServer((req, res) => {
    const blob = req.url?.includes('/blobs/') ?? false;
    if (blob) counting.blobRequests++;
    const up = http.request(
      { host: '127.0.0.1', port: Number(registry.host.split(':')[1]), path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        let first = true;
        r.on('data', (c: Buffer) => {
          // A gzip layer's first byte (0x1f): the config blob (JSON) is left alone.
          if (counting.tamper && blob && first && c[0] === 0x1f) c[c.length - 1] = (c[c.length - 1] as number) ^ 0xff;
          first = false;
          res.write(c);
        });
        r.on('end', () => res.end());
      },
    );
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy = Object.assign(counting, {
    host: `127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => server.close(),
  });
  const push = { registry: registry.host, repository: 'test/base', reference: 'v1' };
  const lower = busyboxLayer([
    { name: 'etc/gone', data: 'deleted above' },
    { name: 'opt/' },
    { name: 'opt/old', data: 'hidden above' },
    { name: 'opt/sub/' },
    { name: 'opt/sub/deep', data: 'hidden above' },
  ]);
  const upper = tar([
    { name: 'etc/.wh.gone' },
    { name: 'opt/' },
    { name: 'opt/.wh..wh..opq' },
    { name: 'opt/new', data: 'from layer 2\n' },
  ]);
  base = await pushImage(push, [gzipped(lower), gzipped(upper)], {
    Env: ['PATH=/usr/local/bin:/bin', 'FROM_IMAGE=yes', 'HOME=/image-home'],
    WorkingDir: '/opt',
  });
}, 120_000);

afterAll(async () => {
  proxy?.close();
  await registry?.stop();
  await locked?.stop();
  if (job) removeJob(job);
});

function cell(doc: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  return runAction(job, { inputs: { cell: doc, 'runsc-path': runsc, ...inputs }, env });
}

/** Every path of a tree with a hash of its content (or a link's target), to show it unchanged. */
function fingerprint(root: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = lstatSync(p);
      h.update(`${path.relative(root, p)} ${st.mode} `);
      if (st.isSymbolicLink()) h.update(readlinkSync(p));
      else if (st.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(root);
  return h.digest('hex');
}

const roots = () => path.join(job.toolCache, 'gvisor-cell-images', 'roots');

describe('rootfs: { image }', () => {
  test('two layers merged (whiteout, opaque directory); writes go to the overlay, never the cached tree', async () => {
    const run = await cell(
      `rootfs: { image: ${registry.host}/test/base:v1 }\nworkspace: read-write\nshell: sh\nrun: |\n  ls -A /etc /opt /opt/new\n  cat /opt/new\n  echo mine > /etc/mine && cat /etc/mine\n  rm /bin/cat\n  echo made > out.txt`,
    );
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe('/opt/new\n\n/etc:\npasswd\n\n/opt:\nnew\nfrom layer 2\nmine\n');
    expect(run.main.outputs['image-digest']).toBe(base);
    expect(readFileSync(path.join(job.workspace, 'out.txt'), 'utf8')).toBe('made\n');
    expect(run.main.stdout).toMatch(new RegExp(`Pulled ${registry.host}/test/base:v1 \\(${base}\\): [0-9.]+ MiB fetched in`));
    expect(run.main.summary).toContain(`| image | Pulled ${registry.host}/test/base:v1 (${base}): `);
    // The entry: one tree and its marker; the cell's writes and removals are not in it.
    const hex = base.slice('sha256:'.length);
    expect(readdirSync(roots()).sort()).toEqual([hex, `${hex}.json`]);
    const tree = path.join(roots(), hex, 'rootfs');
    expect(existsSync(path.join(tree, 'bin', 'cat'))).toBe(true);
    expect(existsSync(path.join(tree, 'etc', 'mine'))).toBe(false);
    expect(readdirSync(tree).sort()).toEqual(['bin', 'etc', 'opt', 'tmp']);
    const before = fingerprint(tree);
    const again = await cell(`rootfs: { image: ${registry.host}/test/base:v1 }\nshell: sh\nrun: echo x > /opt/new; rm -r /etc; ls /`);
    expect(again.main.stdout).toContain(`Image ${registry.host}/test/base:v1 (${base}) from the cache`);
    expect(fingerprint(tree)).toBe(before);
  });

  test('the image’s Env and WorkingDir where the document is silent; the document wins; HOME is the cell’s', async () => {
    const run = await cell(
      `rootfs: { image: ${registry.host}/test/base:v1 }\nworkspace: none\nenv: { FROM_DOC: "1" }\nshell: sh\nrun: echo "$PATH $FROM_IMAGE $FROM_DOC $HOME"; pwd`,
    );
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe(`/usr/local/bin:/bin yes 1 ${job.home}\n/opt\n`);
    const doc = await cell(
      `rootfs: { image: ${registry.host}/test/base:v1 }\nenv: { FROM_IMAGE: doc }\nshell: sh\nrun: echo $FROM_IMAGE; pwd`,
    );
    expect(doc.main.outputs.stdout).toBe(`doc\n${job.workspace}\n`);
  });

  test('collect, limits and env work over an image as over the host (collect runs the image’s own tar)', async () => {
    const run = await cell(
      `rootfs: { image: ${registry.host}/test/base:v1 }\nshell: sh\ncollect: [report]\nlimits: { timeout: 1m, memory: 512Mi, pids: 64 }\nrun: mkdir report && echo "$FROM_IMAGE" > report/result.txt`,
    );
    expect(errors(run.main)).toEqual([]);
    expect(readFileSync(path.join(job.workspace, 'report', 'result.txt'), 'utf8')).toBe('yes\n');
  });

  test('a digest: used from the cache with no registry at all; a wrong one refused, naming both', async () => {
    const hex = base.slice('sha256:'.length);
    // Nothing listens on port 2 of loopback: a pinned image in the cache needs no registry.
    const pinnedRef = `127.0.0.1:2/test/base@${base}`;
    const pinned = await cell(`rootfs: { image: ${pinnedRef} }\nshell: sh\nrun: cat /opt/new`);
    expect(errors(pinned.main)).toEqual([]);
    expect(pinned.main.outputs.stdout).toBe('from layer 2\n');
    const wrong = `sha256:${'0'.repeat(64)}`;
    const refused = await cell(`rootfs: { image: ${registry.host}/test/other@${wrong} }\nrun: "true"`);
    expect(errors(refused.main)).toEqual([
      `rootfs.image: GET http://${registry.host}/v2/test/other/manifests/${wrong}: 404 Not Found from ${registry.host}/test/other`,
    ]);
    const mismatch = await cell(`rootfs: { image: ${registry.host}/test/base:v1@${wrong} }\nrun: "true"`);
    expect(errors(mismatch.main)).toEqual([
      `rootfs.image: GET http://${registry.host}/v2/test/base/manifests/${wrong}: 404 Not Found from ${registry.host}/test/base`,
    ]);
    expect(readdirSync(roots()).filter((n) => !n.startsWith(hex))).toEqual([]);
  });

  test('a blob whose bytes do not match its digest fails the pull, naming both; nothing is kept', async () => {
    const digest = await pushImage({ registry: registry.host, repository: 'test/tampered', reference: 'v1' }, [
      gzipped(busyboxLayer([{ name: 'tampered', data: 'x' }])),
    ]);
    proxy.tamper = true;
    try {
      const run = await cell(`rootfs: { image: ${proxy.host}/test/tampered:v1 }\nrun: "true"`);
      expect(errors(run.main)[0]).toMatch(
        new RegExp(
          `^rootfs\\.image: GET http://${proxy.host}/v2/test/tampered/blobs/(sha256:[0-9a-f]{64}): digest mismatch: expected \\1, got sha256:[0-9a-f]{64}$`,
        ),
      );
      expect(run.main.outputs['exit-code']).toBeUndefined();
    } finally {
      proxy.tamper = false;
    }
    expect(readdirSync(roots()).filter((n) => n.includes(digest.slice(7)))).toEqual([]);
    const blobs = path.join(job.toolCache, 'gvisor-cell-images', 'blobs', 'sha256');
    expect(readdirSync(blobs).filter((n) => n.includes('partial'))).toEqual([]);
  });

  test('a missing image or registry is named with the status, and nothing starts', async () => {
    const missing = await cell(`rootfs: { image: ${registry.host}/test/missing:v1 }\nrun: "true"`);
    expect(errors(missing.main)).toEqual([
      `rootfs.image: GET http://${registry.host}/v2/test/missing/manifests/v1: 404 Not Found from ${registry.host}/test/missing`,
    ]);
    expect(missing.main.outputs['exit-code']).toBeUndefined();
    const down = await cell('rootfs: { image: 127.0.0.1:2/test/base:v1 }\nrun: "true"');
    expect(errors(down.main)[0]).toMatch(/^rootfs\.image: GET http:\/\/127\.0\.0\.1:2\/v2\/test\/base\/manifests\/v1: .*ECONNREFUSED/);
  });

  test('zstd layers, and a multi-arch index: the runner’s platform is chosen', async () => {
    const push = (reference: string) => ({ registry: registry.host, repository: 'test/multi', reference });
    const amd = await pushImage(push('amd64'), [zstded(busyboxLayer([{ name: 'arch', data: 'amd64\n' }]))]);
    const arm = await pushImage(push('arm64'), [zstded(busyboxLayer([{ name: 'arch', data: 'arm64\n' }]))], {}, 'arm64');
    const manifest = (digest: string, architecture: string) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest,
      size: 0,
      platform: { os: 'linux', architecture },
    });
    const sizeOf = async (d: string) =>
      Number(
        (
          await fetch(`http://${registry.host}/v2/test/multi/manifests/${d}`, {
            method: 'HEAD',
            headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
          })
        ).headers.get('content-length'),
      );
    const entries = [
      { ...manifest(arm, 'arm64'), size: await sizeOf(arm) },
      { ...manifest(amd, 'amd64'), size: await sizeOf(amd) },
    ];
    const index = await pushManifest(push('latest'), OCI_INDEX, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries });
    const run = await cell(`rootfs: { image: ${registry.host}/test/multi }\nshell: sh\nrun: cat /arch`);
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe(`${process.arch === 'arm64' ? 'arm64' : 'amd64'}\n`);
    // The output is what the reference resolved to (the index: the digest to pin); the cache is keyed by the manifest.
    expect(run.main.outputs['image-digest']).toBe(index);
    expect(existsSync(path.join(roots(), `${amd.slice(7)}.json`))).toBe(true);
  });

  test('a registry that needs a password: 401 without a login, pulled with the one docker login leaves', async () => {
    const hex = await pushImage({ registry: locked.host, repository: 'private/app', reference: 'v1', auth: USER }, [
      gzipped(busyboxLayer()),
    ]);
    expect(hex).toMatch(/^sha256:/);
    const doc = `rootfs: { image: ${locked.host}/private/app:v1 }\nshell: sh\nrun: echo in`;
    const without = await cell(doc);
    expect(errors(without.main)[0]).toBe(
      `rootfs.image: GET http://${locked.host}/v2/private/app/manifests/v1: 401 Unauthorized from ${locked.host}/private/app: no credentials for ${locked.host} in ${path.join(job.home, '.docker', 'config.json')}`,
    );
    const dockerDir = path.join(job.home, 'docker-login');
    mkdirSync(dockerDir, { recursive: true });
    writeFileSync(
      path.join(dockerDir, 'config.json'),
      JSON.stringify({ auths: { [locked.host]: { auth: Buffer.from(`${USER.name}:${USER.password}`).toString('base64') } } }),
    );
    const withLogin = await cell(doc, {}, { DOCKER_CONFIG: dockerDir });
    expect(errors(withLogin.main)).toEqual([]);
    expect(withLogin.main.outputs.stdout).toBe('in\n');
    // The login is the action's: the cell sees neither the variable nor the file.
    const peek = await cell(
      `rootfs: { image: ${locked.host}/private/app:v1 }\nshell: sh\nrun: env; ls ${dockerDir} 2>&1 || true`,
      {},
      { DOCKER_CONFIG: dockerDir },
    );
    expect(peek.main.outputs.stdout).not.toContain('DOCKER_CONFIG');
    expect(peek.main.outputs.stdout).toContain('No such file or directory');
  });

  test('the second pull of an image makes no blob request; two pulls at once make one entry', async () => {
    const push = { registry: registry.host, repository: 'test/counted', reference: 'v1' };
    // A config of its own: a config blob kept from another image would not be fetched.
    const digest = await pushImage(push, [gzipped(busyboxLayer([{ name: 'counted', data: 'yes\n' }]))], { Env: ['COUNTED=1'] });
    const doc = `rootfs: { image: ${proxy.host}/test/counted:v1 }\nshell: sh\nrun: cat /counted`;
    proxy.blobRequests = 0;
    const [a, b] = await Promise.all([cell(doc), cell(doc)]);
    expect([a.main.outputs.stdout, b.main.outputs.stdout]).toEqual(['yes\n', 'yes\n']);
    // One config blob and one layer, fetched once between them.
    expect(proxy.blobRequests).toBe(2);
    const hex = digest.slice(7);
    expect(
      readdirSync(roots())
        .filter((n) => n.includes(hex))
        .sort(),
    ).toEqual([hex, `${hex}.json`]);
    const third = await cell(doc);
    expect(third.main.outputs.stdout).toBe('yes\n');
    expect(proxy.blobRequests).toBe(2);
    // A kept blob that no longer matches its digest (a cache restored from elsewhere, say) is fetched again.
    const blobs = path.join(job.toolCache, 'gvisor-cell-images', 'blobs', 'sha256');
    const manifest = (await (
      await fetch(`http://${registry.host}/v2/test/counted/manifests/v1`, { headers: { accept: OCI_MANIFEST } })
    ).json()) as {
      layers: { digest: string }[];
    };
    const layer = path.join(blobs, (manifest.layers[0]?.digest ?? '').slice(7));
    writeFileSync(layer, gzipSync(tar([{ name: 'counted', data: 'poisoned\n' }])));
    rmSync(path.join(roots(), hex), { recursive: true });
    rmSync(path.join(roots(), `${hex}.json`));
    const fourth = await cell(doc);
    expect(fourth.main.outputs.stdout).toBe('yes\n');
    expect(proxy.blobRequests).toBe(3);
  });

  test('node --version from an official-style image (zstd, /usr/local/bin/node and its libraries)', async () => {
    const node = inject('actionNode');
    await pushImage(
      { registry: registry.host, repository: 'test/node', reference: '24' },
      [gzipped(busyboxLayer()), zstded(nodeLayer(node))],
      {
        Env: ['PATH=/usr/local/bin:/bin', 'NODE_VERSION=test'],
      },
    );
    const run = await cell(
      `rootfs: { image: ${registry.host}/test/node:24 }\nworkspace: read-write\nshell: sh\nrun: node --version && node -e "require('fs').writeFileSync('n.txt', process.version)"`,
    );
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toMatch(/^v24\.\d+\.\d+\n$/);
    expect(readFileSync(path.join(job.workspace, 'n.txt'), 'utf8')).toBe(run.main.outputs.stdout?.trim());
  });
});

describe('the CLI', () => {
  test('gvisor-cell pull prints the tree; gvisor-cell run runs a cell over the image', async () => {
    const cli = path.join(REPO, 'dist', 'cli', 'index.js');
    const cache = path.join(job.home, 'cli-cache');
    const pulled = spawnSync(inject('actionNode'), [cli, 'pull', `${registry.host}/test/base:v1`, '--tool-cache', cache], {
      encoding: 'utf8',
    });
    expect(pulled.status).toBe(0);
    const hex = base.slice(7);
    expect(pulled.stdout).toBe(`${path.join(cache, 'gvisor-cell-images', 'roots', hex, 'rootfs')}\n`);
    expect(pulled.stderr).toContain(`gvisor-cell: Pulled ${registry.host}/test/base:v1 (${base})`);
    const doc = path.join(job.home, 'cli-cell.yml');
    writeFileSync(doc, `rootfs: { image: ${registry.host}/test/base@${base} }\nshell: sh\nrun: cat /opt/new\n`);
    const ran = spawnSync(inject('actionNode'), [cli, 'run', doc, '--tool-cache', cache, '--workspace', job.workspace], {
      encoding: 'utf8',
      env: { ...process.env, RUNSC: runsc },
    });
    expect(ran.stderr).toContain(`Image ${registry.host}/test/base@${base} (${base}) from the cache`);
    expect([ran.status, ran.stdout]).toEqual([0, 'from layer 2\n']);
    const missing = spawnSync(inject('actionNode'), [cli, 'pull', `${registry.host}/test/nothing:v1`, '--tool-cache', cache], {
      encoding: 'utf8',
    });
    expect([missing.status, missing.stdout]).toEqual([1, '']);
    expect(missing.stderr).toContain(`gvisor-cell: rootfs.image: GET http://${registry.host}/v2/test/nothing/manifests/v1: 404 Not Found`);
  });
});

describe('a hostile layer', () => {
  // Not below HOME or /tmp, which the cell gets as fresh tmpfs: a file put there through the image would be hidden.
  const outside = () => `/var/tmp/gvc-e2e-outside-${process.pid}`;
  afterAll(() => rmSync(outside(), { recursive: true, force: true }));

  test('../ entries: the pull fails, naming the entry; no entry is left, nothing outside is touched', async () => {
    mkdirSync(outside(), { recursive: true });
    const digest = await pushImage({ registry: registry.host, repository: 'evil/climb', reference: 'v1' }, [
      gzipped(
        tar([
          { name: 'ok', data: 'x' },
          { name: `../../../../../../../../..${outside()}/pwned`, data: 'x' },
        ]),
      ),
    ]);
    const run = await cell(`rootfs: { image: ${registry.host}/evil/climb:v1 }\nrun: "true"`);
    expect(errors(run.main)[0]).toMatch(
      /^rootfs\.image: layer 1 \(sha256:[0-9a-f]{64}\): the entry ".*\/pwned" climbs out of the image \(\.\.\): refused$/,
    );
    expect(readdirSync(outside())).toEqual([]);
    expect(readdirSync(roots()).filter((n) => n.includes(digest.slice(7)))).toEqual([]);
  });

  test('an absolute link followed by a file, a hard link out, a device node: nothing outside the entry', async () => {
    mkdirSync(outside(), { recursive: true });
    writeFileSync(path.join(outside(), 'victim'), 'intact');
    await pushImage({ registry: registry.host, repository: 'evil/links', reference: 'v1' }, [
      gzipped(busyboxLayer([{ name: 'escape', type: 'symlink', link: outside() }, { name: 'dev/' }, { name: 'dev/sda', type: 'char' }])),
      gzipped(
        tar([
          { name: 'escape/pwned', data: 'x' },
          { name: 'escape/victim', data: 'overwritten' },
        ]),
      ),
    ]);
    const run = await cell(
      `rootfs: { image: ${registry.host}/evil/links:v1 }\nshell: sh\nrun: cat ${outside()}/pwned; ls /dev/sda 2>&1 || true`,
    );
    expect(errors(run.main)).toEqual([]);
    expect(readdirSync(outside()).sort()).toEqual(['victim']);
    expect(readFileSync(path.join(outside(), 'victim'), 'utf8')).toBe('intact');
    expect(run.main.outputs.stdout).toBe('xls: /dev/sda: No such file or directory\n');
    expect(run.main.stdout).toContain("The image's device nodes and FIFOs were left out (1)");
    const hardlink = await pushImage({ registry: registry.host, repository: 'evil/hardlink', reference: 'v1' }, [
      gzipped(tar([{ name: 'h', type: 'hardlink', link: `../../../../../../..${outside()}/victim` }])),
    ]);
    const refused = await cell(`rootfs: { image: ${registry.host}/evil/hardlink:v1 }\nrun: "true"`);
    expect(errors(refused.main)[0]).toMatch(/climbs out of the image/);
    expect(lstatSync(path.join(outside(), 'victim')).nlink).toBe(1);
    expect(readdirSync(roots()).filter((n) => n.includes(hardlink.slice(7)))).toEqual([]);
  });
});

describe.skipIf(!isRoot)('as an ordinary user with sudo, as on a hosted runner (making users needs root)', () => {
  const NAME = 'gvc-e2e-image';
  let user: User;
  let own: Job;
  let revoke: () => void = () => {};
  let action: ReturnType<typeof actionCopy> | undefined;

  beforeAll(() => {
    user = ensureUser(NAME);
    revoke = grantSudo(NAME);
    own = makeJob('image-user', user);
    action = actionCopy(runsc);
  });
  afterAll(() => {
    revoke();
    action?.remove();
    if (own) removeJob(own);
  });

  test('the pull runs as root through sudo: the tree keeps the image’s owners; the cell runs as the user', async () => {
    await pushImage({ registry: registry.host, repository: 'test/owners', reference: 'v1' }, [
      gzipped(
        busyboxLayer([
          { name: 'owned', data: 'x', uid: 1234, gid: 2345 },
          { name: 'secret', data: 's', mode: 0o600 },
        ]),
      ),
    ]);
    const run = await runAction(own, {
      user,
      actionDir: action?.dir,
      inputs: {
        cell: `rootfs: { image: ${registry.host}/test/owners:v1 }\nworkspace: read-write\nshell: sh\nrun: stat -c '%u %g %n' /etc/passwd /owned; id -u; cat /secret 2>&1 || true; echo w > w.txt`,
        'runsc-path': action?.runsc ?? runsc,
      },
    });
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe(`0 0 /etc/passwd\n1234 2345 /owned\n${user.uid}\ncat: can't open '/secret': Permission denied\n`);
    expect(statSync(path.join(own.workspace, 'w.txt')).uid).toBe(user.uid);
    const hex = readdirSync(path.join(own.toolCache, 'gvisor-cell-images', 'roots')).find((n) => !n.endsWith('.json')) as string;
    const entry = path.join(own.toolCache, 'gvisor-cell-images', 'roots', hex);
    expect(statSync(path.join(entry, 'rootfs', 'owned')).uid).toBe(1234);
    // The image's setuid programs, kept as they are, are out of reach of the runner's users: the entry is root's, 0700.
    expect([statSync(entry).uid, statSync(entry).mode & 0o777]).toEqual([0, 0o700]);
    // The next step finds it (its manifests need no root), by tag and by digest.
    for (const image of [`${registry.host}/test/owners:v1`, `${registry.host}/test/owners@sha256:${hex}`]) {
      const again = await runAction(own, {
        user,
        actionDir: action?.dir,
        inputs: { cell: `rootfs: { image: ${image} }\nshell: sh\nrun: stat -c '%u' /owned`, 'runsc-path': action?.runsc ?? runsc },
      });
      expect(errors(again.main)).toEqual([]);
      expect(again.main.stdout).toContain(`Image ${image} (sha256:${hex}) from the cache`);
      expect(again.main.outputs.stdout).toBe('1234\n');
    }
  });
});
