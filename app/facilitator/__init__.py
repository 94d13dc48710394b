"""Facilitator pages: accounts, workshop editor and the run console (login required)."""

from flask import Blueprint

bp = Blueprint("facilitator", __name__, url_prefix="/facilitator")

from app.facilitator import (  # noqa: E402,F401
    accounts,
    actions,
    comparison,
    delphi,
    imports,
    library,
    lifecycle,
    pace,
    paper,
    proposals,
    remote,
    routes,
    voice,
)
