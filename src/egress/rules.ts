/**
 * The cell's firewall on the runner: an nftables table of the action's own
 * (`inet gvisor_cell_<id>`), touching no other table. What the cell sends
 * arrives on the runner's end of its veth; there:
 *
 * - DNS, 80, 443 and the proxy port on the runner's end, each listed
 *   non-standard port of a name, and each listed IP literal and port are
 *   redirected to the action's listeners (bound on the runner's end);
 * - only those redirected connections are accepted; any other TCP is reset
 *   (fails at once), anything else is rejected;
 * - the runner's end, and the listeners' ports (they are bound on every
 *   address), take nothing from anywhere else (other links, loopback);
 * - nothing is forwarded to or from the cell's link, whatever the runner's
 *   ip_forward says (Docker turns it on).
 *
 * A drop or reject in any table is final in nftables, so these hold whatever
 * other tables accept; only what they accept here could still be dropped by
 * another table (a firewall of the runner's own), which fails closed.
 */

export interface Redirect {
  /** The address the cell connects to: a listed IP literal, or (absent) the runner's end. */
  address?: string;
  protocol: 'tcp' | 'udp';
  port: number;
  /** The listener's own port on the runner's end. */
  to: number;
}

export interface RuleInput {
  table: string;
  hostLink: string;
  redirects: readonly Redirect[];
}

/**
 * The ruleset is written before the network's addresses are known (the
 * listeners' ports are, and the root shell makes the network and loads the
 * rules in one go): it names them as nftables variables, `$host` (the
 * runner's end) and `$cell` (the cell's own address: nothing else may come
 * from its link, so no answer goes to a spoofed source), which the shell
 * defines in front of it (host-network.ts).
 */
export function ruleset(r: RuleInput): string {
  const link = `iifname "${r.hostLink}"`;
  const redirects = r.redirects.map(
    (d) => `    ${link} ip daddr ${d.address ?? '$host'} ${d.protocol} dport ${d.port} redirect to :${d.to}`,
  );
  const accepts = r.redirects.map((d) => `    ${link} ip daddr $host ${d.protocol} dport ${d.to} ct status dnat accept`);
  const ports = (protocol: 'tcp' | 'udp') => r.redirects.filter((d) => d.protocol === protocol).map((d) => d.to);
  const others = (['tcp', 'udp'] as const)
    .filter((p) => ports(p).length > 0)
    .map((p) => `    iifname != "${r.hostLink}" ${p} dport { ${ports(p).join(', ')} } drop`);
  return [
    `table inet ${r.table} {`,
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    ...redirects,
    '  }',
    '  chain input {',
    '    type filter hook input priority filter - 10; policy accept;',
    `    ${link} ip saddr != $cell drop`,
    ...[...new Set(accepts)],
    `    ${link} meta l4proto tcp reject with tcp reset`,
    `    ${link} reject with icmpx admin-prohibited`,
    // The listeners are the cell's: nothing else on the runner or its LAN may use them.
    `    iifname != "${r.hostLink}" ip daddr $host drop`,
    ...others,
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter - 10; policy accept;',
    `    ${link} drop`,
    `    oifname "${r.hostLink}" drop`,
    '  }',
    '}',
  ].join('\n');
}
