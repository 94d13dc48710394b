"""Results recompute cost: what one `results` push to the screens costs the server, for every activity type.

The live hub recomputes an activity's results document at most every ~0.25 s while votes arrive, inside the one
server process that also serves every phone. This builds one large room (default 2,000 participants in 4
groups) with one activity of each type, then times, per activity:

* recompute: a fresh session loads the activity and calls `results.compute(activity, "equal_groups")`, exactly
  what `LiveHub.flush` does (ORM loads + tally/ballot read + pure engine);
* read only: `results.<type>_data(activity)`, the tally rows (matrix, scale, criteria) or the ballot rows
  (points, ranking) turned into the engine's input;
* engine only: `<type>_results(data, "equal_groups")` on that input (no database);
* a vote: one participant's full matrix ballot saved through `participation.upsert_values` (tallies
  included) and committed, for the write-side cost of keeping tallies in step.

The votes are bulk-inserted into `response`, then `tally.rebuild` derives the tallies (timed once).
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
DONT_KNOW = 0.08  # share of "don't know" answers per rating
CRITERIA = [("jobs", "y", 1, 2.0), ("exports", "y", 1, 1.0), ("wages", "y", 1, 1.0),
            ("capabilities", "x", 1, 1.0), ("investment", "x", -1, 1.0), ("infrastructure", "x", 1, 1.0)]


def definition(items: int, ballot_items: int, sectors: int) -> dict[str, Any]:
    """A workshop with one activity per type: `items` constraints (matrix, scale), `ballot_items` of them for
    points and ranking, `sectors` sectors scored on six criteria."""
    keys = [f"c{n:02d}" for n in range(items)]
    sector_keys = [f"s{n:02d}" for n in range(sectors)]
    return {
        "title": "Aggregation benchmark",
        "language": "en",
        "min_group_size": 5,
        "groups": [{"key": key, "name": key.title(), "weight": weight} for key, weight, _ in GROUPS],
        "items": [{"key": key, "kind": "constraint", "title": f"Constraint {key}", "category": "meso"}
                  for key in keys] + [{"key": key, "kind": "sector", "title": f"Sector {key}"} for key in sector_keys],
        "activities": [
            {"key": "matrix", "type": "matrix", "title": "Rate the constraints", "items": keys,
             "x": {"label": "Tractability", "min": 1, "max": 5}, "y": {"label": "Severity", "min": 1, "max": 5}},
            {"key": "scale", "type": "scale", "title": "How severe", "items": keys,
             "scale": {"label": "Severity", "min": 1, "max": 5}},
            {"key": "points", "type": "points", "title": "Dots", "items": keys[:ballot_items],
             "budget": max(1, round(ballot_items / 3)), "max_per_item": 3},
            {"key": "ranking", "type": "ranking", "title": "Rank", "items": keys[:ballot_items]},
            {"key": "criteria", "type": "criteria", "title": "Score the sectors", "items": sector_keys,
             "scale": {"min": 1, "max": 5},
             "criteria": [{"key": k, "label": k.title(), "axis": a, "direction": d, "weight": w}
                          for k, a, d, w in CRITERIA]},
        ],
    }


def make_app(url: str) -> Any:
    from app import create_app
    from config import TestingConfig

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    return create_app({**config, "SQLALCHEMY_DATABASE_URI": url})


def _rating(lean: float) -> int | None:
    return None if random.random() < DONT_KNOW else min(5, max(1, round(random.gauss(lean, 0.9))))


def _ballot_rows(activity: Any, pid: int, lean: dict[int, float]) -> list[tuple[int, str, int | None]]:
    """One participant's answers to one activity, shaped by its type."""
    ids = [i.id for i in activity.items]
    if activity.type == "matrix":
        return [(i, axis, _rating(lean[i])) for i in ids for axis in ("x", "y")]
    if activity.type == "scale":
        return [(i, "value", _rating(lean[i])) for i in ids]
    if activity.type == "criteria":
        return [(i, c, _rating(lean[i])) for i in ids for c, _, _, _ in CRITERIA]
    if activity.type == "points":
        left, given = activity.settings["budget"], dict.fromkeys(ids, 0)
        for i in sorted(ids, key=lambda i: -lean[i] - random.random() * 2):
            given[i] = min(3, left, random.choice([0, 1, 2, 3]))
            left -= given[i]
        return [(i, "points", v) for i, v in given.items()]
    order = sorted(ids, key=lambda i: -lean[i] - random.gauss(0, 1))[: random.randint(3, len(ids))]
    return [(i, "rank", n + 1) for n, i in enumerate(order)]


