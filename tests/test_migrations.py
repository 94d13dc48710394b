"""The schema comes only from the migrations: upgrade from empty, no drift, round trip, on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask_migrate import check, downgrade, upgrade

from tests.support.database import config_dict
from tests.support.environment import ROOT


def _app(url: str) -> Any:
    from app import create_app

    return create_app({**config_dict(), "SQLALCHEMY_DATABASE_URI": url})


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    from tests.support.environment import PG_ADMIN_URL, need, port_open

    if not port_open("127.0.0.1", 5432):
        need("PostgreSQL", "nothing listens on 127.0.0.1:5432")
    name = f"prioritas_mig_{os.getpid()}_{abs(hash(str(tmp_path))) % 10**8}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def drop() -> None:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    request.addfinalizer(drop)
    return url


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_check_and_round_trip(empty_database: str) -> None:
    app = _app(empty_database)
    with app.app_context():
        upgrade()
        check()  # raises if the models drifted from the migrations
        from app.extensions import db

        db.engine.dispose()
    expected = {"user_account", "api_token", "workshop", "stakeholder_group", "item", "activity",
                "activity_item", "participant", "response", "alembic_version"}
    assert expected <= _tables(empty_database)
    with app.app_context():
        downgrade(revision="base")
        from app.extensions import db

        db.engine.dispose()
    assert _tables(empty_database) <= {"alembic_version"}
    with app.app_context():
        upgrade()
        from app.extensions import db

        db.engine.dispose()
    assert expected <= _tables(empty_database)


def test_one_vote_per_participant_item_axis_is_a_database_rule(app: Any) -> None:
    """A double tap can never count twice: the unique constraint holds even if the service were bypassed."""
    from app.extensions import db
    from app.models import Response
    from app.services import accounts, participation, workshops
    from app.services.database import transaction
    from tests.support.builders import small_definition

    with app.app_context():
        with transaction():
            user = accounts.create_user("rule@example.org", "long enough")
            workshop = workshops.create_from_definition(user, small_definition())
            participant, _ = participation.join(workshop.join_code, "gov")
        activity = workshop.activities[0]
        item = activity.items[0]
        db.session.add(Response(activity_id=activity.id, participant_id=participant.id, item_id=item.id,
                                dimension="x", value=3))
        db.session.commit()
        db.session.add(Response(activity_id=activity.id, participant_id=participant.id, item_id=item.id,
                                dimension="x", value=4))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_flask_db_check_command(tmp_path: Path) -> None:
    """The CLI the README documents: `flask db upgrade` then `flask db check` exit 0 on a fresh database."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PRIORITAS_INSTANCE": str(tmp_path),
           "SECRET_KEY": "x"}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for command in (["db", "upgrade"], ["db", "check"]):
        result = subprocess.run(flask + command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
