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

/**
 * Post-step state: which run directory, and the nonce of the record main left
 * in it. Nothing the post step runs is read from state (see post-record.ts).
 */
export const State = {
  RunDir: 'run-dir',
  Nonce: 'nonce',
} as const;

export const DEFAULT_DOWNLOAD_URL = 'https://storage.googleapis.com/gvisor/releases/release';

/** Tool-cache name for runsc from the default bucket; mirrors get a name of their own. */
export const TOOL_NAME = 'runsc';

/** Every directory the action creates under RUNNER_TEMP starts with this. */
export const RUN_DIR_PREFIX = 'gvisor-cell-';
