"""What one join costs the server, counted in instructions: a figure that does not move with the machine's load.

On this machine the burst's own figures (`bench/burst.py`) swing by a factor of two between identical runs, so
a change to the join is also measured here: the app joins N phones through the JSON API (Flask's test client,
SQLite, rate limits on) after a warm-up, once with N and once with 0, each under valgrind's callgrind; the
difference divided by N is the instructions one join costs, the same whatever else the machine does.

    .venv/bin/python bench/join_cost.py                 # 150 joins, both runs at once (2 cores)
    .venv/bin/python bench/join_cost.py --joins 300

It needs valgrind (Debian's package). `--plain` also prints the process CPU time per join without valgrind
(quick, but as noisy as the machine).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 30


def _run_joins(count: int) -> float:
    """In this process: a workshop, WARM_UP joins, then `count` joins; returns the CPU seconds of those."""
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from app import create_app
    from app.services import accounts, templates
    from app.services.database import transaction

    folder = tempfile.mkdtemp(prefix="prioritas-join-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        with transaction():
            user = accounts.create_user("bench@example.org", "correct horse battery", "Bench")
        with transaction():
            workshop = templates.create_from_template(user, "regional", "Join cost")
            code, group = workshop.join_code, workshop.groups[0].key
    client = app.test_client()

    def join(n: int, first: int) -> None:
        for i in range(n):
            answer = client.post("/api/v1/join", json={"code": code, "group": group,
                                                       "device": f"bench-device-{first + i:08d}"})
            assert answer.status_code == 201, answer.get_data(as_text=True)

    join(WARM_UP, 10**6)
    start = time.process_time()
    join(count, 0)
    return time.process_time() - start


def _callgrind(count: int, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                             __file__, "--inner", str(count)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _instructions(out: Path) -> int:
    match = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.M)
    if match is None:
        raise SystemExit(f"no instruction count in {out}")
    return int(match.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--joins", type=int, default=150)
    parser.add_argument("--plain", action="store_true", help="also time the joins without valgrind")
    parser.add_argument("--inner", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner is not None:
        _run_joins(args.inner)
        return 0
    if args.plain:
        seconds = _run_joins(args.joins)
        print(f"plain: {seconds / args.joins * 1000:.2f} ms CPU per join (noisy)")
    folder = Path(tempfile.mkdtemp(prefix="prioritas-callgrind-"))
    runs = {n: (_callgrind(n, folder / f"joins-{n}.out"), folder / f"joins-{n}.out") for n in (0, args.joins)}
    for process, _out in runs.values():
        if process.wait() != 0:
            raise SystemExit("valgrind failed (is Debian's valgrind installed?)")
    base, full = (_instructions(runs[n][1]) for n in (0, args.joins))
    per_join = (full - base) / args.joins
    print(f"{args.joins} joins under callgrind: {per_join / 1e6:.2f} million instructions per join "
          f"(checkout {os.path.basename(ROOT)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
