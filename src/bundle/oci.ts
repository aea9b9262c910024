/**
 * The parts of the OCI runtime spec this action writes, and the few kinds of
 * mount entry every part of the bundle is made of, so that mount options
 * (read-only, nosuid, sizes) are spelled in one place.
 */

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options?: string[];
}

export interface OciSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities?: Record<'bounding' | 'effective' | 'permitted', string[]>;
    noNewPrivileges: boolean;
  };
  root: { path: string; readonly: boolean };
  hostname: string;
  mounts: OciMount[];
  linux: {
    /** `path`: join that namespace (network: the cell's own, made by egress/) rather than make a new one. */
    namespaces: { type: string; path?: string }[];
    resources?: {
      memory?: { limit: number; swap: number };
      cpu?: { quota: number; period: number };
      pids?: { limit: number };
    };
  };
}

export const RO = ['rbind', 'ro', 'nosuid', 'nodev'];
export const RW = ['rbind', 'rw', 'nosuid', 'nodev'];

export function bind(destination: string, source: string, options: string[]): OciMount {
  return { destination, type: 'bind', source, options };
}

export function tmpfs(destination: string, options: string[]): OciMount {
  return { destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', ...options] };
}

/**
 * The cell's writable scratch directories, each bounded by `limits.tmpfs`.
 * Without `size=` gVisor gives a tmpfs half the host's memory, and what the
 * cell writes there is the runner's memory until the sandbox ends (checked
 * with runsc 20240729: past `size=` writes fail with ENOSPC, `df` shows it).
 */
export function scratch(destination: string, size: number, options: string[]): OciMount {
  return tmpfs(destination, [...options, `size=${size}`]);
}
