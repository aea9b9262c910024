/**
 * Runs inside a cell (on the host view's node, any version): each probe is an
 * argv run in turn, with its own extra environment; prints one JSON line,
 * label → { status, signal, ms, stdout, stderr, error }. One cell answers many
 * questions, so the tests start few sandboxes.
 */
import { spawnSync } from 'node:child_process';

const probes = JSON.parse(process.argv[2]);
const results = {};
for (const probe of probes) {
  const started = Date.now();
  const r = spawnSync(probe.argv[0], probe.argv.slice(1), {
    encoding: 'utf8',
    input: '',
    timeout: probe.timeoutMs ?? 20_000,
    env: { ...process.env, ...probe.env },
    maxBuffer: 1 << 20,
  });
  results[probe.label] = {
    status: r.status,
    signal: r.signal,
    ms: Date.now() - started,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    error: r.error ? (r.error.code ?? String(r.error)) : null,
  };
}
process.stdout.write(`${JSON.stringify(results)}\n`);
