/**
 * The cell's environment, built up from nothing: an allow-list of harmless
 * context variables, then what the document opts into with `pass-env`, then
 * the document's own `env`. Nothing of the action's environment is copied by
 * default; credentials (ACTIONS_RUNTIME_TOKEN, secrets passed through `env:`,
 * GITHUB_TOKEN) therefore never reach a cell unless a user names them.
 */
import path from 'node:path';
import { isInside } from './host.js';

/** Non-credential context the runner sets for every step. */
export const CONTEXT_VARIABLES = [
  'CI',
  'GITHUB_ACTION',
  'GITHUB_ACTIONS',
  'GITHUB_ACTOR',
  'GITHUB_ACTOR_ID',
  'GITHUB_API_URL',
  'GITHUB_BASE_REF',
  'GITHUB_EVENT_NAME',
  'GITHUB_GRAPHQL_URL',
  'GITHUB_HEAD_REF',
  'GITHUB_JOB',
  'GITHUB_REF',
  'GITHUB_REF_NAME',
  'GITHUB_REF_PROTECTED',
  'GITHUB_REF_TYPE',
  'GITHUB_REPOSITORY',
  'GITHUB_REPOSITORY_ID',
  'GITHUB_REPOSITORY_OWNER',
  'GITHUB_REPOSITORY_OWNER_ID',
  'GITHUB_RETENTION_DAYS',
  'GITHUB_RUN_ATTEMPT',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_NUMBER',
  'GITHUB_SERVER_URL',
  'GITHUB_SHA',
  'GITHUB_TRIGGERING_ACTOR',
  'GITHUB_WORKFLOW',
  'GITHUB_WORKFLOW_REF',
  'GITHUB_WORKFLOW_SHA',
  'GITHUB_WORKSPACE',
  'RUNNER_OS',
  'RUNNER_ARCH',
  'LANG',
  'TZ',
] as const;

export const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** System directories, after the host's PATH entries that lie inside the tool cache (setup-* actions put tools there). */
export function cellPath(hostPath: string | undefined, toolCache: string | undefined): string {
  const tools =
    toolCache && path.isAbsolute(toolCache)
      ? (hostPath ?? '').split(':').filter((p) => p !== '' && isInside(path.normalize(p), path.normalize(toolCache)))
      : [];
  return [...new Set([...tools, ...SYSTEM_PATH])].join(':');
}

/**
 * git's index records each file's inode number, and gVisor numbers inodes
 * itself (google/gvisor#10047): in a cell every tracked file looks changed to
 * git's stat check, so `git status`, `git diff` and `git add` read and hash
 * every tracked file again (on a 10,000-file repository, about half
 * of `git status`'s time in a cell). `core.checkStat=minimal` leaves the
 * inode, owner and ctime out of the check: git trusts size and whole-second
 * mtime, which gVisor reports as the host does. The price: a change that keeps
 * a file's size and restores its mtime (`tar -x`, `cp -p`, `touch -r`) goes
 * unseen, where git outside a cell would see the new ctime. Given as git's
 * environment config (command scope, over the repository's own), so no file
 * is written and ~/.gitconfig stays the cell's own. A document or image that
 * sets any of the three names itself gets only what it set: its own list, from
 * index 0 (`GIT_CONFIG_COUNT: "0"` to go without).
 */
export const GIT_STAT_CONFIG: readonly (readonly [string, string])[] = [
  ['GIT_CONFIG_COUNT', '1'],
  ['GIT_CONFIG_KEY_0', 'core.checkStat'],
  ['GIT_CONFIG_VALUE_0', 'minimal'],
];

export interface EnvInput {
  hostEnv: Readonly<Record<string, string | undefined>>;
  home: string;
  /** An image's `Env` (KEY=value): over the action's defaults, under pass-env and env; never HOME. */
  imageEnv?: readonly string[];
  passEnv: readonly string[];
  env: Readonly<Record<string, string>>;
}

export interface CellEnv {
  /** KEY=value entries, for the OCI spec. */
  entries: string[];
  /** pass-env names that were not set in the action's environment. */
  missing: string[];
}

export function buildEnv(input: EnvInput): CellEnv {
  const out = new Map<string, string>();
  for (const name of CONTEXT_VARIABLES) {
    const value = input.hostEnv[name];
    if (value !== undefined) out.set(name, value);
  }
  out.set('HOME', input.home);
  out.set('PATH', cellPath(input.hostEnv.PATH, input.hostEnv.RUNNER_TOOL_CACHE));
  for (const [name, value] of GIT_STAT_CONFIG) out.set(name, value);
  /** Names the image, pass-env or env set (over the defaults). */
  const given = new Set<string>();
  const set = (name: string, value: string) => {
    out.set(name, value);
    given.add(name);
  };
  for (const entry of input.imageEnv ?? []) {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq) : '';
    // HOME is the cell's fresh tmpfs whatever the image says.
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && name !== 'HOME') set(name, entry.slice(eq + 1));
  }
  const missing: string[] = [];
  for (const name of input.passEnv) {
    const value = input.hostEnv[name];
    if (value === undefined) missing.push(name);
    else set(name, value);
  }
  for (const [name, value] of Object.entries(input.env)) set(name, value);
  if (GIT_STAT_CONFIG.some(([name]) => given.has(name))) {
    // git config of the user's own in the environment: ours would mix into it (their KEY_0 read with our
    // COUNT, or ours as part of theirs), so only what they set stays.
    for (const [name] of GIT_STAT_CONFIG) if (!given.has(name)) out.delete(name);
  }
  return { entries: [...out].map(([k, v]) => `${k}=${v}`), missing };
}
