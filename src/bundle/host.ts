/**
 * The facts about this runner that decide a cell's view of it. Gathered once,
 * with a handful of lstat calls (no processes), so the spec builder can stay pure.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { entryKind, findInDirs } from '../fs-kind.js';
import { type Scrubbed, scrubGitConfig } from './git-credentials.js';

/** Top-level entries that usr-merged systems make symlinks into /usr. */
export const ROOT_LINK_NAMES = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'] as const;

/**
 * Host files a cell must never read, even as root inside it: password hashes,
 * sudo rules, private keys. Masked (an empty file or directory on top) when present.
 */
export const MASKED_FILES = ['/etc/shadow', '/etc/shadow-', '/etc/gshadow', '/etc/gshadow-', '/etc/sudoers', '/etc/security/opasswd'];
export const MASKED_DIRS = ['/etc/sudoers.d', '/etc/ssl/private'];

/**
 * With `system: overlay`: the package state of /var the cell sees (and may
 * change, in memory) beside /usr, /etc and /opt, so that dpkg and apt work.
 * Nothing else of /var: logs, other services' state and caches stay out.
 */
export const SYSTEM_VAR = [
  '/var/lib/dpkg',
  '/var/lib/apt',
  '/var/cache/apt',
  '/var/cache/debconf',
  '/var/lib/ucf',
  '/var/lib/systemd/deb-systemd-helper-enabled',
  '/var/lib/systemd/deb-systemd-user-helper-enabled',
] as const;

/**
 * Parts of SYSTEM_VAR not searched for entries others may not read: the
 * package database and apt's lists and archives are public by design (their
 * root-only entries are lock files and apt's partial downloads), and dpkg's
 * info directory alone holds tens of thousands of files on a hosted image
 * (~100 ms a step to walk). debconf's cache, which may hold passwords a
 * preseed gave (passwords.dat), and the rest are searched.
 */
const PUBLIC_STATE: readonly string[] = ['/var/lib/dpkg', '/var/lib/apt', '/var/cache/apt'];

/** What the helper behind sudo needs of the runner (its /usr, shown in the cell): bash, and setpriv (util-linux). */
export interface SudoTools {
  bash: string;
  setpriv: string;
}

/** Directories of the host's view that may not hold the cell's HOME. */
const NOT_HOME = ['/', '/usr', '/etc', '/opt', '/proc', '/dev', '/sys', '/tmp', '/var/tmp', '/run', '/bin', '/sbin', '/lib', '/lib64'];

export type RootLink = { name: string; kind: 'symlink'; target: string } | { name: string; kind: 'dir' };

/** With `rootfs: { image }`: the unpacked tree in the cache (image/pull.ts), and what the cell takes of its config. */
export interface ImageFacts {
  root: string;
  env: readonly string[];
  workingDir: string | undefined;
}

export interface HostFacts {
  /** Set by the front end once the document's image is pulled. */
  image?: ImageFacts;
  uid: number;
  gid: number;
  workspace: string;
  /** HOME inside the cell: the runner's own path when usable, a fresh tmpfs either way. */
  home: string;
  toolCache: string | undefined;
  hasOpt: boolean;
  rootLinks: RootLink[];
  maskedFiles: string[];
  maskedDirs: string[];
  /**
   * Where /etc/resolv.conf really is when it links out of the read-only view
   * (Ubuntu: /run/systemd/resolve/stub-resolv.conf, which the cell's fresh /run
   * would hide, leaving `network: host` without DNS).
   */
  resolvConf: string | undefined;
  /**
   * The runner's own directories: its install (credentials, the live job log
   * under _diag), RUNNER_TEMP (file commands, this action's state), the work
   * root (other checkouts, downloaded actions). None may show through the
   * read-only host directories, as on a self-hosted runner in /opt.
   */
  runnerDirs: string[];
  /**
   * The cgroup controllers this host offers (v2: cgroup.controllers; v1: one
   * hierarchy per controller), or undefined when that cannot be told.
   */
  cgroupControllers: string[] | undefined;
  /** The parts of SYSTEM_VAR this runner has (directories only). */
  systemVar: string[];
  /** bash and setpriv, for sudo in a cell with `system: overlay` (bundle/sudo.ts); undefined when either is missing. */
  sudoTools: SudoTools | undefined;
  /** The workspace's git configs that hold checkout credentials, with them taken out. */
  gitConfigs: { path: string; scrubbed: Scrubbed }[];
  env: Readonly<Record<string, string | undefined>>;
}

/** Anything there but a directory or a link: what may be masked or read as a file here. */
function isFileLike(p: string): boolean {
  const k = entryKind(p);
  return k === 'file' || k === 'other';
}

