"""End to end through the real server (gevent, SQLite file): thirty phones over HTTP and Socket.IO."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests
import socketio as sio

from tests.support.server import LiveServer, make_facilitator_token
from tests.support.waiting import wait_until

pytestmark = pytest.mark.server



def test_thirty_phones_through_a_whole_activity(live_server: LiveServer) -> None:
    base = live_server.url
    token = make_facilitator_token(base, live_server.database_url)
    headers = {"Authorization": f"Bearer {token}"}
    workshop = requests.post(f"{base}/api/v1/workshops", json={"template": "regional", "title": "Live"},
                             headers=headers, timeout=10).json()
    wid = workshop["id"]
    activity = next(a for a in workshop["activities"] if a["key"] == "constraints")

    screen_events: list[dict[str, Any]] = []
    screen = sio.Client(reconnection=False)
    screen.on("results", lambda doc: screen_events.append(doc))
    screen.connect(base, auth={"screen_token": workshop["screen_token"]}, transports=["websocket"])

    groups = ["gov"] * 8 + ["employers"] * 12 + ["workers"] * 8 + ["other"] * 2
    phones: list[tuple[str, sio.Client, list[dict[str, Any]]]] = []
    for group in groups:
        joined = requests.post(f"{base}/api/v1/join", json={"code": workshop["join_code"], "group": group},
                               timeout=10)
        assert joined.status_code == 201, joined.text
        phone_token = joined.json()["participant_token"]
        states: list[dict[str, Any]] = []
        client = sio.Client(reconnection=False)
        client.on("state", lambda event, states=states: states.append(event))
        # Half start with long-polling and upgrade, half use WebSocket directly: both must be served.
        transports = ["websocket"] if len(phones) % 2 else ["polling", "websocket"]
        client.connect(base, auth={"participant_token": phone_token}, transports=transports)
        phones.append((phone_token, client, states))

    opened = requests.post(f"{base}/api/v1/workshops/{wid}/activities/constraints/open", headers=headers,
                           timeout=10)
    assert opened.status_code == 200
    assert wait_until(lambda: all({"activity": "constraints", "state": "open"} in s for _, _, s in phones), timeout=15)

    errors: list[str] = []

    def vote(n: int, phone_token: str) -> None:
        ratings = [{"item": item, "x": 1 + (n + i) % 5, "y": None if (n + i) % 7 == 0 else 1 + (n * 3 + i) % 5}
                   for i, item in enumerate(activity["items"])]
        response = requests.put(f"{base}/api/v1/workshops/{wid}/activities/constraints/responses",
                                json={"ratings": ratings}, headers={"Authorization": f"Bearer {phone_token}"},
                                timeout=30)
        if response.status_code != 200:
            errors.append(response.text)

    threads = [threading.Thread(target=vote, args=(n, t)) for n, (t, _, _) in enumerate(phones)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    api_results = requests.get(f"{base}/api/v1/workshops/{wid}/activities/constraints/results",
                               headers=headers, timeout=10).json()
    assert api_results["respondents"] == 30
    assert wait_until(lambda: bool(screen_events) and screen_events[-1]["respondents"] == 30, timeout=15)
    time.sleep(0.6)  # any push still in flight lands before we compare
    # The screen shows the room's released figures: the same as the screen token reads (docs/anonymity.md).
    room = requests.get(f"{base}/api/v1/workshops/{wid}/activities/constraints/results",
                        headers={"Authorization": f"Bearer {workshop['screen_token']}"}, timeout=10).json()
    assert [i["y"] for i in screen_events[-1]["items"]] == [i["y"] for i in room["items"]]

    closed = requests.post(f"{base}/api/v1/workshops/{wid}/activities/constraints/close", headers=headers,
                           timeout=10)
    assert closed.status_code == 200
    assert wait_until(lambda: all({"activity": "constraints", "state": "closed"} in s for _, _, s in phones),
                      timeout=15)
    # Closing releases nothing new to the room (docs/anonymity.md): the screen keeps what the screen token reads.
    room = requests.get(f"{base}/api/v1/workshops/{wid}/activities/constraints/results",
                        headers={"Authorization": f"Bearer {workshop['screen_token']}"}, timeout=10).json()
    assert wait_until(lambda: [i["y"] for i in screen_events[-1]["items"]] == [i["y"] for i in room["items"]],
                      timeout=15)
    late = requests.put(f"{base}/api/v1/workshops/{wid}/activities/constraints/responses",
                        json={"ratings": [{"item": activity["items"][0], "x": 1, "y": 1}]},
                        headers={"Authorization": f"Bearer {phones[0][0]}"}, timeout=10)
    assert late.status_code == 409
    assert late.headers["Content-Type"].startswith("application/problem+json")

    for _, client, _ in phones:
        client.disconnect()
    screen.disconnect()
    assert "Traceback" not in live_server.log(), live_server.log()
