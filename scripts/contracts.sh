#!/usr/bin/env bash
# The contracts' build and tests, with the pinned toolchain from npm (forge, solc).
#
#   bash scripts/contracts.sh build     compile and refresh contracts/artifacts/*.json
#   bash scripts/contracts.sh check     compile and fail if the committed artifacts differ
#   bash scripts/contracts.sh test      forge test (unit, fuzz, invariant, shared vectors)
#   bash scripts/contracts.sh forge …   any forge command, with the pinned forge and solc
#
# The artifacts (ABI and bytecode of what the node deploys and binds with alloy's `sol!`) are
# committed; `check` proves they are exactly what the sources compile to.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="$here/node_modules/@foundry-rs/forge-linux-amd64/bin"
[ -x "$bin/forge" ] || bash "$here/scripts/setup.sh"
export PATH="$bin:$here/node_modules/@foundry-rs/anvil-linux-amd64/bin:$PATH"
cd "$here/contracts"

# What the bridge binds (deployable contracts and the test token its examples use), and the
# verifier FraudVerifier creates (listed for the size check).
artifacts=(PlasmaRoot RootModule FraudVerifier FormVerifier ChildVerifier LinkVerifier MockERC20)

extract() { # $1: output directory
  mkdir -p "$1"
  for name in "${artifacts[@]}"; do
    src=$(ls out/*/"$name".json | grep -v '/build-info/' | head -1)
    node -e '
      const a = require(process.argv[1]);
      const out = { abi: a.abi, bytecode: { object: a.bytecode.object }, deployedBytecode: { object: a.deployedBytecode.object } };
      process.stdout.write(JSON.stringify(out, null, 1) + "\n");
    ' "$PWD/$src" > "$1/$name.json"
  done
  # EIP-170: no chain deploys more than 24,576 bytes of code (anvil refuses it too); EIP-3860:
  # nor runs more than 49,152 bytes of creation code.
  node -e '
    let over = false;
    for (const f of process.argv.slice(1)) {
      const a = require(f);
      const size = (a.deployedBytecode.object.length - 2) / 2;
      const init = (a.bytecode.object.length - 2) / 2;
      if (size > 24576) { console.error(`contracts: ${f} deploys ${size} bytes, past the 24,576 a contract may hold`); over = true; }
      if (init > 49152) { console.error(`contracts: ${f} creates from ${init} bytes, past the 49,152 creation code may take`); over = true; }
    }
    process.exit(over ? 1 : 0);
  ' $(dir=$(cd "$1" && pwd); for name in "${artifacts[@]}"; do echo "$dir/$name.json"; done)
}

case "${1:-}" in
  build)
    forge build --quiet
    extract artifacts
    echo "contracts: artifacts written to contracts/artifacts/"
    ;;
  check)
    forge build --quiet
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    extract "$tmp"
    for name in "${artifacts[@]}"; do
      if ! cmp -s "$tmp/$name.json" "artifacts/$name.json"; then
        echo "contracts: artifacts/$name.json is stale; run: bash scripts/contracts.sh build" >&2
        exit 1
      fi
    done
    echo "contracts: committed artifacts are what the sources compile to (${artifacts[*]})"
    ;;
  test)
    shift
    forge test "$@"
    ;;
  forge)
    shift
    forge "$@"
    ;;
  *)
    sed -n '2,10p' "$0" >&2
    exit 2
    ;;
esac
