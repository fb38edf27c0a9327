#!/usr/bin/env bash
# Makes sure Prometheus' promtool is on the PATH: the tests check the alert rules
# in deploy/observability/ with it. Installs Debian's `prometheus` package (which
# carries promtool) with apt-get when missing and apt is available; otherwise
# prints exactly what to do and exits 3.
set -euo pipefail

say() { printf '[liaison] %s\n' "$*" >&2; }

if command -v promtool >/dev/null; then
  say "promtool present: $(command -v promtool) ($(promtool --version 2>&1 | head -1))"
  exit 0
fi

bash "$(dirname "$0")/apt-install.sh" prometheus "promtool (Prometheus)"

command -v promtool >/dev/null || { say "prometheus installed but promtool is not on the PATH"; exit 3; }
say "promtool installed: $(promtool --version 2>&1 | head -1)"
