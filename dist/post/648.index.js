export const id = 648;
export const ids = [648];
export const modules = {

/***/ 8648:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  findNetworkTools: () => (/* binding */ findNetworkTools),
  teardownHostNetwork: () => (/* binding */ teardownHostNetwork)
});

// UNUSED EXPORTS: NETWORK_ID, names, openHostNetwork, slotAddresses

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: ./src/fs-kind.ts
var fs_kind = __webpack_require__(8619);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
;// CONCATENATED MODULE: ./src/egress/allow-list.ts
/**
 * `network.allow`: what an entry may be, and whether a destination the cell
 * asks for is on the list. Pure: no lookups, no sockets. The schema
 * (cell/schema.ts) validates entries with `parseEntry`; the listeners
 * (egress/) ask `AllowList` about every name, IP and port the cell names.
 *
 * An entry is a host name (`registry.npmjs.org`), a wildcard (`*.example.org`:
 * one or more labels in front, never example.org itself), an IPv4 literal or
 * a bracketed IPv6 one; with `:port` it allows that port only, without one
 * ports 80 and 443.
 */

const DEFAULT_PORTS = (/* unused pure expression or super */ null && ([80, 443]));
const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
/** A host name as the cell may name it: labels of letters, digits, `-` and `_`, at most 253 characters. */
const NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
const PORT = /^(?:[1-9][0-9]{0,4})$/;
const PORT_RANGE = '(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const ANY_LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
/**
 * The pattern an entry must match, for editors (cell.schema.json): the same
 * rules as parseEntry's but the 253-character bound on a whole name (an
 * editor lets up to 254 through, the action says no).
 */
const ENTRY_PATTERN = [
    '^(?:',
    // A name (or *.name) whose last label is not all digits (1.2.3.999 is no name), an optional trailing dot.
    `(?:\\*\\.)?(?=[A-Za-z0-9_.-]{1,254}(?::|$))(?:${ANY_LABEL}\\.)*(?![0-9]+\\.?(?::|$))${ANY_LABEL}\\.?`,
    `|${OCTET}(?:\\.${OCTET}){3}`,
    '|\\[[0-9A-Fa-f:.]+\\]',
    `)(?::${PORT_RANGE})?$`,
].join('');
/**
 * A host name in its one comparable form (lower case, no trailing dot), or
 * undefined when it is not one: what the cell sends (SNI, Host, a DNS
 * question) goes through this before it is matched or shown anywhere.
 */
function normalName(value) {
    const name = value.toLowerCase().replace(/\.$/, '');
    if (!NAME.test(name))
        return undefined;
    // 1.2.3.999 is neither an address nor a name; a top-level label is never all digits.
    if (/(?:^|\.)[0-9]+$/.test(name))
        return undefined;
    return name;
}
/**
 * net.isIPv6, asked only of what could be one (it has a colon). Node's check
 * is a large pattern that costs 6–10 ms to compile on first use and a few
 * more to fail on a name: every document with a name on its list would pay
 * that on the way to the cell's start, twice (validation, then the list).
 */
