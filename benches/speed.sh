#!/usr/bin/env bash
# Issue 16's speed figures on any trees: cold `check --no-cache` against fallow (wall and peak
# memory), warm `check` against the walk-and-read floor, warm after touching one file and after
# editing one, and `--threads 1` against `--threads 2`. A measurement, not a test: it prints a
# table and fails only when a step cannot run. Medians of BENCH_RUNS runs (default 5), wall
# time to the millisecond. Touch and edit runs work on a copy of the tree in a temporary
# folder (the tree itself is only read); BENCH_NO_COPY=1 skips them (a copy of a large tree
# costs its size in disk).
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

# median wall seconds of `runs` runs of a command and the median peak RSS in MB: "secs mb".
# `$2`, when given, runs before each run, untimed (the touch or edit of a file).
measure() {
  local secs=() mbs=() t0 t1 kb
  for _ in $(seq "$runs"); do
    [[ -z "${2:-}" ]] || bash -c "$2"
    t0=$EPOCHREALTIME
    # check exits 1 when it finds errors: only the figures matter here.
    kb=$( (/usr/bin/time -f '%M' bash -c "$1" 2>&1 >/dev/null || true) | tail -1)
    t1=$EPOCHREALTIME
    secs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", b - a}')")
    mbs+=("$kb")
  done
  local s m
  s=$(printf '%s\n' "${secs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  m=$(printf '%s\n' "${mbs[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]/1024}')
  echo "$s $m"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == 0) print "-"; else printf "%.2f", a/b}'; }

printf '%-24s %6s | %7s %7s %5s | %6s %6s | %7s %7s %5s %5s | %7s %5s %7s | %6s %6s %5s\n' \
  tree files cold fallow ratio "mem MB" fallow warm floor "w/fl" "c/w" touch "t/w" edit t1 t2 "t1/t2"
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
  touched=- edited=-
  if [[ -z "${BENCH_NO_COPY:-}" ]]; then
    copy="$(mktemp -d)"
    cp -a "$tree/." "$copy/"
    # one source file in the middle of the sorted list, outside node_modules
    file=$(cd "$copy" && find . -path ./node_modules -prune -o -type f \( -name '*.ts' -o -name '*.js' \) -print | sort | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}')
    cache="$(mktemp -d)"
    "$bin" check --format json --cache-dir "$cache" "$copy" >/dev/null 2>&1 || true
    read -r touched _ < <(measure "'$bin' check --format json --cache-dir '$cache' '$copy'" "touch '$copy/$file'")
    read -r edited _ < <(measure "'$bin' check --format json --cache-dir '$cache' '$copy'" "echo '// edited' >> '$copy/$file'")
    rm -rf "$cache" "$copy"
  fi
  read -r t1 _ < <(measure "'$bin' check --no-cache --threads 1 --format json '$tree'")
  read -r t2 _ < <(measure "'$bin' check --no-cache --threads 2 --format json '$tree'")
  r3() { awk -v a="$1" 'BEGIN {if (a == "-") print "-"; else printf "%.3f", a}'; }
  printf '%-24s %6s | %7s %7s %5s | %6s %6s | %7s %7s %5s %5s | %7s %5s %7s | %6s %6s %5s\n' \
    "$(basename "$tree")" "$files" "$(r3 "$cold")" "$(r3 "$peer")" "$(ratio "$cold" "$peer")" "$cold_mb" "$peer_mb" \
    "$(r3 "$warm")" "$(r3 "$floor")" "$(ratio "$warm" "$floor")" "$(ratio "$cold" "$warm")" \
    "$(r3 "$touched")" "$( [[ "$touched" == - ]] && echo - || ratio "$touched" "$warm")" "$(r3 "$edited")" \
    "$(r3 "$t1")" "$(r3 "$t2")" "$(ratio "$t1" "$t2")"
done
echo "Targets: cold/fallow ≤ 1.00, mem ≤ 1/3 of fallow's; w/fl = warm / walk-and-read floor ≤ 2; c/w = cold / warm ≥ 5;"
echo "t/w = warm after touching one file / warm ≤ 1.10; edit = warm after appending a line to that file (re-checks the tree)."
