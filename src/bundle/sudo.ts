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

/** The helper's own directory in the cell (a tmpfs of its own, made by runsc, root's, 0711): the request FIFO. */
export const SUDO_DIR = '/run/gvisor-cell-sudo';
/** Where the helper script is mounted in the cell. */
export const BROKER_PATH = '/run/gvisor-cell/sudo-broker';
/** Where our sudo is mounted: over the runner's. */
export const SUDO_PATH = '/usr/bin/sudo';

/**
 * The helper, PID 1 of the cell, as root: `sudo-broker SETPRIV UID GID --
 * ARGV…`, run by `bash -p` (privileged mode: no BASH_ENV, no functions
 * imported from the document's environment run here as root). Requests are
 * directories made by SUDO (argv, env and cwd as NUL-separated files, sudo's
 * pid, FIFOs for what must be relayed, and a status FIFO), named one per line
 * on the request FIFO, which it also holds open for writing so that reads
 * block rather than end. The cell's command runs as UID:GID with no
 * supplementary groups, as any cell's does, in this shell's environment,
 * which is the document's: the script assigns nothing at its top level (a
 * variable the cell calls `dir` stays the cell's). Its own commands by
 * absolute path or `command -p`: PATH is the cell's too.
 */
export const BROKER = `# gvisor-cell: the cell's root helper for sudo (system: overlay); see src/bundle/sudo.ts.
request() {
  local d=$1 status=126 argv envs cwd=/ pid= in out err
  [ -d "$d" ] && [ ! -L "$d" ] || return 0
  IFS= read -r pid < "$d/pid"
  case $pid in '' | *[!0-9]*) pid= ;; esac
  # A descriptor sudo relays has a FIFO in the request; any other (a device, an input file: SUDO decides) is
  # opened afresh through /proc, as sudo would hand it on; output is appended, never truncated.
  in=$d/in out=$d/out err=$d/err
  [ -p "$in" ] || { in=/proc/$pid/fd/0; [ -e "$in" ] || in=/dev/null; }
  [ -p "$out" ] || { out=/proc/$pid/fd/1; [ -e "$out" ] || out=/dev/null; }
  [ -p "$err" ] || { err=/proc/$pid/fd/2; [ -e "$err" ] || err=/dev/null; }
  if [ -n "$pid" ] && mapfile -d '' -t argv < "$d/argv" && mapfile -d '' -t envs < "$d/env" && [ "\${#argv[@]}" -gt 0 ]; then
    IFS= read -r -d '' cwd < "$d/cwd"
    (cd -- "$cwd" 2>/dev/null || cd /; exec /usr/bin/env -i "\${envs[@]}" "\${argv[@]}") < "$in" >> "$out" 2>> "$err"
    status=$?
  else
    # Unblock sudo's relays, if any.
    { [ ! -p "$d/in" ] || : < "$d/in"; [ ! -p "$d/out" ] || : > "$d/out"; [ ! -p "$d/err" ] || : > "$d/err"; } 2> /dev/null
  fi
  echo "$status" > "$d/status"
}
# Beside the cell's command, not before it (every process is ~20 ms in gVisor): sudo waits for the FIFO.
# The FIFO appears under its name only once it is held open here: a sudo that opened it before would wait on
# an open that a later read-write open need not wake.
serve() {
  local d TMOUT=
  command -p mkfifo -m 0622 ${SUDO_DIR}/.requests && exec 3<> ${SUDO_DIR}/.requests &&
    command -p mv ${SUDO_DIR}/.requests ${SUDO_DIR}/requests ||
    { echo "gvisor-cell: could not start the helper for sudo" >&2; return; }
  while IFS= read -r d <&3; do request "$d" 3<&- & done
}
serve &
(unset SHLVL OLDPWD; exec "$1" --reuid="$2" --regid="$3" --clear-groups -- "\${@:5}") &
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
# A closed descriptor is /dev/null, as sudo makes it (else a pipe of our own would land on it).
[ -L /proc/$$/fd/0 ] || exec 0</dev/null
[ -L /proc/$$/fd/1 ] || exec 1>/dev/null
[ -L /proc/$$/fd/2 ] || exec 2>/dev/null
case \${0##*/} in sudoedit) echo "sudoedit: not supported in a gvisor-cell cell; use sudo with an editor or tee" >&2; exit 1 ;; esac
keep= login= shell= user=root names=(in out err)
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
  # As sudo does: the command goes to the shell's -c with its words escaped.
  if [ $# -gt 0 ]; then set -- /bin/bash \${login:+-l} -c "$(printf '%q ' "$@")"; else set -- /bin/bash \${login:+-l}; fi
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
env+=("SUDO_USER=$(command -p id -un 2>/dev/null || echo "$me")" "SUDO_UID=$me" "SUDO_GID=$(command -p id -g)" "SUDO_COMMAND=$*")
if [ "$me" = 0 ]; then exec /usr/bin/env -i "\${env[@]}" "$@"; fi
# With collect, the cell's command may start before the helper (the container's init) has made its FIFO.
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do [ -p ${SUDO_DIR}/requests ] && break; command -p sleep 0.1; done
[ -p ${SUDO_DIR}/requests ] || { echo "sudo: the cell's helper for sudo is not running" >&2; exit 1; }
d=$(command -p mktemp -d "\${TMPDIR:-/tmp}/gvisor-cell-sudo.XXXXXXXX") || exit 1
trap 'command -p rm -rf -- "$d"' EXIT
printf '%s\\0' "$@" > "$d/argv"
printf '%s\\0' "\${env[@]}" > "$d/env"
printf '%s\\0' "$PWD" > "$d/cwd"
printf '%s\\n' "$$" > "$d/pid"
# What the helper opens afresh through /proc, as sudo would hand the descriptor on: a device (/dev/null, a
# terminal), and an input file (from its start: a loop reading the file keeps its place). Everything else is
# relayed through a FIFO: output (a file keeps its offset, a pipe or a socket cannot be reopened in gVisor) and
# piped input, which is read ahead as far as the pipe lets it.
fifos=("$d/status")
for i in 0 1 2; do
  if [ -c "/proc/$$/fd/$i" ] || { [ "$i" = 0 ] && [ -f "/proc/$$/fd/$i" ]; }; then continue; fi
  fifos+=("$d/\${names[$i]}")
done
command -p mkfifo "\${fifos[@]}" || exit 1
# The status FIFO is held open, read and write, before the request goes: the helper's open of it then never
# waits for ours (two opens that wait for each other are where a FIFO handshake can be lost).
exec 4<> "$d/status"
printf '%s\\n' "$d" > ${SUDO_DIR}/requests
outs=() in=
[ ! -p "$d/out" ] || { command -p cat "$d/out" & outs+=($!); }
[ ! -p "$d/err" ] || { command -p cat "$d/err" >&2 & outs+=($!); }
# An asynchronous command reads /dev/null unless told otherwise: the command's input is ours.
[ ! -p "$d/in" ] || { command -p cat <&0 > "$d/in" & in=$!; }
status= TMOUT=
read -r status <&4
# Everything the command wrote is passed on, however slowly it is read (a daemon it left holding its output
# keeps sudo until it lets go: start one with its output redirected).
[ "\${#outs[@]}" -eq 0 ] || wait "\${outs[@]}" 2>/dev/null
[ -z "$in" ] || kill "$in" 2>/dev/null
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
    args: [
      tools.bash,
      '--noprofile',
      '--norc',
      '-p',
      BROKER_PATH,
      tools.setpriv,
      String(user.uid),
      String(user.gid),
      '--',
      ...process.args,
    ],
    capabilities: { bounding: caps, effective: caps, permitted: caps },
  };
}
