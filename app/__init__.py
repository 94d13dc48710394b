"""Prioritas: live, participatory prioritisation workshops for industrial policy.

The factory is linear, one `init_*` per concern, so the wiring reads top to bottom.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from flask import Flask

from app.version import __version__
from config import INSTANCE_DIR, Config

ROOT = Path(__file__).resolve().parent.parent
__all__ = ["ROOT", "__version__", "create_app"]


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

    from app import cli, errors, i18n, realtime, security
    from app.services import database

    database.init_app(app)
    i18n.init_app(app)
    _init_auth(app)
    realtime.init_app(app)
    security.init_app(app)  # before the blueprints: it bounds their <int:...> ids
    _init_blueprints(app)
    _init_static(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


def _init_auth(app: Flask) -> None:
    from app.extensions import csrf, limiter, login_manager
    from app.services import accounts, ratelimit

    login_manager.init_app(app)
    login_manager.login_view = "facilitator.login"
    login_manager.user_loader(accounts.load_user)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    # Redis down must not stop the room: limits fall back to this process's memory and switch back when
    # Redis answers again; short timeouts so a vanished Redis host costs a second, not a hung request.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    if app.config.get("REDIS_URL"):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})
    app.extensions["prioritas.rate_limit_key"] = ratelimit.default_key
    limiter.init_app(app)


def _init_static(app: Flask) -> None:
    """Phones on a slow venue network: pages, CSS, JS and JSON travel compressed (gzip; brotli over HTTPS), and
    static URLs carry a content hash (`?v=`) so a phone keeps them for a year and never asks again.

    Socket.IO never reaches Flask (Engine.IO answers it first), and binary exports (XLSX, PDF, PNG, CSV) are not
    in the compressed types, so downloads are sent as they are."""
    import hashlib

    from flask import request

    from app.extensions import compress

    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])  # static files are sent as streams
    compress.init_app(app)
    hashes: dict[tuple[str, float], str] = {}

    def version(filename: str) -> str | None:
        path = Path(app.static_folder or "") / filename
        try:
            key = (filename, path.stat().st_mtime)
        except OSError:
            return None
        if key not in hashes:
            hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        return hashes[key]

    @app.url_defaults
    def _static_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values and (v := version(str(values.get("filename", "")))):
            values["v"] = v

    @app.after_request
    def _cache_versioned(response: Any) -> Any:
        if request.endpoint == "static" and request.args.get("v") and response.status_code in (200, 304):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


#: The modules that hold each blueprint's views, by audience.
_VIEWS = {
    "app.api": ("actions", "activities", "admission", "delphi", "joining", "lifecycle", "openapi", "pace",
                "proposals", "resets", "templates", "tokens", "voting", "workshops"),
    "app.facilitator": ("accounts", "actions", "comparison", "delphi", "imports", "library", "lifecycle", "pace",
                        "paper", "proposals", "remote", "routes", "voice"),
    "app.participant": ("pages", "consent", "device", "pace", "proposals", "routes", "standing"),
}


def _init_blueprints(app: Flask) -> None:
    # A blueprint's package holds only `bp`; importing its modules registers their views on it.
    for package, modules in _VIEWS.items():
        for module in modules:
            importlib.import_module(f"{package}.{module}")
    from app.api import bp as api_bp
    from app.extensions import csrf
    from app.facilitator import bp as facilitator_bp
    from app.health import bp as health_bp
    from app.participant import bp as participant_bp
    from app.screen import bp as screen_bp

    csrf.exempt(api_bp)  # the API authenticates with bearer tokens, never with cookies
    app.register_blueprint(api_bp)
    app.register_blueprint(facilitator_bp)
    app.register_blueprint(participant_bp)
    app.register_blueprint(screen_bp)
    app.register_blueprint(health_bp)