function allow_list_isIPv6Literal(value) {
    return value.includes(':') && isIPv6(value);
}
/** An IP literal in its canonical form (IPv6 lower case, without brackets), or undefined. */
function normalIp(value) {
    const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
    if (isIPv4(bare))
        return bare;
    if (allow_list_isIPv6Literal(bare) && !bare.includes('%'))
        return bare.toLowerCase();
    return undefined;
}
/** An entry, or what is wrong with it (for "network.allow[i]: …"). */
function parseEntry(entry) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.includes('/')) {
        return { error: 'expected a host name (and an optional :port), not a URL or a path' };
    }
    let host = entry;
    let ports = DEFAULT_PORTS;
    const port = /:([^:\]]*)$/.exec(entry);
    // host:port, [v6]:port; a bare IPv6 (several colons, no brackets) has no port to split.
    if (port && (entry.startsWith('[') || entry.indexOf(':') === port.index)) {
        const digits = port[1] ?? '';
        const n = Number(digits);
        if (!PORT.test(digits) || n > 65535)
            return { error: 'expected a port from 1 to 65535 after the colon' };
        ports = [n];
        host = entry.slice(0, port.index);
    }
    if (host === '')
        return { error: 'expected a host name before the port' };
    if (host.startsWith('[') || host.includes(':')) {
        if (!host.startsWith('['))
            return { error: 'expected an IPv6 address in brackets, as [2001:db8::1]:443' };
        const ip = normalIp(host);
        if (!ip || !allow_list_isIPv6Literal(ip))
            return { error: 'expected an IPv6 address in the brackets' };
        return { kind: 'ip', ip, ports };
    }
    const v4 = normalIp(host);
    if (v4)
        return { kind: 'ip', ip: v4, ports };
    if (/^[0-9.]+$/.test(host))
        return { error: 'expected an IPv4 address such as 203.0.113.7' };
    const wildcard = host.startsWith('*.');
    const name = normalName(wildcard ? host.slice(2) : host);
    if (!name) {
        return {
            error: host.includes('*')
                ? 'expected a wildcard as *.example.org: one * in front of a name, for one or more labels'
                : 'expected a host name such as registry.npmjs.org: labels of letters, digits, - and _, separated by single dots',
        };
    }
    return { kind: 'name', name, wildcard, ports };
}
class AllowList {
    entries;
    /** `audit: true`: every name is allowed (addresses are still checked; see addresses.ts). */
    audit;
    constructor(entries, audit = false) {
        this.entries = entries.map((e, i) => {
            const parsed = parseEntry(e);
            if ('error' in parsed)
                throw new Error(`network.allow[${i}]: ${parsed.error}`);
            return parsed;
        });
        this.audit = audit;
    }
    nameEntries(name) {
        return this.entries.filter((e) => e.kind === 'name' && (e.wildcard ? name.endsWith(`.${e.name}`) && name.length > e.name.length + 1 : name === e.name));
    }
    /** Whether a name is on the list for some port: what the DNS listener answers. */
    knowsName(name) {
        return this.audit || this.nameEntries(name).length > 0;
    }
    /** Whether an entry names this name (for some port), whatever `audit` says. */
    listsName(name) {
        return this.nameEntries(name).length > 0;
    }
    /** Whether the list names this IP literal itself (for some port): it may then be reached even if private. */
    listsIp(ip) {
        return this.entries.some((e) => e.kind === 'ip' && e.ip === ip);
    }
    /** Whether a destination is allowed: a name (or, listed as such, an IP) on this port. */
    allows(d) {
        if (this.audit)
            return true;
        const ip = normalIp(d.host);
        if (ip)
            return this.entries.some((e) => e.kind === 'ip' && e.ip === ip && e.ports.includes(d.port));
        return this.nameEntries(d.host).some((e) => e.ports.includes(d.port));
    }
    /** The IPv4 literals and their ports: each gets a route in the cell and a listener of its own. */
    ipv4Targets() {
        return this.entries.flatMap((e) => (e.kind === 'ip' && isIPv4(e.ip) ? e.ports.map((port) => ({ host: e.ip, port })) : []));
    }
    /**
     * Ports other than 80 and 443 that names are listed with, and the names
     * on each: a connection to such a port carries no name of its own, so it
     * goes to the one name listed there, or to the TLS server name among several.
     */
    namePorts() {
        const ports = new Map();
        for (const e of this.entries) {
            if (e.kind !== 'name')
                continue;
            for (const port of e.ports) {
                if (DEFAULT_PORTS.includes(port))
                    continue;
                ports.set(port, [...(ports.get(port) ?? []), e]);
            }
        }
        return ports;
    }
}

;// CONCATENATED MODULE: ./src/egress/addresses.ts
/**
 * Which addresses a cell may be connected to when a name it may reach
 * resolves to them. A name on the list says nothing about where it points:
 * DNS (or the runner's /etc/hosts) can point an allowed name at the runner's
 * own services, its LAN or the cloud's metadata endpoint. Those are refused
 * unless the IP itself is on the list.
 */


