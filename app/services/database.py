"""Database set-up and the one way services write: a transaction that commits, then announces.

SQLite allows one writer at a time. Writers in this process queue on a lock (gevent-aware once the server
has monkey-patched), so 50 phones saving at once wait their turn instead of failing with "database is
locked"; WAL keeps readers from blocking, and the busy timeout covers writers from other processes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from app.extensions import db, migrate

_SQLITE_WRITE_LOCK = "prioritas.sqlite_write_lock"


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        if uri in ("sqlite://", "sqlite:///:memory:"):
            options.setdefault("poolclass", sa.pool.StaticPool)
            options["connect_args"]["check_same_thread"] = False
        app.extensions[_SQLITE_WRITE_LOCK] = threading.RLock()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True, compare_type=True)
    if uri.startswith("sqlite"):
        with app.app_context():
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)


def _migrations_dir() -> Any:
    return Path(__file__).resolve().parents[2] / "migrations"  # the project's folder, beside app/


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@contextmanager
def transaction() -> Iterator[None]:
    """Run a unit of work: commit on success, roll back on any error, then run after-commit hooks.

    Hooks registered with `after_commit` (socket events) run only once the data is committed, so a
    screen never shows a vote the database does not have.
    """
    lock = current_app.extensions.get(_SQLITE_WRITE_LOCK)
    if lock is not None:
        lock.acquire()
    hooks: list[Callable[[], None]] = []
    db.session.info["after_commit"] = hooks
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        hooks.clear()
        raise
    finally:
        db.session.info.pop("after_commit", None)
        if lock is not None:
            lock.release()
    for hook in hooks:
        hook()


def after_commit(hook: Callable[[], None]) -> None:
    """Defer `hook` until the surrounding transaction commits; outside one, run it now."""
    hooks = db.session.info.get("after_commit")
    if hooks is None:
        hook()
    else:
        hooks.append(hook)
