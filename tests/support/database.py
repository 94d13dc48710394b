"""The test configuration and databases: schemas built by the real migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

#: The two databases a test can run on; `postgresql` needs the server at 127.0.0.1:5432.
BACKEND_NAMES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
#: Run a module on both databases (PostgreSQL at 127.0.0.1:5432 is skipped with a reason when absent).
BACKENDS = pytest.mark.parametrize("db_backend", BACKEND_NAMES, indirect=True)


def config_dict() -> dict[str, Any]:
    """The app's TestingConfig as the mapping `create_app` takes."""
    from config import TestingConfig

    return {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}


def migrate_to_head(url: str) -> None:
    """Build a schema the only way the app does: by running the Alembic migrations."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({**config_dict(), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def truncate_all(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as con:
        tables = [r[0] for r in con.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        if tables:
            con.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()