/** The /16 the action takes its veth pairs from (RFC 2544's benchmarking range, never routed). */
const addresses_VETH_RANGE = { base: '198.19.0.0', prefix: 16 };
const RANGES = [
    ['0.0.0.0', 8, 'ipv4', 'this host'],
    ['127.0.0.0', 8, 'ipv4', 'loopback'],
    ['10.0.0.0', 8, 'ipv4', 'private'],
    ['172.16.0.0', 12, 'ipv4', 'private'],
    ['192.168.0.0', 16, 'ipv4', 'private'],
    ['100.64.0.0', 10, 'ipv4', 'shared (carrier-grade NAT)'],
    ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
    ['168.63.129.16', 32, 'ipv4', 'Azure host services'],
    [addresses_VETH_RANGE.base, addresses_VETH_RANGE.prefix, 'ipv4', 'the action’s own cell links'],
    ['224.0.0.0', 4, 'ipv4', 'multicast'],
    ['240.0.0.0', 4, 'ipv4', 'reserved'],
    ['::', 128, 'ipv6', 'unspecified'],
    ['::1', 128, 'ipv6', 'loopback'],
    ['fc00::', 7, 'ipv6', 'private'],
    ['fe80::', 10, 'ipv6', 'link-local'],
    ['ff00::', 8, 'ipv6', 'multicast'],
];
const lists = RANGES.map(([base, prefix, family, reason]) => {
    const list = new external_node_net_.BlockList();
    list.addSubnet(base, prefix, family);
    return { list, reason };
});
/** An IPv4 address embedded in NAT64's well-known prefix (64:ff9b::/96), which some resolvers synthesise. */
function nat64(ip) {
    const m = /^64:ff9b::(?:([0-9a-f]{1,4}):([0-9a-f]{1,4})|(\d+\.\d+\.\d+\.\d+))$/i.exec(ip);
    if (!m)
        return undefined;
    if (m[3])
        return m[3];
    const hi = Number.parseInt(m[1] ?? '0', 16);
    const lo = Number.parseInt(m[2] ?? '0', 16);
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}
/**
 * Why the cell may not be connected to `ip` (a range name), or undefined
 * when it may. `own` are the runner's own addresses (every interface's, ownAddresses):
 * a service listening on one of them is the runner's, whatever the range.
 * IPv4-mapped IPv6 forms are judged as the IPv4 address (BlockList does so).
 */
function refusedAddress(ip, own = new BlockList()) {
    const family = isIPv4(ip) ? 'ipv4' : isIPv6Literal(ip) ? 'ipv6' : undefined;
    if (!family)
        return 'not an IP address';
    const embedded = family === 'ipv6' ? nat64(ip) : undefined;
    if (embedded)
        return refusedAddress(embedded, own);
    for (const { list, reason } of lists)
        if (list.check(ip, family))
            return reason;
    // A BlockList, not a set of strings: ::ffff:10.1.0.4 and 2001:0db8::5 are the addresses they spell.
    if (own.check(ip, family))
        return 'the runner’s own address';
    return undefined;
}
/** The runner's own addresses (every interface's), as refusedAddress takes them. */
function ownAddresses(addresses) {
    const own = new BlockList();
    for (const a of addresses) {
        // The interfaces' addresses are the system's own spelling: the colon tells the family (isIPv6Literal's
        // pattern would cost its first compile here, on the way to the cell's start); BlockList checks the rest.
        try {
            own.addAddress(a, a.includes(':') ? 'ipv6' : 'ipv4');
        }
        catch {
            // Not an address after all: nothing of the runner's to refuse.
        }
    }
    return own;
}

;// CONCATENATED MODULE: ./src/egress/host-network.ts
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



/** The random suffix of a run directory: what every name here is made from. */
const NETWORK_ID = /^[A-Za-z0-9]{6}$/;
const SLOTS = 2 ** (32 - addresses_VETH_RANGE.prefix) / 4;
/** Where the /30s are claimed (root's: under /run, gone at reboot with everything else). */
const SLOT_DIR = '/run/gvisor-cell/slots';
/**
 * ip (iproute2), nft (nftables) and sh, from the system's own directories
 * only: they run as root. Throws naming what is missing and what installs it.
 */
