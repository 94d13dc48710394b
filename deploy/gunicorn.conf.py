"""Production: several gevent workers on one port, on PostgreSQL with Redis between them.

    DATABASE_URL=postgresql://... REDIS_URL=redis://127.0.0.1:6379/0 SECRET_KEY=... \
        .venv/bin/gunicorn -c deploy/gunicorn.conf.py

(`make serve` does the same after applying migrations; docs/deploy.md walks through a whole server.)
Workers share nothing but the database and Redis: Socket.IO events go through Redis, and clients connect
over WebSocket only, so a balancer (gunicorn's own, or nginx round-robin) needs no sticky sessions.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.system import raise_file_limit  # noqa: E402


def _workers() -> int:
    configured = os.environ.get("PRIORITAS_WORKERS", "").strip()
    if configured:
        return max(1, int(configured))
    return max(2, min(4, os.cpu_count() or 1))


chdir = str(ROOT)
wsgi_app = "deploy.wsgi:app"
worker_class = "gevent"
workers = _workers()
#: Open connections per worker (phones, screens, consoles); each costs about 75 KB.
worker_connections = int(os.environ.get("PRIORITAS_WORKER_CONNECTIONS", "10000"))
bind = [os.environ.get("PRIORITAS_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
timeout = 60
graceful_timeout = 20
keepalive = 5
#: The reverse proxy that may set X-Forwarded-* (nginx on the same host by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-" if os.environ.get("PRIORITAS_ACCESS_LOG") == "1" else None
errorlog = "-"
proc_name = "prioritas"
#: gunicorn's control socket (`gunicornc`) beside the instance data, one per deployment, not in $HOME.
control_socket = os.path.join(os.environ.get("PRIORITAS_INSTANCE") or str(ROOT / "instance"), "gunicorn.ctl")


def _refuse(message: str) -> None:
    sys.stderr.write(f"prioritas: {message}\n")
    raise SystemExit(2)


if workers > 1:
    if not os.environ.get("REDIS_URL"):
        _refuse("several workers need REDIS_URL (the message queue that carries live events between them).")
    if not os.environ.get("SECRET_KEY"):
        _refuse("several workers need one SECRET_KEY in the environment, so a login made on one worker is "
                "valid on the others.")
    # Long-polling needs every request of a client on the same worker; WebSocket does not.
    os.environ["PRIORITAS_WEBSOCKET_ONLY"] = "1"


def on_starting(server: object) -> None:
    raise_file_limit()
