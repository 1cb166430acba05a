#!/usr/bin/env bash
# Deployment check against real JSON-RPC nodes: starts `hardhat node` (EDR) on 127.0.0.1:8545 and
# anvil on 127.0.0.1:8546, runs scripts/lifecycle.ts on each (`--network localhost`, `--network anvil`,
# see hardhat.config.ts); then builds with the `legacy-evm` profile (Paris: no PUSH0, no MCOPY) and runs
# the lifecycle on anvil started with `--hardfork paris` (`--network anvilParis`), the stand-in for
# GoQuorum's EVM. Stops every node by PID on exit. Exits non-zero if a node does not come up or a run fails.
#
#   bash scripts/check-networks.sh            (or: npm run check:networks)
#
# Environment: CHECK_RUNS=n runs the lifecycle n times per node (default 1; 2 shows that repeated runs
# against the same node work: each run deploys with its own Ignition deployment id).
# NODE_START_TIMEOUT=seconds to wait for each node's eth_chainId (default 120).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/node-env.sh
source "$ROOT/scripts/node-env.sh"
cd "$ROOT"

RUNS="${CHECK_RUNS:-1}"
START_TIMEOUT="${NODE_START_TIMEOUT:-120}"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/evoucher-check-networks.XXXXXX")"
NODE_PIDS=()

stop_nodes() {
  local pid
  for pid in "${NODE_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      # Each node runs in its own session (setsid), so its process group id is its PID: this stops the
      # node and any child it spawned, and nothing else.
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
  echo "check-networks: nodes stopped (logs in $LOG_DIR)"
}
trap stop_nodes EXIT

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_node NAME PORT COMMAND...: starts the node in its own session, remembers its PID.
start_node() {
  local name="$1" port="$2"
  shift 2
  if port_in_use "$port"; then
    echo "check-networks: port $port is already in use; stop whatever listens there first" >&2
    exit 1
  fi
  setsid "$@" >"$LOG_DIR/$name.log" 2>&1 &
  NODE_PIDS+=("$!")
  echo "check-networks: started $name (pid $!) on 127.0.0.1:$port, log $LOG_DIR/$name.log"
}

# wait_for_chain NAME PORT PID: waits until the node answers eth_chainId.
wait_for_chain() {
  local name="$1" port="$2" pid="$3" deadline=$((SECONDS + START_TIMEOUT)) answer
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "check-networks: $name exited before answering; its log:" >&2
      tail -n 40 "$LOG_DIR/$name.log" >&2
      exit 1
    fi
    answer="$(node -e '
      fetch(process.argv[1], { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }), signal: AbortSignal.timeout(2000) })
        .then((r) => r.text()).then((t) => process.stdout.write(t), () => {});' "http://127.0.0.1:$port" || true)"
    if [[ "$answer" == *'"result"'* ]]; then
      echo "check-networks: $name answers eth_chainId: $answer"
      return 0
    fi
    sleep 1
  done
  echo "check-networks: $name did not answer eth_chainId within ${START_TIMEOUT}s; its log:" >&2
  tail -n 40 "$LOG_DIR/$name.log" >&2
  exit 1
}

started=$SECONDS
# Compile the contracts once (not the Solidity tests), so each lifecycle run can skip compilation.
echo "check-networks: compiling contracts"
if ! npx hardhat build --no-tests --quiet >"$LOG_DIR/build.log" 2>&1; then
  echo "check-networks: build failed; its log:" >&2
  tail -n 40 "$LOG_DIR/build.log" >&2
  exit 1
fi
echo "check-networks: contracts compiled in $((SECONDS - started))s"

# `npx hardhat node`, minus the npx layer: node-env.sh put node_modules/.bin first on PATH, so this is the
# same binary, and its PID is the node itself.
start_node hardhat-node 8545 hardhat node --hostname 127.0.0.1 --port 8545
HARDHAT_PID="${NODE_PIDS[0]}"
# anvil from npm (@foundry-rs/anvil): run the platform binary itself when present, so this shell is its
# parent and reaps it (the npm wrapper exits on SIGTERM without waiting for the binary).
ANVIL_BIN="$ROOT/node_modules/.bin/anvil"
for candidate in "$ROOT"/node_modules/@foundry-rs/anvil-*/bin/anvil; do
  if [[ -x "$candidate" ]] && "$candidate" --version >/dev/null 2>&1; then ANVIL_BIN="$candidate"; break; fi
done
start_node anvil 8546 "$ANVIL_BIN" --host 127.0.0.1 --port 8546
ANVIL_PID="${NODE_PIDS[1]}"
wait_for_chain hardhat-node 8545 "$HARDHAT_PID"
wait_for_chain anvil 8546 "$ANVIL_PID"
echo "check-networks: both nodes up after $((SECONDS - started))s"

failures=()
for network in localhost anvil; do
  for run in $(seq 1 "$RUNS"); do
    echo
    echo "=== lifecycle on $network (run $run of $RUNS) ==="
    run_started=$SECONDS
    if npx hardhat run --no-compile scripts/lifecycle.ts --network "$network"; then
      echo "=== lifecycle on $network (run $run): passed in $((SECONDS - run_started))s ==="
    else
      echo "=== lifecycle on $network (run $run): FAILED after $((SECONDS - run_started))s ===" >&2
      failures+=("$network run $run")
    fi
  done
done

# Pre-Shanghai EVM (GoQuorum): the legacy-evm build must deploy and run where PUSH0 does not exist.
echo
echo "=== legacy-evm build (evmVersion paris) on anvil --hardfork paris ==="
if ! npx hardhat build --build-profile legacy-evm --no-tests --quiet >"$LOG_DIR/build-legacy.log" 2>&1; then
  echo "check-networks: legacy-evm build failed; its log:" >&2
  tail -n 40 "$LOG_DIR/build-legacy.log" >&2
  exit 1
fi
start_node anvil-paris 8547 "$ANVIL_BIN" --host 127.0.0.1 --port 8547 --hardfork paris
wait_for_chain anvil-paris 8547 "${NODE_PIDS[2]}"
run_started=$SECONDS
if npx hardhat run --no-compile --build-profile legacy-evm scripts/lifecycle.ts --network anvilParis; then
  echo "=== lifecycle on anvilParis (legacy-evm): passed in $((SECONDS - run_started))s ==="
else
  echo "=== lifecycle on anvilParis (legacy-evm): FAILED ===" >&2
  failures+=("anvilParis legacy-evm")
fi
# Leave the default (Cancun) artifacts behind for whatever runs next.
npx hardhat build --no-tests --quiet >"$LOG_DIR/build-restore.log" 2>&1 || true

echo
if ((${#failures[@]} > 0)); then
  echo "check-networks: FAILED: ${failures[*]} (total $((SECONDS - started))s)" >&2
  exit 1
fi
echo "check-networks: passed on hardhat node, anvil, and anvil --hardfork paris with the legacy-evm build (total $((SECONDS - started))s)"
