"""The public JSON interface (version 1), for scripts, dashboards, archives and acceptance tests.

One view module per resource; a view parses, calls a service and answers. Checks run in the contract's order:
401, 404, 403, 409, 422.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
