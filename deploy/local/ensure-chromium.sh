#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests
# (test/browser, driven by playwright-core, which never downloads a browser).
# Installs it with apt-get when missing and apt is available; otherwise prints
# exactly what to do and exits 3. Set CHROMIUM_PATH to use another binary.
set -euo pipefail

want="${CHROMIUM_PATH:-/usr/bin/chromium}"
say() { printf '[liaison] %s\n' "$*" >&2; }

if [[ -x "$want" ]]; then
  say "chromium present: $want ($("$want" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if [[ "$want" != /usr/bin/chromium ]]; then
  say "CHROMIUM_PATH=$want is not an executable file; unset it to use Debian's /usr/bin/chromium"
  exit 3
fi

if ! command -v apt-get >/dev/null; then
  say "chromium missing at /usr/bin/chromium and apt-get is not available."
  say "Install a Chromium build and point the tests at it: CHROMIUM_PATH=/path/to/chromium"
  exit 3
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo -n)
  else
    say "chromium missing at /usr/bin/chromium; run as root:"
    say "  apt-get update && apt-get install -y chromium"
    exit 3
  fi
fi

say "installing Debian chromium (apt-get install -y chromium)..."
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends chromium \
  || { "${sudo_cmd[@]}" apt-get update && "${sudo_cmd[@]}" apt-get install -y --no-install-recommends chromium; } \
  || { say "apt-get install chromium failed; run: apt-get update && apt-get install -y chromium"; exit 3; }

[[ -x /usr/bin/chromium ]] || { say "chromium installed but /usr/bin/chromium is missing"; exit 3; }
say "chromium installed: $(/usr/bin/chromium --version 2>/dev/null || true)"
