"""Shared fixtures: real migrations, real SQLite and PostgreSQL, the real server in a subprocess.

Services that a test needs (PostgreSQL, Redis, Chromium) are skipped with a reason when missing, except under
CI (CI=true), where a missing service fails the run.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PRIORITAS_INSTANCE", str(ROOT / "instance" / "test"))

from config import TestingConfig  # noqa: E402

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


def need(service: str, reason: str) -> None:
    """Skip with a clear reason, except under CI where a missing service is a failure."""
    message = f"{service} is not available: {reason}"
    if IN_CI:
        pytest.fail(message + " (CI=true: required)")
    pytest.skip(message)


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- databases --------------------------------------------------------------------------------------------

def migrate_to_head(url: str) -> None:
    """Build a schema the only way the app does: by running the Alembic migrations."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({**_config_dict(), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _config_dict() -> dict[str, Any]:
    return {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}


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


def truncate_all(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as con:
        tables = [r[0] for r in con.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        if tables:
            con.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


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

    application = create_app({**_config_dict(), "SQLALCHEMY_DATABASE_URI": database_url})
    yield application
    publisher.hub.stop(application)  # no background push may touch this database after the test
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


# --- API helpers -------------------------------------------------------------------------------------------

@dataclass
class Api:
    """A thin JSON client over Flask's test client, so tests read like the contract."""

    client: Any
    token: str | None = None

    def headers(self, token: str | None = None) -> dict[str, str]:
        token = token if token is not None else self.token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, json: Any = None, token: str | None = None, **kwargs: Any) -> Any:
        return self.client.open(path, method=method, json=json, headers=self.headers(token), **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.call("PUT", path, json=json, **kwargs)


def create_facilitator(app: Any, email: str = "facilitator@example.org", password: str = "correct horse") -> None:
    from app.services import accounts
    from app.services.database import transaction

    with app.app_context(), transaction():
        accounts.create_user(email, password, "Test facilitator")


@pytest.fixture
def api(app: Any, client: Any) -> Api:
    """An API client holding a fresh facilitator's token."""
    create_facilitator(app)
    response = client.post("/api/v1/auth/token", json={"email": "facilitator@example.org",
                                                         "password": "correct horse"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return Api(client, response.get_json()["token"])


def small_definition(**overrides: Any) -> dict[str, Any]:
    """Three groups, three constraints, one 1–5 matrix: enough to exercise every rule."""
    definition: dict[str, Any] = {
        "title": "Test workshop",
        "language": "en",
        "min_group_size": 3,
        "groups": [{"key": "gov", "name": "Government", "weight": 1.0},
                   {"key": "firms", "name": "Employers", "weight": 1.0},
                   {"key": "workers", "name": "Workers", "weight": 1.0}],
        "items": [{"key": "finance", "kind": "constraint", "title": "Access to finance", "category": "macro"},
                  {"key": "skills", "kind": "constraint", "title": "Skills", "category": "meso"},
                  {"key": "power", "kind": "constraint", "title": "Electricity", "category": "meso"}],
        "activities": [{"key": "constraints", "type": "matrix", "title": "Rate the constraints",
                        "items": ["finance", "skills", "power"],
                        "x": {"label": "Tractability", "min": 1, "max": 5},
                        "y": {"label": "Severity", "min": 1, "max": 5}}],
    }
    definition.update(overrides)
    return definition


@pytest.fixture
def workshop(api: Api) -> dict[str, Any]:
    response = api.post("/api/v1/workshops", json=small_definition())
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def join(api: Api) -> Callable[..., str]:
    """Join the given workshop code in a group; returns the participant token."""

    def _join(code: str, group: str) -> str:
        response = api.post("/api/v1/join", json={"code": code, "group": group}, token="")
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()["participant_token"]

    return _join


# --- the real server -------------------------------------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    database_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_server(tmp_path: Path, database_url: str | None = None, env: dict[str, str] | None = None,
                 port: int | None = None) -> LiveServer:
    """Run `deploy/serve.py` (the entry point `make run` uses) on a free port (or `port`, to start it again
    where phones expect it) against a migrated database."""
    if database_url is None:
        db_path = tmp_path / "live.db"
        database_url = f"sqlite:///{db_path}"
        migrate_to_head(database_url)
    port = port or free_port()
    log_path = tmp_path / f"server-{port}.log"
    child_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SECRET_KEY": "live-test",
        "PRIORITAS_DEMO": "0",
        "PRIORITAS_INSTANCE": str(tmp_path / "instance"),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    with open(log_path, "ab") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "serve.py")], cwd=ROOT, env=child_env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while not port_open("127.0.0.1", port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("server did not start:\n" + log_path.read_text(errors="replace"))
        time.sleep(0.1)
    return LiveServer(f"http://127.0.0.1:{port}", database_url, process, log_path)


def stop_server(server: LiveServer) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = start_server(tmp_path)
    yield server
    stop_server(server)


def make_facilitator_token(base_url: str, database_url: str, email: str = "live@example.org",
                           password: str = "live-password") -> str:
    """Create a facilitator through the CLI path's service and log in over HTTP."""
    import requests

    from app import create_app
    from app.extensions import db
    from app.services import accounts
    from app.services.database import transaction

    application = create_app({**_config_dict(), "SQLALCHEMY_DATABASE_URI": database_url})
    with application.app_context():
        with transaction():
            accounts.create_user(email, password)
        db.session.remove()
        db.engine.dispose()
    response = requests.post(f"{base_url}/api/v1/auth/token", json={"email": email, "password": password},
                             timeout=10)
    response.raise_for_status()
    return response.json()["token"]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        need("Chromium", f"{CHROMIUM} is missing (apt-get install chromium)")
    return CHROMIUM
