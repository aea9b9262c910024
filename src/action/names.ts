/**
 * The action's input and output names, as action.yml declares them. Keep this
 * file and action.yml in step: a test (test/unit/action-yml.test.ts) reads
 * both and fails when they drift apart.
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
  EgressLog: 'egress-log',
  ImageDigest: 'image-digest',
} as const;
