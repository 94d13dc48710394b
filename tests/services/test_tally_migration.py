"""The migration that creates `tally` back-fills it from the responses already saved, so an upgraded database
shows the same results as before (checked against `tally.from_responses`, a separate GROUP BY)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support.database import config_dict
from tests.support.environment import PG_ADMIN_URL, need, port_open
from tests.support.services import build

BEFORE_TALLY = "b7e1c2d3a4f5"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'upgrade.db'}"
        return
    if not port_open("127.0.0.1", 5432):
        need("PostgreSQL", "nothing listens on 127.0.0.1:5432")
    name = f"prioritas_tallymig_{random.randrange(10**9)}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_backfills_tallies_from_existing_responses(empty_url: str) -> None:
    from flask_migrate import downgrade, upgrade

    from app import create_app, publisher
    from app.extensions import db

    app = create_app({**config_dict(), "SQLALCHEMY_DATABASE_URI": empty_url})
    publisher.hub.stop(app)
    try:
        _upgrade_and_check(app, upgrade, downgrade)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _upgrade_and_check(app: Any, upgrade: Any, downgrade: Any) -> None:
    from app.extensions import db
    from app.models import Activity, Participant, Response
    from app.services import results, tally

    # The data is built with today's models, so at head; responses are then inserted as raw rows (no tallies),
    # and the database goes back to the revision before `tally` (which drops it) and up again.
    with app.app_context():
        upgrade()
    _, activities, people = build(app, {"gov": 4, "firms": 3, "workers": 2})
    rng = random.Random(7)
    with app.app_context():
        rows = []
        for key in ("m", "s", "c"):
            activity = db.session.get(Activity, activities[key])
            dims = {"m": ["x", "y"], "s": ["value"]}.get(key) or [c["key"] for c in activity.settings["criteria"]]
            for pid, _ in people:
                for item in activity.items:
                    for dim in dims:
                        if rng.random() < 0.7:
                            rows.append({"activity_id": activity.id, "participant_id": pid, "item_id": item.id,
                                         "dimension": dim, "round": rng.choice([1, 1, 2]),
                                         "value": None if rng.random() < 0.15 else rng.randint(1, 5)})
        db.session.execute(sa.insert(Response), rows)
        db.session.commit()
        assert not tally.stored(activities["m"])  # raw rows: nothing counted yet
        db.session.remove()  # no open transaction may hold a lock on the tables the downgrade drops
        downgrade(revision=BEFORE_TALLY)
        db.session.remove()
        upgrade()  # creates `tally` and fills it
        for activity_id in activities.values():
            assert tally.stored(activity_id) == tally.from_responses(activity_id)
        assert tally.stored(activities["m"])  # there was something to back-fill
        # and the results service reads them: respondents per group as the raw rows say
        matrix = db.session.get(Activity, activities["m"])
        voted = {pid for pid, in db.session.execute(sa.select(Response.participant_id).where(
            Response.activity_id == matrix.id, Response.round == 1))}
        groups = {p.id: p.group.key for p in db.session.scalars(sa.select(Participant))}
        document = results.compute(matrix, "per_head")
        assert document["respondents"] == len(voted)
        assert {g: v["respondents"] for g, v in document["groups"].items() if v["respondents"]} == {
            g: sum(1 for pid in voted if groups[pid] == g) for g in {groups[pid] for pid in voted}}
