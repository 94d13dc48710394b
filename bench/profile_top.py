"""Summarise a py-spy `--format raw` profile (collapsed stacks): the share of samples under each function.

    .venv/bin/python bench/profile_top.py /tmp/burst.raw --top 40 [--match app/]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="", help="only frames whose file contains this (e.g. app/)")
    args = parser.parse_args()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in args.profile.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        seen = set()
        for frame in stack.split(";"):
            name, _, where = frame.partition(" (")
            key = f"{name} ({where.split(':')[0]})" if where else name
            if key in seen or (args.match and args.match not in key):
                continue
            seen.add(key)
            inclusive[key] += samples
    print(f"{total} samples")
    for key, samples in inclusive.most_common(args.top):
        print(f"{samples / max(1, total):6.1%}  {key[:140]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
