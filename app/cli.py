"""Command-line tasks: facilitator accounts and the first-run demo."""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.extensions import db
from app.models import User, Workshop
from app.services import accounts, templates, workshops
from app.services.database import transaction
from app.services.errors import Problem

users = AppGroup("users", help="Facilitator accounts.")

DEMO_EMAIL = "demo@prioritas.local"
DEMO_PASSWORD = "demo-facilitator"
DEMO_TITLE = "Demo: regional constraints and sectors"


@users.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", default="")
@click.option("--admin", is_flag=True, help="Make the account an administrator (the first account always is).")
def create_user(email: str, password: str, name: str, admin: bool) -> None:
    """Create a facilitator (exit 1 with a clear message if the address exists or the input is invalid)."""
    try:
        with transaction():
            user = accounts.create_user(email, password, name, is_admin=admin)
    except Problem as problem:
        click.echo(f"Error: {problem.detail}", err=True)
        sys.exit(1)
    if user.is_admin:
        click.echo(f"Created facilitator {user.email} (administrator: can invite facilitators).")
    else:
        click.echo(f"Created facilitator {user.email}.")


@users.command("invite")
@click.option("--note", default="", help="Who the link is for (shown on the invitations page).")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 90))
def invite(note: str, days: int) -> None:
    """Print a single-use invitation link for a new facilitator (for installs with no browser at hand)."""
    from app.services import invites

    with transaction():
        secret, row = invites.issue(note, None, days)
    click.echo(f"{workshops.base_url()}/facilitator/invite/{secret}")
    click.echo(f"Valid once, until {row.expires_at:%Y-%m-%d %H:%M} UTC.")


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Create the demo facilitator and workshop on first start (PRIORITAS_DEMO=0 turns this off)."""
    if not current_app.config.get("DEMO_DATA", True):
        click.echo("Demo data is off (PRIORITAS_DEMO=0).")
        return
    workshop = ensure_demo()
    admin = accounts.find_by_email(DEMO_EMAIL)
    click.echo("")
    click.echo("  Demo facilitator:  " + DEMO_EMAIL + (" (administrator)" if admin and admin.is_admin else ""))
    click.echo("  Password:          " + DEMO_PASSWORD)
    click.echo(f"  Demo workshop:     {workshop.title} (join code {workshop.join_code})")
    click.echo(f"  Its screen:        {workshops.screen_url(workshop)}")


def ensure_demo() -> Workshop:
    with transaction():
        user = accounts.find_by_email(DEMO_EMAIL)
        if user is None:
            user = accounts.create_user(DEMO_EMAIL, DEMO_PASSWORD, "Demo facilitator")
        workshop = db.session.scalar(
            sa.select(Workshop).where(Workshop.owner_id == user.id, Workshop.title == DEMO_TITLE)
        )
        if workshop is None:
            workshop = templates.create_from_template(user, "regional", DEMO_TITLE)
    return workshop


def demo_workshop() -> Workshop | None:
    user = db.session.scalar(sa.select(User).where(User.email == DEMO_EMAIL))
    if user is None:
        return None
    return db.session.scalar(sa.select(Workshop).where(Workshop.owner_id == user.id, Workshop.title == DEMO_TITLE))


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo)
    from app import cli_data

    cli_data.init_app(app)
