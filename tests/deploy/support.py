"""Production-shaped processes for tests: gunicorn workers, a Redis of the test's own, nginx in front."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.support.environment import ROOT, free_port, need, port_open
from tests.support.server import LiveServer


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not port_open("127.0.0.1", port):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise RuntimeError(f"process did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start_gunicorn(tmp_path: Path, database_url: str, *, workers: int, env: dict[str, str] | None = None,
                   port: int | None = None) -> LiveServer:
    """`deploy/gunicorn.conf.py` exactly as `make serve` runs it, on a free loopback port."""
    port = port or free_port()
    log_path = tmp_path / f"gunicorn-{port}.log"
    child_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SECRET_KEY": "production-test",
        "PRIORITAS_DEMO": "0",
        "PRIORITAS_WORKERS": str(workers),
        "PRIORITAS_INSTANCE": str(tmp_path / "instance"),
        "PRIORITAS_CHANNEL": f"prioritas-test-{uuid.uuid4().hex[:8]}",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    with open(log_path, "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
                                   cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    wait_for_port(port, process, log_path)
    server = LiveServer(f"http://127.0.0.1:{port}", database_url, process, log_path)
    wait_ready(server)
    return server


def wait_ready(server: LiveServer, seconds: float = 90) -> None:
    """The master listens at once; a worker answers only once it has loaded the app (slow on a busy machine)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{server.url}/healthz", timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        if server.process.poll() is not None:
            break
        time.sleep(0.2)
    stop(server.process)
    raise RuntimeError(f"gunicorn did not become ready:\n{server.log()}")


def worker_pids(base_url: str, want: int, attempts: int = 200, **kwargs: object) -> set[int]:
    """Ask /healthz on new connections until `want` different workers have answered."""
    seen: set[int] = set()
    for _ in range(attempts):
        with requests.Session() as session:
            body = session.get(f"{base_url}/healthz", timeout=10, **kwargs).json()  # type: ignore[arg-type]
        seen.add(body["process"])
        if len(seen) >= want:
            break
    return seen


@dataclass
class OwnRedis:
    """A redis-server of the test's own on a free port, so stopping it never touches the machine's."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            need("redis-server", "the binary is not installed (Debian package redis-server)")
        log = self.directory / f"redis-{self.port}.log"
        with open(log, "ab") as output:
            self.process = subprocess.Popen([str(binary), "--port", str(self.port), "--bind", "127.0.0.1",
                                             "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
                                            stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(self.port, self.process, log, seconds=10)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, signal.SIGKILL)
            self.process = None
        deadline = time.monotonic() + 5
        while port_open("127.0.0.1", self.port) and time.monotonic() < deadline:
            time.sleep(0.05)


def nginx_binary() -> str:
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).exists():
            return candidate
    need("nginx", "not installed (Debian package nginx-light; .ci/run installs it)")
    raise AssertionError("unreachable")
