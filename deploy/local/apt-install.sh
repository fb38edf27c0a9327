#!/usr/bin/env bash
# Installs one Debian package with apt-get, as root or through passwordless
# sudo, retrying once after `apt-get update`; otherwise prints exactly what to
# do and exits 3. Used by ensure-chromium.sh and ensure-promtool.sh.
# Usage: apt-install.sh <package> <what it is for>
set -euo pipefail

pkg="$1"
purpose="$2"
say() { printf '[liaison] %s\n' "$*" >&2; }

if ! command -v apt-get >/dev/null; then
  say "$purpose is missing and apt-get is not available: install Debian's $pkg or its equivalent"
  exit 3
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo -n)
  else
    say "$purpose is missing; run as root: apt-get update && apt-get install -y $pkg"
    exit 3
  fi
fi

say "installing Debian $pkg for $purpose (apt-get install -y $pkg)..."
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends "$pkg" \
  || { "${sudo_cmd[@]}" apt-get update && "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "$pkg"; } \
  || { say "apt-get install $pkg failed; run: apt-get update && apt-get install -y $pkg"; exit 3; }
