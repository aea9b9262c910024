/**
 * The bench's own lines in /etc/hosts: added and removed whole (a temporary
 * file renamed over it, so no reader ever sees half a file), each marked with
 * the bench's process id so that only its own are removed, and lines left by
 * a bench that died are swept on the next start. The e2e suite's upstream
 * harness edits /etc/hosts too, at the same time: both take the same lock
 * file (O_EXCL, holding the holder's pid), or one's rename would drop the
 * other's lines.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HOSTS = '/etc/hosts';
/** Shared with test/support's upstream harness (the e2e suite's): the same path, the same protocol. */
const LOCK = path.join(os.tmpdir(), '.gvctest-hosts.lock');
const MARK = /# gvc-bench pid=(\d+)$/;

export function hostsMark(): string {
  return `# gvc-bench pid=${process.pid}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock<T>(body: () => T): T {
  const until = Date.now() + 15_000;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx', 0o644);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder = 0;
      try {
        holder = Number(readFileSync(LOCK, 'utf8'));
      } catch {
        continue; // released meanwhile
      }
      // A holder that died leaves the file behind; 0 is a holder still writing its pid.
      if (holder > 0 && !alive(holder)) rmSync(LOCK, { force: true });
      else if (Date.now() > until) throw new Error(`${LOCK}: held by process ${holder} for 15 s; /etc/hosts not edited`);
      else sleepSync(20);
    }
  }
  try {
    return body();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/** Rewrites /etc/hosts through `change`, atomically (in place only where /etc/hosts is a bind mount that cannot be renamed over). */
function editHosts(change: (lines: string[]) => string[]): void {
  withLock(() => {
    const text = readFileSync(HOSTS, 'utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const after = `${change(lines).join('\n')}\n`;
    if (after === text) return;
    const mode = statSync(HOSTS).mode & 0o7777;
    const temp = path.join(path.dirname(HOSTS), `.hosts.gvc-bench-${process.pid}`);
    writeFileSync(temp, after, { mode });
    try {
      renameSync(temp, HOSTS);
    } catch (error) {
      rmSync(temp, { force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EBUSY' && code !== 'EXDEV' && code !== 'EPERM') throw error;
      writeFileSync(HOSTS, after);
    }
  });
}

/** Adds `address name…` lines, marked as this bench's. */
export function addHostsLines(entries: readonly { address: string; names: readonly string[] }[]): void {
  const mark = hostsMark();
  editHosts((lines) => [...lines, ...entries.map((e) => `${e.address} ${e.names.join(' ')} ${mark}`)]);
}

/** Removes this bench's lines, and those of benches whose process is gone. */
export function removeHostsLines(): void {
  editHosts((lines) =>
    lines.filter((line) => {
      const m = MARK.exec(line);
      return !m || (Number(m[1]) !== process.pid && alive(Number(m[1])));
    }),
  );
}
