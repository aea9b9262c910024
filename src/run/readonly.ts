/**
 * Read-only, enforced by the host kernel.
 *
 * gVisor marks a read-only bind mount read-only inside the sandbox, but
 * releases before 20250707 let `open(O_TRUNC)` through it with directfs on
 * (fixed upstream by "Check MS_RDONLY for O_TRUNC before doing file
 * truncation"): a cell could empty any file it may only read — the workspace
 * in read-only mode, a read-only mount, and as root anything root-owned in
 * the host view. The fix here does not depend on the runsc in use.
 *
 * runsc is started in a private mount namespace (util-linux `unshare`) in
 * which every bind source the cell must not write is first bound, with the
 * kernel's `ro` flag, at a stub inside the run directory; the spec names the
 * stubs instead of the originals. runsc's gofer (and the sentry, through
 * directfs) only ever opens files through those read-only mounts. Nothing is
 * mounted in the runner's own namespace, so nothing is left to clean up: the
 * namespace ends with the sandbox's last process. Writes the user allowed
 * (`read-write` mounts and workspace) keep their original sources.
 */
import { mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isInside } from '../bundle/host.js';
import type { Bundle, OciSpec } from '../bundle/spec.js';
import { findInDirs } from '../fs-kind.js';

export interface ReadOnlyStage {
  /** Each protected source and the stub it is bound to, read-only, in the sandbox's namespace. */
  binds: { source: string; at: string; file: boolean }[];
  /**
   * Mounts found below a protected source (`--rbind` copies them, but `ro`
   * applies to the top mount only), at their place below the stub: each is
   * remounted read-only too.
   */
  submounts: string[];
  /**
   * With `system: overlay`: binds into the skeleton root itself (and their
   * submounts, remounted read-only), then the masks on top of them: the empty
   * file bound over each masked file, an empty read-only tmpfs over each
   * masked directory. Their mount points are the skeleton's or the runner's
   * own: no stubs.
   */
  root?: { binds: { source: string; at: string }[]; submounts: string[]; maskFiles: { source: string; at: string }[]; maskDirs: string[] };
  /**
   * With `rootfs: { image }`: the cached tree (`lower`) as the lower layer of
   * an overlayfs mounted at the skeleton's place (`at`), its upper layer on a
   * tmpfs of the namespace's own at `scratch`. runsc's gofer makes the mount
   * points it needs in that upper layer; the cached tree is never written
   * (the cell's own writes go to runsc's overlay, in memory), and nothing is
   * left on the runner's disk.
   */
  image?: { lower: string; at: string; scratch: string };
}

/** The bind mounts whose writes would reach the host: `rw` ones, unless `--overlay2=all:` keeps every write in memory. */
function writesReachHost(bundle: Bundle, options: readonly string[] | undefined): boolean {
  return (options ?? []).includes('rw') && bundle.sandbox.overlay !== 'all';
}

/**
 * The spec runsc is given: the bundle's, with every bind source the cell must
 * not change (and a prepared root filesystem) reached through a stub under
 * `stageDir`; and what to bind at each stub. The bundle is left as it is.
 * `mountPoints` are the host's mount points (from /proc/self/mountinfo), to
 * find submounts. Touches no disk but to stat sources (which must exist:
 * checkHostPaths ran).
 */
function realpathOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** The mount points below `real` (a source's real path), at their place below `at`. */
function submountsOf(real: string, at: string, mountPoints: readonly string[]): string[] {
  return mountPoints
    .filter((m) => m.startsWith(real === '/' ? '/' : `${real}/`) && m !== real)
    .map((m) => path.join(at, path.relative(real, m)));
}

export function stageReadOnly(
  bundle: Bundle,
  stageDir: string,
  mountPoints: readonly string[],
  skeleton?: { rootfs: string; emptyFile: string },
): { stage: ReadOnlyStage; spec: OciSpec } {
  const stage: ReadOnlyStage = { binds: [], submounts: [] };
  const rootStage = bundle.rootStage;
  if (rootStage) {
    if (!skeleton) throw new Error('system: overlay needs the skeleton root to stage into');
    const at = (p: string) => path.join(skeleton.rootfs, p);
    // The staging shell mounts on the host, where a link in a masked path would be followed out of the root
    // (a mask landing on the runner's own file, the cell reading the original through the bind). So each mask
    // goes where its path really leads, inside one of the binds, or nowhere: a path that leads outside them, or
    // to nothing, is not in the cell's view.
    const bound = rootStage.binds.map((source) => ({ source, real: realpathSync(source) }));
    /** Where `p` really is in the root: below the bind that holds what it leads to, at that bind's own path. */
    const inView = (p: string): string | undefined => {
      const real = realpathOrUndefined(p);
      const holder = real === undefined ? undefined : bound.find((b) => isInside(real, b.real));
      return holder && real !== undefined ? path.join(holder.source, path.relative(holder.real, real)) : undefined;
    };
    stage.root = {
      binds: rootStage.binds.map((source) => ({ source, at: at(source) })),
      submounts: rootStage.binds.flatMap((source) => submountsOf(realpathSync(source), at(source), mountPoints)),
      maskFiles: rootStage.maskFiles.flatMap((f) => {
        const real = inView(f);
        return real === undefined ? [] : [{ source: skeleton.emptyFile, at: at(real) }];
      }),
      maskDirs: rootStage.maskDirs.flatMap((d) => {
        const real = inView(d);
        return real === undefined ? [] : [at(real)];
      }),
    };
  }
  if (bundle.image) {
    if (!skeleton) throw new Error('rootfs: image needs the skeleton root to mount over');
    // overlayfs's option syntax takes these as separators.
    const scratch = `${skeleton.rootfs}.upper`;
    for (const p of [bundle.image, scratch]) {
      if (/[,:\\]/.test(p)) {
        throw new Error(
          `rootfs.image: ${p} holds a comma, colon or backslash, which overlayfs options cannot carry; move the tool cache or the temp directory`,
        );
      }
    }
    stage.image = { lower: bundle.image, at: skeleton.rootfs, scratch };
  }
  const staged = new Map<string, string>();
  const stubFor = (source: string): string => {
    const known = staged.get(source);
    if (known) return known;
    const at = path.join(stageDir, String(staged.size));
    staged.set(source, at);
    const file = !statSync(source).isDirectory();
    stage.binds.push({ source, at, file });
    if (!file) stage.submounts.push(...submountsOf(realpathSync(source), at, mountPoints));
    return at;
  };
  const mounts = bundle.spec.mounts.map((m) =>
    m.type !== 'bind' || writesReachHost(bundle, m.options) ? m : { ...m, source: stubFor(m.source) },
  );
  const { root } = bundle.spec;
  // Our own skeleton ('rootfs', inside the bundle) holds nothing of the runner's.
  const rootPath = path.isAbsolute(root.path) ? stubFor(root.path) : root.path;
  return { stage, spec: { ...bundle.spec, mounts, root: { ...root, path: rootPath } } };
}

/** Creates the stubs the sources are bound to (a directory or an empty file each), as the action's user. */
export function makeStubs(stage: ReadOnlyStage, stageDir: string): void {
  if (stage.binds.length === 0) return;
  mkdirSync(stageDir, { mode: 0o700 });
  for (const b of stage.binds) {
    if (b.file) writeFileSync(b.at, '', { flag: 'wx', mode: 0o400 });
    else mkdirSync(b.at, { mode: 0o500 });
  }
}

/** Decodes a mount point as /proc/self/mountinfo escapes it (`\040` for a space, and so on). */
export function unescapeMountPoint(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** The mount points of this process's namespace (field 5 of each mountinfo line). */
export function hostMountPoints(mountinfo = '/proc/self/mountinfo'): string[] {
  let text: string;
  try {
    text = readFileSync(mountinfo, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined && p !== '')
    .map(unescapeMountPoint);
}

/** Exit status of the namespace script when a read-only bind could not be made (runsc never started). */
export const SETUP_FAILED = 125;

/**
 * A path as a field of fstab(5): blanks, control characters, `#` and the
 * backslash as libmount's octal escapes (`\040`…), which it decodes in every
 * field.
 */
export function fstabField(p: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be escaped here.
  return p.replace(/[\x00-\x20\x7f#\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/**
 * Every mount of the stage but the image's, in order, as an fstab(5) table
 * for one `mount --fstab <table> -a`: util-linux makes them one after the
 * other in that order, in one process, where a `mount` per bind cost about
 * 1.5 ms each (docs/performance.md). `--rbind` copies the mounts below a
 * source, but `ro` applies to the top one only: each of those is remounted
 * read-only by a line of its own.
 */
export function mountTable(stage: ReadOnlyStage, { maskNetSysctls = false }: { maskNetSysctls?: boolean } = {}): string {
  // `mount -a` passes over a line it cannot parse (and exits 0): every path field must be one it reads
  // as a path, which an absolute path, escaped, always is.
  const f = (p: string) => {
    if (!path.isAbsolute(p)) throw new Error(`internal: a read-only mount names ${JSON.stringify(p)}, not an absolute path`);
    return fstabField(p);
  };
  const bind = (source: string, at: string) => `${f(source)} ${f(at)} none rbind,ro,nosuid,nodev 0 0`;
  const ro = (at: string) => `none ${f(at)} none remount,bind,ro,nosuid,nodev 0 0`;
  const mask = (at: string) => `gvisor-cell-mask ${f(at)} tmpfs ro,nosuid,nodev,noexec,size=4k,mode=0755 0 0`;
  const lines = [
    ...stage.binds.map((b) => bind(b.source, b.at)),
    ...stage.submounts.map(ro),
    // Parents before what is masked in them.
    ...(stage.root?.binds ?? []).map((b) => bind(b.source, b.at)),
    ...(stage.root?.submounts ?? []).map(ro),
    ...(stage.root?.maskFiles ?? []).map((m) => bind(m.source, m.at)),
    ...(stage.root?.maskDirs ?? []).map(mask),
    ...(maskNetSysctls ? [mask(NET_SYSCTLS)] : []),
  ];
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * Runs in the new namespace, as root: makes every mount of the table (`-`:
 * none), lays out the image, then becomes runsc. Any failure stops it before
 * runsc starts (fail closed). Arguments: mount's and mkdir's paths, the
 * table, `image LOWER AT SCRATCH`, `--`, runsc's argv (PATH, under sudo its
 * secure_path, is not relied on).
 */
const SCRIPT = `set -e
mount=$1 mkdir=$2 table=$3
shift 3
if [ "$table" != - ]; then
  "$mount" --fstab "$table" -a || { echo "gvisor-cell: could not make the mounts in $table" >&2; exit ${SETUP_FAILED}; }
fi
while [ "$1" != -- ]; do
  case $1 in
    image) { "$mount" -t tmpfs -o nosuid,nodev,size=16m,mode=0700 gvisor-cell-upper "$4" && "$mkdir" "$4/u" "$4/w" &&
      "$mount" -t overlay -o "nosuid,nodev,lowerdir=$2,upperdir=$4/u,workdir=$4/w" gvisor-cell-image "$3"; } ||
      { echo "gvisor-cell: could not lay the image $2 out" >&2; exit ${SETUP_FAILED}; }; shift 4 ;;
    *) exit ${SETUP_FAILED} ;;
  esac
done
shift
exec "$@"`;

export interface NamespaceTools {
  unshare: string;
  sh: string;
  mount: string;
  mkdir: string;
}

/**
 * Absolute paths of the tools the namespace needs, from the system's own
 * directories only: they run as root, and PATH may hold directories an
 * earlier step added. Throws naming what is missing.
 */
export function findNamespaceTools(dirs: readonly string[] = ['/usr/bin', '/bin', '/usr/sbin', '/sbin']): NamespaceTools {
  const find = (name: string) => findInDirs(name, dirs);
  const unshare = find('unshare');
  const sh = find('sh');
  const mount = find('mount');
  const mkdir = find('mkdir');
  const missing = [unshare ? '' : 'unshare', sh ? '' : 'sh', mount ? '' : 'mount', mkdir ? '' : 'mkdir'].filter(Boolean);
  if (missing.length > 0 || !unshare || !sh || !mount || !mkdir) {
    throw new Error(
      `gvisor-cell needs ${missing.join(', ')} (util-linux) to make the cell's read-only paths read-only on the host; install util-linux`,
    );
  }
  return { unshare, sh, mount, mkdir };
}

/**
 * runsc releases before the fix of google/gvisor#10704 take a network
 * namespace for the runner's own when /proc/sys/net/core/rmem_default exists
 * in it, which Linux 6.11 and later show in every namespace: runsc then
 * refuses `--network=sandbox` ("cannot run with network enabled in root
 * network namespace"). Hiding /proc/sys/net from runsc (in its private mount
 * namespace only; netstack reads nothing there) lets those releases run a
 * cell in the namespace the action made; later ones do not look.
 */
const NET_SYSCTLS = '/proc/sys/net';

/**
 * The argv that runs `runsc` (its full argv) in a private mount namespace
 * with the stage in place; the table (mountTable) is written to `tableFile`
 * first, in the run directory, when there is anything in it.
 */
export function inNamespace(
  stage: ReadOnlyStage,
  tools: NamespaceTools,
  runscArgv: readonly string[],
  { maskNetSysctls = false, tableFile }: { maskNetSysctls?: boolean; tableFile: string },
): string[] {
  const table = mountTable(stage, { maskNetSysctls });
  if (table) writeFileSync(tableFile, table, { mode: 0o600 });
  const image = stage.image ? ['image', stage.image.lower, stage.image.at, stage.image.scratch] : [];
  return [
    tools.unshare,
    '--mount',
    '--propagation',
    'private',
    '--',
    tools.sh,
    '-c',
    SCRIPT,
    'gvisor-cell-ro',
    tools.mount,
    tools.mkdir,
    table ? tableFile : '-',
    ...image,
    '--',
    ...runscArgv,
  ];
}
