"""Shared fixtures: real migrations, real SQLite and PostgreSQL, the real server in a subprocess (the helpers
behind them live in tests/support).

Services that a test needs (PostgreSQL, Redis, Chromium) are skipped with a reason when missing, except under
CI (CI=true), where a missing service fails the run.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PRIORITAS_INSTANCE", str(ROOT / "instance" / "test"))

from tests.support.api import Api, create_facilitator, join_workshop  # noqa: E402
from tests.support.builders import small_definition  # noqa: E402
from tests.support.database import config_dict, migrate_to_head, truncate_all  # noqa: E402
from tests.support.environment import CHROMIUM, PG_ADMIN_URL, need, port_open  # noqa: E402
from tests.support.server import LiveServer, start_server, stop_server  # noqa: E402

# --- databases --------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate_to_head(f"sqlite:///{path}")
    con = __import__("sqlite3").connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throwaway database on the local PostgreSQL, migrated once; tests truncate it."""
    if not port_open("127.0.0.1", 5432):
        need("PostgreSQL", "nothing listens on 127.0.0.1:5432")
    name = f"prioritas_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as con:
            con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        need("PostgreSQL", str(error).splitlines()[0])
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        migrate_to_head(url)
        yield url
    finally:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def shared_postgres() -> Iterator[str]:
    """A database of its own for tests that start server processes (which cannot share a truncated one)."""
    if not port_open("127.0.0.1", 5432):
        need("PostgreSQL", "nothing listens on 127.0.0.1:5432")
    name = f"prioritas_scale_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    migrate_to_head(url)
    yield url
    with admin.connect() as con:
        con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    """`sqlite` unless a test parametrizes it (indirect) with `postgresql`."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def database_url(db_backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if db_backend == "postgresql":
        url = request.getfixturevalue("pg_database")
        truncate_all(url)
        return url
    template = request.getfixturevalue("sqlite_template")
    path = tmp_path / "prioritas.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(autouse=True)
def _the_live_hub_stays_whole() -> Iterator[None]:
    """A test may replace the process-wide hub's methods only through `monkeypatch` (undone before this
    check): one left replaced silences every later test's pushes in that process, far from its cause."""
    yield
    from app import publisher

    replaced = sorted(name for name in vars(publisher.hub) if callable(vars(publisher.hub)[name]))
    assert replaced == [], f"the live hub's methods were replaced and not restored: {replaced}"


@pytest.fixture
def app(database_url: str) -> Iterator[Any]:
    from app import create_app, publisher
    from app.extensions import db

    application = create_app({**config_dict(), "SQLALCHEMY_DATABASE_URI": database_url})
    yield application
    publisher.hub.stop(application)  # no background push may touch this database after the test
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


# --- the API -------------------------------------------------------------------------------------------

@pytest.fixture
def api(app: Any, client: Any) -> Api:
    """An API client holding a fresh facilitator's token."""
    create_facilitator(app)
    response = client.post("/api/v1/auth/token", json={"email": "facilitator@example.org",
                                                         "password": "correct horse"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return Api(client, response.get_json()["token"])


@pytest.fixture
def workshop(api: Api) -> dict[str, Any]:
    response = api.post("/api/v1/workshops", json=small_definition())
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def join(api: Api) -> Callable[..., str]:
    """Join the given workshop code in a group; returns the participant token."""

    def _join(code: str, group: str) -> str:
        return join_workshop(api, code, group)

    return _join


# --- the real server -------------------------------------------------------------------------------------

@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = start_server(tmp_path)
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        need("Chromium", f"{CHROMIUM} is missing (apt-get install chromium)")
    return CHROMIUM
