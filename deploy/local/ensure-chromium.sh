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

bash "$(dirname "$0")/apt-install.sh" chromium "chromium for the browser tests"

[[ -x /usr/bin/chromium ]] || { say "chromium installed but /usr/bin/chromium is missing"; exit 3; }
say "chromium installed: $(/usr/bin/chromium --version 2>/dev/null || true)"
