/**
 * The runner's side of a cell's network: a network namespace for the
 * sandbox, a veth pair into it with a /30 of the action's own range, and an
 * nftables table that lets the cell reach the action's listeners and nothing
 * else. No forwarding and no NAT out: the cell's packets end on the runner.
 *
 * All of it is made and removed by one root shell (through `sudo -n` unless
 * the action is root) that stays up while the cell runs, reading its stdin:
 * it takes the firewall rules (the listeners are bound first: their ports are
 * in them), makes the network, says which addresses it has, and removes
 * everything when told, or when its stdin closes: as well when the action is
 * killed (the pipe closes with it). The post
 * step removes whatever a shell that was killed too left behind (`teardown`).
 *
 * Names derive from `id` (the run directory's random suffix): the namespace
 * `gvisor-cell-<id>`, the links `gvc<id>h` (runner) and `gvc<id>c` (cell), the
 * table `inet gvisor_cell_<id>`. The /30 is claimed with a symbolic link
 * /run/gvisor-cell/slots/<n> → <id> (made atomically, so parallel cells never
 * share one).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { findInDirs } from '../fs-kind.js';
import { VETH_RANGE } from './addresses.js';

/** The random suffix of a run directory: what every name here is made from. */
export const NETWORK_ID = /^[A-Za-z0-9]{6}$/;
const SLOTS = 2 ** (32 - VETH_RANGE.prefix) / 4;
/** Where the /30s are claimed (root's: under /run, gone at reboot with everything else). */
const SLOT_DIR = '/run/gvisor-cell/slots';

export interface NetworkTools {
  ip: string;
  nft: string;
  sh: string;
}

/**
 * ip (iproute2), nft (nftables) and sh, from the system's own directories
 * only: they run as root. Throws naming what is missing and what installs it.
 */
export function findNetworkTools(dirs: readonly string[] = ['/usr/sbin', '/sbin', '/usr/bin', '/bin']): NetworkTools {
  const find = (name: string) => findInDirs(name, dirs);
  const ip = find('ip');
  const nft = find('nft');
  const sh = find('sh');
  const missing = [ip ? '' : 'ip (package iproute2)', nft ? '' : 'nft (package nftables)', sh ? '' : 'sh'].filter(Boolean);
  if (!ip || !nft || !sh) {
    throw new Error(
      `network.allow needs ${missing.join(' and ')} on the runner, to give the cell a network of its own; install it, or use network: none`,
    );
  }
  return { ip, nft, sh };
}

export interface HostNetwork {
  id: string;
  /** Where the sandbox's namespace is, for the OCI spec. */
  netnsPath: string;
  /** The runner's end of the veth: the cell's DNS server, proxy and only gateway. */
  hostAddress: string;
  /** The cell's end: the only source the listeners answer. */
  cellAddress: string;
  /** The runner-side link's name, for the firewall rules. */
  hostLink: string;
  /**
   * Removes the namespace, the link, the table and the claim. With
   * `sandboxGone` (the caller saw the sandbox end) the quicker order is safe
   * (TEARDOWN), and it resolves once the root shell is told: the shell
   * finishes on its own, whether or not this process is still there.
   * Otherwise it resolves when they are gone.
   */
  close(sandboxGone?: boolean): Promise<void>;
}

export function names(id: string): { netns: string; hostLink: string; cellLink: string; table: string } {
  if (!NETWORK_ID.test(id)) throw new Error(`not a network id: ${JSON.stringify(id)}`);
  return { netns: `gvisor-cell-${id}`, hostLink: `gvc${id}h`, cellLink: `gvc${id}c`, table: `gvisor_cell_${id}` };
}

/** The /30 of slot n: the runner's end is .1 of it, the cell's .2. */
export function slotAddresses(slot: number): { host: string; cell: string } {
  const base = slot * 4;
  const third = base >> 8;
  const fourth = base & 255;
  return { host: `198.19.${third}.${fourth + 1}`, cell: `198.19.${third}.${fourth + 2}` };
}

