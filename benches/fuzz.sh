#!/usr/bin/env bash
# Mutation fuzzing of extraction and of a whole tree (package.json, tsconfig, .env, Dockerfile,
# compose, treeaudit.json, sources) through every human-readable renderer, for a fixed budget.
# Usage: benches/fuzz.sh [SECONDS_PER_TARGET] [OUT_DIR]   (default 1800 s, target/fuzz)
# Both targets run at once under `nice -n 19`. A panic, a hang over 10 s or an injectable
# output is saved as OUT_DIR/TARGET-crash-N / -hang-N and the run goes on; an input that
# aborts the process (stack overflow) is kept as OUT_DIR/TARGET-abort-N and the target is
# restarted with a new seed until its budget is spent. Each saved input is to become a
# regression test beside the code it broke. cargo-fuzz is not used: it needs a nightly
# toolchain and a sanitizer-instrumented rebuild of every dependency.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
budget=${1:-1800}
out=${2:-$here/target/fuzz}
mkdir -p "$out"
# PROFILE=release for speed; the dev profile already optimises every dependency (the parsers),
# and on a shared machine it saves a full optimised rebuild.
profile=${PROFILE:-dev}
cargo build --profile "$profile" --example fuzz --manifest-path "$here/Cargo.toml" >/dev/null || exit 2
dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
bin=$here/target/$dir/examples/fuzz

fuzz_target() {
  local target=$1 start now left seed=1 aborts=0
  start=$(date +%s)
  while :; do
    now=$(date +%s)
    left=$((budget - (now - start)))
    [ "$left" -le 0 ] && break
    nice -n 19 "$bin" "$target" "$left" "$out" "$seed" >>"$out/$target.log" 2>&1
    status=$?
    if [ $status -ne 0 ] && [ -f "$out/$target-current" ]; then
      aborts=$((aborts + 1))
      mv "$out/$target-current" "$out/$target-abort-$aborts"
      echo "fuzz $target: process died (status $status), input kept as $target-abort-$aborts" >>"$out/$target.log"
    fi
    [ $status -eq 0 ] && break
    seed=$((seed + 1))
  done
  echo "fuzz $target: $(( $(date +%s) - start )) s wall, $aborts aborts" >>"$out/$target.log"
}

fuzz_target extract &
fuzz_target tree &
wait
cat "$out/extract.log" "$out/tree.log"
ls "$out" | grep -E -- '-(crash|hang|abort)-' || echo "no failing inputs"
