#!/usr/bin/env bash
# The project's test command: formatting, lints, every test, bounded fuzzing.
#
#   bash scripts/test.sh
#
# Environment: CARGO_TARGET_DIR (default ~/.cache/plasma/target, outside the clone so fresh
# clones reuse the build), FUZZ_CASES (decoder fuzzing cases per target; 20000 under CI),
# CRASH_ROUNDS (kill -9 rounds of the crash test; 40 under CI), CLUSTER_KILL_ROUNDS (validators
# killed in turn under load in the four-process test; 8 under CI), FOUNDRY_FUZZ_RUNS (forge fuzz
# runs per test; 2000 under CI).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/plasma/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
if [ "${CI:-}" = "true" ]; then
  export FUZZ_CASES="${FUZZ_CASES:-20000}"
  export CRASH_ROUNDS="${CRASH_ROUNDS:-40}"
  export FOUNDRY_FUZZ_RUNS="${FOUNDRY_FUZZ_RUNS:-2000}"
  export CLUSTER_KILL_ROUNDS="${CLUSTER_KILL_ROUNDS:-8}"
  # A fresh clone builds once: incremental state would only pile up in the shared target.
  export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
fi

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings (and the node's fault-injection build)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p plasma-node --features byzantine --all-targets --locked -- -D warnings
cargo clippy -p plasma-devnet --features byzantine --all-targets --locked -- -D warnings

step "solidity: shared declarations compile"
node scripts/check-solidity.js

step "solidity: formatting, and committed artifacts are what the sources compile to"
bash scripts/contracts.sh forge fmt --check
bash scripts/contracts.sh check

step "forge test (unit, attack scenarios, fraud proofs, fuzz, invariants, shared vectors)"
bash scripts/contracts.sh test

step "cargo doc (documentation builds without warnings)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "cargo test --workspace (FUZZ_CASES=${FUZZ_CASES:-256}, CRASH_ROUNDS=${CRASH_ROUNDS:-12}; the bridge's tests run a real anvil, the devnet's boot trees of plasmad processes)"
cargo test --workspace --locked

step "fault injection: double signing, an invalid proposer, an inflating majority proven to the root and to a plasma parent (plasmad built with --features byzantine)"
cargo build -p plasma-client --bins --locked   # the `plasma` CLI tests/fraud.rs runs (beside plasmad)
cargo test -p plasma-node --features byzantine --test it --locked -- byzantine:: fraud::
cargo build -p plasma-node --features byzantine --bins --locked
cargo test -p plasma-devnet --features byzantine --test it --locked -- fraud::
# Leave the ordinary plasmad for the devnet command and the next test run.
cargo build -p plasma-node --bins --locked

step "ok"