/**
 * The removal, shared by the shell's own exit and the post step; each part
 * may be gone already, and the parts go at once (each is a process to start,
 * and the step waits for them). The claim is removed only if it is this id's.
 *
 * \`teardown\` with no argument is for a sandbox known to be gone (the action
 * says \`down\`): removing the namespace then takes the veth pair with it.
 * \`teardown cut\` is for one that may not be (the action died, a signal): the
 * runner's end of the veth goes first, and alone, which cuts the cell off at
 * once even while a sandbox that outlived the action still holds the
 * namespace; only then may the firewall table go (before, the cell would meet
 * the runner's services with nothing between). Deleting a veth waits for the
 * kernel (tens of milliseconds), so the usual end does not.
 */
const TEARDOWN = `teardown() {
  [ "\${1:-}" != cut ] || [ ! -e "/sys/class/net/$h" ] || "$ip" link del "$h" 2>/dev/null
  "$nft" delete table inet "$table" 2>/dev/null &
  "$ip" netns del "$ns" 2>/dev/null &
  for l in ${SLOT_DIR}/*; do owner=; read -r owner < "$l" 2>/dev/null; [ "$owner" != "$id" ] || rm -f "$l"; done
  wait
  return 0
}`;

const PRELUDE = `set -u
ip=$1 nft=$2 id=$3
ns=gvisor-cell-$id h=gvc\${id}h c=gvc\${id}c table=gvisor_cell_$id
${TEARDOWN}`;

/**
 * Arguments: ip nft id first-slot routes... (IPv4 literals the cell may reach:
 * each gets a route through the runner's end). Makes the network while the
 * action binds its listeners, then reads the ruleset (rules.ts, written with
 * \`$host\` and \`$cell\`) up to a line \`.\`, loads it with the two addresses
 * defined, prints \`up SLOT\`, then waits for a line \`down\` (or EOF) and
 * removes it all.
 *
 * Two \`ip -batch\` runs (the runner's side, the cell's) rather than a
 * process per command, and builtins where they do: each process costs a few
 * milliseconds, and a cell's start-up is what users wait for. No IPv6 on
 * either end of the veth (\`addrgenmode none\`: not even a link-local address
 * for runsc to take).
 */
const UP_SCRIPT = `${PRELUDE}
first=$4
shift 4
fail() { echo "error $*"; teardown cut; exit 1; }
trap 'teardown cut; exit 1' HUP INT TERM
[ -d ${SLOT_DIR} ] || mkdir -p -m 0755 ${SLOT_DIR} || fail "cannot make ${SLOT_DIR}"
# A claim is a file made with O_EXCL (noclobber): of two cells trying one slot, one gets it.
set -C
n=$first i=0 slot=
while [ $i -lt 256 ]; do
  if { echo "$id" > ${SLOT_DIR}/$n; } 2>/dev/null; then slot=$n; break; fi
  n=$(( (n + 1) % ${SLOTS} )) i=$((i + 1))
done
set +C
[ -n "$slot" ] || fail "no free address in ${VETH_RANGE.base}/${VETH_RANGE.prefix}"
hi=$(( (slot * 4) >> 8 )) lo=$(( (slot * 4) & 255 ))
host=198.19.$hi.$((lo + 1)) cell=198.19.$hi.$((lo + 2))
printf '%s\\n' "netns add $ns" "link add $h type veth peer name $c netns $ns" "link set $h addrgenmode none" \\
  "addr add $host/30 dev $h" "link set $h up" | "$ip" -batch - || fail "could not make $ns and $h"
f=/proc/sys/net/ipv6/conf/$h/disable_ipv6
[ ! -e "$f" ] || echo 1 > "$f" || fail "could not turn IPv6 off on $h"
{
  printf '%s\\n' "link set $c addrgenmode none" "link set lo up" "addr add $cell/30 dev $c" "link set $c up"
  for r in "$@"; do printf '%s\\n' "route add $r/32 via $host"; done
} | "$ip" -n "$ns" -batch - || fail "could not set up $c in $ns"
# The rules, once the action's listeners are bound (meanwhile the network above was made).
rules=
while IFS= read -r line; do
  [ "$line" = . ] && break
  rules="$rules$line
"
done
[ -n "$rules" ] || { teardown cut; exit 1; }
printf 'define host = %s\\ndefine cell = %s\\n%s' "$host" "$cell" "$rules" | "$nft" -f - || fail "nft refused the rules"
echo "up $slot"
# "down": the action saw the sandbox gone. Anything else (EOF: the action died) may leave a sandbox behind.
# Nothing is written from here on: the action does not wait for the removal, and its ends of the pipes may be gone.
line=
IFS= read -r line || true
exec >/dev/null 2>&1
if [ "$line" = down ]; then teardown; else teardown cut; fi`;

