"""Start the real server (`deploy/serve.py`) for a benchmark, the way `make run` does, but on loopback only.

Benchmarks drive the app as a black box over HTTP and Socket.IO, so they set it up with the same CLI commands a
deployer uses (`flask db upgrade`, `flask users create`) and never import the app into the measured process.
"""

from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FACILITATOR_EMAIL = "bench@prioritas.local"
FACILITATOR_PASSWORD = "bench-facilitator"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] | None = None  # what it was started with, so `restart` brings back the same server

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def _env(workdir: Path, database_url: str, port: int, extra: dict[str, str] | None) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SECRET_KEY": "benchmark-only",
        "PRIORITAS_DEMO": "0",
        "PRIORITAS_INSTANCE": str(workdir / "instance"),
        "PYTHONUNBUFFERED": "1",
        **(extra or {}),
    }


def _flask(args: list[str], env: dict[str, str]) -> None:
    """Run one `flask --app app ...` command, bounded in time; its output only matters when it fails."""
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def start(workdir: Path, extra_env: dict[str, str] | None = None, timeout: float = 30) -> Server:
    """Migrate a fresh SQLite file, create the benchmark facilitator, start serve.py on a free loopback port."""
    port = free_port()
    database_url = f"sqlite:///{workdir / 'bench.db'}"
    env = _env(workdir, database_url, port, extra_env)
    _flask(["db", "upgrade"], env)
    _flask(["users", "create", "--email", FACILITATOR_EMAIL, "--password", FACILITATOR_PASSWORD], env)
    log_path = workdir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "serve.py")], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process, log_path, env)
    _wait_started(server, port, timeout)
    return server


def _wait_started(server: Server, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not port_open(port):
        if server.process.poll() is not None or time.monotonic() > deadline:
            stop(server)
            raise RuntimeError("server did not start:\n" + server.log_tail())
        time.sleep(0.05)


def restart(server: Server, timeout: float = 30) -> float:
    """Stop `serve.py` and start it again on the same port and database, as after an upgrade or a crash;
    returns the time at which it accepts connections again."""
    stop(server)
    port = int(server.url.rsplit(":", 1)[1])
    with open(server.log_path, "ab") as log:
        server.process = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "serve.py")], cwd=ROOT,
                                          env=server.env, stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True)
    _wait_started(server, port, timeout)
    return time.perf_counter()


def stop(server: Server) -> None:
    """Stop the server we started (its own process group, by id), and wait for it."""
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


def proc_status(pid: int) -> dict[str, int]:
    """RSS (KB) and OS thread count of a process, from /proc: what the kernel charges for it."""
    fields: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM", "Threads"):
                fields[name] = int(value.split()[0])
    fields["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    return fields


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): with 30 samples, p90 is the 27th value, no interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def start_gunicorn(workdir: Path, database_url: str, workers: int, extra_env: dict[str, str] | None = None,
                   timeout: float = 60) -> Server:
    """Production mode as `make serve` runs it (deploy/gunicorn.conf.py): migrate, create the facilitator,
    then N gevent workers on one port."""
    port = free_port()
    env = _env(workdir, database_url, port, {"PRIORITAS_WORKERS": str(workers), **(extra_env or {})})
    _flask(["db", "upgrade"], env)
    _flask(["users", "create", "--email", FACILITATOR_EMAIL, "--password", FACILITATOR_PASSWORD], env)
    log_path = workdir / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + timeout
    while not port_open(port) or len(process_tree(process.pid)) < workers + 1:
        if process.poll() is not None or time.monotonic() > deadline:
            stop(server)
            raise RuntimeError("gunicorn did not start:\n" + server.log_tail())
        time.sleep(0.1)
    import urllib.request

    while True:  # the master listens at once; the workers answer once they have loaded the app
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop(server)
            raise RuntimeError("gunicorn did not become ready:\n" + server.log_tail())
        time.sleep(0.2)


def process_tree(pid: int) -> list[int]:
    """A process and its descendants (gunicorn's master and workers), for CPU and memory totals."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as children:
                queue.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return found


def postgres_database(admin_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres") -> tuple[str, str]:
    """A throwaway database on the local PostgreSQL: (its URL, its name)."""
    import uuid

    import sqlalchemy as sa

    name = f"prioritas_bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name, name


def drop_postgres_database(name: str, admin_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres") -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as con:
        con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def start_bare(workdir: Path, items: int = 12, timeout: float = 30) -> Server:
    """The bare Flask-SocketIO server (bench/_bare.py) the project is set against, on a free loopback port."""
    port = free_port()
    log_path = workdir / "bare.log"
    env = {**os.environ, "PORT": str(port), "BARE_ITEMS": str(items)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "_bare.py")], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process, log_path, env)
    _wait_started(server, port, timeout)
    return server
