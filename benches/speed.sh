#!/usr/bin/env bash
# Issue 16's speed figures on any trees: cold `check --no-cache` against fallow (wall and peak
# memory), warm `check` (fact cache) against the walk-and-read floor, warm after touching one
# file, and `--threads 1` against `--threads 2`. A measurement, not a test: it prints a table
# and fails only when a step cannot run. Medians of BENCH_RUNS runs (default 5).
#
#   bash benches/speed.sh TREE...
#
# Env: TREEAUDIT (binary; default target/release/treeaudit, built first), FALLOW (fallow binary;
# default `fallow` on PATH, else ~/.cache/treeaudit-bench/tools/node_modules/.bin/fallow).
# Trees are read only.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${BENCH_RUNS:-5}"
if [[ -z "${TREEAUDIT:-}" ]]; then
  (cd "$repo" && cargo build --release --quiet)
  bin="$repo/target/release/treeaudit"
else
  bin="$TREEAUDIT"
fi
fallow="${FALLOW:-$(command -v fallow || echo "$HOME/.cache/treeaudit-bench/tools/node_modules/.bin/fallow")}"
[[ $# -ge 1 ]] || { echo "usage: bash benches/speed.sh TREE..." >&2; exit 2; }

# median WALL of `runs` runs of a command, and the median peak RSS in MB: "secs mb"
measure() {
  local out=() line
  for _ in $(seq "$runs"); do
    # check exits 1 when it finds errors: only the figures matter here.
    line=$( (/usr/bin/time -f '%e %M' bash -c "$1" 2>&1 >/dev/null || true) | tail -1)
    out+=("$line")
  done
  printf '%s\n' "${out[@]}" | sort -n | awk '{a[NR]=$1; m[NR]=$2} END {i=int((NR+1)/2); printf "%.3f %.0f\n", a[i], m[i]/1024}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == 0) print "-"; else printf "%.2f", a/b}'; }

printf '%-28s %6s | %8s %8s %6s | %7s %7s | %7s %7s %6s %6s | %7s %7s %5s\n' \
  tree files cold fallow ratio "mem MB" fallow warm floor "w/fl" "c/w" "t1" "t2" "t1/t2"
for tree in "$@"; do
  tree="$(cd "$tree" && pwd)"
  files=$("$bin" parse-only "$tree" | awk '{print $2}')
  read -r cold cold_mb < <(measure "'$bin' check --no-cache --format json '$tree'")
  if [[ -x "$fallow" ]]; then
    read -r peer peer_mb < <(measure "'$fallow' dead-code --root '$tree' --format json --no-cache")
  else
    peer=0 peer_mb=0
  fi
  cache="$(mktemp -d)"
  "$bin" check --format json --cache-dir "$cache" "$tree" >/dev/null 2>&1 || true
  read -r warm _ < <(measure "'$bin' check --format json --cache-dir '$cache' '$tree'")
  read -r floor _ < <(measure "'$bin' walk-read '$tree'")
  rm -rf "$cache"
  read -r t1 _ < <(measure "'$bin' check --no-cache --threads 1 --format json '$tree'")
  read -r t2 _ < <(measure "'$bin' check --no-cache --threads 2 --format json '$tree'")
  printf '%-28s %6s | %8s %8s %6s | %7s %7s | %7s %7s %6s %6s | %7s %7s %5s\n' \
    "$(basename "$tree")" "$files" "$cold" "$peer" "$(ratio "$cold" "$peer")" "$cold_mb" "$peer_mb" \
    "$warm" "$floor" "$(ratio "$warm" "$floor")" "$(ratio "$cold" "$warm")" "$t1" "$t2" "$(ratio "$t1" "$t2")"
done
echo "cold/fallow ≤ 1.00 and mem ≤ 1/3 of fallow's are the targets; w/fl = warm / walk-and-read floor (≤ 2), c/w = cold / warm (≥ 5)."