function findNetworkTools(dirs = ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    const find = (name) => (0,fs_kind/* findInDirs */.Js)(name, dirs);
    const ip = find('ip');
    const nft = find('nft');
    const sh = find('sh');
    const missing = [ip ? '' : 'ip (package iproute2)', nft ? '' : 'nft (package nftables)', sh ? '' : 'sh'].filter(Boolean);
    if (!ip || !nft || !sh) {
        throw new Error(`network.allow needs ${missing.join(' and ')} on the runner, to give the cell a network of its own; install it, or use network: none`);
    }
    return { ip, nft, sh };
}
function names(id) {
    if (!NETWORK_ID.test(id))
        throw new Error(`not a network id: ${JSON.stringify(id)}`);
    return { netns: `gvisor-cell-${id}`, hostLink: `gvc${id}h`, cellLink: `gvc${id}c`, table: `gvisor_cell_${id}` };
}
/** The /30 of slot n: the runner's end is .1 of it, the cell's .2. */
function slotAddresses(slot) {
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
const UP_SCRIPT = (/* unused pure expression or super */ null && (`${PRELUDE}
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
if [ "$line" = down ]; then teardown; else teardown cut; fi`));
const DOWN_SCRIPT = `${PRELUDE}
teardown cut`;
function rootArgv(tools, sudo, script, args) {
    const argv = [tools.sh, '-c', script, 'gvisor-cell-net', tools.ip, tools.nft, ...args];
    return sudo ? ['sudo', ['-n', '--', ...argv]] : [argv[0], argv.slice(1)];
}
/** Reads the shell's stdout a line at a time. */
function lines(child) {
    let buffer = '';
    const waiting = [];
    const ready = [];
    let ended = false;
    const flush = () => {
        while (waiting.length > 0 && (ready.length > 0 || ended))
            waiting.shift()?.(ready.shift() ?? '');
    };
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk) => {
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
    return () => new Promise((resolve) => {
        waiting.push(resolve);
        flush();
    });
}
/**
 * Makes the cell's network. `routes` are the IPv4 literals the cell may
 * reach. Throws (having removed whatever it made) when any part fails.
 */
async function openHostNetwork(tools, sudo, id, routes, rules) {
    const n = names(id);
    const first = Math.floor(Math.random() * SLOTS);
    const [cmd, args] = rootArgv(tools, sudo, UP_SCRIPT, [id, String(first), ...routes]);
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d) => {
        if (stderr.length < 4096)
            stderr += d;
    });
    const exited = new Promise((resolve) => {
        child.on('close', (code) => resolve(code));
        child.on('error', () => resolve(null));
    });
    // An EPIPE on a shell that failed is reported through its output, not as an error here.
    child.stdin?.on('error', () => { });
    const next = lines(child);
    // The rules come once the listeners are bound; without them (they failed) the shell removes what it made.
    rules.then((text) => child.stdin?.write(`${text.replace(/\n+$/, '')}\n.\n`), () => child.stdin?.end());
    const failure = async (line, step) => {
        child.stdin?.end();
        await exited;
        const why = line.startsWith('error ') ? line.slice(6) : line || `the shell ended (${step})`;
        const detail = stderr.trim().split('\n').slice(-3).join('; ');
        return new Error(`could not set up the cell's network (network.allow): ${why}${detail ? `: ${detail}` : ''}`);
    };
    const up = await next();
    const slot = /^up (\d+)$/.exec(up)?.[1];
    if (slot === undefined)
        throw await failure(up, 'before the network was up');
    const { host, cell } = slotAddresses(Number(slot));
    let closed;
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
                for (const stream of [child.stdout, child.stderr])
                    stream?.unref();
            })();
            return closed;
        },
    };
}
/** Removes what `openHostNetwork` made for `id`, whatever is left of it (the post step). */
async function teardownHostNetwork(tools, sudo, id) {
    names(id);
    const [cmd, args] = rootArgv(tools, sudo, DOWN_SCRIPT, [id]);
    await new Promise((resolve) => {
        const child = (0,external_node_child_process_.spawn)(cmd, args, { stdio: 'ignore' });
        child.on('close', () => resolve());
        child.on('error', () => resolve());
    });
}


/***/ })

};
