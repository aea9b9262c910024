/**
 * The bench's own lines in /etc/hosts: added and removed whole (a temporary
 * file renamed over it, so no reader ever sees half a file), each marked with
 * the bench's process id so that only its own are removed, and lines left by
 * a bench that died are swept on the next start. The e2e suite's upstream
 * harness edits /etc/hosts too, at the same time: both edit it through
 * test/support/etc-hosts.ts, under one lock, or one's rename would drop the
 * other's lines.
 */
import { alive } from '../../src/install/lock.js';
import { editHosts as editHostsFile } from '../support/etc-hosts.js';

const MARK = /# gvc-bench pid=(\d+)$/;

export function hostsMark(): string {
  return `# gvc-bench pid=${process.pid}`;
}

function editHosts(change: (lines: string[]) => string[]): void {
  editHostsFile('gvc-bench', change);
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