/** The files and directories to mask: the known ones that exist, and `extra` (not below a masked directory). */
function masks(sshKeys: string[], extra: { files: string[]; dirs: string[] }): { maskedFiles: string[]; maskedDirs: string[] } {
  const maskedDirs = [...new Set([...MASKED_DIRS.filter((d) => entryKind(d) === 'dir'), ...extra.dirs])];
  const inMaskedDir = (f: string) => maskedDirs.some((d) => f !== d && isInside(f, d));
  const maskedFiles = [...new Set([...[...MASKED_FILES, ...sshKeys].filter(isFileLike), ...extra.files])].filter((f) => !inMaskedDir(f));
  return { maskedFiles, maskedDirs: maskedDirs.filter((d) => !maskedDirs.some((o) => o !== d && isInside(d, o))) };
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  // `..cache` is a name inside; only `..` itself or `../…` climbs out.
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

export function chooseHome(hostHome: string | undefined, workspace: string): string {
  if (hostHome && path.isAbsolute(hostHome)) {
    const home = path.normalize(hostHome).replace(/(.)\/+$/, '$1');
    const clashes = NOT_HOME.some((p) => (p === '/' ? home === '/' : isInside(home, p))) || isInside(home, workspace);
    if (!clashes) return home;
  }
  return '/home/cell';
}

/**
 * The git configs checkout writes credentials into: the workspace's, its
 * submodules' (.git/modules/…/config), and those of repositories checked out
 * one level down (`path:`). Only regular files: a link is resolved inside the
 * sandbox, where the host's target is not visible.
 */
export function gitConfigFiles(workspace: string): string[] {
  const found: string[] = [];
  const hasConfig = (dir: string) => isFileLike(path.join(dir, 'config'));
  // Under .git/modules, a directory with a config file is a submodule's git dir (look only in its
  // own modules/); one without is a component of a submodule path such as libs/a. Never walk a
  // git dir's objects or refs: this runs on every step.
  const modules = (dir: string, depth: number) => {
    if (depth > 4) return;
    for (const entry of safeReaddir(dir)) {
      const sub = path.join(dir, entry);
      if (entryKind(sub) !== 'dir') continue;
      if (hasConfig(sub)) {
        found.push(path.join(sub, 'config'));
        modules(path.join(sub, 'modules'), depth + 1);
      } else {
        modules(sub, depth + 1);
      }
    }
  };
  const gitDir = (repo: string) => {
    const git = path.join(repo, '.git');
    if (entryKind(git) !== 'dir') return;
    if (hasConfig(git)) found.push(path.join(git, 'config'));
    modules(path.join(git, 'modules'), 0);
  };
  gitDir(workspace);
  for (const entry of safeReaddir(workspace)) {
    if (entry !== '.git' && entryKind(path.join(workspace, entry)) === 'dir') gitDir(path.join(workspace, entry));
  }
  return [...new Set(found)];
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function cgroupControllers(root: string): string[] | undefined {
  try {
    // cgroup v2 (hosted runners): the root lists what it can delegate.
    return readFileSync(path.join(root, 'cgroup.controllers'), 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    // cgroup v1 (or hybrid): a hierarchy per controller, some mounted jointly (cpu,cpuacct).
    const entries = safeReaddir(root).flatMap((e) => e.split(','));
    return entries.length > 0 ? entries : undefined;
  }
}

/** The runner's install (from the node it started us with), RUNNER_TEMP and the work root. Pure. */
export function runnerDirs(env: Readonly<Record<string, string | undefined>>, execPath: string): string[] {
  const dirs: string[] = [];
  // The runner starts actions with <runner root>/externals/node<N>/bin/node.
  const m = /^(.+)\/externals\/node\d+[^/]*\/bin\/node$/.exec(execPath);
  if (m) dirs.push(m[1] as string);
  if (env.RUNNER_TEMP && path.isAbsolute(env.RUNNER_TEMP)) dirs.push(path.normalize(env.RUNNER_TEMP));
  if (env.RUNNER_WORKSPACE && path.isAbsolute(env.RUNNER_WORKSPACE)) dirs.push(path.dirname(path.normalize(env.RUNNER_WORKSPACE)));
  return [...new Set(dirs)];
}

/**
 * Entries under `root` (/etc) that others may not read: root-only keys,
 * tokens and configs beyond the fixed list (a keytab, a netplan config with
 * Wi-Fi keys, a database's pg_hba.conf). A cell that runs as root would read
 * them through the read-only view, so they are masked like the rest. A
 * directory others may not read or not enter, or that cannot be listed, is
 * masked whole, not entered. Bounded: /etc
 * is a thousand or so entries.
 */
export function unreadableEntries(root: string, maxDepth = 8): { files: string[]; dirs: string[] } {
  const found = { files: [] as string[], dirs: [] as string[] };
  const walk = (dir: string, depth: number) => {
    // The type comes with the directory listing: only files and directories, a third of /etc, need an
    // lstat for their mode. Where the filesystem does not give types, Node lstats each entry itself, and
    // one that vanishes meanwhile fails the whole listing: then every name is looked at, as below.
    let names: string[];
    try {
      names = readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isFile() || entry.isDirectory())
        .map((entry) => entry.name);
    } catch {
      try {
        names = readdirSync(dir);
      } catch {
        // A directory that cannot be listed is masked whole (not /etc itself): fail closed.
        if (depth > 0) found.dirs.push(dir);
        return;
      }
    }
    for (const name of names) {
      const p = path.join(dir, name);
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isSymbolicLink()) continue;
      const othersRead = (st.mode & 0o004) !== 0;
      if (st.isDirectory()) {
        // Others may list it but not enter it (r without x): what is in it cannot be looked at as
        // others, so it is masked whole, as one they may not read.
        if (!othersRead || (st.mode & 0o001) === 0) found.dirs.push(p);
        else if (depth < maxDepth) walk(p, depth + 1);
      } else if (st.isFile() && !othersRead) {
        found.files.push(p);
      }
    }
  };
  walk(root, 0);
  return found;
}

export interface GatherOptions {
  /**
   * The cell runs as root: mask every entry of /etc that others may not
   * read, not only the known ones.
   */
  rootCell?: boolean;
  /** `system: overlay`: the cell sees the SYSTEM_VAR parts, and may become root in it (sudo). */
  systemOverlay?: boolean;
}

export function gatherHostFacts(env: Readonly<Record<string, string | undefined>>, workspace: string, opts: GatherOptions = {}): HostFacts {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const toolCache = env.RUNNER_TOOL_CACHE && path.isAbsolute(env.RUNNER_TOOL_CACHE) ? path.normalize(env.RUNNER_TOOL_CACHE) : undefined;
  const rootLinks: RootLink[] = [];
  for (const name of ROOT_LINK_NAMES) {
    const k = entryKind(`/${name}`);
    if (k === 'link') rootLinks.push({ name, kind: 'symlink', target: readlinkSync(`/${name}`) });
    else if (k === 'dir') rootLinks.push({ name, kind: 'dir' });
  }
  const sshKeys = (() => {
    try {
      return readdirSync('/etc/ssh')
        .filter((f) => /^ssh_host_.*_key$/.test(f))
        .map((f) => `/etc/ssh/${f}`);
    } catch {
      return [];
    }
  })();
  let resolvConf: string | undefined;
  if (entryKind('/etc/resolv.conf') === 'link') {
    try {
      const target = realpathSync('/etc/resolv.conf');
      if (!['/etc', '/usr', '/opt'].some((d) => isInside(target, d)) && isFileLike(target)) resolvConf = target;
    } catch {
      // A dangling link: the cell sees it dangle too.
    }
  }
  const gitConfigs: HostFacts['gitConfigs'] = [];
  for (const file of gitConfigFiles(workspace)) {
    const scrubbed = scrubGitConfig(readFileSync(file, 'utf8'));
    if (scrubbed.removed.length > 0) gitConfigs.push({ path: file, scrubbed });
  }
  const systemVar = SYSTEM_VAR.filter((d) => entryKind(d) === 'dir');
  const systemDirs = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];
  const bash = findInDirs('bash', systemDirs);
  const setpriv = findInDirs('setpriv', systemDirs);
  const unreadable = { files: [] as string[], dirs: [] as string[] };
  if (opts.rootCell || opts.systemOverlay) {
    for (const root of ['/etc', ...(opts.systemOverlay ? systemVar.filter((d) => !PUBLIC_STATE.includes(d)) : [])]) {
      const found = unreadableEntries(root);
      unreadable.files.push(...found.files);
      unreadable.dirs.push(...found.dirs);
    }
  }
  return {
    uid,
    gid,
    workspace,
    resolvConf,
    systemVar,
    sudoTools: bash && setpriv ? { bash, setpriv } : undefined,
    runnerDirs: runnerDirs(env, process.execPath),
    cgroupControllers: cgroupControllers('/sys/fs/cgroup'),
    gitConfigs,
    home: chooseHome(env.HOME, workspace),
    toolCache: toolCache && entryKind(toolCache) === 'dir' ? toolCache : undefined,
    hasOpt: entryKind('/opt') === 'dir',
    rootLinks,
    ...masks(sshKeys, unreadable),
    env,
  };
}