def build(app: Any, participants: int, items: int, ballot_items: int, sectors: int) -> dict[str, Any]:
    """Migrate, create the workshop through the service, bulk-insert the votes, rebuild tallies."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app.extensions import db
    from app.models import Participant, Response, token_digest, utcnow
    from app.services import accounts, tally, workshops
    from app.services.database import transaction

    with app.app_context():
        upgrade()
        with transaction():
            user = accounts.create_user(f"bench-{uuid.uuid4().hex[:8]}@prioritas.local", "bench-password")
            workshop = workshops.create_from_definition(user, definition(items, ballot_items, sectors))
            for activity in workshop.activities:
                activity.state = "open"
            group_ids = {g.key: g.id for g in workshop.groups}
            workshop_id = workshop.id
        activities = list(workshop.activities)
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
        all_items = {i.id for a in activities for i in a.items}
        # A group-dependent lean per item, so the figures look like a room rather than noise.
        lean = {g: {i: random.uniform(1.5, 4.5) for i in all_items} for g in group_ids.values()}
        saved: dict[str, int] = {}
        rows: list[dict[str, Any]] = []
        for activity in activities:
            saved[activity.key] = 0
            for pid in sorted(group_of):
                for item_id, dimension, value in _ballot_rows(activity, pid, lean[group_of[pid]]):
                    rows.append({"activity_id": activity.id, "participant_id": pid, "item_id": item_id,
                                 "dimension": dimension, "value": value, "round": 1, "submitted_at": now})
                    saved[activity.key] += 1
                if len(rows) >= 20_000:
                    db.session.execute(sa.insert(Response), rows)
                    rows = []
        if rows:
            db.session.execute(sa.insert(Response), rows)
        db.session.commit()
        start = time.perf_counter()
        with transaction():
            for activity in activities:
                tally.rebuild(activity)
        rebuild = time.perf_counter() - start
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        ids = {a.key: a.id for a in activities}
        db.session.remove()
    return {"activities": ids, "saved": saved, "rebuild": rebuild, "participants": sorted(group_of)}


def timed(fn: Callable[[], Any], runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) milliseconds per run. CPU time of this thread is what the server process spends on it (with
    SQLite, SQL included; PostgreSQL's own work is not), and is far less skewed by other jobs than wall time."""
    fn()  # warm-up: imports, statement cache, page cache
    samples = []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.thread_time()
        fn()
        samples.append(((time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000))
    return samples


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered), max(1, -(-int(share * 100) * len(ordered) // 100))) - 1]


def line(label: str, samples: list[tuple[float, float]]) -> str:
    wall = [w for w, _ in samples]
    cpu = [c for _, c in samples]
    return (f"  {label:<30} median {statistics.median(wall):6.1f} ms  p95 {percentile(wall, 0.95):6.1f} ms  "
            f"max {max(wall):6.1f} ms | CPU median {statistics.median(cpu):6.1f} ms  "
            f"p95 {percentile(cpu, 0.95):6.1f} ms")


def measure(app: Any, activity_id: int, runs: int) -> tuple[dict[str, list[tuple[float, float]]], dict[str, Any]]:
    from app.extensions import db
    from app.models import Activity
    from app.services import results

    def recompute() -> dict[str, Any]:
        with app.app_context():
            try:
                return results.compute(db.session.get(Activity, activity_id), "equal_groups")
            finally:
                db.session.remove()

    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        build_data, results_of = results.method(activity.type)
        read = timed(lambda: build_data(activity, None), runs)
        data = build_data(activity, None)
        engine = timed(lambda: results_of(data, "equal_groups"), runs)
        db.session.remove()
    hub = timed(recompute, runs)
    return {"hub": hub, "read": read, "engine": engine}, recompute()


def measure_vote(app: Any, activity_id: int, participants: list[int], runs: int) -> list[tuple[float, float]]:
    """A participant re-saves a full matrix ballot: upsert + previous-rows read + tally deltas + commit."""
    from app import publisher
    from app.extensions import db
    from app.models import Activity, Participant
    from app.services import participation
    from app.services.database import transaction

    publisher.hub.stop(app)  # no pushes in a benchmark
    chosen = iter(random.sample(participants, runs + 1))

    def vote() -> None:
        with app.app_context():
            activity = db.session.get(Activity, activity_id)
            who = db.session.get(Participant, next(chosen))
            rows = [(i.id, axis, random.randint(1, 5)) for i in activity.items for axis in ("x", "y")]
            with transaction():
                participation.upsert_values(activity, who, rows)
            db.session.remove()

    return timed(vote, runs)


def run_backend(name: str, url: str, args: argparse.Namespace) -> None:
    from app.extensions import db

    app = make_app(url)
    start = time.perf_counter()
    built = build(app, args.participants, args.items, args.ballot_items, args.sectors)
    elapsed = time.perf_counter() - start
    print(f"\n{name}: {args.participants} participants; built in {elapsed:.1f} s; tally.rebuild of all five "
          f"activities {built['rebuild'] * 1000:.0f} ms; {args.runs} runs each")
    for key, activity_id in built["activities"].items():
        samples, document = measure(app, activity_id, args.runs)
        payload = len(json.dumps(document).encode())
        print(f" {key}: {built['saved'][key]:,} saved values; {document['respondents']} respondents; "
              f"document {payload / 1024:.1f} KB")
        print(line("recompute (fresh session)", samples["hub"]))
        print(line("read only (tallies/ballots)", samples["read"]))
        print(line("engine only", samples["engine"]))
    vote = measure_vote(app, built["activities"]["matrix"], built["participants"], min(args.runs, 100))
    print(f" vote: one full matrix ballot ({args.items} items x 2 axes) re-saved, tallies included, committed")
    print(line("upsert_values + commit", vote))
    with app.app_context():
        db.engine.dispose()


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


def run_postgres(args: argparse.Namespace) -> None:
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
        run_backend("PostgreSQL", PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, args)
    finally:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=2000, help="room size (default 2000)")
    parser.add_argument("--items", type=int, default=30, help="items of the matrix and scale (default 30)")
    parser.add_argument("--ballot-items", type=int, default=12, help="items of points and ranking (default 12)")
    parser.add_argument("--sectors", type=int, default=15, help="sectors scored on 6 criteria (default 15)")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per measurement (default 50)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 1 <= args.participants <= 50_000 or not 1 <= args.items <= 200 or not 3 <= args.ballot_items <= 60 \
            or not 1 <= args.sectors <= 100 or not 2 <= args.runs <= 1000:
        parser.error("keep --participants in 1..50000, --items in 1..200, --ballot-items in 3..60, --sectors in "
                     "1..100, --runs in 2..1000")

    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work on the machine skews "
          "every figure)")
    with tempfile.TemporaryDirectory(prefix="prioritas-agg-") as tmp:
        os.environ.setdefault("SECRET_KEY", "benchmark-only")  # keep config from writing a key under instance/
        os.environ["PRIORITAS_INSTANCE"] = str(Path(tmp) / "instance")
        random.seed(args.seed)
        run_backend("SQLite", f"sqlite:///{Path(tmp) / 'agg.db'}", args)
        if not args.no_postgres:
            if postgres_reachable():
                random.seed(args.seed)
                run_postgres(args)
            else:
                print("\nPostgreSQL: skipped (nothing listens on 127.0.0.1:5432)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
