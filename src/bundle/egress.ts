/**
 * What a cell with `network: { allow }` sees of its network, in the bundle:
 * its own /etc/resolv.conf (the action's DNS listener) and /etc/hosts (the
 * runner's entries would send names past the DNS listener), mounted at plan
 * time so a prepared root filesystem is checked for them early; and, once the
 * network exists (run time: the address is not known before), the namespace
 * to join and the proxy variables.
 */
import type { HostFacts } from './host.js';
import { bind, type OciMount, type OciSpec, RO } from './oci.js';
import type { BundlePaths } from './paths.js';

/** The files the cell's name resolution reads, each a file of ours in the bundle's directory. */
export function egressMounts(host: Pick<HostFacts, 'resolvConf'> | undefined, paths: BundlePaths): OciMount[] {
  // Ubuntu's /etc/resolv.conf links to /run/systemd/resolve/…: the file is mounted where the link leads.
  return [bind(host?.resolvConf ?? '/etc/resolv.conf', paths.resolvConf, RO), bind('/etc/hosts', paths.hosts, RO)];
}

/**
 * The cell's hosts file, and its resolv.conf as an empty file: the address
 * it names is known only once the network exists (run/cell.ts writes it
 * then), but the file must be there for the skeleton's mount point.
 */
export function egressFiles(paths: BundlePaths, hostname: string): { path: string; content: string }[] {
  return [
    { path: paths.hosts, content: hostsFile(hostname) },
    { path: paths.resolvConf, content: '' },
  ];
}

export function hostsFile(hostname: string): string {
  return `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t${hostname}\n`;
}

export interface JoinedNetwork {
  netnsPath: string;
  /** The runner's end of the veth: DNS server and proxy. */
  hostAddress: string;
  proxyPort: number;
}

/** The proxy variables, upper and lower case (curl reads http_proxy only in lower case). */
export function proxyEnv(net: JoinedNetwork): [string, string][] {
  const proxy = `http://${net.hostAddress}:${net.proxyPort}`;
  const none = 'localhost,127.0.0.1,::1';
  return [
    ['HTTP_PROXY', proxy],
    ['HTTPS_PROXY', proxy],
    ['http_proxy', proxy],
    ['https_proxy', proxy],
    ['NO_PROXY', none],
    ['no_proxy', none],
    // Node's own fetch ignores the variables without it (Node 24 and later).
    ['NODE_USE_ENV_PROXY', '1'],
  ];
}

/** A variable set by the document wins: the cell can reach no other proxy anyway. */
function withEnv(env: readonly string[], add: [string, string][]): string[] {
  const set = new Set(env.map((e) => e.slice(0, e.indexOf('='))));
  return [...env, ...add.filter(([k]) => !set.has(k)).map(([k, v]) => `${k}=${v}`)];
}

/**
 * The spec joined to the cell's network: the namespace path, and the proxy
 * variables in `processes` (the cell's own, which `collect` runs on its own).
 */
export function joinNetwork(spec: OciSpec, net: JoinedNetwork): OciSpec {
  const namespaces = spec.linux.namespaces.map((ns) => (ns.type === 'network' ? { ...ns, path: net.netnsPath } : ns));
  return {
    ...spec,
    process: { ...spec.process, env: withEnv(spec.process.env, proxyEnv(net)) },
    linux: { ...spec.linux, namespaces },
  };
}

export function joinProcess(process: OciSpec['process'], net: JoinedNetwork): OciSpec['process'] {
  return { ...process, env: withEnv(process.env, proxyEnv(net)) };
}

export function resolvConf(net: JoinedNetwork): string {
  // One attempt each, short: the answer is local, and a name that is refused should fail at once.
  return `nameserver ${net.hostAddress}\noptions timeout:2 attempts:2\n`;
}
