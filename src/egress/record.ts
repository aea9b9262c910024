/**
 * Every egress decision, as it happens: a JSON Lines file (the `egress-log`
 * output), bounded, and a tally for the job summary and the log. Names come
 * from the cell (a DNS question, a server name, a Host header): the file
 * holds them JSON-escaped; anything shown (summary, log) is a normalised name
 * or IP, or "(malformed)".
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { normalIp, normalName } from './allow-list.js';

export type Via = 'dns' | 'tls' | 'http' | 'connect' | 'tcp';

export interface EgressEvent {
  name: string;
  port: number;
  via: Via;
  decision: 'allowed' | 'denied';
  reason?: string;
  /** The address connected to (allowed only). */
  address?: string;
  /** Why an allowed connection could not be made or ended badly. */
  error?: string;
  /** Bytes the cell sent upstream, and received from it. */
  sent: number;
  received: number;
}

export interface Tally {
  name: string;
  port: number;
  decision: 'allowed' | 'denied';
  reason: string | undefined;
  connections: number;
  sent: number;
  received: number;
}

/**
 * What a record names when the cell named nothing usable: the action's own
 * words, in parentheses (which no host name has), shown as they are.
 */
export const UNNAMED = {
  noServerName: '(no server name)',
  notTls: '(not TLS)',
  noRequest: '(no request)',
  noHost: '(no host)',
  malformed: '(malformed)',
} as const;
const PLACEHOLDERS: ReadonlySet<string> = new Set(Object.values(UNNAMED));

/** A destination as it may be shown outside the JSON file: a host name, an IP, or one of UNNAMED. */
export function shownName(name: string): string {
  if (PLACEHOLDERS.has(name)) return name;
  return normalIp(name) ?? normalName(name) ?? UNNAMED.malformed;
}

/** Rows in the tally: past this many distinct destinations the rest count under one row. */
const MAX_ROWS = 200;

export class EgressRecord {
  private fd: number | undefined;
  private written = 0;
  private cut = false;
  private readonly tally = new Map<string, Tally>();
  private others: Tally | undefined;

  /** `limit`: bytes of the file, past which records are counted but not written. */
  constructor(
    readonly file: string,
    private readonly limit = 16 * 2 ** 20,
  ) {
    this.fd = openSync(file, 'wx', 0o644);
  }

  /** `at`: when the decision was made (a connection is recorded when it ends, with its bytes). */
  add(e: EgressEvent, at: Date = new Date()): void {
    const line = `${JSON.stringify({ time: at.toISOString(), ...e, name: e.name.slice(0, 300) })}\n`;
    if (this.fd !== undefined && !this.cut) {
      if (this.written + line.length > this.limit) {
        this.cut = true;
        writeSync(this.fd, `${JSON.stringify({ time: new Date().toISOString(), truncated: true })}\n`);
      } else {
        this.written += writeSync(this.fd, line);
      }
    }
    this.count(e);
  }

  private count(e: EgressEvent): void {
    const name = shownName(e.name);
    const key = `${e.decision} ${name} ${e.port}`;
    let row = this.tally.get(key);
    if (!row) {
      if (this.tally.size >= MAX_ROWS) {
        this.others ??= {
          name: '(other destinations)',
          port: 0,
          decision: e.decision,
          reason: undefined,
          connections: 0,
          sent: 0,
          received: 0,
        };
        row = this.others;
      } else {
        row = { name, port: e.port, decision: e.decision, reason: e.reason, connections: 0, sent: 0, received: 0 };
        this.tally.set(key, row);
      }
    }
    row.connections += 1;
    row.sent += e.sent;
    row.received += e.received;
  }

  /** Denied first, then by traffic. */
  rows(): Tally[] {
    const rows = [...this.tally.values(), ...(this.others ? [this.others] : [])];
    return rows.sort((a, b) =>
      a.decision === b.decision ? b.sent + b.received - (a.sent + a.received) : a.decision === 'denied' ? -1 : 1,
    );
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
