"""Production mode: several gevent workers on one port, PostgreSQL, Redis between them.

Every worker must give the same results and the same screens: a vote acknowledged by any worker reaches
screens connected to every worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
import socketio as sio

from tests.deploy.support import start_gunicorn, stop, worker_pids
from tests.support.environment import REDIS_URL, need, port_open
from tests.support.server import make_facilitator_token
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.server, pytest.mark.redis, pytest.mark.postgres]


def _require_redis() -> None:
    if not port_open("127.0.0.1", 6379):
        need("Redis", "nothing listens on 127.0.0.1:6379")


def _screens(url: str, token: str, count: int) -> tuple[list[Any], list[list[dict[str, Any]]]]:
    clients, received = [], []
    for _ in range(count):
        events: list[dict[str, Any]] = []
        client = sio.Client(reconnection=False)
        client.on("results", events.append)
        # A fresh HTTP connection each, so gunicorn spreads them over its workers.
        client.connect(url, auth={"screen_token": token}, transports=["websocket"], wait_timeout=10)
        clients.append(client)
        received.append(events)
    return clients, received



def test_two_workers_share_votes_screens_and_results(tmp_path: Path, shared_postgres: str) -> None:
    _require_redis()
    server = start_gunicorn(tmp_path, shared_postgres, workers=2, env={"REDIS_URL": REDIS_URL})
    clients: list[Any] = []
    try:
        assert len(worker_pids(server.url, 2)) == 2, "gunicorn should answer from two worker processes"
        token = make_facilitator_token(server.url, shared_postgres)
        headers = {"Authorization": f"Bearer {token}"}
        workshop = requests.post(f"{server.url}/api/v1/workshops", json={"template": "regional"},
                                 headers=headers, timeout=10).json()
        wid = workshop["id"]
        requests.post(f"{server.url}/api/v1/workshops/{wid}/activities/constraints/open", headers=headers,
                      timeout=10).raise_for_status()
        clients, received = _screens(server.url, workshop["screen_token"], 6)

        groups = ["gov", "employers", "workers"]
        for n in range(1, 13):
            with requests.Session() as phone:  # each phone on its own connection, so on either worker
                joined = phone.post(f"{server.url}/api/v1/join", timeout=10,
                                    json={"code": workshop["join_code"], "group": groups[n % 3]}).json()
                saved = phone.put(f"{server.url}/api/v1/workshops/{wid}/activities/constraints/responses",
                                  json={"ratings": [{"item": "finance", "x": 1 + n % 5, "y": 5 - n % 3}]},
                                  headers={"Authorization": f"Bearer {joined['participant_token']}"}, timeout=10)
            assert saved.status_code == 200, saved.text
            assert wait_until(lambda n=n: all(any(doc.get("respondents") == n for doc in events)
                                         for events in received)), (
                f"vote {n} did not reach every screen: "
                f"{[max((d.get('respondents', 0) for d in e), default=0) for e in received]}")

        documents = []
        for _ in range(10):
            with requests.Session() as reader:
                documents.append(reader.get(f"{server.url}/api/v1/workshops/{wid}/activities/constraints/results",
                                            headers=headers, timeout=10).json())
        assert all(doc == documents[0] for doc in documents)
        assert documents[0]["respondents"] == 12

        # Long-polling would need sticky sessions; with several workers only WebSocket is served.
        polling = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=10)
        assert polling.status_code == 400
        page = requests.get(f"{server.url}/join", timeout=10).text
        assert 'name="prioritas-socket" content="websocket"' in page
    finally:
        for client in clients:
            client.disconnect()
        stop(server.process)
    assert "Traceback" not in server.log(), server.log()


def test_several_workers_refuse_to_start_without_redis_or_a_shared_key(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.support.environment import ROOT

    for missing in ("REDIS_URL", "SECRET_KEY"):
        env = {"PATH": "/usr/bin:/bin", "PRIORITAS_WORKERS": "2", "REDIS_URL": "redis://127.0.0.1:1/0",
               "SECRET_KEY": "x", "PRIORITAS_INSTANCE": str(tmp_path)}
        del env[missing]
        result = subprocess.run([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                                 "--check-config"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode != 0
        assert missing in result.stderr
