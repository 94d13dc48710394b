"""End to end through the real server for each new activity type: twenty phones join over HTTP and Socket.IO,
vote, and the screen's last `results` event equals the API's results once the activity closes (the moment
`by_group` batches are flushed, docs/interface.md "Live updates")."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests
import socketio as sio

from tests.support import builders
from tests.support.server import LiveServer, make_facilitator_token
from tests.support.waiting import wait_until

pytestmark = pytest.mark.server

CONSTRAINTS = ["finance", "skills", "power", "roads", "land", "tax"]
SECTORS = ["agro", "tourism", "textiles", "ict"]
GROUPS = ["gov"] * 6 + ["employers"] * 7 + ["workers"] * 5 + ["other"] * 2

ACTIVITIES: dict[str, dict[str, Any]] = {
    "scale": builders.scale("severity", CONSTRAINTS, "How severe?", "Severity"),
    "points": builders.points("dots", CONSTRAINTS, "Spend your dots", budget=3, max_per_item=2),
    "ranking": builders.ranking("order", CONSTRAINTS, "Order them", top=4),
    "criteria": builders.criteria("mcda", SECTORS, "Score the sectors", [
        builders.criterion("jobs", "Jobs", "y", weight=2), builders.criterion("demand", "Demand", "y"),
        builders.criterion("capab", "Capabilities", "x"), builders.criterion("risk", "Risk", "x", direction=-1)]),
}


def ballot(kind: str, n: int) -> dict[str, Any]:
    """Phone n's submission: varied, with don't-knows, empty dot ballots and short rankings."""
    if kind == "scale":
        return {"ratings": [{"item": item, "value": None if (n + i) % 9 == 0 else 1 + (n * 2 + i) % 5}
                            for i, item in enumerate(CONSTRAINTS)]}
    if kind == "points":
        if n % 7 == 0:
            return {"points": {}}
        first, second = CONSTRAINTS[n % 6], CONSTRAINTS[(n * 5 + 1) % 6]
        return {"points": {first: 2, second: 1}} if first != second else {"points": {first: 2}}
    if kind == "ranking":
        order = CONSTRAINTS[n % 6:] + CONSTRAINTS[: n % 6]
        return {"ranking": order[: 1 + n % 4]}
    return {"scores": [{"item": item, "criterion": c, "value": None if (n + i + j) % 11 == 0 else 1 + (n + i * j) % 5}
                       for i, item in enumerate(SECTORS)
                       for j, c in enumerate(("jobs", "demand", "capab", "risk"))]}



@pytest.mark.parametrize("kind", ["scale", "points", "ranking", "criteria"])
def test_twenty_phones_vote_and_the_screen_matches_the_api(live_server: LiveServer, kind: str) -> None:
    base = live_server.url
    token = make_facilitator_token(base, live_server.database_url)
    headers = {"Authorization": f"Bearer {token}"}
    activity = ACTIVITIES[kind]
    key = activity["key"]
    definition = builders.definition(
        f"Live {kind}",
        groups=[builders.group("gov", "Government"), builders.group("employers", "Employers"),
                builders.group("workers", "Workers"), builders.group("other", "Observers", observer=True)],
        items=[builders.item(k, k) for k in CONSTRAINTS] + [builders.item(k, k, kind="sector") for k in SECTORS],
        activities=[activity])
    created = requests.post(f"{base}/api/v1/workshops", json=definition, headers=headers, timeout=10)
    assert created.status_code == 201, created.text
    workshop = created.json()
    wid = workshop["id"]
    assert requests.post(f"{base}/api/v1/workshops/{wid}/weights", json={"preset": "equal"}, headers=headers,
                         timeout=10).status_code == 200

    screen_events: list[dict[str, Any]] = []
    screen = sio.Client(reconnection=False)
    screen.on("results", lambda doc: screen_events.append(doc) if doc.get("activity") == key else None)
    screen.connect(base, auth={"screen_token": workshop["screen_token"]}, transports=["websocket"])

    phones: list[tuple[str, sio.Client, list[dict[str, Any]]]] = []
    for group in GROUPS:
        joined = requests.post(f"{base}/api/v1/join", json={"code": workshop["join_code"], "group": group},
                               timeout=10)
        assert joined.status_code == 201, joined.text
        phone_token = joined.json()["participant_token"]
        states: list[dict[str, Any]] = []
        client = sio.Client(reconnection=False)
        client.on("state", lambda event, states=states: states.append(event))
        transports = ["websocket"] if len(phones) % 2 else ["polling", "websocket"]
        client.connect(base, auth={"participant_token": phone_token}, transports=transports)
        phones.append((phone_token, client, states))

    opened = requests.post(f"{base}/api/v1/workshops/{wid}/activities/{key}/open", headers=headers, timeout=10)
    assert opened.status_code == 200, opened.text
    assert wait_until(lambda: all({"activity": key, "state": "open"} in s for _, _, s in phones), timeout=20)

    errors: list[str] = []
    url = f"{base}/api/v1/workshops/{wid}/activities/{key}/responses"

    def vote(n: int, phone_token: str) -> None:
        for attempt in range(2):  # a second ballot replaces (points, ranking) or updates (ratings) the first
            response = requests.put(url, json=ballot(kind, n + attempt), timeout=30,
                                    headers={"Authorization": f"Bearer {phone_token}"})
            if response.status_code != 200:
                errors.append(response.text)

    threads = [threading.Thread(target=vote, args=(n, t)) for n, (t, _, _) in enumerate(phones)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    api_url = f"{base}/api/v1/workshops/{wid}/activities/{key}/results"
    live_results = requests.get(api_url, headers=headers, timeout=10).json()
    assert live_results["respondents"] == len(GROUPS)
    assert wait_until(lambda: bool(screen_events) and screen_events[-1]["respondents"] == len(GROUPS), timeout=20)

    closed = requests.post(f"{base}/api/v1/workshops/{wid}/activities/{key}/close", headers=headers, timeout=10)
    assert closed.status_code == 200
    assert wait_until(lambda: all({"activity": key, "state": "closed"} in s for _, _, s in phones), timeout=20)
    api_results = requests.get(api_url, headers=headers, timeout=10).json()
    screen_results = requests.get(api_url, headers={"Authorization": f"Bearer {workshop['screen_token']}"},
                                  timeout=10).json()
    # The screen shows the room's released figures (docs/anonymity.md): the screen-token API's document,
    # with live participation counts, and never the two observers (below k) in any figure.
    assert {n: screen_results[n] for n in ("respondents", "groups")} == {
        n: api_results[n] for n in ("respondents", "groups")}
    assert wait_until(lambda: screen_events[-1] == screen_results, timeout=20), (screen_events[-1], screen_results)
    time.sleep(0.6)  # any push still in flight lands before the final comparison
    assert screen_events[-1] == screen_results
    for entry in screen_results["items"]:
        assert (entry.get("by_group") or {}).get("other") is None
    assert api_results["weighting"] == "equal_groups" and api_results["activity"] == key
    assert {g: v["respondents"] for g, v in api_results["groups"].items()} == {
        "gov": 6, "employers": 7, "workers": 5, "other": 2}

    late = requests.put(url, json=ballot(kind, 0), headers={"Authorization": f"Bearer {phones[0][0]}"}, timeout=10)
    assert late.status_code == 409
    assert late.headers["Content-Type"].startswith("application/problem+json")

    for _, client, _ in phones:
        client.disconnect()
    screen.disconnect()
    assert "Traceback" not in live_server.log(), live_server.log()


def test_a_delphi_round_live(live_server: LiveServer) -> None:
    """Round 1, then round 2 through the real server: phones hear the new round, re-rate, and the screen's last
    results (round 2, with round 1 as `previous`) equal the API's."""
    base = live_server.url
    headers = {"Authorization": f"Bearer {make_facilitator_token(base, live_server.database_url)}"}
    activity = ACTIVITIES["scale"]
    definition = builders.definition(
        "Delphi",
        groups=[builders.group("gov", "Government"), builders.group("employers", "Employers"),
                builders.group("workers", "Workers"), builders.group("other", "Observers")],
        items=[builders.item(k, k) for k in CONSTRAINTS], activities=[activity])
    workshop = requests.post(f"{base}/api/v1/workshops", json=definition, headers=headers, timeout=10).json()
    wid, key = workshop["id"], activity["key"]
    screen_events: list[dict[str, Any]] = []
    screen = sio.Client(reconnection=False)
    screen.on("results", lambda doc: screen_events.append(doc))
    screen.connect(base, auth={"screen_token": workshop["screen_token"]}, transports=["websocket"])
    phones: list[tuple[str, sio.Client, list[dict[str, Any]]]] = []
    for group in GROUPS:
        token = requests.post(f"{base}/api/v1/join", json={"code": workshop["join_code"], "group": group},
                              timeout=10).json()["participant_token"]
        states: list[dict[str, Any]] = []
        client = sio.Client(reconnection=False)
        client.on("state", lambda event, states=states: states.append(event))
        client.connect(base, auth={"participant_token": token}, transports=["websocket"])
        phones.append((token, client, states))
    url = f"{base}/api/v1/workshops/{wid}/activities/{key}"
    assert requests.post(f"{url}/open", headers=headers, timeout=10).status_code == 200

    def vote_all(shift: int) -> None:
        for n, (token, _, _) in enumerate(phones):
            response = requests.put(f"{url}/responses", json=ballot("scale", n + shift), timeout=30,
                                    headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.text

    vote_all(0)
    assert requests.post(f"{url}/close", headers=headers, timeout=10).status_code == 200
    assert wait_until(lambda: all({"activity": key, "state": "closed"} in s for _, _, s in phones), timeout=20)
    for _, _, states in phones:
        states.clear()
    second = requests.post(f"{url}/rounds", headers=headers, timeout=10)
    assert second.status_code == 200 and second.json()["round"] == 2
    assert wait_until(lambda: all({"activity": key, "state": "open"} in s for _, _, s in phones), timeout=20)
    vote_all(3)
    assert requests.post(f"{url}/close", headers=headers, timeout=10).status_code == 200

    api_results = requests.get(f"{url}/results", headers=headers, timeout=10).json()
    assert api_results["round"] == 2 and api_results["previous"]["round"] == 1
    assert api_results["respondents"] == len(GROUPS)
    first = requests.get(f"{url}/results?round=1", headers=headers, timeout=10).json()
    assert first["respondents"] == len(GROUPS) and first != api_results
    room = requests.get(f"{url}/results", headers={"Authorization": f"Bearer {workshop['screen_token']}"},
                        timeout=10).json()
    assert room["round"] == 2 and room["previous"]["round"] == 1
    assert wait_until(lambda: bool(screen_events) and screen_events[-1] == room, timeout=20)
    time.sleep(0.6)
    assert screen_events[-1] == room
    for _, client, _ in phones:
        client.disconnect()
    screen.disconnect()
    assert "Traceback" not in live_server.log(), live_server.log()
