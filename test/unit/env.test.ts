import { describe, expect, test } from 'vitest';
import { buildEnv, CONTEXT_VARIABLES, cellPath, SYSTEM_PATH } from '../../src/bundle/env.js';

const SYSTEM = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const TOOL_CACHE = '/opt/hostedtoolcache';
const HOST_PATH = [
  '/opt/hostedtoolcache/node/20.11.0/x64/bin',
  '/home/runner/.local/bin',
  '/opt/pipx_bin',
  '/home/runner/.cargo/bin',
  '/usr/local/sbin',
  '/usr/local/bin',
  '/usr/bin',
  '/opt/hostedtoolcache/go/1.22.0/x64/bin',
  '/snap/bin',
].join(':');

/** A runner's environment, with the credentials and internals a cell must never see. */
const RUNNER_ENV: Record<string, string> = {
  CI: 'true',
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'octo/repo',
  GITHUB_SHA: 'deadbeef',
  GITHUB_WORKSPACE: '/home/runner/work/repo/repo',
  RUNNER_OS: 'Linux',
  RUNNER_ARCH: 'X64',
  LANG: 'C.UTF-8',
  HOME: '/home/runner',
  PATH: HOST_PATH,
  RUNNER_TOOL_CACHE: TOOL_CACHE,
  RUNNER_TEMP: '/home/runner/work/_temp',
  ACTIONS_RUNTIME_TOKEN: 'runtime-token',
  ACTIONS_RESULTS_URL: 'https://results.example/',
  ACTIONS_CACHE_URL: 'https://cache.example/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-token',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc.example/',
  GITHUB_TOKEN: 'ghs_secret',
  INPUT_CELL: 'run: echo',
  'INPUT_CELL-FILE': '',
  STATE_run_dir: '/tmp/x',
  GITHUB_ENV: '/home/runner/work/_temp/_runner_file_commands/set_env',
  GITHUB_OUTPUT: '/home/runner/work/_temp/_runner_file_commands/set_output',
  GITHUB_PATH: '/home/runner/work/_temp/_runner_file_commands/add_path',
  GITHUB_STATE: '/home/runner/work/_temp/_runner_file_commands/save_state',
  GITHUB_STEP_SUMMARY: '/home/runner/work/_temp/_runner_file_commands/step_summary',
  MY_SECRET: 's3cr3t',
  AWS_SECRET_ACCESS_KEY: 'aws',
  NPM_TOKEN: 'npm-token',
  SSH_AUTH_SOCK: '/tmp/ssh-agent.sock',
  LD_PRELOAD: '/evil.so',
};

const names = (entries: string[]) => entries.map((e) => e.slice(0, e.indexOf('=')));

describe('cellPath', () => {
  test('system directories only, without a tool cache', () => {
    expect(cellPath(HOST_PATH, undefined)).toBe(SYSTEM);
    expect(SYSTEM_PATH.join(':')).toBe(SYSTEM);
  });

  test('host entries inside the tool cache come first, in host order; nothing else of the host PATH', () => {
    expect(cellPath(HOST_PATH, TOOL_CACHE)).toBe(
      `/opt/hostedtoolcache/node/20.11.0/x64/bin:/opt/hostedtoolcache/go/1.22.0/x64/bin:${SYSTEM}`,
    );
  });

  test.each([
    ['a sibling with the same prefix', '/opt/hostedtoolcache-evil/bin'],
    ['a path that climbs out', '/opt/hostedtoolcache/../../etc'],
    ['a relative entry', 'opt/hostedtoolcache/bin'],
    ['the parent', '/opt'],
  ])('%s is not a tool-cache entry', (_label, entry) => {
    expect(cellPath(`${entry}:/usr/bin`, TOOL_CACHE)).toBe(SYSTEM);
  });

  test('the tool cache itself and paths that normalise inside it count', () => {
    expect(cellPath('/opt/hostedtoolcache:/opt/hostedtoolcache/x/../y/bin/', TOOL_CACHE)).toBe(
      `/opt/hostedtoolcache:/opt/hostedtoolcache/x/../y/bin/:${SYSTEM}`,
    );
  });

  test('a tool cache given with a trailing slash works the same', () => {
    expect(cellPath('/opt/hostedtoolcache/node/bin', '/opt/hostedtoolcache/')).toBe(`/opt/hostedtoolcache/node/bin:${SYSTEM}`);
  });

  test('a relative tool cache is ignored', () => {
    expect(cellPath('hostedtoolcache/node/bin:/x', 'hostedtoolcache')).toBe(SYSTEM);
  });

  test('empty entries and duplicates are dropped', () => {
    expect(cellPath('::/opt/hostedtoolcache/a:/opt/hostedtoolcache/a::/usr/bin:', TOOL_CACHE)).toBe(`/opt/hostedtoolcache/a:${SYSTEM}`);
  });

  test('no host PATH at all', () => {
    expect(cellPath(undefined, TOOL_CACHE)).toBe(SYSTEM);
    expect(cellPath('', TOOL_CACHE)).toBe(SYSTEM);
  });
});

