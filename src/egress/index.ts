/**
 * Egress by name (`network: { allow, audit }`), put together: the runner's
 * side of the cell's network (host-network.ts), the listeners bound on it
 * (listeners.ts), the firewall that leaves the cell nothing else (rules.ts),
 * and the record of every decision (record.ts). Loaded only by cells that ask
 * for it (run/cell.ts imports it on demand, once the root shell that makes the
 * network is on its way: host-network.ts is light and loaded with the engine).
 */
import type { BlockList } from 'node:net';
import os from 'node:os';
import { ownAddresses } from './addresses.js';
import type { AllowList } from './allow-list.js';
import { type HostNetwork, names } from './host-network.js';
import { PROXY_PORT, startListeners } from './listeners.js';
import { EgressRecord } from './record.js';
import { ruleset } from './rules.js';

export type { Tally } from './record.js';

export interface EgressRequest {
  allow: AllowList;
  /** The run directory's random suffix: every name of the cell's network is made from it. */
  id: string;
  /** The egress-log file to create. */
  recordFile: string;
  /** The runner's side of the network, on its way (openHostNetwork, started before this module loaded). */
  host: Promise<HostNetwork>;
  /** Hands the firewall rules to the root shell making the network (undefined: none will come). */
  giveRules: (rules: string | undefined) => void;
}

export interface Egress {
  netnsPath: string;
  hostAddress: string;
  proxyPort: number;
  record: EgressRecord;
  /** Stops the listeners (connections still open are recorded) and closes the record; safe to call again. */
  stopListening(): Promise<void>;
  /**
   * stopListening, then removes the network and waits until it is gone; safe
   * to call again. `sandboxGone`: the sandbox is known to have ended (the
   * quicker removal: host-network.ts, TEARDOWN).
   */
  stop(sandboxGone?: boolean): Promise<void>;
}

/** Every address of the runner's interfaces: services there are the runner's, whatever the range. */
function runnerAddresses(): BlockList {
  return ownAddresses(Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)));
}

/**
 * Makes the cell's network and starts its listeners. On failure, removes
 * whatever was made and throws: the cell never starts without its filter.
 */
export async function startEgress(req: EgressRequest): Promise<Egress> {
  const { allow } = req;
  let address: string | undefined;
  let cellAddress: string | undefined;
  const record = new EgressRecord(req.recordFile);
  let listeners: Awaited<ReturnType<typeof startListeners>> | undefined;
  let host: HostNetwork;
  try {
    // The listeners' ports go into the rules; the root shell loads them once it has made the network.
    listeners = await startListeners(
      { gate: { allow, own: runnerAddresses() }, record, hostAddress: () => address, cellAddress: () => cellAddress },
      { namePorts: allow.namePorts(), ipTargets: allow.ipv4Targets() },
    );
    req.giveRules(ruleset({ table: names(req.id).table, hostLink: names(req.id).hostLink, redirects: listeners.redirects }));
    host = await req.host;
    address = host.hostAddress;
    cellAddress = host.cellAddress;
  } catch (error) {
    req.giveRules(undefined);
    await listeners?.close();
    record.close();
    throw error;
  }
  const started = listeners;
  const kept = record;
  let listening: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;
  const stopListening = () => {
    listening ??= started.close().then(() => kept.close());
    return listening;
  };
  return {
    netnsPath: host.netnsPath,
    hostAddress: host.hostAddress,
    proxyPort: PROXY_PORT,
    record: kept,
    stopListening,
    stop(sandboxGone = false) {
      stopped ??= stopListening().then(() => host.close(sandboxGone));
      return stopped;
    },
  };
}
