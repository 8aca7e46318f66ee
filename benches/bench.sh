#!/usr/bin/env bash
# Speed of `treeaudit check` on a large real tree, next to the tree-sitter parse-only time of the
# same tree and to fallow, knip and madge where they install. A benchmark, not a test: it prints
# figures and fails only when a step cannot run.
#
#   bash benches/bench.sh            # default tree: npm install of big packages (bench-trees/)
#   bash benches/bench.sh PATH       # any directory
#
# The default tree is the `node_modules` of an npm install of several big packages
# (bench-trees/ is git-ignored; next is left out: its vendored compiled bundles are not app code). Its root is the node_modules directory itself: treeaudit skips
# only *sub*directories named node_modules, so the installed packages are the audited code, and a
# package's published dist/ is walked because its package.json ships it.
# Timing: hyperfine (median of 5 after a warm-up) when installed, else a loop of 5 runs.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${BENCH_RUNS:-5}"
tools="${TREEAUDIT_BENCH_TOOLS:-$HOME/.cache/treeaudit-bench/tools}"

# Pinned so figures from two runs describe the same tree.
TREE_PACKAGES=(
  @aws-sdk/client-s3@3.1173.0 @supabase/supabase-js@2.119.1 rxjs@7.8.2
  date-fns@4.4.0 lodash-es@4.18.1 zod@4.6.7 effect@4.1.0 hono@4.13.19 fastify@5.12.8
  express@5.3.0 axios@1.21.1
)
PEERS=(fallow@3.36.0 knip@6.44.2 madge@8.0.0)

echo "== build"
(cd "$repo" && cargo build --release --quiet)
bin="$repo/target/release/treeaudit"

if [[ $# -ge 1 ]]; then
  tree="$(cd "$1" && pwd)"
  project="$tree"
else
  project="$repo/bench-trees/npm"
  tree="$project/node_modules"
  if [[ ! -f "$project/.installed" ]]; then
    echo "== npm install ${#TREE_PACKAGES[@]} packages into $project (scripts are not run)"
    mkdir -p "$project"
    (cd "$project" && [[ -f package.json ]] || echo '{"name":"bench-tree","private":true}' >package.json)
    (cd "$project" && npm install --ignore-scripts --no-audit --no-fund --silent "${TREE_PACKAGES[@]}")
    touch "$project/.installed"
  fi
fi

# Median wall time in seconds of a command (stdout discarded; a non-zero exit is fine: check
# exits 1 when it finds errors).
median() {
  local json
  if command -v hyperfine >/dev/null; then
    json="$(mktemp)"
    hyperfine --style none --warmup 1 --runs "$runs" -i --export-json "$json" "$1" >/dev/null 2>&1
    node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).results[0]; console.log(r.median.toFixed(3))' "$json"
    rm -f "$json"
  else
    local times=() start end
    bash -c "$1" >/dev/null 2>&1 || true
    for _ in $(seq "$runs"); do
      start=$(date +%s.%N); bash -c "$1" >/dev/null 2>&1 || true; end=$(date +%s.%N)
      times+=("$(echo "$end - $start" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f\n", a[int((NR+1)/2)]}'
  fi
}

# Peak resident memory (MB) of one run.
peak_mb() {
  local file
  file="$(mktemp)"
  # `time` passes on the command's exit status (check exits 1 when it finds errors).
  /usr/bin/time -o "$file" -f '%M' bash -c "$1" >/dev/null 2>&1 || true
  tail -1 "$file" | awk '{printf "%.0f", $1/1024}'
  rm -f "$file"
}

echo "== tree: $tree"
read -r files bytes skipped < <("$bin" parse-only "$tree" | awk '{print $2, $4, $6}')
mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1e6}')
echo "files: $files source files, $mb MB ($skipped skipped: minified or unreadable)"
echo "cores: $(nproc)"

parse=$(median "'$bin' parse-only '$tree'")
# Cold: no fact cache, every file parsed (what the targets are about). Warm: the second run of
# the day, every file's facts taken from the cache (outside the tree).
check=$(median "'$bin' check --no-cache --format json '$tree'")
check_mem=$(peak_mb "'$bin' check --no-cache --format json '$tree'")
"$bin" check --format json "$tree" >/dev/null 2>&1 || true
warm=$(median "'$bin' check --format json '$tree'")
rate() { awk -v n="$1" -v t="$2" 'BEGIN {printf "%.0f", n/t}'; }
echo "parse-only (discover + tree-sitter parse, all cores): ${parse} s  ($(rate "$files" "$parse") files/s, $(awk -v m="$mb" -v t="$parse" 'BEGIN {printf "%.1f", m/t}') MB/s)"
echo "treeaudit check, cold (--no-cache):                    ${check} s  ($(rate "$files" "$check") files/s, $(awk -v m="$mb" -v t="$check" 'BEGIN {printf "%.1f", m/t}') MB/s, ${check_mem} MB peak)"
echo "treeaudit check, warm (fact cache):                   ${warm} s  ($(rate "$files" "$warm") files/s)"
echo "ratio cold check / parse-only: $(awk -v c="$check" -v p="$parse" 'BEGIN {printf "%.2f", c/p}')  (target ≤ 1.30)"

echo "== peers (installed into $tools)"
mkdir -p "$tools"
if [[ ! -f "$tools/.installed" ]]; then
  (cd "$tools" && { [[ -f package.json ]] || echo '{"name":"bench-tools","private":true}' >package.json; } &&
    npm install --no-audit --no-fund --silent "${PEERS[@]}") && touch "$tools/.installed" ||
    echo "peer install failed: npm install ${PEERS[*]}"
fi
peer() {
  local name="$1" cmd="$2" out status
  if [[ ! -x "$tools/node_modules/.bin/$name" ]]; then
    echo "$name: not installed"
    return
  fi
  # One trial run first: a tool that cannot handle this tree is reported with its reason.
  out="$(cd "$project" && timeout 600 bash -c "$cmd" 2>&1 >/dev/null)" && status=0 || status=$?
  if [[ $status -ne 0 && $status -ne 1 ]]; then
    echo "$name: failed on this tree (exit $status): $(echo "$out" | grep -v '^\s*$' | tail -2 | tr '\n' ' ' | cut -c1-240)"
    return
  fi
  local t mem
  t=$(median "cd '$project' && $cmd")
  mem=$(peak_mb "cd '$project' && $cmd")
  echo "$name: ${t} s, ${mem} MB peak  (treeaudit check is $(awk -v c="$check" -v p="$t" 'BEGIN {printf "%.2f", c/p}')× its time cold, $(awk -v c="$warm" -v p="$t" 'BEGIN {printf "%.2f", c/p}')× warm)"
}
bin_dir="$tools/node_modules/.bin"
peer fallow "'$bin_dir/fallow' dead-code --root '$tree' --format json"
peer knip "'$bin_dir/knip' --directory '$tree' --reporter json"
peer madge "'$bin_dir/madge' --json --extensions js,jsx,mjs,cjs,ts,tsx,mts,cts '$tree'"
