/**
 * What the figures measure against: a provisioned runsc, a local release
 * bucket, a runner-like job layout, hand-written bare bundles, and a tool
 * cache warmed in both layouts. Everything is created under .tmp/ and
 * removed by `cleanup`, also on an interruption.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ACTION, type ActionDefinition, REPO } from '../support/action-yml.js';
import { addLoose, addTarball, type BucketServer, LOOSE_VERSION, serveBucket, stageRelease, TARBALL_VERSION } from '../support/bucket.js';
import { type Job, makeJobAt } from '../support/job.js';
import { processesMentioning } from '../support/procs.js';
import { TMP, TRIVIAL_CELL } from './constants.js';
import { log } from './log.js';
import { type BareRun, makeBareBundle } from './measure/bare.js';
import type { UpstreamHandle } from './measure/upstream.js';
import type { Processes } from './processes.js';
import { checkStep, runStep } from './steps.js';

export interface BenchJob extends Job {
  /** Holds the job's HOME, the bucket, the bare runs' state, and scratch space; removed at the end. */
  root: string;
  scratch: string;
}

export interface LocalBucket {
  url: string;
  dir: string;
  /** The tarball of TARBALL_VERSION: gvisor.tar.zstd when this machine has zstd (the action prefers it then), bz2 otherwise. */
  artifact: string;
  tarFlag: '--zstd' | '--bzip2';
}

export interface Bench {
  procs: Processes;
  runsc: string;
  job: BenchJob;
  /** A bare `runsc run` of the minimal bundle, and the same staged for the read-only namespace. */
  bare: BareRun;
  bareNs: BareRun;
  bucket: LocalBucket;
  action: ActionDefinition;
  /** runsc-path of the warm tool-cache entry of each version (installed from the local bucket). */
  warm: Record<string, string>;
  /** The warm tarball entry under the official bucket's tool name, `runsc`. */
  officialEntry: string;
}

/** What `cleanup` has to undo; filled in as setup goes. */
export interface Resources {
  server?: BucketServer;
  jobRoot?: string;
  /** The bare runs' runsc --root directories. */
  bareRoots?: string[];
  runsc?: string;
  createdTmp?: boolean;
  /** The egress figure's upstream: its namespace, veth, /etc/hosts line and server. */
  upstream?: UpstreamHandle;
}

