#!/usr/bin/env bash
# Cold vs warm `treeaudit check` against the bare walk-and-read floor on one big tree.
# Usage: benches/cache.sh [TREE]   (default: installs a few big packages into /tmp and roots
# at their node_modules). Figures go in the closing note; nothing here is a pass/fail test.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tree=${1:-}
if [ -z "$tree" ]; then
  work=/tmp/treeaudit-bench
  mkdir -p "$work"
  if [ ! -d "$work/node_modules" ]; then
    (cd "$work" && echo '{"name":"bench","private":true}' > package.json &&
      npm install --no-audit --no-fund --ignore-scripts --legacy-peer-deps \
        typescript @babel/core next@14 aws-sdk@2 rxjs lodash @mui/material react react-dom)
  fi
  tree=$work/node_modules
fi
cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
bin=$here/target/release/treeaudit
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
best() { local best=999999 t; for _ in 1 2 3 4 5; do t=$(seconds "$@"); best=$(echo "if ($t < $best) $t else $best" | bc); done; echo "$best"; }
"$bin" walk-read "$tree"
floor=$(best "$bin" walk-read "$tree")
cold=$(seconds "$bin" check "$tree" --format json --cache-dir "$cache")
warm=$(best "$bin" check "$tree" --format json --cache-dir "$cache")
echo "walk-and-read floor: ${floor}s"
echo "cold check:          ${cold}s"
echo "warm check:          ${warm}s"
echo "cold/warm:           $(echo "scale=1; $cold / $warm" | bc)x"
echo "warm/floor:          $(echo "scale=1; $warm / $floor" | bc)x"
if command -v fallow >/dev/null; then
  echo "fallow dead-code:    $(seconds fallow dead-code --root "$tree")s (warm: $(best fallow dead-code --root "$tree")s)"
fi
