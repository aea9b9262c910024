/**
 * A lock file for writers of one tool-cache entry. Parallel jobs on one runner
 * (a matrix on a large runner, backgrounded steps) may install the same runsc
 * at once; placing an entry renames what is there aside and the new tree in
 * (installer.ts), so two writers at a time would undo each other's work. A holder that died is detected by its pid.
 */
import { promises as fs } from 'node:fs';

/** Whether process `pid` exists (EPERM: it does, as another user's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function withLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await fs.open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await fs.readFile(file, 'utf8').catch(() => ''));
      if (holder > 0 && !alive(holder)) {
        // Break it by renaming: of several waiters only one can move the very file, and a
        // waiter that read the dead pid late cannot remove a lock somebody else just took.
        const moved = `${file}.stale-${process.pid}-${Date.now()}`;
        if (
          await fs.rename(file, moved).then(
            () => true,
            () => false,
          )
        ) {
          const still = Number(await fs.readFile(moved, 'utf8').catch(() => ''));
          await fs.rm(moved, { force: true });
          if (still !== holder) {
            // We moved a live holder's fresh lock: put it back and wait our turn.
            await fs.writeFile(file, String(still), { flag: 'wx' }).catch(() => {});
          }
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${file} (held by pid ${holder || 'unknown'})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await fn();
  } finally {
    // Only our own lock: never one another process took after ours was (wrongly) broken.
    if ((await fs.readFile(file, 'utf8').catch(() => '')) === String(process.pid)) await fs.rm(file, { force: true });
  }
}
