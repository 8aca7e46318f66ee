#!/usr/bin/env python3
"""One line per finding of a `treeaudit check --format json` report, to judge them by hand.

    python3 benches/realworld_errors.py REPORT.json [--severity error|warning|info|all]
                                        [--rule RULE] [--sample N]

Prints `rule<TAB>file:line<TAB>message` sorted by rule, file and line. --sample N keeps at
most N findings per rule, spread evenly over the sorted list (so a sample is deterministic).
"""
import argparse
import collections
import json
import sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report")
    ap.add_argument("--severity", default="error")
    ap.add_argument("--rule")
    ap.add_argument("--sample", type=int, default=0)
    args = ap.parse_args()
    with open(args.report) as f:
        data = json.load(f)
    by_rule = collections.defaultdict(list)
    for x in data.get("findings", []):
        if args.severity != "all" and x.get("severity") != args.severity:
            continue
        if args.rule and x.get("rule") != args.rule:
            continue
        by_rule[x["rule"]].append(x)
    for rule in sorted(by_rule):
        items = sorted(by_rule[rule], key=lambda x: (x.get("file", ""), x.get("line", 0)))
        if args.sample and len(items) > args.sample:
            step = len(items) / args.sample
            kept = [items[int(i * step)] for i in range(args.sample)]
            print(f"# {rule}: {len(items)} findings, sample of {len(kept)}")
            items = kept
        for x in items:
            where = f"{x.get('file', '?')}:{x.get('line', 0)}"
            msg = " ".join(str(x.get("message", "")).split())
            spec = x.get("specifier")
            if spec and spec not in msg:
                msg += f" [{spec}]"
            print(f"{rule}\t{where}\t{msg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
