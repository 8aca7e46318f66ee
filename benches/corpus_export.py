#!/usr/bin/env python3
"""Export COMMIT of a git directory into OUT, like `git archive COMMIT | tar -x -C OUT`, but
skipping the blobs a partial snapshot lacks (each printed as `missing: PATH`; realworld.sh reads
the list from CORPUS.json `snapshot_missing`). Symlinks and executable bits are kept.

    python3 benches/corpus_export.py GIT_DIR COMMIT OUT
"""
import os
import subprocess
import sys


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    git_dir, commit, out = sys.argv[1:]
    git = ["git", f"--git-dir={git_dir}"]
    listing = subprocess.run(git + ["ls-tree", "-r", "-z", commit], capture_output=True, check=True).stdout
    entries = []
    for record in filter(None, listing.split(b"\0")):
        meta, path = record.split(b"\t", 1)
        mode, kind, sha = meta.decode().split()
        if kind == "blob":
            entries.append((mode, sha, os.fsdecode(path)))
    cat = subprocess.Popen(git + ["cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    missing = []
    for mode, sha, path in entries:
        cat.stdin.write(f"{sha}\n".encode())
        cat.stdin.flush()
        header = cat.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            missing.append(path)
            continue
        data = cat.stdout.read(int(header[2]))
        cat.stdout.read(1)  # the newline after the object
        dest = os.path.join(out, path)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if mode == "120000":
            if os.path.lexists(dest):
                os.remove(dest)
            os.symlink(os.fsdecode(data), dest)
            continue
        with open(dest, "wb") as f:
            f.write(data)
        if mode == "100755":
            os.chmod(dest, 0o755)
    cat.stdin.close()
    cat.wait()
    for path in missing:
        print(f"missing: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
