/**
 * Edits of /etc/hosts by the test harnesses that add names of their own (the
 * e2e suite's upstream, the bench's): each edit is made whole, a temporary
 * file in /etc renamed over it, so that no reader (a resolver in a test) ever
 * sees half a file. The harnesses run at the same time, so every edit holds
 * one lock file (O_EXCL, holding the holder's pid): otherwise one's rename
 * would drop the lines the other added in between. Which lines are whose, and
 * which are stale, is each caller's rule.
 */

import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alive } from '../../src/install/lock.js';

const HOSTS = '/etc/hosts';
const LOCK = path.join(os.tmpdir(), '.gvctest-hosts.lock');
/** How long an edit waits for a live holder before it gives up. */
const LOCK_WAIT_MS = 15_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withHostsLock<T>(body: () => T): T {
  const until = Date.now() + LOCK_WAIT_MS;
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
      // A holder that died leaves the file: take it over. (Its pid is written right after the create: 0 is "being written".)
      if (holder > 0 && !alive(holder)) rmSync(LOCK, { force: true });
      else if (Date.now() > until)
        throw new Error(`${LOCK}: held by process ${holder} for ${LOCK_WAIT_MS / 1000} s; /etc/hosts not edited`);
      else sleepSync(20);
    }
  }
  try {
    return body();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/**
 * Rewrites /etc/hosts through `change` (its lines, without the final newline),
 * under the lock. `owner` names the temporary file (/etc/.hosts.<owner>-<pid>-…),
 * so that one a crash left behind says whose it is. Where /etc/hosts is a
 * bind mount (containers), the rename fails (EBUSY) and it is written in place.
 */
export function editHosts(owner: string, change: (lines: string[]) => string[]): void {
  withHostsLock(() => {
    const text = readFileSync(HOSTS, 'utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const after = `${change(lines).join('\n')}\n`;
    if (after === text) return;
    const mode = statSync(HOSTS).mode & 0o7777;
    const temp = path.join(path.dirname(HOSTS), `.hosts.${owner}-${process.pid}-${randomBytes(3).toString('hex')}`);
    writeFileSync(temp, after, { mode });
    chmodSync(temp, mode); // the umask may have taken bits off
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
