#!/usr/bin/env bash
# Precision corpus: `treeaudit check` on checkouts of the public applications pinned in
# tests/realworld/CORPUS.json, with errors and warnings counted per rule. A measurement, not a
# test: the verdict on each error is recorded by hand in tests/realworld/JUDGEMENTS.md.
#
#   bash benches/realworld.sh [DIR]      # DIR holds one checkout per tree (default /work/corpus/src)
#
# A checkout is the pinned commit exported into DIR/<checkout> (the `checkout` field, owner__name):
# `git archive <commit>`, or `python3 benches/corpus_export.py GIT_DIR <commit> DIR/<checkout>`
# when the clone lacks some large blobs (it skips them and names them). The tree audited is
# DIR/<checkout>/<path>. A missing checkout prints a skip line; the script fails only when the
# binary or the corpus list is missing.
# Env: TREEAUDIT (binary; default target/release/treeaudit), REALWORLD_OUT (folder that keeps each
# tree's JSON report, for benches/realworld_errors.py; default a temporary folder).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-/work/corpus/src}"
bin="${TREEAUDIT:-$repo/target/release/treeaudit}"
corpus="$repo/tests/realworld/CORPUS.json"
out="${REALWORLD_OUT:-$(mktemp -d)}"
mkdir -p "$out"

[ -x "$bin" ] || { echo "no treeaudit binary at $bin (cargo build --release, or set TREEAUDIT)" >&2; exit 2; }
[ -f "$corpus" ] || { echo "no corpus list at $corpus" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is needed to read the JSON reports" >&2; exit 2; }

echo "binary: $bin ($("$bin" --version))"
echo "checkouts: $dir   reports: $out"

# name<TAB>checkout<TAB>path, one line per tree
python3 -c 'import json,sys
for t in json.load(open(sys.argv[1]))["trees"]:
    print(t["name"], t["checkout"], t.get("path", "."), sep="\t")' "$corpus" |
while IFS=$'\t' read -r name checkout path; do
  tree="$dir/$checkout/$path"
  rm -f "$out/$name.json" "$out/$name.exit" "$out/$name.stderr"  # no stale report from an earlier run
  if [ ! -d "$tree" ]; then
    echo "skip $name: no checkout at $tree"
    continue
  fi
  set +e
  start=$(date +%s.%N)
  "$bin" check --no-cache --format json "$tree" >"$out/$name.json" 2>"$out/$name.stderr"
  code=$?
  end=$(date +%s.%N)
  set -e
  echo "$code $start $end" >"$out/$name.exit"
done

# Per-tree tables and the total, from the JSON reports written above.
python3 - "$corpus" "$out" "$dir" <<'PY'
import collections, json, os, sys
corpus, out, dir_ = sys.argv[1:4]
trees = json.load(open(corpus))["trees"]
total = collections.defaultdict(lambda: collections.Counter())
rows = []
artifacts = []
for t in trees:
    name = t["name"]
    report, exitf = os.path.join(out, name + ".json"), os.path.join(out, name + ".exit")
    if not os.path.exists(exitf):
        continue
    code, start, end = open(exitf).read().split()
    secs = float(end) - float(start)
    try:
        data = json.load(open(report))
    except (OSError, ValueError):
        err = open(os.path.join(out, name + ".stderr")).read().strip().splitlines()
        print(f"\n## {name}: exit {code}, no JSON report ({err[-1] if err else 'no stderr'})")
        rows.append((name, "-", code, "-", "-", f"{secs:.1f}"))
        continue
    per = collections.defaultdict(collections.Counter)
    # Files in the pinned commit whose content the corpus snapshot lacks (over its size limit):
    # an error naming one is an artifact of the snapshot, listed apart and not counted.
    # A relative specifier must name that very file; another (an alias) its file name.
    missing_paths = set(t.get("snapshot_missing", []))
    missing = {os.path.basename(p): p for p in missing_paths}
    prefix = "" if t.get("path", ".") == "." else t["path"].rstrip("/") + "/"
    def lacks(f):
        spec = (f.get("specifier") or "").split("?")[0]
        if spec.startswith("."):
            named = os.path.normpath(os.path.join(os.path.dirname(prefix + f["file"]), spec))
            return named if named in missing_paths else None
        return missing.get(os.path.basename(spec))
    for f in data.get("findings", []):
        per[f["rule"]][f["severity"]] += 1
        absent = lacks(f) if f["severity"] == "error" else None
        if absent:
            artifacts.append(f"{name} {f['file']}:{f['line']} {f['rule']}: {absent} is absent from the snapshot only")
            continue
        total[f["rule"]][f["severity"]] += 1
    s = data.get("summary", {})
    print(f"\n## {name}: files {s.get('files')}, exit {code}, errors {s.get('errors')}, "
          f"warnings {s.get('warnings')}, infos {s.get('infos')}, {secs:.1f}s")
    print(f"  {'rule':34} {'error':>7} {'warning':>8} {'info':>6}")
    for rule in sorted(per):
        c = per[rule]
        print(f"  {rule:34} {c['error']:>7} {c['warning']:>8} {c['info']:>6}")
    rows.append((name, s.get("files"), code, s.get("errors"), s.get("warnings"), f"{secs:.1f}"))

print("\n## trees")
print(f"  {'tree':20} {'files':>6} {'exit':>5} {'errors':>7} {'warnings':>9} {'secs':>6}")
for r in rows:
    print(f"  {r[0]:20} {str(r[1]):>6} {str(r[2]):>5} {str(r[3]):>7} {str(r[4]):>9} {r[5]:>6}")
print("\n## total per rule")
print(f"  {'rule':34} {'error':>7} {'warning':>8} {'info':>6}")
for rule in sorted(total):
    c = total[rule]
    print(f"  {rule:34} {c['error']:>7} {c['warning']:>8} {c['info']:>6}")
e = sum(c["error"] for c in total.values())
w = sum(c["warning"] for c in total.values())
i = sum(c["info"] for c in total.values())
print(f"  {'all':34} {e:>7} {w:>8} {i:>6}")
if artifacts:
    print(f"\n## snapshot artifacts (errors on files the snapshot lacks; not in the total)")
    for a in artifacts:
        print(f"  {a}")
gate = sum(1 for r in rows if str(r[2]) != "0")
print(f"\n{len(rows)} trees audited, {gate} fail the gate (exit != 0)")
PY