describe('buildEnv', () => {
  const allowed = new Set<string>([...CONTEXT_VARIABLES, 'HOME', 'PATH', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0']);
  const GIT = ['GIT_CONFIG_COUNT=1', 'GIT_CONFIG_KEY_0=core.checkStat', 'GIT_CONFIG_VALUE_0=minimal'];

  test('nothing outside the allow-list leaks from the host environment', () => {
    const env = buildEnv({ hostEnv: RUNNER_ENV, home: '/home/runner', passEnv: [], env: {} });
    for (const name of names(env.entries)) expect(allowed.has(name), name).toBe(true);
    const joined = env.entries.join('\n');
    for (const secret of ['runtime-token', 'oidc-token', 'ghs_secret', 's3cr3t', 'aws', 'npm-token', 'run: echo', '/evil.so', 'set_env']) {
      expect(joined).not.toContain(secret);
    }
    expect(env.missing).toEqual([]);
  });

  test('exact entries for a typical runner, in allow-list order then HOME, PATH and the git stat config', () => {
    const env = buildEnv({ hostEnv: RUNNER_ENV, home: '/home/runner', passEnv: [], env: {} });
    expect(env.entries).toEqual([
      'CI=true',
      'GITHUB_ACTIONS=true',
      'GITHUB_REPOSITORY=octo/repo',
      'GITHUB_SHA=deadbeef',
      'GITHUB_WORKSPACE=/home/runner/work/repo/repo',
      'RUNNER_OS=Linux',
      'RUNNER_ARCH=X64',
      'LANG=C.UTF-8',
      'HOME=/home/runner',
      `PATH=/opt/hostedtoolcache/node/20.11.0/x64/bin:/opt/hostedtoolcache/go/1.22.0/x64/bin:${SYSTEM}`,
      ...GIT,
    ]);
  });

  test('every allow-listed variable that is set is copied, unset ones are absent', () => {
    const hostEnv = Object.fromEntries(CONTEXT_VARIABLES.map((n) => [n, `v-${n}`]));
    const env = buildEnv({ hostEnv, home: '/h', passEnv: [], env: {} });
    expect(env.entries).toEqual([...CONTEXT_VARIABLES.map((n) => `${n}=v-${n}`), 'HOME=/h', `PATH=${SYSTEM}`, ...GIT]);
    expect(buildEnv({ hostEnv: {}, home: '/h', passEnv: [], env: {} }).entries).toEqual(['HOME=/h', `PATH=${SYSTEM}`, ...GIT]);
  });

  test('the allow-list holds no credential', () => {
    for (const name of CONTEXT_VARIABLES) {
      expect(name).not.toMatch(/TOKEN|SECRET|PASSWORD|KEY|^ACTIONS_|^INPUT_|^STATE_/);
    }
    expect(CONTEXT_VARIABLES).not.toContain('GITHUB_TOKEN');
    expect(CONTEXT_VARIABLES).not.toContain('GITHUB_ENV');
    expect(CONTEXT_VARIABLES).not.toContain('GITHUB_OUTPUT');
    expect(CONTEXT_VARIABLES).not.toContain('GITHUB_PATH');
    expect(CONTEXT_VARIABLES).not.toContain('GITHUB_STEP_SUMMARY');
  });

  test('HOME is the cell home, not the host one', () => {
    const env = buildEnv({ hostEnv: { HOME: '/root' }, home: '/home/cell', passEnv: [], env: {} });
    expect(env.entries).toContain('HOME=/home/cell');
    expect(env.entries).not.toContain('HOME=/root');
  });

  test('pass-env copies the named variables and reports the missing ones', () => {
    const env = buildEnv({
      hostEnv: RUNNER_ENV,
      home: '/home/runner',
      passEnv: ['NPM_TOKEN', 'NOT_SET', 'GITHUB_TOKEN', 'ALSO_MISSING'],
      env: {},
    });
    expect(env.entries).toContain('NPM_TOKEN=npm-token');
    expect(env.entries).toContain('GITHUB_TOKEN=ghs_secret');
    expect(names(env.entries)).not.toContain('NOT_SET');
    expect(env.missing).toEqual(['NOT_SET', 'ALSO_MISSING']);
  });

  test('pass-env of an empty variable passes it empty (set is not missing)', () => {
    const env = buildEnv({ hostEnv: { EMPTY: '' }, home: '/h', passEnv: ['EMPTY'], env: {} });
    expect(env.entries).toContain('EMPTY=');
    expect(env.missing).toEqual([]);
  });

  test('env sets new variables and overrides allow-listed, HOME, PATH and passed ones', () => {
    const env = buildEnv({
      hostEnv: RUNNER_ENV,
      home: '/home/runner',
      passEnv: ['NPM_TOKEN'],
      env: { CI: 'false', HOME: '/custom', PATH: '/only/this', NPM_TOKEN: 'override', NEW: 'a=b' },
    });
    const map = new Map(env.entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    expect(map.get('CI')).toBe('false');
    expect(map.get('HOME')).toBe('/custom');
    expect(map.get('PATH')).toBe('/only/this');
    expect(map.get('NPM_TOKEN')).toBe('override');
    expect(map.get('NEW')).toBe('a=b');
    // Each name once.
    expect(new Set(names(env.entries)).size).toBe(env.entries.length);
  });

  test('git config of the document or the image replaces the stat default whole, never mixed with it', () => {
    const git = (input: Partial<Parameters<typeof buildEnv>[0]>) =>
      buildEnv({ hostEnv: {}, home: '/h', passEnv: [], env: {}, ...input }).entries.filter((e) => e.startsWith('GIT_CONFIG_'));
    expect(git({})).toEqual(GIT);
    // Turned off.
    expect(git({ env: { GIT_CONFIG_COUNT: '0' } })).toEqual(['GIT_CONFIG_COUNT=0']);
    // Their own first entry (same count as ours): our value must not pair with their key.
    expect(git({ env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory' } })).toEqual([
      'GIT_CONFIG_COUNT=1',
      'GIT_CONFIG_KEY_0=safe.directory',
    ]);
    // A key alone, with no count of theirs: ours does not count it in.
    expect(git({ env: { GIT_CONFIG_KEY_0: 'user.name' } })).toEqual(['GIT_CONFIG_KEY_0=user.name']);
    // Through pass-env or an image, the same.
    expect(git({ hostEnv: { GIT_CONFIG_COUNT: '2' }, passEnv: ['GIT_CONFIG_COUNT'] })).toEqual(['GIT_CONFIG_COUNT=2']);
    expect(git({ imageEnv: ['GIT_CONFIG_VALUE_0=x'] })).toEqual(['GIT_CONFIG_VALUE_0=x']);
    // The runner's own, not passed: neither seen nor taken for the document's.
    expect(git({ hostEnv: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'credential.helper', GIT_CONFIG_VALUE_0: 'store' } })).toEqual(GIT);
    // Other GIT_ variables leave it alone.
    expect(git({ env: { GIT_CONFIG_GLOBAL: '/dev/null' } })).toEqual([...GIT, 'GIT_CONFIG_GLOBAL=/dev/null']);
  });

  test('PATH comes from the host PATH and RUNNER_TOOL_CACHE of the host env', () => {
    const env = buildEnv({
      hostEnv: { PATH: '/tc/python/3.12/bin:/usr/bin', RUNNER_TOOL_CACHE: '/tc' },
      home: '/h',
      passEnv: [],
      env: {},
    });
    expect(env.entries).toEqual(['HOME=/h', `PATH=/tc/python/3.12/bin:${SYSTEM}`, ...GIT]);
  });
});
