"""Configuration classes, driven by the environment variables of the public contract.

`make run` uses `Config`; tests use `TestingConfig` with a database URL of their own.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PRIORITAS_INSTANCE", BASE_DIR / "instance"))


def _persistent_secret_key() -> str:
    """A key generated once and kept under instance/, so sessions survive a restart."""
    path = INSTANCE_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{INSTANCE_DIR / 'prioritas.db'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    SECRET_KEY: str = os.environ.get("SECRET_KEY") or _persistent_secret_key()
    SQLALCHEMY_DATABASE_URI: str = _database_url()
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    REDIS_URL: str | None = os.environ.get("REDIS_URL") or None
    DEMO_DATA: bool = os.environ.get("PRIORITAS_DEMO", "1") != "0"
    HOST: str = os.environ.get("HOST", "0.0.0.0")
    PORT: int = int(os.environ.get("PORT", "5000"))
    #: Base address printed for phones (join link, QR code). Derived from the LAN address when unset.
    PUBLIC_URL: str | None = os.environ.get("PUBLIC_URL") or None
    #: `gevent` when the process was monkey-patched by the server entry point, else `threading`.
    SOCKETIO_ASYNC_MODE: str | None = os.environ.get("PRIORITAS_ASYNC_MODE") or None
    #: Seconds between coalesced `results` pushes to screens.
    LIVE_INTERVAL: float = float(os.environ.get("PRIORITAS_LIVE_INTERVAL", "0.25"))
    RATELIMIT_ENABLED: bool = os.environ.get("PRIORITAS_RATELIMIT", "1") != "0"
    #: Redis channel of this deployment's live events; one per deployment sharing a Redis.
    SOCKETIO_CHANNEL: str = os.environ.get("PRIORITAS_CHANNEL") or "prioritas"
    #: Several workers on one port (deploy/gunicorn.conf.py sets it): Socket.IO over WebSocket only.
    SOCKETIO_WEBSOCKET_ONLY: bool = os.environ.get("PRIORITAS_WEBSOCKET_ONLY", "0") == "1"
    #: Anyone reaching the app may create a facilitator account only when this is on (private installs).
    OPEN_REGISTRATION: bool = os.environ.get("PRIORITAS_OPEN_REGISTRATION", "0") == "1"
    WTF_CSRF_TIME_LIMIT: int | None = None
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    #: No workshop is kept longer than this many days after its last use (empty: no installation maximum).
    RETENTION_MAX_DAYS: int | None = int(os.environ["PRIORITAS_RETENTION_MAX_DAYS"]) if os.environ.get(
        "PRIORITAS_RETENTION_MAX_DAYS", "").strip() else None
    #: Seconds between two runs of the server's retention purge (0 turns it off; `flask purge` still works).
    PURGE_INTERVAL: float = float(os.environ.get("PRIORITAS_PURGE_INTERVAL", str(24 * 3600)))
    TESTING = False


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    REDIS_URL = None
    DEMO_DATA = False
    RATELIMIT_ENABLED = False
    LIVE_INTERVAL = 0.05
    PUBLIC_URL = "http://prioritas.test"
    SECRET_KEY = "testing-only"
