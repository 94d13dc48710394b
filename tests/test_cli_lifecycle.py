"""`flask backup`, `flask restore` and `flask purge`: round trips on SQLite and PostgreSQL, refusals, the real CLI."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support.api import Api, populate
from tests.support.builders import small_definition
from tests.support.database import config_dict
from tests.support.environment import PG_ADMIN_URL, ROOT, need, port_open
from tests.support.server import make_facilitator_token, start_server, stop_server

API = "/api/v1"


def results(api: Any, wid: int) -> dict[str, Any]:
    out = {}
    for weighting in ("equal_groups", "per_head"):
        response = api.get(f"{API}/workshops/{wid}/activities/constraints/results?weighting={weighting}")
        assert response.status_code == 200, response.get_data(as_text=True)
        out[weighting] = response.get_json()
    return out


def app_for(url: str) -> Any:
    from app import create_app

    return create_app({**config_dict(), "SQLALCHEMY_DATABASE_URI": url})


def dispose(application: Any) -> None:
    from app.extensions import db

    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def empty_pg() -> Iterator[str]:
    """A fresh, empty PostgreSQL database to restore into (dropped afterwards)."""
    if not port_open("127.0.0.1", 5432):
        need("PostgreSQL", "nothing listens on 127.0.0.1:5432")
    name = f"prioritas_restore_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _round_trip(app: Any, api: Any, join: Any, tmp_path: Path, target_url: str, backup_name: str) -> None:
    doc = populate(api, join, "Round trip")
    before = results(api, doc["id"])
    archive_before = api.get(f"{API}/workshops/{doc['id']}/export?format=json").get_json()
    path = tmp_path / backup_name
    made = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert made.exit_code == 0, made.output
    assert path.stat().st_size > 0 and "Backup written" in made.output
    again = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert again.exit_code == 1 and "exists already" in again.output  # never overwrites a backup

    restored_app = app_for(target_url)
    try:
        done = restored_app.test_cli_runner().invoke(args=["restore", str(path)])
        assert done.exit_code == 0, done.output
        other = Api(restored_app.test_client(), api.token)  # tokens are in the backup (as digests)
        assert results(other, doc["id"]) == before
        archive_after = other.get(f"{API}/workshops/{doc['id']}/export?format=json").get_json()
        for document in (archive_before, archive_after):
            document.pop("exported_at")
        assert archive_after == archive_before
        refused = restored_app.test_cli_runner().invoke(args=["restore", str(path)])
        assert refused.exit_code == 1 and "--force" in refused.output  # not empty any more
        forced = restored_app.test_cli_runner().invoke(args=["restore", "--force", str(path)])
        assert forced.exit_code == 0, forced.output
        assert results(other, doc["id"]) == before
    finally:
        dispose(restored_app)


def test_sqlite_backup_and_restore_round_trip(app: Any, api: Any, join: Any, tmp_path: Path) -> None:
    _round_trip(app, api, join, tmp_path, f"sqlite:///{tmp_path / 'fresh.db'}", "backup.db")


@pytest.mark.postgres
@pytest.mark.parametrize("db_backend", ["postgresql"], indirect=True)
def test_postgresql_backup_and_restore_round_trip(app: Any, api: Any, join: Any, tmp_path: Path,
                                                  empty_pg: str) -> None:
    _round_trip(app, api, join, tmp_path, empty_pg, "backup.dump")
    with open(tmp_path / "backup.dump", "rb") as handle:
        assert handle.read(5) == b"PGDMP"  # pg_dump's custom format


@pytest.mark.postgres
@pytest.mark.parametrize("db_backend", ["postgresql"], indirect=True)
def test_missing_pg_tools_give_a_clear_error(app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.dump")])
    assert result.exit_code == 1 and "pg_dump was not found" in result.output and "postgresql-client" in result.output
    assert not (tmp_path / "x.dump").exists()


def test_restore_refuses_bad_input(app: Any, api: Any, tmp_path: Path) -> None:
    missing = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "no backup file" in missing.output
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    # the `api` fixture created a facilitator: the database is not empty
    refused = app.test_cli_runner().invoke(args=["restore", str(junk)])
    assert refused.exit_code == 1 and "--force" in refused.output
    forced = app.test_cli_runner().invoke(args=["restore", "--force", str(junk)])
    assert forced.exit_code == 1 and "not an SQLite backup" in forced.output
    assert api.get(f"{API}/templates").status_code == 200  # the database is still there and answers


def test_purge_cli_dry_run_then_delete(app: Any, api: Any) -> None:
    from app.extensions import db
    from app.models import Workshop, utcnow
    from app.services.database import transaction

    old = api.post(f"{API}/workshops", json=small_definition(title="Old")).get_json()["id"]
    new = api.post(f"{API}/workshops", json=small_definition(title="New")).get_json()["id"]
    with app.app_context(), transaction():
        workshop = db.session.get(Workshop, old)
        workshop.retention_days, workshop.created_at = 30, utcnow() - timedelta(days=31)
        db.session.get(Workshop, new).retention_days = 30
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0 and f"Would delete workshop {old} “Old”" in dry.output and "Would delete 1" in dry.output
    assert api.get(f"{API}/workshops/{old}").status_code == 200
    done = runner.invoke(args=["purge"])
    assert done.exit_code == 0 and "Deleted 1 workshop(s)." in done.output
    assert api.get(f"{API}/workshops/{old}").status_code == 404
    assert api.get(f"{API}/workshops/{new}").status_code == 200
    assert runner.invoke(args=["purge"]).output.strip().endswith("Deleted 0 workshop(s).")


def _flask(*args: str, database_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PRIORITAS_INSTANCE": str(tmp_path / "instance"),
           "SECRET_KEY": "cli-test", "PRIORITAS_DEMO": "0"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_online_backup_while_the_server_takes_votes(tmp_path: Path) -> None:
    """The real server keeps saving votes while `flask backup` copies the file: the copy is consistent."""
    server = start_server(tmp_path)
    try:
        token = make_facilitator_token(server.url, server.database_url)

        def call(method: str, path: str, body: Any = None, bearer: str = token) -> Any:
            request = urllib.request.Request(server.url + API + path, method=method,
                                             data=json.dumps(body).encode() if body is not None else None,
                                             headers={"Content-Type": "application/json",
                                                      "Authorization": f"Bearer {bearer}"})
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")

        doc = call("POST", "/workshops", small_definition())
        call("POST", f"/workshops/{doc['id']}/activities/constraints/open")
        stop = threading.Event()
        voted = []

        def phones() -> None:
            while not stop.is_set():
                phone = call("POST", "/join", {"code": doc["join_code"], "group": "gov"}, bearer="")
                call("PUT", f"/workshops/{doc['id']}/activities/constraints/responses",
                     {"ratings": [{"item": "finance", "x": 3, "y": 4}]}, bearer=phone["participant_token"])
                voted.append(1)

        worker = threading.Thread(target=phones)
        worker.start()
        try:
            while len(voted) < 5:
                threading.Event().wait(0.05)
            result = _flask("backup", str(tmp_path / "online.db"), database_url=server.database_url,
                            tmp_path=tmp_path)
        finally:
            stop.set()
            worker.join(timeout=30)
        assert result.returncode == 0, result.stderr
        copy = sqlite3.connect(tmp_path / "online.db")
        try:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            participants = copy.execute("SELECT COUNT(*) FROM participant").fetchone()[0]
            responses = copy.execute("SELECT COUNT(*) FROM response").fetchone()[0]
            tallied = copy.execute("SELECT COALESCE(SUM(n), 0) FROM tally WHERE kind = 'resp'").fetchone()[0]
        finally:
            copy.close()
        assert participants >= 5 and responses >= 2 * 5 - 2
        assert tallied == copy_respondents(tmp_path / "online.db")  # tallies in step with the responses copied
    finally:
        stop_server(server)


def copy_respondents(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT COUNT(DISTINCT participant_id) FROM response").fetchone()[0]
    finally:
        con.close()


def test_the_gevent_server_purges_expired_workshops_on_its_own(tmp_path: Path) -> None:
    """`deploy/serve.py` (gevent) starts the purge job: a workshop past its retention is gone without any command,
    one within it stays."""
    from tests.support.database import migrate_to_head

    url = f"sqlite:///{tmp_path / 'purge.db'}"
    migrate_to_head(url)
    seeded = app_for(url)
    with seeded.app_context():
        from app.models import utcnow
        from app.services import accounts, workshops
        from app.services.database import transaction

        with transaction():
            user = accounts.create_user("purge@example.org", "purge-password")
            old = workshops.create_from_definition(user, small_definition(title="Old"))
            kept = workshops.create_from_definition(user, small_definition(title="Kept"))
            old.retention_days, old.created_at = 7, utcnow() - timedelta(days=8)
            kept.retention_days = 7
        old_id, kept_id = old.id, kept.id
    dispose(seeded)
    server = start_server(tmp_path, database_url=url)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and old_id in workshop_ids(tmp_path / "purge.db"):
            time.sleep(0.2)
        assert "Retention purge:         every 24 h" in server.log()
    finally:
        stop_server(server)
    con = sqlite3.connect(tmp_path / "purge.db")
    try:
        ids = {row[0] for row in con.execute("SELECT id FROM workshop")}
        actions = [row[0] for row in con.execute("SELECT action FROM audit_entry WHERE workshop_id = ?", (old_id,))]
    finally:
        con.close()
    assert old_id not in ids and kept_id in ids
    assert actions == ["workshop_purged"]


def workshop_ids(path: Path) -> set[int]:
    con = sqlite3.connect(path)
    try:
        return {row[0] for row in con.execute("SELECT id FROM workshop")}
    finally:
        con.close()
