#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine. Idempotent: a second
# run checks and does nothing.
set -euo pipefail

need_apt=()
# bindgen (librocksdb-sys) needs libclang; RocksDB itself is built from the bundled sources.
dpkg -s libclang-dev >/dev/null 2>&1 || need_apt+=(libclang-dev)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v make >/dev/null 2>&1 || need_apt+=(make)

if ((${#need_apt[@]})); then
  echo "setup: installing ${need_apt[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

command -v cargo >/dev/null 2>&1 || { echo "setup: cargo not found; install Rust (rustup) first" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "setup: npm not found; install Node.js first" >&2; exit 1; }

# The Solidity toolchain, pinned in package.json / package-lock.json.
cd "$(dirname "$0")/.."
if ! npm ls --silent >/dev/null 2>&1; then
  echo "setup: npm ci"
  npm ci --silent --no-audit --no-fund
fi
