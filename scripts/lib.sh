# Shell helpers shared by scripts/test and e2e/run (sourced, not executed).
# shellcheck shell=bash

if [[ -t 1 ]]; then BOLD=$'\033[1m' RESET=$'\033[0m'; else BOLD="" RESET=""; fi
if [[ -t 2 ]]; then RED=$'\033[1;31m' RESET2=$'\033[0m'; else RED="" RESET2=""; fi

banner() {
  printf '\n%s==== %s ====%s\n' "$BOLD" "$*" "$RESET"
}

note() {
  printf '  -> %s\n' "$*"
}

die() {
  printf '\n%sERROR:%s %s\n' "$RED" "$RESET2" "$*" >&2
  exit 1
}

# Run a command as root: directly when we are root, else through sudo
# without a password prompt; otherwise fail and say what to run.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo "$@"
  else
    die "need root to run: $* (run it yourself, then try again)"
  fi
}

# Install Debian packages; 'apt-get update' runs once per test run.
apt_install() {
  command -v apt-get >/dev/null 2>&1 \
    || die "missing $*, and this is not a Debian-like system: install $* by hand"
  note "installing Debian package(s): $*"
  if [[ -z ${KHIENMANG_APT_UPDATED:-} ]]; then
    as_root apt-get update -q || die "apt-get update failed"
    export KHIENMANG_APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" \
    || die "apt-get install $* failed"
}

# A TCP port that is free on 127.0.0.1 right now.
free_port() {
  command -v python3 >/dev/null 2>&1 || die "python3 is needed (to find a free port)"
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Seconds since the epoch, for timings.
now() {
  date +%s
}