export function haveCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export function provisionRunsc(): string {
  log('provisioning runsc (scripts/provision-runsc.sh)');
  const r = spawnSync('bash', [path.join(REPO, 'scripts', 'provision-runsc.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const found = r.stdout?.trim().split('\n').pop();
  if (r.status !== 0 || !found) throw new Error('scripts/provision-runsc.sh found no systrap-capable runsc (set RUNSC to one)');
  return found;
}

/** The two layouts the figures use: the loose binary, and one tarball. */
function buildBucket(dir: string, runsc: string): Omit<LocalBucket, 'url'> {
  addLoose(dir, LOOSE_VERSION, runsc);
  const zstd = haveCommand('zstd');
  const stage = path.join(dir, '.stage');
  stageRelease(stage, runsc);
  const file = addTarball(dir, TARBALL_VERSION, stage, zstd ? 'zstd' : 'bz2');
  rmSync(stage, { recursive: true, force: true });
  return { dir, artifact: path.basename(file), tarFlag: zstd ? '--zstd' : '--bzip2' };
}

/** A copy of a tool-cache entry under the official bucket's tool name (`runsc`), as tool-cache lays it out. */
function seedOfficialEntry(job: Job, entry: string): string {
  const arch = path.basename(entry);
  const key = path.basename(path.dirname(entry));
  const target = path.join(job.toolCache, 'runsc', key, arch);
  mkdirSync(path.dirname(target), { recursive: true });
  cpSync(entry, target, { recursive: true });
  writeFileSync(`${target}.complete`, '');
  return target;
}

export async function setUp(procs: Processes, runsc: string, resources: Resources): Promise<Bench> {
  resources.runsc = runsc;
  if (!existsSync(TMP)) {
    mkdirSync(TMP, { recursive: true });
    resources.createdTmp = true;
  }
  const root = mkdtempSync(path.join(TMP, `bench-${process.pid}-`));
  resources.jobRoot = root;

  const bucketDir = path.join(root, 'bucket');
  log(`building the release bucket in ${path.relative(REPO, bucketDir)}`);
  const built = buildBucket(bucketDir, runsc);
  const server = await serveBucket(bucketDir);
  resources.server = server;
  const bucket: LocalBucket = { ...built, url: server.url };

  const job: BenchJob = { ...makeJobAt(path.join(root, 'home')), root, scratch: path.join(root, 'scratch') };
  mkdirSync(job.scratch, { recursive: true });
  const bare = makeBareBundle(path.join(root, 'bare-state'), path.join(root, 'bare-bundle'));
  const bareNs = makeBareBundle(path.join(root, 'barens-state'), path.join(root, 'barens-bundle'), { staged: true });
  resources.bareRoots = [bare.root, bareNs.root];
  const ctx: Bench = { procs, runsc, job, bare, bareNs, bucket, action: ACTION, warm: {}, officialEntry: '' };

  // Warm the tool cache once (both layouts): every measured step after this is a cache hit.
  for (const version of [TARBALL_VERSION, LOOSE_VERSION]) {
    log(`warming the tool cache with ${version} from the local bucket`);
    const r = checkStep(
      await runStep(ctx, { cell: TRIVIAL_CELL, 'runsc-version': version, 'download-url': bucket.url }),
      `installing ${version}`,
    );
    const runscPath = r.outputs['runsc-path'];
    if (!runscPath) throw new Error(`installing ${version}: the step set no runsc-path output`);
    ctx.warm[version] = runscPath;
  }
  // Most workflows use the official bucket (no download-url): its tool-cache entry is
  // named `runsc` rather than `runsc-mirror-<hash>`. The same files under that name
  // are the cache such a workflow warms, and what the step figure measures.
  ctx.officialEntry = seedOfficialEntry(job, path.dirname(ctx.warm[TARBALL_VERSION] as string));
  return ctx;
}

/** Sandboxes, processes, directories, the servers, the egress upstream: whatever setup got to create. */
export async function cleanup(resources: Resources): Promise<void> {
  const { runsc, jobRoot } = resources;
  // First: a step still running has been stopped (procs.stopAll), so nothing uses the upstream any more.
  if (resources.upstream) {
    try {
      await resources.upstream.dispose();
    } catch (error) {
      log(`cleanup: removing the egress upstream failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const bareRoot of resources.bareRoots ?? []) {
    if (!runsc || !existsSync(bareRoot)) continue;
    const list = spawnSync(runsc, [`--root=${bareRoot}`, 'list', '-quiet'], { encoding: 'utf8', timeout: 10_000 });
    for (const id of (list.stdout ?? '').split('\n').filter(Boolean)) {
      log(`cleanup: deleting leftover sandbox ${id}`);
      spawnSync(runsc, [`--root=${bareRoot}`, 'kill', '--all', id, 'KILL'], { stdio: 'ignore', timeout: 10_000 });
      spawnSync(runsc, [`--root=${bareRoot}`, 'delete', '--force', id], { stdio: 'ignore', timeout: 10_000 });
    }
  }
  if (jobRoot) {
    // Anything still running from our directories (a sandbox, a gofer) was started by this bench.
    const leftovers = [
      ...new Set(
        [jobRoot, `bench-bare-${process.pid}-`, `bench-barens-${process.pid}-`, `bench-opt-${process.pid}-`].flatMap(processesMentioning),
      ),
    ].filter((p) => p !== process.pid);
    for (const pid of leftovers) {
      log(`cleanup: killing leftover process ${pid}`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    if (leftovers.length) await new Promise((r) => setTimeout(r, 500));
    rmSync(jobRoot, { recursive: true, force: true });
  }
  if (resources.server) await resources.server.close();
  if (resources.createdTmp) {
    try {
      rmdirSync(TMP);
    } catch {
      // not empty: something else lives there now
    }
  }
}
