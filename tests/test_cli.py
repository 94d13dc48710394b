"""The non-interactive CLI of the contract: creating facilitators and the first-run demo."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def test_users_create(app: Any) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "Ana@Example.org", "--password", "s3cret-pass"])
    assert result.exit_code == 0, result.output
    assert "Created facilitator ana@example.org" in result.output
    again = runner.invoke(args=["users", "create", "--email", "ana@example.org", "--password", "other-pass"])
    assert again.exit_code == 1
    assert "already exists" in again.output
    short = runner.invoke(args=["users", "create", "--email", "b@example.org", "--password", "short"])
    assert short.exit_code == 1
    assert "at least 8" in short.output
    from app.extensions import db
    from app.models import User

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_demo_is_created_once(app: Any) -> None:
    app.config["DEMO_DATA"] = True
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "demo@prioritas.local" in first.output and "demo-facilitator" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    from app.extensions import db
    from app.models import Workshop

    with app.app_context():
        workshops = db.session.scalars(sa.select(Workshop)).all()
        assert len(workshops) == 1
        assert workshops[0].template_key == "regional"
        assert len(workshops[0].activities) == 2
    assert workshops[0].join_code in first.output


def test_demo_can_be_turned_off(app: Any) -> None:
    app.config["DEMO_DATA"] = False
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0 and "off" in result.output
