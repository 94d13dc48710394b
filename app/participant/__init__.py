"""Participant pages: join with a code, pick a group, rate on a phone. Works without JavaScript."""

from flask import Blueprint

bp = Blueprint("participant", __name__)

from app.participant import (  # noqa: E402,F401
    consent,
    device,
    pace,
    proposals,
    routes,
    standing,
)
