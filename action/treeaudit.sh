#!/usr/bin/env bash
# The steps of the treeaudit GitHub Action (action.yml calls this), kept in one script so a
# test can run them outside GitHub:
#   install  download the prebuilt release binary for this runner, verify its SHA-256, put it
#            on PATH (GITHUB_PATH)
#   check    run `treeaudit check` ONCE: annotations on stdout, SARIF and a Markdown job summary
#            as files; record the exit code (GITHUB_OUTPUT) and succeed, so SARIF upload and
#            cache save still run
#   finish   fail the step with check's exit code (1 findings, 2 usage or I/O error)
set -euo pipefail

die() { echo "::error title=treeaudit::$*"; exit 2; }

# The release asset name for this runner (matches .github/workflows/release.yml).
platform() {
  local os arch
  case "${RUNNER_OS:-$(uname -s)}" in
    Linux) os=linux ;;
    macOS | Darwin) os=darwin ;;
    Windows | MINGW* | MSYS* | CYGWIN*) os=win32 ;;
    *) die "no prebuilt treeaudit for runner OS ${RUNNER_OS:-unknown}" ;;
  esac
  case "${RUNNER_ARCH:-$(uname -m)}" in
    X64 | x86_64 | amd64) arch=x64 ;;
    ARM64 | arm64 | aarch64) arch=arm64 ;;
    *) die "no prebuilt treeaudit for runner architecture ${RUNNER_ARCH:-unknown}" ;;
  esac
  case "$os-$arch" in
    linux-*) echo "$os-$arch-gnu" ;;
    win32-x64 | darwin-*) echo "$os-$arch" ;;
    *) die "no prebuilt treeaudit for $os-$arch" ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# Copies a release asset: from a directory (TREEAUDIT_RELEASE_URL=/path, used by the tests)
# or over HTTPS.
fetch() {
  local base="$1" name="$2" to="$3"
  case "$base" in
    /*) cp "$base/$name" "$to" ;;
    *) curl --fail --silent --show-error --location --retry 3 --output "$to" "$base/$name" ;;
  esac
}

install() {
  local dest="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/treeaudit-bin"
  local version="${TREEAUDIT_VERSION:-}"
  # An action pinned to a release tag (uses: treeaudit/treeaudit@v1.2.3) runs that release.
  if [ -z "$version" ] && [[ "${TREEAUDIT_ACTION_REF:-}" =~ ^v[0-9]+\.[0-9]+\.[0-9]+ ]]; then
    version="$TREEAUDIT_ACTION_REF"
  fi
  local repo="${TREEAUDIT_REPOSITORY:-treeaudit/treeaudit}"
  local base="${TREEAUDIT_RELEASE_URL:-}"
  if [ -z "$base" ]; then
    if [ -z "$version" ] || [ "$version" = latest ]; then
      base="https://github.com/$repo/releases/latest/download"
    else
      base="https://github.com/$repo/releases/download/v${version#v}"
    fi
  fi
  local name
  name="treeaudit-$(platform).tar.gz"
  mkdir -p "$dest"
  local work
  work="$(mktemp -d)"
  fetch "$base" "$name" "$work/$name" || die "cannot download $base/$name"
  fetch "$base" "$name.sha256" "$work/$name.sha256" || die "cannot download $base/$name.sha256"
  local expected actual
  expected="$(cut -d' ' -f1 <"$work/$name.sha256" | tr -d '\r\n')"
  actual="$(sha256_of "$work/$name")"
  if [ "$expected" != "$actual" ]; then
    die "checksum mismatch for $name: expected $expected, got $actual"
  fi
  tar -xzf "$work/$name" -C "$dest"
  rm -rf "$work"
  local exe="$dest/treeaudit"
  [ -f "$dest/treeaudit.exe" ] && exe="$dest/treeaudit.exe"
  [ -f "$exe" ] || die "$name holds no treeaudit binary"
  chmod +x "$exe"
  echo "$dest" >>"${GITHUB_PATH:-/dev/null}"
  echo "TREEAUDIT_BIN=$exe" >>"${GITHUB_ENV:-/dev/null}"
  echo "treeaudit $("$exe" --version | cut -d' ' -f2) ($name, sha256 $actual)"
}

# A valid SARIF log with no results, saying why: uploaded when treeaudit itself failed, so
# code scanning shows the failure instead of the upload step failing on a missing file.
empty_sarif() {
  local message="$1"
  message="${message//\\/\\\\}"
  message="${message//\"/\\\"}"
  message="$(printf '%s' "$message" | tr '\n\r\t' '   ')"
  cat <<JSON
{
  "\$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": { "driver": { "name": "treeaudit", "informationUri": "https://github.com/treeaudit/treeaudit" } },
      "invocations": [
        {
          "executionSuccessful": false,
          "toolExecutionNotifications": [{ "level": "error", "message": { "text": "$message" } }]
        }
      ],
      "results": []
    }
  ]
}
JSON
}

check() {
  local bin="${TREEAUDIT_BIN:-treeaudit}"
  local path="${TREEAUDIT_PATH:-.}"
  local temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
  local sarif="${TREEAUDIT_SARIF:-$temp/treeaudit.sarif}"
  local summary="$temp/treeaudit-summary.md"
  local errors="$temp/treeaudit-stderr.txt"
  rm -f "$sarif" "$summary"
  local args=(check "$path" --format github --output "sarif=$sarif" --output "markdown=$summary")
  [ -n "${TREEAUDIT_BASELINE:-}" ] && args+=(--baseline "$TREEAUDIT_BASELINE")
  [ -n "${TREEAUDIT_CACHE_DIR:-}" ] && args+=(--cache-dir "$TREEAUDIT_CACHE_DIR")
  local extra=()
  # shellcheck disable=SC2206 # extra arguments are split on spaces, as typed in the workflow
  [ -n "${TREEAUDIT_ARGS:-}" ] && extra=($TREEAUDIT_ARGS)
  local status=0
  "$bin" "${args[@]}" ${extra[@]+"${extra[@]}"} 2>"$errors" || status=$?
  cat "$errors" >&2
  if [ ! -s "$sarif" ]; then
    empty_sarif "treeaudit exited with $status: $(head -c 2000 "$errors")" >"$sarif"
  fi
  if [ ! -s "$summary" ]; then
    {
      echo "## treeaudit"
      echo
      echo "treeaudit exited with $status before producing findings:"
      echo
      echo '```'
      head -c 4000 "$errors"
      echo '```'
    } >"$summary"
  fi
  cat "$summary" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
  {
    echo "exit-code=$status"
    echo "sarif=$sarif"
  } >>"${GITHUB_OUTPUT:-/dev/null}"
  echo "treeaudit check exited with $status; SARIF: $sarif"
}

finish() {
  local status="${TREEAUDIT_EXIT_CODE:-2}"
  case "$status" in
    0) exit 0 ;;
    1) echo "treeaudit found errors (see the annotations and the job summary)"; exit 1 ;;
    *) echo "treeaudit could not run (exit $status; see the check step's log)"; exit "$status" ;;
  esac
}

case "${1:-}" in
  install) install ;;
  check) check ;;
  finish) finish ;;
  *) echo "usage: $0 install|check|finish" >&2; exit 2 ;;
esac
