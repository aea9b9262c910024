#!/bin/sh
# A stand-in for runsc, speaking its command line as src/run uses it, so that
# the sandbox lifecycle can be tested as any user, without gVisor:
#
#   runsc --root=STATE [--log=FILE] [global flags] run --bundle=DIR ID
#   runsc ... create --bundle=DIR ID | start ID
#   runsc ... exec --process=FILE [--internal-pid-file=FILE] ID
#   runsc --root=STATE kill [--all|--pid=N] ID SIG | delete --force ID | ps --format=json ID | state ID
#   runsc --version
#
# The cell is a host process group in a session of its own: the OCI process
# (`args`, `cwd`) of the bundle's config.json or of the exec's process file.
# `kill` signals those groups, `delete` kills them. As with runsc, every
# process of a sandbox but the cell carries `--root=STATE` in its argv (this
# script itself, the `create`d sandbox, a gofer): that is how the engine finds
# what is left of one. A shell script, not node: the engine calls it a dozen
# times a run, and node takes 100 ms or more to start on a busy machine.
#
# Copied next to `fifo`, `control` (shell assignments written by fake-runsc.ts: which
# subcommand fails and how, start delay, a deaf runsc, a stuck gofer) and
# `calls` (one line per invocation: the subcommand and its arguments).

here=${0%/*}
# shellcheck disable=SC1091
[ -f "$here/control" ] && . "$here/control"

root=
log=
while :; do
  case $1 in
    --version)
      echo 'runsc version release-20260824.0'
      echo 'spec: 1.1.0-rc.1'
      exit 0
      ;;
    --root=*) root=${1#--root=} ;;
    --log=*) log=${1#--log=} ;;
    -*) ;;
    *) break ;;
  esac
  shift
done
cmd=$1
shift
case $cmd in
  gofer | sandbox) ;;
  *) echo "$cmd $*" >>"$here/calls" ;;
esac

bundle= process= pidfile= pid= all= id= sig=
for arg; do
  case $arg in
    --bundle=*) bundle=${arg#*=} ;;
    --process=*) process=${arg#*=} ;;
    --internal-pid-file=*) pidfile=${arg#*=} ;;
    --pid=*) pid=${arg#*=} ;;
    --all) all=1 ;;
    -*) ;;
    *) if [ -z "$id" ]; then id=$arg; else sig=$arg; fi ;;
  esac
done
state=$root/$id

# runsc's JSON log lines (messages are plain text: no quotes or backslashes).
log_line() {
  [ -n "$log" ] && printf '{"msg":"%s","level":"%s"}\n' "$2" "$1" >>"$log"
  return 0
}

# The failure chosen for this subcommand in `control`: fail_<cmd>_{exit,error,nolog,stderr,signal}.
maybe_fail() {
  eval "f_exit=\${fail_${cmd}_exit-} f_error=\${fail_${cmd}_error-} f_nolog=\${fail_${cmd}_nolog-}"
  eval "f_stderr=\${fail_${cmd}_stderr-} f_signal=\${fail_${cmd}_signal-}"
  [ -n "$f_exit$f_error$f_nolog$f_stderr$f_signal" ] || return 0
  [ -n "$f_stderr" ] && printf '%s' "$f_stderr" >&2
  if [ -z "$f_nolog" ]; then
    log_line info "fake runsc $cmd"
    [ -n "$f_error" ] && log_line error "$f_error"
  fi
  # runsc killed from outside (the OOM killer, say), once it had started logging.
  [ -n "$f_signal" ] && kill -s "${f_signal#SIG}" $$
  exit "${f_exit:-128}"
}

# A process of the sandbox that is not the cell: this script again, carrying --root=; its pid is in $!.
helper() {
  "$0" "--root=$root" "$1" "$id" </dev/null >/dev/null 2>&1 &
}

# Runs the OCI process in JSON file $1 (a bundle's config.json: its `process`) as a new session
# of the container, its pid written to $2; exits as runsc does, 128+N for a cell killed by signal N.
run_cell() {
  pid_out=$2
  words=$("$node" -e '
    const t = String.fromCharCode(39);
    const q = (s) => t + String(s).split(t).join(t + "\\" + t + t) + t;
    const spec = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const p = spec.process ?? spec;
    console.log([p.cwd || ".", ...p.args].map(q).join(" "));
  ' "$1") || exit 127
  eval "set -- $words"
  cwd=$1
  shift
  (cd "$cwd" && exec setsid -- "$@") &
  cell=$!
  mkdir -p "$state/groups"
  : >"$state/groups/$cell"
  [ -n "$pid_out" ] && echo "$cell" >"$pid_out"
  wait "$cell"
}

signal_groups() {
  for g in "$state/groups"/*; do
    [ -e "$g" ] && kill -s "$1" -- "-${g##*/}" 2>/dev/null
  done
  return 0
}

