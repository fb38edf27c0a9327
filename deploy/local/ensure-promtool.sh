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

if ! command -v apt-get >/dev/null; then
  say "promtool missing and apt-get is not available: install Prometheus (it carries promtool)"
  exit 3
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo -n)
  else
    say "promtool missing; run as root: apt-get update && apt-get install -y prometheus"
    exit 3
  fi
fi

say "installing Debian prometheus for promtool (apt-get install -y prometheus)..."
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends prometheus \
  || { "${sudo_cmd[@]}" apt-get update && "${sudo_cmd[@]}" apt-get install -y --no-install-recommends prometheus; } \
  || { say "apt-get install prometheus failed; run: apt-get update && apt-get install -y prometheus"; exit 3; }

command -v promtool >/dev/null || { say "prometheus installed but promtool is not on the PATH"; exit 3; }
say "promtool installed: $(promtool --version 2>&1 | head -1)"
