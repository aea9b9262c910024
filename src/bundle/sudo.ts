/**
 * sudo in a cell with `system: overlay`.
 *
 * gVisor does not honour setuid bits (google/gvisor#212: every process runs
 * as if PR_SET_NO_NEW_PRIVS were set), so the runner's sudo cannot make the
 * cell's user root. Instead the cell starts as root, in a small bash helper
 * (BROKER) that serves sudo's requests and runs the cell's own command as
 * the runner's user (setpriv drops every id and capability: the command is
 * an ordinary process of that user, exactly as without the helper). A sudo
 * of our own (SUDO) takes the place of /usr/bin/sudo: it hands the command,
 * its environment and working directory to the helper through a FIFO, and
 * relays its input, output and exit status.
 *
 * Passwordless sudo is root for anyone in the cell; this is that, no more:
 * root inside the sandbox, with the capabilities a root cell has
 * (process.ts), the masked files still masked, and the runner's files
 * read-only on the host whatever root does (readonly.ts).
 */
import type { SudoTools } from './host.js';
import type { CellUser, OciProcess } from './process.js';

/** The helper's own directory in the cell (on the cell's /run tmpfs): the request FIFO. */
export const SUDO_DIR = '/run/gvisor-cell-sudo';
/** Where the helper script is mounted in the cell. */
export const BROKER_PATH = '/run/gvisor-cell/sudo-broker';
/** Where our sudo is mounted: over the runner's. */
export const SUDO_PATH = '/usr/bin/sudo';

/**
 * The helper, PID 1 of the cell, as root: `sudo-broker UID GID -- ARGV…`.
 * Requests are directories made by SUDO (argv, env, cwd as NUL-separated
 * files; FIFOs in, out, err, status), named one per line on the request
 * FIFO. The FIFO is held open for writing too, so reads block rather than end.
 * The cell's command runs as UID:GID with no supplementary groups, as any
 * cell's does; its status is the cell's.
 */
export const BROKER = `# gvisor-cell: the cell's root helper for sudo (system: overlay); see src/bundle/sudo.ts.
# Its own commands by absolute path or \`command -p\`: PATH is the cell's, for the cell's command.
set -u
setpriv=$1 uid=$2 gid=$3
shift 4
dir=${SUDO_DIR}
command -p mkdir -m 0711 "$dir" && command -p mkfifo -m 0622 "$dir/requests" ||
  { echo "gvisor-cell: could not start the helper for sudo" >&2; exit 125; }
request() {
  local d=$1 status=126 argv envs cwd=/
  [ -d "$d" ] && [ ! -L "$d" ] || return 0
  if mapfile -d '' -t argv < "$d/argv" && mapfile -d '' -t envs < "$d/env" && [ "\${#argv[@]}" -gt 0 ]; then
    IFS= read -r -d '' cwd < "$d/cwd"
    (cd -- "$cwd" 2>/dev/null || cd /; exec /usr/bin/env -i "\${envs[@]}" "\${argv[@]}") < "$d/in" > "$d/out" 2> "$d/err"
    status=$?
  else
    : < "$d/in" > "$d/out" 2> "$d/err"
  fi
  echo "$status" > "$d/status"
}
serve() {
  exec 3<> "$dir/requests"
  while IFS= read -r d <&3; do request "$d" & done
}
serve &
/usr/bin/env -u SHLVL -u _ -u OLDPWD "$setpriv" --reuid="$uid" --regid="$gid" --clear-groups -- "$@" &
wait $!
`;

/**
 * Our sudo: the options CI scripts use (-n, -E, -H, -u, -i, -s, -v, -k, --),
 * the environment reset as sudo's env_reset does (keeping TERM, the locale,
 * TZ, DEBIAN_FRONTEND and the proxy settings the cell was given), then the
 * command through the helper; as root already, the command itself.
 */
