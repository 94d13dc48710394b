"""The public JSON interface (version 1), for scripts, dashboards, archives and acceptance tests."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
