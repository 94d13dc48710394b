"""Facilitator pages: accounts, workshop editor and the run console (login required)."""

from flask import Blueprint

bp = Blueprint("facilitator", __name__, url_prefix="/facilitator")

from app.facilitator import actions, comparison, imports, library, lifecycle, paper, proposals, routes  # noqa: E402,F401
