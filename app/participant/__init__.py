"""Participant pages: join with a code, pick a group, rate on a phone. Works without JavaScript."""

from flask import Blueprint

bp = Blueprint("participant", __name__)
