"""The real server in a subprocess (`deploy/serve.py`, the entry point `make run` uses) and a facilitator on it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.database import config_dict, migrate_to_head
from tests.support.environment import ROOT, free_port, port_open


@dataclass
class LiveServer:
    url: str
    database_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_server(tmp_path: Path, database_url: str | None = None, env: dict[str, str] | None = None,
                 port: int | None = None) -> LiveServer:
    """Run `deploy/serve.py` (the entry point `make run` uses) on a free port (or `port`, to start it again
    where phones expect it) against a migrated database."""
    if database_url is None:
        db_path = tmp_path / "live.db"
        database_url = f"sqlite:///{db_path}"
        migrate_to_head(database_url)
    port = port or free_port()
    log_path = tmp_path / f"server-{port}.log"
    child_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SECRET_KEY": "live-test",
        "PRIORITAS_DEMO": "0",
        "PRIORITAS_INSTANCE": str(tmp_path / "instance"),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    with open(log_path, "ab") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "serve.py")], cwd=ROOT, env=child_env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while not port_open("127.0.0.1", port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("server did not start:\n" + log_path.read_text(errors="replace"))
        time.sleep(0.1)
    return LiveServer(f"http://127.0.0.1:{port}", database_url, process, log_path)


def stop_server(server: LiveServer) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


def make_facilitator_token(base_url: str, database_url: str, email: str = "live@example.org",
                           password: str = "live-password") -> str:
    """Create a facilitator through the CLI path's service and log in over HTTP."""
    import requests

    from app import create_app
    from app.extensions import db
    from app.services import accounts
    from app.services.database import transaction

    application = create_app({**config_dict(), "SQLALCHEMY_DATABASE_URI": database_url})
    with application.app_context():
        with transaction():
            accounts.create_user(email, password)
        db.session.remove()
        db.engine.dispose()
    response = requests.post(f"{base_url}/api/v1/auth/token", json={"email": email, "password": password},
                             timeout=10)
    response.raise_for_status()
    return response.json()["token"]
