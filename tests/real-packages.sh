#!/usr/bin/env bash
# Runs `treeaudit check` on real published packages nobody here wrote. Their own relative and
# alias imports ship working, so `unresolved-import` and `case-mismatch` must report nothing:
# any such finding is a resolver/parser bug, unless Node itself cannot resolve the same
# specifier from the same file — those few are listed in EXCEPTIONS below with the evidence.
#
# Packages are fetched with `npm pack NAME@VERSION` into a cache outside the repository
# (TREEAUDIT_REAL_CACHE, default ~/.cache/treeaudit-real) and unpacked there; nothing of theirs
# is ever executed. Uses target/release/treeaudit (or target/debug/treeaudit), building the
# release binary when neither exists. Prints one line per package and `N passed, N failed`.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${TREEAUDIT_REAL_CACHE:-$HOME/.cache/treeaudit-real}"

# Pinned: a failure must mean treeaudit changed, not that a package did.
PACKAGES=(
  express@5.3.0
  hono@4.13.19
  zod@4.6.7
  date-fns@4.4.0
  rxjs@7.8.2
  axios@1.21.1
  @supabase/supabase-js@2.119.1
  lodash-es@4.18.1
  fastify@5.12.8
  effect@4.1.0
  ghost@6.65.0
  @actual-app/sync-server@26.9.0
)

# Findings Node itself cannot resolve either: "package@version|file|specifier" plus evidence.
# Each entry is one specifier in one file, never a pattern.
# Evidence was taken with `cd <dir of file> && node -e 'require.resolve(SPEC)'` in the unpacked
# package; each of these printed `Error: Cannot find module SPEC` (the target is not shipped).
EXCEPTIONS=(
  # date-fns' test helper imports vitest glue that is not published (_lib/test/ holds only
  # tzOffsetTransitions.*): node -e 'require.resolve("./test/vitest")' in _lib/ fails.
  "date-fns@4.4.0|_lib/test.cjs|./test/vitest"
  "date-fns@4.4.0|_lib/test.js|./test/vitest"
  # rxjs 7 ships a v5-era global wrapper pointing at dist/package/, which 7.x no longer has:
  # node -e 'require.resolve("../dist/package/Rx")' in src/ fails.
  "rxjs@7.8.2|src/Rx.global.js|../dist/package/Rx"
  # fastify's bundler tests require the output of a bundling step that is not published:
  # node -e 'require.resolve("./dist/success")' (and ./dist/failPlugin) in each dir fails.
  "fastify@5.12.8|test/bundler/esbuild/bundler-test.js|./dist/success"
  "fastify@5.12.8|test/bundler/esbuild/bundler-test.js|./dist/failPlugin"
  "fastify@5.12.8|test/bundler/webpack/bundler-test.js|./dist/success"
  "fastify@5.12.8|test/bundler/webpack/bundler-test.js|./dist/failPlugin"
  # Ghost's admin build concatenates CodeMirror's UMD modules into one asset; their guarded
  # `require("../../lib/codemirror")` etc. point at the original layout, which is not shipped:
  # node -e 'require.resolve("../../lib/codemirror")' (and ../xml/xml, ../javascript/javascript,
  # ../css/css) in core/built/admin/assets/codemirror/ fails.
  "ghost@6.65.0|core/built/admin/assets/codemirror/codemirror-bcc43040205b158dea6c38fddde4cfe3.js|../../lib/codemirror"
  "ghost@6.65.0|core/built/admin/assets/codemirror/codemirror-bcc43040205b158dea6c38fddde4cfe3.js|../xml/xml"
  "ghost@6.65.0|core/built/admin/assets/codemirror/codemirror-bcc43040205b158dea6c38fddde4cfe3.js|../javascript/javascript"
  "ghost@6.65.0|core/built/admin/assets/codemirror/codemirror-bcc43040205b158dea6c38fddde4cfe3.js|../css/css"
)

# Always go through cargo so a stale binary is never audited (a no-op when up to date; the
# debug build is what `cargo test` already made). TREEAUDIT_BIN overrides.
if [[ -n "${TREEAUDIT_BIN:-}" ]]; then
  bin="$TREEAUDIT_BIN"
elif [[ "${TREEAUDIT_PROFILE:-debug}" == release ]]; then
  (cd "$repo" && cargo build --release --quiet)
  bin="$repo/target/release/treeaudit"
else
  (cd "$repo" && cargo build --quiet)
  bin="$repo/target/debug/treeaudit"
fi
command -v npm >/dev/null || { echo "real-packages: npm is not installed" >&2; exit 2; }
command -v node >/dev/null || { echo "real-packages: node is not installed" >&2; exit 2; }

mkdir -p "$cache/tarballs" "$cache/trees"

is_exception() {
  local key="$1" entry
  for entry in "${EXCEPTIONS[@]+"${EXCEPTIONS[@]}"}"; do
    [[ "$entry" == "$key" ]] && return 0
  done
  return 1
}

# One directory per pinned version: unpacked once, re-used by later runs.
unpack() {
  local spec="$1" safe tarball dir
  safe="${spec//\//+}"
  dir="$cache/trees/$safe"
  if [[ -f "$dir/.unpacked" ]]; then echo "$dir"; return; fi
  tarball="$(cd "$cache/tarballs" && npm pack "$spec" --silent 2>/dev/null | tail -1)"
  [[ -n "$tarball" && -f "$cache/tarballs/$tarball" ]] || return 1
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$cache/tarballs/$tarball" -C "$dir" --strip-components=1 --no-same-owner
  touch "$dir/.unpacked"
  echo "$dir"
}

passed=0
failed=0
for spec in "${PACKAGES[@]}"; do
  if ! dir="$(unpack "$spec")"; then
    echo "FAIL $spec: npm pack failed"
    failed=$((failed + 1))
    continue
  fi
  json="$(mktemp)"
  status=0
  "$bin" check --format json "$dir" >"$json" || status=$?
  if [[ $status -ge 2 ]]; then
    echo "FAIL $spec: treeaudit exited $status"
    failed=$((failed + 1))
    rm -f "$json"
    continue
  fi
  # One line per import finding: rule|file|specifier|line:col|message; then the file count.
  if ! node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const f of r.findings)
      if (f.rule === "unresolved-import" || f.rule === "case-mismatch")
        console.log([f.rule, f.file, f.specifier ?? "", f.line + ":" + f.column, f.message].join("|"));
    console.log(r.summary.files);
  ' "$json" >"$json.lines"; then
    echo "FAIL $spec: treeaudit printed no valid JSON"
    failed=$((failed + 1))
    rm -f "$json" "$json.lines"
    continue
  fi
  mapfile -t found < <(sed '$d' "$json.lines")
  files="$(tail -1 "$json.lines")"
  rm -f "$json" "$json.lines"
  unexpected=()
  excepted=0
  for line in "${found[@]+"${found[@]}"}"; do
    IFS='|' read -r rule file specifier _ <<<"$line"
    if is_exception "$spec|$file|$specifier"; then
      excepted=$((excepted + 1))
    else
      unexpected+=("$line")
    fi
  done
  if [[ ${#unexpected[@]} -eq 0 ]]; then
    echo "ok   $spec: $files files, 0 unexpected import findings ($excepted listed exceptions)"
    passed=$((passed + 1))
  else
    echo "FAIL $spec: $files files, ${#unexpected[@]} unexpected import findings"
    printf '       %s\n' "${unexpected[@]:0:25}"
    [[ ${#unexpected[@]} -gt 25 ]] && echo "       … and $((${#unexpected[@]} - 25)) more"
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
