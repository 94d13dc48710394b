"""Prioritas: live, participatory prioritisation workshops for industrial policy.

The factory is linear, one `init_*` per concern, so the wiring reads top to bottom.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from config import INSTANCE_DIR, Config

ROOT = Path(__file__).resolve().parent.parent
__version__ = "0.1.0"


def create_app(config: type | dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(Config)
    if isinstance(config, type):
        app.config.from_object(config)
    elif config:
        app.config.from_mapping(config)
    app.config["APP_VERSION"] = __version__
    app.json.sort_keys = False  # keep documents in the workshop's order (groups, items)

    from app import cli, errors, i18n, realtime
    from app.services import database

    database.init_app(app)
    i18n.init_app(app)
    _init_auth(app)
    realtime.init_app(app)
    _init_blueprints(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


def _init_auth(app: Flask) -> None:
    from app.extensions import csrf, limiter, login_manager
    from app.services import accounts

    login_manager.init_app(app)
    login_manager.login_view = "facilitator.login"
    login_manager.user_loader(accounts.load_user)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)


def _init_blueprints(app: Flask) -> None:
    from app.api import bp as api_bp
    from app.extensions import csrf
    from app.facilitator import bp as facilitator_bp
    from app.participant import bp as participant_bp
    from app.screen import bp as screen_bp

    csrf.exempt(api_bp)  # the API authenticates with bearer tokens, never with cookies
    app.register_blueprint(api_bp)
    app.register_blueprint(facilitator_bp)
    app.register_blueprint(participant_bp)
    app.register_blueprint(screen_bp)
