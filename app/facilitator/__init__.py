"""Facilitator pages: accounts, workshop editor and the run console (login required)."""

from flask import Blueprint

bp = Blueprint("facilitator", __name__, url_prefix="/facilitator")