export const SUDO = `#!/bin/bash
# gvisor-cell: sudo in a cell (system: overlay). gVisor does not honour setuid, so this hands the command to the
# cell's root helper (src/bundle/sudo.ts in gvisor-cell). Signals are not passed on to the command.
set -u
keep= login= shell= user=root
usage() { echo "usage: sudo [-nEHSkKv] [-u user] [-i | -s] [--] [command [arg ...]]" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case $1 in
    --) shift; break ;;
    -u|--user) [ $# -ge 2 ] || usage; user=$2; shift 2 ;;
    --user=*) user=\${1#--user=}; shift ;;
    -u?*) user=\${1#-u}; shift ;;
    -E|--preserve-env|--preserve-env=*) keep=1; shift ;;
    -i|--login) login=1; shift ;;
    -s|--shell) shell=1; shift ;;
    -n|--non-interactive|-H|--set-home|-S|--stdin|-b|--background) shift ;;
    -v|--validate|-k|--reset-timestamp|-K|--remove-timestamp) [ $# -eq 1 ] && exit 0; shift ;;
    -V|--version) echo "sudo for a gvisor-cell cell (system: overlay)"; exit 0 ;;
    -h|--help) usage ;;
    -[!-]?*) first=\${1:0:2} rest=\${1:2}; shift; set -- "$first" "-$rest" "$@" ;;
    -*) echo "sudo: $1: not supported in a gvisor-cell cell" >&2; exit 1 ;;
    *) break ;;
  esac
done
if [ -n "$login$shell" ]; then
  if [ $# -gt 0 ]; then set -- /bin/bash \${login:+-l} -c "$*"; else set -- /bin/bash \${login:+-l}; fi
fi
[ $# -gt 0 ] || usage
case $user in
  root | 0 | '#0') user=root home=/root ;;
  *)
    name=\${user#\\#}
    uid=$(command -p id -u -- "$name" 2>/dev/null) && gid=$(command -p id -g -- "$name" 2>/dev/null) ||
      { echo "sudo: unknown user $user" >&2; exit 1; }
    home=$(command -p getent passwd "$uid" | command -p cut -d: -f6)
    set -- setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@" ;;
esac
env=()
if [ -n "$keep" ]; then
  while IFS= read -r -d '' v; do env+=("$v"); done < <(command -p env -0)
else
  env=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin" "HOME=\${home:-/}" "USER=$user" "LOGNAME=$user" "SHELL=/bin/bash")
  while IFS= read -r -d '' v; do
    case \${v%%=*} in
      TERM | LANG | LANGUAGE | LC_* | TZ | DEBIAN_FRONTEND | http_proxy | https_proxy | no_proxy | HTTP_PROXY | HTTPS_PROXY | NO_PROXY | NODE_USE_ENV_PROXY) env+=("$v") ;;
    esac
  done < <(command -p env -0)
fi
# bash knows the ids: every process is ~10 ms in gVisor.
me=$EUID
gid=$(command -p id -g)
env+=("SUDO_USER=$(command -p id -un 2>/dev/null || echo "$me")" "SUDO_UID=$me" "SUDO_GID=$gid" "SUDO_COMMAND=$*")
if [ "$me" = 0 ]; then exec /usr/bin/env -i "\${env[@]}" "$@"; fi
[ -p ${SUDO_DIR}/requests ] || { echo "sudo: the cell's helper for sudo is not running" >&2; exit 1; }
d=$(command -p mktemp -d "\${TMPDIR:-/tmp}/gvisor-cell-sudo.XXXXXXXX") || exit 1
trap 'command -p rm -rf -- "$d"' EXIT
printf '%s\\0' "$@" > "$d/argv"
printf '%s\\0' "\${env[@]}" > "$d/env"
printf '%s\\0' "$PWD" > "$d/cwd"
command -p mkfifo "$d/in" "$d/out" "$d/err" "$d/status" || exit 1
printf '%s\\n' "$d" > ${SUDO_DIR}/requests
command -p cat "$d/out" & out=$!
command -p cat "$d/err" >&2 & err=$!
# An asynchronous command reads /dev/null unless told otherwise: the command's input is ours.
command -p cat <&0 > "$d/in" & in=$!
status=
read -r status < "$d/status"
wait "$out" "$err"
kill "$in" 2>/dev/null
exit "\${status:-126}"
`;

/**
 * The cell's process run through the helper: root, with a root cell's
 * capabilities (for the requests), the command dropped to `user` by setpriv.
 */
export function throughBroker(process: OciProcess, user: CellUser, tools: SudoTools, rootCapabilities: readonly string[]): OciProcess {
  const caps = [...rootCapabilities];
  return {
    ...process,
    user: { uid: 0, gid: 0 },
    args: [tools.bash, '--noprofile', '--norc', BROKER_PATH, tools.setpriv, String(user.uid), String(user.gid), '--', ...process.args],
    capabilities: { bounding: caps, effective: caps, permitted: caps },
  };
}
