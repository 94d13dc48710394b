"""Scale-out shape: two server processes, one PostgreSQL database, Redis as the Socket.IO message queue.

A vote saved through one process must reach a screen connected to the other.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio as sio

from tests.support.environment import REDIS_URL, need, port_open
from tests.support.server import make_facilitator_token, start_server, stop_server

pytestmark = [pytest.mark.server, pytest.mark.redis, pytest.mark.postgres]


def test_vote_on_one_process_reaches_a_screen_on_the_other(tmp_path: Path, shared_postgres: str) -> None:
    if not port_open("127.0.0.1", 6379):
        need("Redis", "nothing listens on 127.0.0.1:6379")
    channel_env = {"REDIS_URL": REDIS_URL, "SECRET_KEY": "shared-secret"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = start_server(tmp_path / "a", shared_postgres, env=channel_env)
    second = start_server(tmp_path / "b", shared_postgres, env=channel_env)
    try:
        token = make_facilitator_token(first.url, shared_postgres)
        headers = {"Authorization": f"Bearer {token}"}
        workshop = requests.post(f"{first.url}/api/v1/workshops", json={"template": "regional"}, headers=headers,
                                 timeout=10).json()
        wid = workshop["id"]
        events: list[dict[str, Any]] = []
        screen = sio.Client(reconnection=False)
        screen.on("results", lambda doc: events.append(doc))
        screen.connect(second.url, auth={"screen_token": workshop["screen_token"]},
                       transports=["websocket"], wait_timeout=10)
        states: list[dict[str, Any]] = []
        screen.on("state", lambda event: states.append(event))

        # Opening on process A is heard by the screen on process B.
        requests.post(f"{first.url}/api/v1/workshops/{wid}/activities/constraints/open", headers=headers,
                      timeout=10).raise_for_status()
        deadline = time.monotonic() + 10
        while {"activity": "constraints", "state": "open"} not in states and time.monotonic() < deadline:
            time.sleep(0.05)
        assert {"activity": "constraints", "state": "open"} in states

        phone = requests.post(f"{first.url}/api/v1/join", json={"code": workshop["join_code"], "group": "gov"},
                              timeout=10).json()["participant_token"]
        saved = requests.put(f"{first.url}/api/v1/workshops/{wid}/activities/constraints/responses",
                             json={"ratings": [{"item": "finance", "x": 2, "y": 5}]},
                             headers={"Authorization": f"Bearer {phone}"}, timeout=10)
        assert saved.status_code == 200, saved.text
        deadline = time.monotonic() + 10
        while not any(e["respondents"] == 1 for e in events) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(e["activity"] == "constraints" and e["respondents"] == 1 for e in events)
        screen.disconnect()
    finally:
        stop_server(first)
        stop_server(second)
