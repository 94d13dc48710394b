"""Redis down, the room goes on: login, joining and voting keep working while the message queue and the
rate-limit store are unreachable, and live pushes between workers resume when Redis is back.

The Redis here is the test's own (a redis-server on a free port), never the machine's.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio as sio

from tests.deploy.support import OwnRedis, start_gunicorn, stop
from tests.support.environment import free_port
from tests.support.server import make_facilitator_token
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.server, pytest.mark.redis, pytest.mark.postgres]



def test_room_goes_on_without_redis_and_pushes_resume(tmp_path: Path, shared_postgres: str) -> None:
    redis = OwnRedis(free_port(), tmp_path)
    redis.start()
    # Rate limits on, as shipped: their store is this Redis.
    server = start_gunicorn(tmp_path, shared_postgres, workers=2,
                            env={"REDIS_URL": redis.url, "PRIORITAS_RATELIMIT": "1"})
    screens: list[Any] = []
    try:
        token = make_facilitator_token(server.url, shared_postgres)
        headers = {"Authorization": f"Bearer {token}"}
        workshop = requests.post(f"{server.url}/api/v1/workshops", json={"template": "regional"},
                                 headers=headers, timeout=10).json()
        wid = workshop["id"]
        requests.post(f"{server.url}/api/v1/workshops/{wid}/activities/constraints/open", headers=headers,
                      timeout=10).raise_for_status()
        received: list[list[dict[str, Any]]] = []
        for _ in range(6):
            events: list[dict[str, Any]] = []
            screen = sio.Client(reconnection=True)
            screen.on("results", events.append)
            screen.connect(server.url, auth={"screen_token": workshop["screen_token"]},
                           transports=["websocket"], wait_timeout=10)
            screens.append(screen)
            received.append(events)

        def vote(n: int, group: str) -> None:
            with requests.Session() as phone:
                joined = phone.post(f"{server.url}/api/v1/join", json={"code": workshop["join_code"],
                                                                       "group": group}, timeout=10)
                assert joined.status_code == 201, joined.text
                saved = phone.put(f"{server.url}/api/v1/workshops/{wid}/activities/constraints/responses",
                                  json={"ratings": [{"item": "finance", "x": 1 + n % 5, "y": 2 + n % 4}]},
                                  headers={"Authorization": f"Bearer {joined.json()['participant_token']}"},
                                  timeout=10)
                assert saved.status_code == 200, saved.text

        def everyone_sees(n: int) -> bool:
            return all(any(doc.get("respondents") == n for doc in events) for events in received)

        for n in range(1, 4):
            vote(n, "gov")
        assert wait_until(lambda: everyone_sees(3), 10)

        redis.stop()
        # Login (API and form), joining and voting, all with the queue and the limit store gone.
        for n in range(4, 10):
            vote(n, ("employers", "workers", "gov")[n % 3])
        login = requests.post(f"{server.url}/api/v1/auth/token",
                              json={"email": "live@example.org", "password": "live-password"}, timeout=10)
        assert login.status_code == 200, login.text
        with requests.Session() as browser:
            page = browser.get(f"{server.url}/facilitator/login", timeout=10)
            assert page.status_code == 200
        health = requests.get(f"{server.url}/healthz", timeout=10)
        assert health.status_code == 200 and health.json()["redis"] == "unreachable"
        assert health.json()["status"] == "degraded"
        results = requests.get(f"{server.url}/api/v1/workshops/{wid}/activities/constraints/results",
                               headers=headers, timeout=10).json()
        assert results["respondents"] == 9

        redis.start()  # back on the same port
        assert wait_until(lambda: requests.get(f"{server.url}/healthz", timeout=10).json()["redis"] == "ok", 10)
        time.sleep(3)  # the workers' listeners resubscribe within about two seconds
        vote(10, "workers")
        assert wait_until(lambda: everyone_sees(10), 10), (
            [max((d.get("respondents", 0) for d in e), default=0) for e in received])
    finally:
        for screen in screens:
            screen.disconnect()
        stop(server.process)
        redis.stop()
    log = server.log()
    assert "Internal error" not in log and "Traceback" not in log, log[-4000:]
