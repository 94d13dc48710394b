"""Socket.IO through Flask-SocketIO's own test client: authentication at connect, rooms and live results."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.extensions import socketio
from tests.support.realtime import received, vote


@pytest.fixture
def opened(api: Any, workshop: dict[str, Any]) -> dict[str, Any]:
    assert api.post(f"/api/v1/workshops/{workshop['id']}/activities/constraints/open").status_code == 200
    return workshop


def test_forged_tokens_are_refused(app: Any, workshop: dict[str, Any]) -> None:
    for auth in ({"screen_token": "forged"}, {"participant_token": "forged"}, {}, None):
        client = socketio.test_client(app, auth=auth)
        assert not client.is_connected(), auth


def test_screen_gets_current_results_on_connect_then_live_results(app: Any, api: Any, opened: dict[str, Any],
                                                                 join: Any) -> None:
    screen = socketio.test_client(app, auth={"screen_token": opened["screen_token"]})
    assert screen.is_connected()
    first = received(screen, "results")
    assert first and first[0]["activity"] == "constraints" and first[0]["respondents"] == 0
    assert first[0]["weighting"] == "equal_groups"

    token = join(opened["join_code"], "gov")
    vote(api, opened, token, 4, 5)
    events = received(screen, "results", until=lambda e: e[-1]["respondents"] == 1)
    assert events and events[-1]["respondents"] == 1
    assert events[-1]["groups"]["gov"]["respondents"] == 1
    # One vote is below k = 3: the room must not be able to read it.
    finance = next(i for i in events[-1]["items"] if i["item"] == "finance")
    assert finance["x"]["mean"] is None and finance["by_group"]["gov"] is None
    screen.disconnect()


def test_results_are_coalesced_and_end_equal_to_the_api(app: Any, api: Any, opened: dict[str, Any],
                                                        join: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import publisher

    monkeypatch.setattr(publisher.hub, "interval", 0.5)  # the production pace is 0.25 s; votes here take ~20 ms
    screen = socketio.test_client(app, auth={"screen_token": opened["screen_token"]})
    received(screen, "results")  # the snapshot on connect
    tokens = [join(opened["join_code"], group) for group in ["gov"] * 4 + ["firms"] * 4 + ["workers"] * 4]
    for n, token in enumerate(tokens):
        vote(api, opened, token, 1 + n % 5, 5 - n % 4)
    events = received(screen, "results", until=lambda e: e[-1]["respondents"] == 12)
    assert events[-1]["respondents"] == 12
    base = f"/api/v1/workshops/{opened['id']}/activities/constraints"
    room = api.get(f"{base}/results", token=opened["screen_token"]).get_json()
    exact = api.get(f"{base}/results").get_json()
    # The screen shows the room's released figures, the same as the screen-token API on any process...
    assert events[-1] == room
    # ...which move only in whole batches of k voters of a group: 4 voters per group, k = 3, so the room
    # holds 3 or 4 of each group (docs/anonymity.md), while the facilitator's figures hold all 12.
    finance = next(i for i in room["items"] if i["item"] == "finance")
    assert all(finance["by_group"][g]["n"] in (3, 4) for g in ("gov", "firms", "workers"))
    assert next(i for i in exact["items"] if i["item"] == "finance")["n"] == 12
    # Twelve votes in quick succession; screens get a few coalesced pushes, not one per vote.
    assert len(events) < 12
    # Closing releases nothing by itself: a lone changed vote would be read off the change.
    assert api.post(f"{base}/close").status_code == 200
    assert api.get(f"{base}/results", token=opened["screen_token"]).get_json() == room


def test_participant_hears_state_changes(app: Any, api: Any, workshop: dict[str, Any], join: Any) -> None:
    token = join(workshop["join_code"], "workers")
    phone = socketio.test_client(app, auth={"participant_token": token})
    assert phone.is_connected()
    snapshot = received(phone, "state")
    assert {"activity": "constraints", "state": "pending"} in snapshot
    api.post(f"/api/v1/workshops/{workshop['id']}/activities/constraints/open")
    assert {"activity": "constraints", "state": "open"} in received(phone, "state")
    api.post(f"/api/v1/workshops/{workshop['id']}/activities/constraints/close")
    assert {"activity": "constraints", "state": "closed"} in received(phone, "state")


def test_a_screen_only_hears_its_own_workshop(app: Any, api: Any, opened: dict[str, Any], join: Any) -> None:
    from tests.support.builders import small_definition

    other = api.post("/api/v1/workshops", json=small_definition(title="Other")).get_json()
    api.post(f"/api/v1/workshops/{other['id']}/activities/constraints/open")
    screen = socketio.test_client(app, auth={"screen_token": other["screen_token"]})
    received(screen, "results")
    time.sleep(0.3)  # let the push that followed "open" arrive, then start from a quiet screen
    screen.get_received()
    vote(api, opened, join(opened["join_code"], "gov"), 3, 3)
    time.sleep(0.5)
    assert [p for p in screen.get_received() if p["name"] == "results"] == []


def test_facilitator_browser_needs_login_and_ownership(app: Any, client: Any, api: Any,
                                                       workshop: dict[str, Any]) -> None:
    anonymous = socketio.test_client(app, auth={"workshop": workshop["id"]}, flask_test_client=client)
    assert not anonymous.is_connected()
    with client.session_transaction() as session:
        from app.extensions import db
        from app.models import User

        with app.app_context():
            user = db.session.query(User).one()
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
    owner = socketio.test_client(app, auth={"workshop": workshop["id"]}, flask_test_client=client)
    assert owner.is_connected()
    assert received(owner, "participation")[0] == {"groups": {"gov": 0, "firms": 0, "workers": 0},
                                                   "expected": {"gov": None, "firms": None, "workers": None},
                                                   "over": []}
    stranger = socketio.test_client(app, auth={"workshop": workshop["id"] + 1000}, flask_test_client=client)
    assert not stranger.is_connected()
