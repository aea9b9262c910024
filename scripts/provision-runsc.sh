#!/usr/bin/env bash
# Provides a systrap-capable runsc for the test suite and prints its absolute path
# on stdout (messages go to stderr). In order of preference:
#   1. $RUNSC, if set;
#   2. a runsc on PATH that is new enough for systrap (release 20230621 or later);
#   3. one already provisioned in .tmp/runsc/ by an earlier run of this script;
#   4. the latest release from gVisor's bucket, checksum-verified;
#   5. Debian trixie's runsc package (bookworm's predates systrap), fetched
#      without touching the system's apt sources.
# Usage: RUNSC=$(bash scripts/provision-runsc.sh)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
dest="$repo/.tmp/runsc"
say() { echo "provision-runsc: $*" >&2; }

# release date of a runsc binary (YYYYMMDD), or empty
release_of() { "$1" --version 2>/dev/null | head -n1 | grep -o '[0-9]\{8\}' | head -n1 || true; }
systrap_capable() { local d; d=$(release_of "$1"); [ -n "$d" ] && [ "$d" -ge 20230621 ]; }

if [ -n "${RUNSC:-}" ]; then
  if ! systrap_capable "$RUNSC"; then say "RUNSC=$RUNSC is not a runsc with systrap support"; exit 1; fi
  echo "$RUNSC"; exit 0
fi
if found=$(command -v runsc 2>/dev/null) && systrap_capable "$found"; then
  echo "$found"; exit 0
fi
if [ -x "$dest/runsc" ] && systrap_capable "$dest/runsc"; then
  echo "$dest/runsc"; exit 0
fi
mkdir -p "$dest"

arch=$(uname -m)
case "$arch" in x86_64|aarch64) ;; *) say "unsupported architecture $arch"; exit 1 ;; esac

# 4. The release bucket (unreachable on machines without internet: fail fast and move on).
bucket="https://storage.googleapis.com/gvisor/releases/release/latest/$arch"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if curl -fsS --connect-timeout 5 --max-time 300 -o "$work/gvisor.tar.bz2" "$bucket/gvisor.tar.bz2" 2>/dev/null &&
  curl -fsS --connect-timeout 5 -o "$work/gvisor.tar.bz2.sha512" "$bucket/gvisor.tar.bz2.sha512" 2>/dev/null &&
  (cd "$work" && sha512sum -c --quiet gvisor.tar.bz2.sha512 >&2); then
  tar -xjf "$work/gvisor.tar.bz2" -C "$work"
  bin=$(find "$work" -type f -name runsc | head -n1)
  rm -rf "$dest/gvisor-bin"
  cp "$bin" "$dest/runsc"
  [ -d "$(dirname "$bin")/gvisor-bin" ] && cp -r "$(dirname "$bin")/gvisor-bin" "$dest/"
  chmod 755 "$dest/runsc"
  say "installed $(release_of "$dest/runsc") from the release bucket"
  echo "$dest/runsc"; exit 0
fi
say "the release bucket is not reachable; using Debian trixie's runsc package"

# 5. Debian trixie, through a private apt configuration.
command -v apt-get >/dev/null || { say "no apt-get: set RUNSC to a runsc binary (release 20230621 or later)"; exit 1; }
case "$arch" in x86_64) debarch=amd64 ;; aarch64) debarch=arm64 ;; esac
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
echo "deb http://deb.debian.org/debian trixie main" >"$work/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "APT::Architecture=$debarch"
  -o APT::Sandbox::User=root -o Debug::NoLocking=1)
apt-get -qq "${apt_opts[@]}" update >&2
(cd "$work" && apt-get -qq "${apt_opts[@]}" download "runsc:$debarch" >&2)
dpkg-deb -x "$work"/runsc_*.deb "$work/x"
install -m 755 "$work/x/usr/bin/runsc" "$dest/runsc"
systrap_capable "$dest/runsc" || { say "Debian's runsc is too old for systrap"; exit 1; }
say "installed $("$dest/runsc" --version | head -n1) from Debian trixie"
echo "$dest/runsc"
