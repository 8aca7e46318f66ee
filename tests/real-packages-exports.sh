#!/usr/bin/env bash
# missing-export must report nothing on the internal imports of real npm packages nobody here
# wrote (heavy re-export chains, compiled CommonJS, .d.ts). Any report is a bug in export
# extraction or resolution. Packages are fetched with `npm pack` (never installed, never run)
# into a cache outside the repository.
#   usage: tests/real-packages-exports.sh [path/to/treeaudit]
set -u
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$here/target/debug/treeaudit}"
cache="${TREEAUDIT_PACKAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/treeaudit-real-packages}"
packages=(rxjs@7.8.2 date-fns@4.4.0 @supabase/supabase-js@2.109.0 zod@4.6.7 hono@4.13.19 express@5.3.0 axios@1.21.1)
# Known findings that Node would really fail on too, as "package:file:line" (none so far).
expected=()

mkdir -p "$cache"
passed=0
failed=0
for spec in "${packages[@]}"; do
  dir="$cache/$(echo "$spec" | tr '/@' '__')"
  if [ ! -d "$dir/package" ]; then
    mkdir -p "$dir"
    tarball=$(cd "$dir" && npm pack --silent "$spec" 2>/dev/null | tail -1)
    if [ -z "$tarball" ] || ! tar xzf "$dir/$tarball" -C "$dir"; then
      echo "FAIL $spec: cannot fetch"
      failed=$((failed + 1))
      continue
    fi
  fi
  # Build output (dist/) is skipped by discovery at the package root, so check it on its own.
  for root in "$dir/package" "$dir/package/dist"; do
    [ -d "$root" ] || continue
    # A report that is not JSON (crash, usage error) counts as a failure.
    if ! found=$("$bin" check "$root" --format json 2>/dev/null | python3 -c '
import json, sys
report = json.load(sys.stdin)
for f in report["findings"]:
    if f["rule"] == "missing-export":
        print("%s:%s: %s" % (f["file"], f["line"], f["message"]))
'); then
      echo "FAIL $spec (${root#"$dir/"}): no JSON report"
      failed=$((failed + 1))
      continue
    fi
    unexpected=$(echo "$found" | grep -v '^$' | while read -r line; do
      key="$spec:${line%%: *}"
      printf '%s\n' "${expected[@]:-}" | grep -qxF "$key" || echo "$line"
    done)
    if [ -n "$unexpected" ]; then
      echo "FAIL $spec (${root#"$dir/"}):"
      echo "$unexpected" | sed 's/^/  /'
      failed=$((failed + 1))
    else
      echo "ok   $spec (${root#"$dir/"})"
      passed=$((passed + 1))
    fi
  done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
