"""Command-line tasks for the data's whole life: backups, restores and the retention purge (cron, systemd timers)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext

from app.services import backup as backups
from app.services import lifecycle


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup(path: str) -> None:
    """Write a consistent copy of the database to PATH (safe while the server runs)."""
    try:
        written = backups.backup(path)
    except backups.BackupError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(f"Backup written to {written} ({written.stat().st_size} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite a database that already holds facilitators or workshops.")
@with_appcontext
def restore(path: str, force: bool) -> None:
    """Replace the database's contents with the backup at PATH (stop the server first)."""
    try:
        backups.restore(path, force=force)
    except backups.BackupError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(f"Restored the database from {path}.")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="List the workshops that would be deleted; delete nothing.")
@with_appcontext
def purge(dry_run: bool) -> None:
    """Delete the workshops whose retention period has run out (each deletion is audited)."""
    found = lifecycle.purge(dry_run=dry_run)
    verb = "Would delete" if dry_run else "Deleted"
    for entry in found:
        click.echo(f"{verb} workshop {entry.workshop_id} “{entry.title}” (last used "
                   f"{entry.last_used:%Y-%m-%d}, retention ran out {entry.purge_at:%Y-%m-%d}).")
    click.echo(f"{verb} {len(found)} workshop(s).")


def init_app(app: Flask) -> None:
    for command in (backup, restore, purge):
        app.cli.add_command(command)
