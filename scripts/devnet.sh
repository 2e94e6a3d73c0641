#!/usr/bin/env bash
# The project's devnet command: installs what is missing, builds, and runs plasma-devnet.
#
#   bash scripts/devnet.sh up          # boot root → A → B, C; wait for every checkpoint
#   bash scripts/devnet.sh up --byzantine   # the same with plasmad's fault injection built in
#                                           # (for the fraud_* scenarios)
#   bash scripts/devnet.sh status      # the tree: heights, checkpoints, frozen chains, alerts
#   bash scripts/devnet.sh logs /A/B   # a chain's validator logs
#   bash scripts/devnet.sh down        # stop it (data kept; --fresh removes it)
#
# Environment: CARGO_TARGET_DIR (default ~/.cache/plasma/target, shared with the tests),
# PLASMA_DEVNET_DIR (default .devnet in the checkout).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/plasma/target}"
export PLASMA_DEVNET_DIR="${PLASMA_DEVNET_DIR:-$PWD/.devnet}"

args=()
byzantine=""
for a in "$@"; do
  if [ "$a" = "--byzantine" ]; then byzantine=1; else args+=("$a"); fi
done
set -- "${args[@]}"

if [ "${1:-}" = "up" ]; then
  bash scripts/setup.sh
  if [ -n "$byzantine" ]; then
    cargo build --quiet --locked -p plasma-node --features byzantine --bins
    cargo build --quiet --locked -p plasma-client -p plasma-devnet --bins
  else
    cargo build --quiet --locked -p plasma-node -p plasma-client -p plasma-devnet --bins
  fi
fi
bin="$CARGO_TARGET_DIR/debug/plasma-devnet"
[ -x "$bin" ] || { echo "devnet: not built yet; run: bash scripts/devnet.sh up" >&2; exit 1; }
exec "$bin" "$@"
