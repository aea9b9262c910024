/**
 * `limits.memory`, `cpus` and `pids` as the sandbox's cgroup settings. A
 * limit this host's cgroups cannot enforce is refused (a fact of the host,
 * not of the document) rather than run as if enforced.
 */
import type { Cell } from '../cell/schema.js';
import type { HostFacts } from './host.js';
import type { OciSpec } from './oci.js';

export type Resources = NonNullable<OciSpec['linux']['resources']>;

const CPU_PERIOD = 100_000;

/** The cgroup settings, or undefined when the document sets none (then runsc may skip cgroups). */
export function linuxResources(limits: NonNullable<Cell['limits']>, host: Pick<HostFacts, 'cgroupControllers'>): Resources | undefined {
  for (const [key, controller] of [
    ['memory', 'memory'],
    ['cpus', 'cpu'],
    ['pids', 'pids'],
  ] as const) {
    if (limits[key] !== undefined && host.cgroupControllers && !host.cgroupControllers.includes(controller)) {
      throw new Error(
        `limits.${key}: this runner's cgroups have no ${controller} controller, so the limit cannot be enforced; remove it or use another runner`,
      );
    }
  }
  const resources: Resources = {};
  if (limits.memory !== undefined) resources.memory = { limit: limits.memory, swap: limits.memory };
  if (limits.cpus !== undefined) resources.cpu = { quota: Math.round(limits.cpus * CPU_PERIOD), period: CPU_PERIOD };
  if (limits.pids !== undefined) resources.pids = { limit: limits.pids };
  return Object.keys(resources).length > 0 ? resources : undefined;
}
