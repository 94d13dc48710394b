"""Backups of the whole database, and restoring one: `flask --app app backup PATH` / `restore PATH`.

SQLite uses its online backup API: pages are copied while the server keeps serving, and the copy is a consistent
snapshot (a writer in the middle of a vote makes the copy start over, never half a vote). PostgreSQL uses
`pg_dump --format=custom` and `pg_restore`, which must be installed (the `postgresql-client` package).
Restoring never overwrites a database that holds facilitators or workshops unless forced.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db

#: Tables whose rows make a database "not empty" for `restore`.
CONTENT_TABLES = ("user_account", "workshop")


class BackupError(Exception):
    """A backup or restore that cannot run; the message says why and what to do."""


def _url() -> sa.engine.URL:
    return db.engine.url


def is_sqlite() -> bool:
    return _url().get_backend_name() == "sqlite"


def _sqlite_path() -> str:
    path = _url().database
    if not path or path == ":memory:":
        raise BackupError("This database lives in memory only; there is nothing to back up.")
    return path


def _libpq_url() -> str:
    """The address pg_dump/pg_restore understand (no `+psycopg` driver part)."""
    return _url().set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found on this machine; install the PostgreSQL client tools "
                          f"(Debian/Ubuntu: apt-get install postgresql-client) and try again.")
    return found


def is_empty() -> bool:
    """True when no facilitator and no workshop exists (a freshly migrated database counts as empty)."""
    names = set(sa.inspect(db.engine).get_table_names())
    with db.engine.connect() as connection:
        for table in CONTENT_TABLES:
            if table in names and connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first():
                return False
    return True


def backup(target: str | os.PathLike[str]) -> Path:
    """Write a consistent copy of the running database to `target` (a file that must not exist yet)."""
    path = Path(target)
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new file name so no backup is overwritten.")
    if not path.parent.exists():
        raise BackupError(f"The folder {path.parent} does not exist.")
    if is_sqlite():
        source = sqlite3.connect(_sqlite_path())
        copy = sqlite3.connect(path)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return path
    result = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path),
                             "--dbname", _libpq_url()], capture_output=True, text=True)
    if result.returncode != 0:
        path.unlink(missing_ok=True)
        raise BackupError("pg_dump failed: " + (result.stderr.strip() or f"exit status {result.returncode}"))
    return path


def restore(source: str | os.PathLike[str], *, force: bool = False) -> None:
    """Replace the configured database's contents with a backup made by `backup`."""
    path = Path(source)
    if not path.is_file():
        raise BackupError(f"There is no backup file {path}.")
    if not force and not is_empty():
        raise BackupError("The database already holds facilitators or workshops; restoring would replace "
                          "them. Run again with --force to overwrite it.")
    db.session.remove()
    if is_sqlite():
        with path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise BackupError(f"{path} is not an SQLite backup.")
        db.engine.dispose()
        backup_db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path())
        try:
            with target:
                backup_db.backup(target)
        finally:
            target.close()
            backup_db.close()
        return
    db.engine.dispose()
    result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                             "--exit-on-error", "--dbname", _libpq_url(), str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError("pg_restore failed: " + (result.stderr.strip() or f"exit status {result.returncode}"))
