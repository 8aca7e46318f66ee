#!/usr/bin/env python3
"""Compare two corpus runs (REALWORLD_OUT folders of benches/realworld.sh): per tree, the errors
and warnings per rule that changed, then the error findings only one run has.

    python3 benches/realworld_diff.py BEFORE_DIR AFTER_DIR [--show N] [--warnings]

A finding is keyed by rule, file, line and message, so a reworded message shows as one removed
and one added. --show N prints at most N changed findings per tree (default 8); --warnings lists
changed warnings too (counts are always shown).
"""
import argparse
import collections
import json
import os
import sys


def load(folder, name):
    path = os.path.join(folder, name + ".json")
    try:
        with open(path) as f:
            return json.load(f).get("findings", [])
    except (OSError, ValueError):
        return None


def key(x):
    return (x.get("rule"), x.get("file") or "", x.get("line") or 0, x.get("message") or "")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--show", type=int, default=8)
    ap.add_argument("--warnings", action="store_true")
    args = ap.parse_args()
    names = sorted(
        {f[:-5] for d in (args.before, args.after) for f in os.listdir(d) if f.endswith(".json")}
    )
    totals = collections.Counter()
    changed = 0
    for name in names:
        a, b = load(args.before, name), load(args.after, name)
        if a is None or b is None:
            print(f"{name}: report missing in {'before' if a is None else 'after'}")
            continue
        count = lambda xs, sev: collections.Counter(x["rule"] for x in xs if x.get("severity") == sev)
        lines = []
        for sev in ("error", "warning"):
            ca, cb = count(a, sev), count(b, sev)
            totals[sev + " before"] += sum(ca.values())
            totals[sev + " after"] += sum(cb.values())
            for rule in sorted(set(ca) | set(cb)):
                if ca[rule] != cb[rule]:
                    lines.append(f"  {sev} {rule}: {ca[rule]} -> {cb[rule]}")
        sevs = ("error", "warning") if args.warnings else ("error",)
        ka = {key(x) for x in a if x.get("severity") in sevs}
        kb = {key(x) for x in b if x.get("severity") in sevs}
        diff = [("-", k) for k in sorted(ka - kb)] + [("+", k) for k in sorted(kb - ka)]
        for sign, (rule, file, line, msg) in diff[: args.show]:
            lines.append(f"  {sign} {rule} {file}:{line} {msg[:160]}")
        if len(diff) > args.show:
            lines.append(f"  ... {len(diff) - args.show} more")
        if lines:
            changed += 1
            print(name)
            print("\n".join(lines))
    print(
        f"{len(names)} trees, {changed} changed; errors {totals['error before']} -> "
        f"{totals['error after']}, warnings {totals['warning before']} -> {totals['warning after']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
