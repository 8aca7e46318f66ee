#!/usr/bin/env bash
# Compares `treeaudit drift LOCAL PROD` with `treeaudit check LOCAL` on a big tree (the issue's
# target: drift within 2.2x of check). PROD is a copy of LOCAL with 1% of sources changed.
# Usage: benches/drift_vs_check.sh LOCAL_TREE [RUNS]   (builds nothing; uses target/release)
set -euo pipefail
local_tree=${1:?usage: $0 LOCAL_TREE [RUNS]}
runs=${2:-3}
bin="$(dirname "$0")/../target/release/treeaudit"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prod="$work/prod"
cp -r "$local_tree" "$prod"
find "$prod" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.ts' \) \
  | sort | awk 'NR%100==0' | while read -r f; do echo '// drift bench change' >>"$f"; done
best() { # best wall time of $runs runs, in seconds
  local best=999999
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N); "$@" >/dev/null || true; end=$(date +%s.%N)
    best=$(echo "$end - $start" | bc -l | awk -v b="$best" '{print ($1<b)?$1:b}')
  done
  echo "$best"
}
check=$(best "$bin" check "$local_tree" --format json)
drift=$(best "$bin" drift "$local_tree" "$prod" --format json)
echo "check: ${check}s  drift: ${drift}s  ratio: $(echo "$drift / $check" | bc -l | cut -c1-4)"