case $cmd in
  gofer | sandbox)
    # Until SIGKILL (SIGTERM is ignored: a stuck gofer), blocked in open() on a FIFO nobody
    # writes to: no child process, so nothing else carries --root= or outlives it.
    trap '' TERM
    read -r _ <"$here/fifo"
    ;;
  run)
    maybe_fail
    log_line info 'fake runsc run'
    [ -n "$start_delay" ] && sleep "$start_delay"
    mkdir -p "$state"
    # A gofer that `runsc run` leaves behind when it returns.
    [ -n "$stuck_gofer" ] && helper gofer
    run_cell "$bundle/config.json" ""
    status=$?
    # `runsc run` deletes its container when it returns.
    rm -rf "$state"
    exit "$status"
    ;;
  create)
    maybe_fail
    log_line info 'fake runsc create'
    [ -n "$start_delay" ] && sleep "$start_delay"
    mkdir -p "$state"
    helper sandbox
    echo $! >"$state/sandbox"
    ;;
  start)
    maybe_fail
    log_line info 'fake runsc start'
    [ -d "$state" ]
    ;;
  exec)
    maybe_fail
    if [ ! -d "$state" ]; then
      log_line error "container $id does not exist"
      exit 128
    fi
    run_cell "$process" "$pidfile"
    ;;
  kill)
    # A kill that comes before the container exists fails, as runsc's does.
    if [ ! -d "$state" ]; then
      echo "fake runsc: container $id not found" >&2
      exit 1
    fi
    [ -n "$deaf" ] && exit 0
    if [ -n "$pid" ]; then
      kill -s "${sig:-TERM}" "$pid" 2>/dev/null
    elif [ -n "$all" ]; then
      signal_groups "${sig:-TERM}"
    else
      for g in "$state/groups"/*; do
        [ -e "$g" ] && kill -s "${sig:-TERM}" "${g##*/}" 2>/dev/null
        break
      done
    fi
    exit 0
    ;;
  delete)
    [ -n "$deaf" ] && exit 0
    [ -d "$state" ] || exit 1
    signal_groups KILL
    [ -f "$state/sandbox" ] && kill -s KILL "$(cat "$state/sandbox")" 2>/dev/null
    rm -rf "$state"
    ;;
  state)
    # exec: one process that holds the pipes, as runsc's own wait does.
    [ -n "$state_delay" ] && exec sleep "$state_delay"
    maybe_fail
    if [ ! -d "$state" ]; then
      echo "fake runsc: container $id not found" >&2
      exit 128
    fi
    echo "{\"id\":\"$id\",\"status\":\"running\"}"
    ;;
  ps)
    maybe_fail
    groups=' '
    for g in "$state/groups"/*; do
      [ -e "$g" ] && groups="$groups${g##*/} "
    done
    out=
    for f in /proc/[0-9]*/stat; do
      read -r line 2>/dev/null <"$f" || continue
      # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
      # shellcheck disable=SC2086
      set -- ${line##*) }
      case $groups in *" $3 "*)
        p=${f#/proc/}
        [ "$1" = Z ] || out="$out${out:+,}${p%/stat}"
        ;;
      esac
    done
    echo "[$out]"
    ;;
  *)
    echo "fake runsc: unknown command $cmd" >&2
    exit 64
    ;;
esac