const DOWN_SCRIPT = `${PRELUDE}
teardown cut`;

function rootArgv(tools: NetworkTools, sudo: boolean, script: string, args: string[]): [string, string[]] {
  const argv = [tools.sh, '-c', script, 'gvisor-cell-net', tools.ip, tools.nft, ...args];
  return sudo ? ['sudo', ['-n', '--', ...argv]] : [argv[0] as string, argv.slice(1)];
}

/** Reads the shell's stdout a line at a time. */
function lines(child: ChildProcess): () => Promise<string> {
  let buffer = '';
  const waiting: ((line: string) => void)[] = [];
  const ready: string[] = [];
  let ended = false;
  const flush = () => {
    while (waiting.length > 0 && (ready.length > 0 || ended)) waiting.shift()?.(ready.shift() ?? '');
  };
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      ready.push(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
    }
    flush();
  });
  child.stdout?.on('close', () => {
    ended = true;
    flush();
  });
  return () =>
    new Promise((resolve) => {
      waiting.push(resolve);
      flush();
    });
}

/**
 * Makes the cell's network. `routes` are the IPv4 literals the cell may
 * reach. Throws (having removed whatever it made) when any part fails.
 */
export async function openHostNetwork(
  tools: NetworkTools,
  sudo: boolean,
  id: string,
  routes: readonly string[],
  rules: Promise<string>,
): Promise<HostNetwork> {
  const n = names(id);
  const first = Math.floor(Math.random() * SLOTS);
  const [cmd, args] = rootArgv(tools, sudo, UP_SCRIPT, [id, String(first), ...routes]);
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (stderr.length < 4096) stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => resolve(code));
    child.on('error', () => resolve(null));
  });
  // An EPIPE on a shell that failed is reported through its output, not as an error here.
  child.stdin?.on('error', () => {});
  const next = lines(child);
  // The rules come once the listeners are bound; without them (they failed) the shell removes what it made.
  rules.then(
    (text) => child.stdin?.write(`${text.replace(/\n+$/, '')}\n.\n`),
    () => child.stdin?.end(),
  );
  const failure = async (line: string, step: string) => {
    child.stdin?.end();
    await exited;
    const why = line.startsWith('error ') ? line.slice(6) : line || `the shell ended (${step})`;
    const detail = stderr.trim().split('\n').slice(-3).join('; ');
    return new Error(`could not set up the cell's network (network.allow): ${why}${detail ? `: ${detail}` : ''}`);
  };
  const up = await next();
  const slot = /^up (\d+)$/.exec(up)?.[1];
  if (slot === undefined) throw await failure(up, 'before the network was up');
  const { host, cell } = slotAddresses(Number(slot));
  let closed: Promise<void> | undefined;
  return {
    id,
    netnsPath: `/var/run/netns/${n.netns}`,
    hostAddress: host,
    cellAddress: cell,
    hostLink: n.hostLink,
    close(sandboxGone = false) {
      closed ??= (async () => {
        if (!sandboxGone) {
          child.stdin?.end();
          await exited;
          return;
        }
        // A sandbox known gone reaches nothing: the shell removes the rest on its own, and neither the step nor
        // this process waits for it (tens of ms: an nftables table's removal waits for the kernel).
        child.stdin?.end('down\n');
        child.unref();
        for (const stream of [child.stdout, child.stderr]) (stream as Socket | null)?.unref();
      })();
      return closed;
    },
  };
}

/** Removes what `openHostNetwork` made for `id`, whatever is left of it (the post step). */
export async function teardownHostNetwork(tools: NetworkTools, sudo: boolean, id: string): Promise<void> {
  names(id);
  const [cmd, args] = rootArgv(tools, sudo, DOWN_SCRIPT, [id]);
  await new Promise<void>((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('close', () => resolve());
    child.on('error', () => resolve());
  });
}
