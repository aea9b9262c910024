/**
 * Every child the bench starts is tracked, so that an interruption stops them
 * all; `run` times a command from spawn to close.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { SYSTEM_PATH } from '../support/runner.js';
import { Tail } from '../support/tail.js';

/** A failure whose message says all there is to say (printed without a stack). */
export class StepError extends Error {}

export interface Timed {
  /** Spawn → close, in milliseconds. */
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Default: only PATH and LANG. */
  env?: Record<string, string>;
  /** How to stop it on an interruption; by default its process group (it gets one of its own) is SIGKILLed. */
  stop?: (child: ChildProcess) => void;
  /** Bytes of stdout and of stderr to keep (the tail). */
  tail?: number;
}

export function lastLines(text: string, n = 15): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

export class Processes {
  /** Set once an interruption began: nothing new starts. */
  aborting = false;
  private readonly live = new Map<ChildProcess, { stop: () => void; closed: Promise<void> }>();

  /** Tracks a child started elsewhere (the action's steps): `stop` is how an interruption stops it. */
  track(child: ChildProcess, stop: () => void): void {
    const closed = new Promise<void>((resolve) => {
      const done = () => {
        this.live.delete(child);
        resolve();
      };
      child.once('close', done);
      child.once('error', done);
    });
    this.live.set(child, { stop, closed });
  }

  /** Runs a command to completion and times it. */
  run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<Timed> {
    return new Promise((resolve, reject) => {
      if (this.aborting) {
        reject(new Error('interrupted'));
        return;
      }
      const { stop } = options;
      const t0 = performance.now();
      const child = spawn(cmd, args, {
        cwd: options.cwd,
        env: options.env ?? { PATH: SYSTEM_PATH, LANG: 'C.UTF-8' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: !stop,
      });
      const out = new Tail(options.tail ?? 64 * 1024);
      const err = new Tail(options.tail ?? 64 * 1024);
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      this.track(child, () => {
        if (stop) stop(child);
        else if (child.pid) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      });
      child.once('error', (e) => reject(new Error(`could not run ${cmd}: ${e.message}`)));
      child.once('close', (code, signal) => resolve({ ms: performance.now() - t0, code, signal, stdout: out.text(), stderr: err.text() }));
    });
  }

  /** Stops everything running and waits for it to close, for at most `graceMs`. */
  async stopAll(graceMs: number): Promise<void> {
    const closing = [...this.live.values()].map((e) => {
      e.stop();
      return e.closed;
    });
    await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, graceMs))]);
  }
}
