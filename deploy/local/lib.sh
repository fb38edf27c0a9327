# Shared helpers for the local stack scripts (sourced, not run).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export LIAISON_ROOT="$root"
export LIAISON_LOCAL_DIR="${LIAISON_LOCAL_DIR:-$root/.local}"
mkdir -p "$LIAISON_LOCAL_DIR"

say() { printf '[liaison] %s\n' "$*" >&2; }
die() { printf '[liaison] ERROR: %s\n' "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# The embedded PostgreSQL's port (embedded-postgres.js has the same default), below
# Linux's ephemeral range (32768-60999), where a client connection could be holding it.
embedded_pg_port="${LIAISON_EMBEDDED_PG_PORT:-25432}"

# Prerequisites, each with its own remedy; all missing ones reported together.
check_prerequisites() {
  local missing=()
  if ! command -v node >/dev/null; then
    missing+=("Node.js 20.19+ (https://nodejs.org or: apt-get install nodejs)")
  elif ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    missing+=("Node.js 20.19+ (found $(node -v))")
  fi
  command -v curl >/dev/null || missing+=("curl (apt-get install curl)")
  if [[ -z "${KAFKA_BROKERS:-}" ]]; then
    if ! command -v java >/dev/null; then
      missing+=("Java 17+ for the local Kafka broker (apt-get install openjdk-17-jre-headless), or set KAFKA_BROKERS")
    elif ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then
      missing+=("Java 17+ (found: $(java -version 2>&1 | head -1))")
    fi
    if ! command -v mvn >/dev/null && [[ ! -f "$root/deploy/local/kafka/lib/.complete" ]]; then
      missing+=("Maven to fetch the Kafka jars (apt-get install maven), or set KAFKA_BROKERS")
    fi
  fi
  if ((${#missing[@]} > 0)); then
    printf '[liaison] missing prerequisites:\n' >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 3
  fi
}

# npm packages, installed from the lock file when absent or when the lock changed.
ensure_node_modules() {
  local stamp="$root/node_modules/.liaison-lock-hash"
  # The lock file and the patches applied to installed packages (patch-package, on install).
  local want; want=$(cat "$root/package-lock.json" "$root"/patches/*.patch | sha256sum | cut -d' ' -f1)
  if [[ ! -f $stamp ]] || [[ "$(cat "$stamp")" != "$want" ]]; then
    # npm ci empties node_modules first: through a symlink it would wipe the
    # install of the checkout it points to. Refuse and say what to do instead.
    if [[ -L "$root/node_modules" ]]; then
      die "node_modules is a symlink to $(readlink "$root/node_modules") and its packages do not match package-lock.json and patches/: run npm ci in that checkout, or replace the symlink with an install of this one"
    fi
    say "installing npm packages (npm ci)..."
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
    echo "$want" >"$stamp"
  fi
}

ensure_build() {
  say "compiling TypeScript..."
  (cd "$root" && npx tsc -p tsconfig.build.json) || die "TypeScript build failed"
}
