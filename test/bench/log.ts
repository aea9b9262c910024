/** Progress on stderr, stamped with the time since the bench started (the report goes to stdout). */
import { performance } from 'node:perf_hooks';

const T0 = performance.now();

/** Seconds since the bench started. */
export function elapsedSeconds(): number {
  return (performance.now() - T0) / 1000;
}

export function log(message: string): void {
  process.stderr.write(`[bench ${elapsedSeconds().toFixed(1).padStart(6)}s] ${message}\n`);
}
