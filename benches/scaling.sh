#!/usr/bin/env bash
# Issue 16's scaling series: cold `check --no-cache` time against the number of files, on
# composites of the pinned corpus trees (tests/realworld/CORPUS.json) of about 5k, 15k, 30k files
# and all of them, with fallow on the same composites. A measurement, not a test: it prints a
# table (medians of BENCH_RUNS runs, default 3) and fails only when a step cannot run.
#
#   bash benches/scaling.sh [DIR]     # DIR holds the checkouts (default /work/corpus/src)
#
# A composite is a folder with one sub-folder per tree, hard links to DIR's files (so it costs
# no space and DIR is never written); the trees are added in CORPUS.json order until the
# composite reaches the target. Env: TREEAUDIT (binary; default target/release/treeaudit, built
# first), FALLOW (fallow binary; default `fallow` on PATH, else the bench.sh tool folder),
# SCALE_DIR (where composites are built; default DIR/../scaling), SCALE_TARGETS (default
# "5000 15000 30000 all").
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$(cd "${1:-/work/corpus/src}" && pwd)"
runs="${BENCH_RUNS:-3}"
targets="${SCALE_TARGETS:-5000 15000 30000 all}"
scale="${SCALE_DIR:-$(dirname "$dir")/scaling}"
if [[ -z "${TREEAUDIT:-}" ]]; then
  (cd "$repo" && cargo build --release --quiet)
  bin="$repo/target/release/treeaudit"
else
  bin="$TREEAUDIT"
fi
fallow="${FALLOW:-$(command -v fallow || echo "$HOME/.cache/treeaudit-bench/tools/node_modules/.bin/fallow")}"
command -v python3 >/dev/null || { echo "python3 is needed to read CORPUS.json" >&2; exit 2; }

# median wall seconds and median peak RSS (MB) of `runs` runs: "secs mb"
measure() {
  local out=() line
  for _ in $(seq "$runs"); do
    line=$( (/usr/bin/time -f '%e %M' bash -c "$1" 2>&1 >/dev/null || true) | tail -1)
    out+=("$line")
  done
  printf '%s\n' "${out[@]}" | sort -n | awk '{a[NR]=$1; m[NR]=$2} END {i=int((NR+1)/2); printf "%.2f %.0f\n", a[i], m[i]/1024}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == 0) print "-"; else printf "%.2f", a/b}'; }

# checkout<TAB>path of every tree present in DIR, in CORPUS.json order
mapfile -t trees < <(python3 -c 'import json,sys,os
for t in json.load(open(sys.argv[1]))["trees"]:
    if os.path.isdir(os.path.join(sys.argv[2], t["checkout"], t.get("path", "."))):
        print(t["checkout"], t.get("path", "."), sep="\t")' "$repo/tests/realworld/CORPUS.json" "$dir")
[[ ${#trees[@]} -gt 0 ]] || { echo "no corpus checkouts in $dir (see benches/realworld.sh)" >&2; exit 2; }

# files per tree, as the audit counts them (once; a composite's count is their sum)
declare -A count
for entry in "${trees[@]}"; do
  IFS=$'\t' read -r checkout path <<<"$entry"
  count[$checkout]=$("$bin" parse-only "$dir/$checkout/$path" | awk '{print $2}')
done

echo "binary: $bin   composites: $scale   runs: $runs"
printf '%-8s %6s %7s | %8s %9s %7s | %8s %7s %6s\n' target trees files treeaudit "ms/kfile" "mem MB" fallow "mem MB" ratio
for target in $targets; do
  comp="$scale/$target"
  rm -rf "$comp"
  mkdir -p "$comp"
  n=0 files=0
  for entry in "${trees[@]}"; do
    IFS=$'\t' read -r checkout path <<<"$entry"
    # hard links where the file system allows them, else a copy
    cp -al "$dir/$checkout/$path" "$comp/$checkout" 2>/dev/null || cp -a "$dir/$checkout/$path" "$comp/$checkout"
    n=$((n + 1))
    files=$((files + count[$checkout]))
    [[ "$target" == all || "$files" -lt "$target" ]] || break
  done
  read -r cold cold_mb < <(measure "'$bin' check --no-cache --format json '$comp'")
  if [[ -x "$fallow" ]]; then
    read -r peer peer_mb < <(measure "'$fallow' dead-code --root '$comp' --format json --no-cache")
  else
    peer=0 peer_mb=0
  fi
  per=$(awk -v s="$cold" -v f="$files" 'BEGIN {printf "%.1f", 1000 * s / (f / 1000)}')
  printf '%-8s %6s %7s | %8s %9s %7s | %8s %7s %6s\n' \
    "$target" "$n" "$files" "$cold" "$per" "$cold_mb" "$peer" "$peer_mb" "$(ratio "$cold" "$peer")"
  rm -rf "$comp"
done
echo "linear scaling: ms/kfile roughly constant down the column; ratio = treeaudit / fallow (≤ 1.00 is the target)."
