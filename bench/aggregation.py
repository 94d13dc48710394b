"""Results recompute cost: what one `results` push to the screens costs the server, as the room grows.

The live hub recomputes an activity's results document at most every ~0.25 s while votes arrive, inside the one
server process that also serves every phone. This measures that recompute on a large room (default 30 items,
2,000 participants in 4 groups, random ratings with some "don't know"):

* hub recompute: a fresh session loads the activity and calls `results.compute(activity, "equal_groups")`,
  exactly what `LiveHub.flush` does (ORM loads + SQL histogram queries + pure engine);
* SQL only: `results.matrix_data(activity)`, the GROUP BY queries that reduce votes to histograms;
* engine only: `matrix_results(data, "equal_groups")` on those histograms (exact fractions, no database).

It runs on a temporary SQLite file and, when 127.0.0.1:5432 answers, on a throwaway PostgreSQL database that it
creates and drops. Nothing else is touched.

    .venv/bin/python bench/aggregation.py
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
GROUPS = [("gov", 1.0, 0.25), ("employers", 1.0, 0.35), ("workers", 1.0, 0.30), ("other", 0.0, 0.10)]
DONT_KNOW = 0.08  # share of "don't know" answers per axis


def definition(items: int) -> dict[str, Any]:
    """A workshop shaped like the `regional` template, with as many constraints as asked."""
    keys = [f"c{n:02d}" for n in range(items)]
    return {
        "title": "Aggregation benchmark",
        "language": "en",
        "min_group_size": 5,
        "groups": [{"key": key, "name": key.title(), "weight": weight} for key, weight, _ in GROUPS],
        "items": [{"key": key, "kind": "constraint", "title": f"Constraint {key}", "category": "meso"}
                  for key in keys],
        "activities": [{"key": "constraints", "type": "matrix", "title": "Rate the constraints", "items": keys,
                        "x": {"label": "Tractability", "min": 1, "max": 5},
                        "y": {"label": "Severity", "min": 1, "max": 5}}],
    }


def make_app(url: str) -> Any:
    from app import create_app
    from config import TestingConfig

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    return create_app({**config, "SQLALCHEMY_DATABASE_URI": url})


def build(app: Any, participants: int, items: int) -> tuple[int, int]:
    """Migrate, then insert the workshop through the service and the votes in bulk; returns (activity id, rows)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app.extensions import db
    from app.models import Participant, Response, token_digest, utcnow
    from app.services import accounts, workshops
    from app.services.database import transaction

    with app.app_context():
        upgrade()
        with transaction():
            user = accounts.create_user(f"bench-{uuid.uuid4().hex[:8]}@prioritas.local", "bench-password")
            workshop = workshops.create_from_definition(user, definition(items))
            activity = workshop.activities[0]
            activity.state = "open"
            group_ids = {g.key: g.id for g in workshop.groups}
            item_ids = [i.id for i in activity.items]
            workshop_id, activity_id = workshop.id, activity.id
        keys = [key for key, _, _ in GROUPS]
        shares = [share for _, _, share in GROUPS]
        now = utcnow()
        people = [{"workshop_id": workshop_id, "group_id": group_ids[random.choices(keys, shares)[0]],
                   "pseudonym": f"P{n + 1:04d}", "token_digest": token_digest(secrets.token_urlsafe(16)),
                   "channel": "phone", "created_at": now} for n in range(participants)]
        db.session.execute(sa.insert(Participant), people)
        db.session.commit()
        group_of: dict[int, int] = {
            row.id: row.group_id for row in db.session.execute(
                sa.select(Participant.id, Participant.group_id).where(Participant.workshop_id == workshop_id))}
        # A group-dependent lean per item, so the figures look like a room rather than noise.
        lean = {(g, i): random.uniform(1.5, 4.5) for g in group_ids.values() for i in item_ids}
        rows: list[dict[str, Any]] = []
        total = 0
        for pid in sorted(group_of):
            for item_id in item_ids:
                for axis in ("x", "y"):
                    value = None if random.random() < DONT_KNOW else \
                        min(5, max(1, round(random.gauss(lean[(group_of[pid], item_id)], 0.9))))
                    rows.append({"activity_id": activity_id, "participant_id": pid, "item_id": item_id,
                                 "dimension": axis, "value": value, "round": 1, "submitted_at": now})
            if len(rows) >= 20_000:
                db.session.execute(sa.insert(Response), rows)
                total += len(rows)
                rows = []
        if rows:
            db.session.execute(sa.insert(Response), rows)
            total += len(rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        db.session.remove()
    return activity_id, total


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    fn()  # warm-up: imports, statement cache, page cache
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def line(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered), max(1, -(-9 * len(ordered) // 10))) - 1]
    return (f"  {label:<34} median {statistics.median(samples):7.1f} ms   p90 {p90:7.1f} ms   "
            f"max {max(samples):7.1f} ms")


def measure(app: Any, activity_id: int, runs: int) -> tuple[dict[str, list[float]], dict[str, Any]]:
    from app.engine.matrix import matrix_results
    from app.extensions import db
    from app.models import Activity
    from app.services import results

    def hub_recompute() -> dict[str, Any]:
        with app.app_context():
            try:
                return results.compute(db.session.get(Activity, activity_id), "equal_groups")
            finally:
                db.session.remove()

    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        sql = timed(lambda: results.matrix_data(activity), runs)
        data = results.matrix_data(activity)
        engine = timed(lambda: matrix_results(data, "equal_groups"), runs)
        document = matrix_results(data, "equal_groups")
        db.session.remove()
    hub = timed(hub_recompute, runs)
    return {"hub": hub, "sql": sql, "engine": engine}, document


def run_backend(name: str, url: str, participants: int, items: int, runs: int) -> None:
    from app.extensions import db

    app = make_app(url)
    start = time.perf_counter()
    activity_id, rows = build(app, participants, items)
    built = time.perf_counter() - start
    samples, document = measure(app, activity_id, runs)
    with app.app_context():
        db.engine.dispose()
    payload = len(json.dumps(document).encode())
    print(f"\n{name}: {participants} participants x {items} items x 2 axes = {rows:,} saved values "
          f"(built in {built:.1f} s); {document['respondents']} respondents; results document "
          f"{payload / 1024:.1f} KB as JSON; {runs} runs each")
    print(line("hub recompute (compute, fresh session)", samples["hub"]))
    print(line("SQL only (matrix_data)", samples["sql"]))
    print(line("engine only (matrix_results)", samples["engine"]))


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


def run_postgres(participants: int, items: int, runs: int) -> None:
    """A throwaway database on the local server, always dropped afterwards."""
    import sqlalchemy as sa

    name = f"prioritas_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as con:
            con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        print(f"\nPostgreSQL: skipped ({str(error).splitlines()[0]})")
        admin.dispose()
        return
    try:
        run_backend("PostgreSQL", PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, participants, items, runs)
    finally:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, nargs="+", default=[2000],
                        help="room sizes to measure (default 2000)")
    parser.add_argument("--items", type=int, default=30, help="items in the matrix (default 30)")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per measurement (default 50)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not all(1 <= p <= 50_000 for p in args.participants) or not 1 <= args.items <= 200 \
            or not 1 <= args.runs <= 1000:
        parser.error("keep --participants in 1..50000, --items in 1..200, --runs in 1..1000")

    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work on the machine skews "
          "every figure)")
    with tempfile.TemporaryDirectory(prefix="prioritas-agg-") as tmp:
        os.environ.setdefault("SECRET_KEY", "benchmark-only")  # keep config from writing a key under instance/
        os.environ["PRIORITAS_INSTANCE"] = str(Path(tmp) / "instance")
        for participants in args.participants:
            random.seed(args.seed)
            run_backend("SQLite", f"sqlite:///{Path(tmp) / f'agg-{participants}.db'}", participants, args.items,
                        args.runs)
            if args.no_postgres:
                continue
            if postgres_reachable():
                random.seed(args.seed)
                run_postgres(participants, args.items, args.runs)
            else:
                print("\nPostgreSQL: skipped (nothing listens on 127.0.0.1:5432)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
