/**
 * Names shared with action.yml. Keep this file and action.yml in step: a test
 * (test/unit/action-yml.test.ts) reads both and fails when they drift apart.
 */

export const Inputs = {
  Cell: 'cell',
  CellFile: 'cell-file',
  RunscVersion: 'runsc-version',
  RunscSha512: 'runsc-sha512',
  RunscPath: 'runsc-path',
  DownloadUrl: 'download-url',
  Platform: 'platform',
  FailOnError: 'fail-on-error',
  OutputLimit: 'output-limit',
} as const;

export const Outputs = {
  ExitCode: 'exit-code',
  Logs: 'logs',
  Stdout: 'stdout',
  Stderr: 'stderr',
  LogFile: 'log-file',
  TimedOut: 'timed-out',
  DurationMs: 'duration-ms',
  RunscVersion: 'runsc-version',
  RunscPath: 'runsc-path',
  DebugLogDir: 'debug-log-dir',
} as const;

/** Post-step state. The post step trusts none of it without checking (see post.ts). */
export const State = {
  RunDir: 'run-dir',
  ContainerId: 'container-id',
  Runsc: 'runsc',
  Sudo: 'sudo',
} as const;

export const DEFAULT_DOWNLOAD_URL = 'https://storage.googleapis.com/gvisor/releases/release';

/** Tool-cache name for runsc from the default bucket; mirrors get a name of their own. */
export const TOOL_NAME = 'runsc';

/** Every directory the action creates under RUNNER_TEMP starts with this. */
export const RUN_DIR_PREFIX = 'gvisor-cell-';
