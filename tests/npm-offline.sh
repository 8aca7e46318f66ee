#!/usr/bin/env bash
# The npm distribution, offline: pack the launcher and this machine's platform package (with
# the binary given as $1), install both from the tarballs into a fresh project with the
# registry pointed at a closed port, and run `npx treeaudit check` on the bundled fixtures.
# It must print exactly what the binary prints and exit with the same code.
set -euo pipefail

bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The same choice the launcher makes (linux-x64-gnu, darwin-arm64, ...).
key="$(node -e '
  const musl = process.platform === "linux" && !process.report.getReport().header.glibcVersionRuntime;
  const libc = process.platform === "linux" ? (musl ? "-musl" : "-gnu") : "";
  console.log(`${process.platform}-${process.arch}${libc}`);
')"
platform="treeaudit-$key"
[ -d "$repo/npm/$platform" ] || { echo "no npm/$platform package for this machine" >&2; exit 1; }
echo "host platform package: $platform"

cp -R "$repo/npm/$platform" "$work/platform"
cp -R "$repo/npm/treeaudit" "$work/launcher"
mkdir -p "$work/platform/bin" "$work/tarballs" "$work/project"
exe=treeaudit
case "$key" in win32-*) exe=treeaudit.exe ;; esac
cp "$bin" "$work/platform/bin/$exe"

# No network: a closed registry port, an empty cache, --offline.
export npm_config_registry=http://127.0.0.1:9/
export npm_config_cache="$work/npm-cache"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
(cd "$work" && npm pack --silent --pack-destination "$work/tarballs" ./platform ./launcher >/dev/null)
ls "$work/tarballs"

cd "$work/project"
printf '{ "name": "audit-me", "version": "1.0.0", "private": true }\n' > package.json
npm install --offline --ignore-scripts --no-progress \
  "$work/tarballs/$platform-"*.tgz "$work/tarballs/treeaudit-"[0-9]*.tgz 2>&1 | tail -3 || true
[ -x "node_modules/$platform/bin/$exe" ] || { echo "platform binary missing or not executable after install" >&2; exit 1; }
[ -e node_modules/.bin/treeaudit ] || { echo "npm did not link the treeaudit command" >&2; exit 1; }

failures=0
for fixture in story-api ts-clean; do
  set +e
  via_npx="$(npx --offline treeaudit check "$repo/fixtures/$fixture" --no-cache --color never 2>&1)"
  npx_status=$?
  direct="$("$bin" check "$repo/fixtures/$fixture" --no-cache --color never 2>&1)"
  direct_status=$?
  set -e
  echo "npx treeaudit check fixtures/$fixture: exit $npx_status; $(printf '%s\n' "$via_npx" | grep -E 'problems|error|warning' | tail -1)"
  if [ "$via_npx" != "$direct" ] || [ "$npx_status" != "$direct_status" ]; then
    echo "FAIL: npx output or exit code ($npx_status) differs from the binary's ($direct_status)" >&2
    diff <(printf '%s\n' "$direct") <(printf '%s\n' "$via_npx") >&2 || true
    failures=$((failures + 1))
  fi
done
# story-api is the broken example (exit 1); ts-clean passes (exit 0).
npx --offline treeaudit check "$repo/fixtures/story-api" --no-cache --quiet >/dev/null && { echo "FAIL: story-api passed" >&2; failures=$((failures + 1)); }
npx --offline treeaudit check "$repo/fixtures/ts-clean" --no-cache --quiet >/dev/null || { echo "FAIL: ts-clean failed" >&2; failures=$((failures + 1)); }
[ "$failures" = 0 ] && echo "npm offline install: ok"
exit "$failures"
