import { describe, expect, test } from 'vitest';
import { classify, reportedStatus, describe as sentence, type Verdict } from '../../src/run/verdict.js';

const ended = { exitCode: 0 as number | undefined, timedOut: false, cancelled: false, runscError: undefined };
const boom = { message: 'boom', neverStarted: false };
const pytestMissing =
  'running container: starting container: starting root container: starting sandbox: error finding executable "pytest" in PATH [/usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin]: no such file or directory';

describe('classify: one order, for the action, the CLI and the summary', () => {
  test.each([
    [{ exitCode: 0 }, {}, { kind: 'passed' }],
    [{ exitCode: 3 }, {}, { kind: 'failed', exitCode: 3 }],
    [{ exitCode: 128 }, {}, { kind: 'failed', exitCode: 128 }],
    [{ exitCode: 137 }, {}, { kind: 'failed', exitCode: 137 }],
    [{ exitCode: 137 }, { memory: 512 }, { kind: 'out-of-memory', exitCode: 137, memory: 512 }],
    [
      { exitCode: 137, timedOut: true },
      { memory: 512, timeout: 5000 },
      { kind: 'timed-out', timeoutMs: 5000 },
    ],
    [{ exitCode: 137, cancelled: true }, { memory: 512 }, { kind: 'cancelled' }],
    // A cancellation that arrives while a timeout is being handled is a cancellation (the CLI used to say 124).
    [{ exitCode: 143, cancelled: true, timedOut: true }, { timeout: 1 }, { kind: 'cancelled' }],
    [{ exitCode: undefined, runscError: boom, cancelled: true, timedOut: true }, {}, { kind: 'sandbox-failed', ...boom }],
    // No exit code and no runsc error is never a pass.
    [{ exitCode: undefined }, {}, { kind: 'failed', exitCode: 1 }],
    // runsc's words for a `command` it did not find (run and exec; checked with runsc 20240729): exit 127, as a shell says it.
    [
      { exitCode: undefined, runscError: { message: pytestMissing, neverStarted: false } },
      {},
      { kind: 'command-not-found', exitCode: 127, command: 'pytest' },
    ],
    [
      {
        exitCode: undefined,
        runscError: {
          message:
            'executing processes for container: executing command "pytest -q" in sandbox: error finding executable "pytest" in PATH [/usr/bin]: no such file or directory',
          neverStarted: false,
        },
      },
      {},
      { kind: 'command-not-found', exitCode: 127, command: 'pytest' },
    ],
    [
      {
        exitCode: undefined,
        runscError: {
          message:
            'running container: starting container: starting root container: starting sandbox: creating process: failed to load /opt/x y/run: no such file or directory',
          neverStarted: false,
        },
      },
      {},
      { kind: 'command-not-found', exitCode: 127, command: '/opt/x y/run' },
    ],
    // Another load failure, or a runsc that never ran, is runsc's failure.
    [
      { exitCode: undefined, runscError: { message: 'creating process: failed to load /bin/x: permission denied', neverStarted: false } },
      {},
      { kind: 'sandbox-failed', message: 'creating process: failed to load /bin/x: permission denied', neverStarted: false },
    ],
    [
      { exitCode: undefined, runscError: { message: pytestMissing, neverStarted: true } },
      {},
      { kind: 'sandbox-failed', message: pytestMissing, neverStarted: true },
    ],
  ] as [
    Partial<typeof ended> & { runscError?: { message: string; neverStarted: boolean } },
    { memory?: number; timeout?: number },
    Verdict,
  ][])('%j with limits %j → %j', (result, limits, verdict) => {
    expect(classify({ ...ended, ...result }, limits)).toEqual(verdict);
  });
});

describe('describe', () => {
  test.each([
    [{ kind: 'passed' }, 'Cell t passed in 12 ms'],
    [{ kind: 'failed', exitCode: 2 }, 'Cell t exited with 2'],
    [
      { kind: 'command-not-found', exitCode: 127, command: 'pytest' },
      'Cell t could not run its command: pytest was not found in the cell (exit 127)',
    ],
    [{ kind: 'timed-out', timeoutMs: 90_000 }, 'Cell t timed out after 90s and was killed'],
    [{ kind: 'cancelled' }, 'Cell t was cancelled; the sandbox was stopped and deleted'],
    [
      { kind: 'out-of-memory', exitCode: 137, memory: 2 ** 29 },
      'Cell t was killed (exit 137, SIGKILL) under limits.memory 512Mi: most likely out of memory',
    ],
    [
      { kind: 'sandbox-failed', message: 'boom', neverStarted: true },
      'The sandbox did not start: runsc failed before running the cell.\nboom',
    ],
  ] as [Verdict, string][])('%j', (verdict, text) => {
    expect(sentence(verdict, 't', 12)).toBe(text);
  });
});

describe('reportedStatus: the one number the action’s exit-code and the CLI’s exit status give', () => {
  test.each<[Verdict, number | undefined]>([
    [{ kind: 'passed' }, 0],
    [{ kind: 'failed', exitCode: 3 }, 3],
    [{ kind: 'failed', exitCode: 143 }, 143],
    [{ kind: 'out-of-memory', exitCode: 137, memory: 512 }, 137],
    // Not the SIGKILL (137) the timeout sent: that is what an OOM kill gives too.
    [{ kind: 'timed-out', timeoutMs: 1000 }, 124],
    [{ kind: 'cancelled' }, 130],
    // As a shell reports it, for command: too (runsc refuses to start a program it cannot find).
    [{ kind: 'command-not-found', exitCode: 127, command: 'pytest' }, 127],
    [{ kind: 'sandbox-failed', message: 'boom', neverStarted: true }, undefined],
  ])('%j → %s', (verdict, status) => {
    expect(reportedStatus(verdict)).toBe(status);
  });

  test('a timed-out cell killed with 137 reports 124', () => {
    expect(reportedStatus(classify({ ...ended, exitCode: 137, timedOut: true }, { timeout: 1000, memory: 512 }))).toBe(124);
  });
});
