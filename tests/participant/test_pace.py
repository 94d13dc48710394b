"""Presenter pace: the API moves the room step by step, phones with JavaScript off show only the current step
on every load and submit, saved answers of earlier items stay, and the `pace` event reaches phones and
screens (also as a snapshot on connect)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.extensions import socketio
from tests.support.builders import typed_definition
from tests.support.pages import csrf, join_group, open_activity, saved, text
from tests.support.realtime import received

ITEMS = ["finance", "skills", "power"]


@pytest.fixture
def typed(api: Any) -> dict[str, Any]:
    response = api.post("/api/v1/workshops", json=typed_definition())
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def pace_url(workshop: dict[str, Any]) -> str:
    return f"/api/v1/workshops/{workshop['id']}/pace"


def put_pace(api: Any, workshop: dict[str, Any], body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    response = api.put(pace_url(workshop), json=body)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def cards(html: str) -> list[str]:
    """The item cards a vote page shows, in order."""
    return re.findall(r'<section class="item card[^"]*" id="item-([\w-]+)"', html)


@pytest.fixture
def phone(app: Any, api: Any, typed: dict[str, Any]) -> Any:
    """A phone (its own cookie jar) that joined as an employer while the matrix is open."""
    open_activity(api, typed, "constraints")
    client = app.test_client()
    assert join_group(client, typed["join_code"]).status_code == 302
    return client


def test_self_paced_is_the_default_and_steps_walk_items_then_activities(api: Any, typed: dict[str, Any]) -> None:
    assert api.get(pace_url(typed)).get_json() == {"mode": "self", "activity": None, "item": None, "index": None,
                                                     "step": 0, "steps": 5}
    start = put_pace(api, typed, {"mode": "item"})
    # matrix 3 items + scale 3 + points 1 + ranking 1 + criteria 3 = 11 steps
    assert start == {"mode": "item", "activity": "constraints", "item": "finance", "index": 0, "step": 1,
                     "steps": 11}
    walked = [(start["activity"], start["item"])]
    for _ in range(10):
        step = put_pace(api, typed, {"move": "next"})
        walked.append((step["activity"], step["item"]))
    assert walked == [("constraints", i) for i in ITEMS] + [("urgency", i) for i in ITEMS] + [
        ("dots", None), ("order", None)] + [("sectors", i) for i in ITEMS]
    last = put_pace(api, typed, {"move": "next"}, 409)  # already at the last step: nothing changes
    assert last["status"] == 409
    assert api.get(pace_url(typed)).get_json()["item"] == "power"
    assert put_pace(api, typed, {"move": "previous"})["item"] == "skills"
    jumped = put_pace(api, typed, {"activity": "urgency", "item": "power"})
    assert (jumped["activity"], jumped["item"], jumped["step"]) == ("urgency", "power", 6)
    assert put_pace(api, typed, {"mode": "activity"})["steps"] == 5  # one step per activity now
    assert put_pace(api, typed, {"move": "previous"})["activity"] == "constraints"
    assert put_pace(api, typed, {"move": "previous"}, 409)["status"] == 409


def test_bad_pace_changes_are_refused_and_change_nothing(app: Any, api: Any, typed: dict[str, Any]) -> None:
    assert put_pace(api, typed, {"mode": "fast"}, 422)["errors"][0]["field"] == "pace"
    assert put_pace(api, typed, {"move": "next"}, 409)["status"] == 409  # self-paced: nothing to move
    put_pace(api, typed, {"mode": "item"})
    assert put_pace(api, typed, {"activity": "nope"}, 422)["errors"][0]["field"] == "activity"
    assert put_pace(api, typed, {"activity": "constraints", "item": "ghost"}, 422)["errors"][0]["field"] == "item"
    assert put_pace(api, typed, {"activity": "dots", "item": 0}, 422)["errors"][0]["field"] == "item"
    # mode changes and a bad move in one body: the transaction rolls back, the mode stays item
    assert put_pace(api, typed, {"mode": "activity", "move": "sideways"}, 422)["errors"][0]["field"] == "move"
    assert api.get(pace_url(typed)).get_json()["mode"] == "item"
    response = api.put(pace_url(typed), data="not json", content_type="text/plain")
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert api.get(pace_url(typed), token="").status_code == 401
    assert api.get("/api/v1/workshops/999/pace").status_code == 404


def test_a_participant_may_read_the_pace_of_its_own_workshop_only(api: Any, typed: dict[str, Any],
                                                                  join: Any) -> None:
    token = join(typed["join_code"], "gov")
    put_pace(api, typed, {"mode": "activity"})
    assert api.get(pace_url(typed), token=token).get_json()["activity"] == "constraints"
    assert api.put(pace_url(typed), json={"mode": "self"}, token=token).status_code == 401
    other = api.post("/api/v1/workshops", json=typed_definition()).get_json()
    assert api.get(pace_url(other), token=token).status_code == 403


def test_item_pace_phone_without_javascript_shows_one_item_and_keeps_earlier_answers(
        app: Any, api: Any, typed: dict[str, Any], phone: Any, join: Any) -> None:
    put_pace(api, typed, {"mode": "item"})
    page = text(phone.get("/p"))
    assert cards(page) == ["finance"]
    assert "Item 1 of 3" in page and 'data-pace="item/constraints/finance"' in page
    sent = phone.post("/p/constraints", data={"csrf_token": csrf(page), "activity": "constraints", "round": "1",
                                               "finance.x": "4", "finance.y": "5"})
    assert sent.status_code == 200
    assert cards(text(sent)) == ["finance"] and "Saved 1 rating." in text(sent)
    assert "1 of 1 saved" in text(sent)

    put_pace(api, typed, {"move": "next"})
    moved = text(phone.get("/p"))
    assert cards(moved) == ["skills"] and "Item 2 of 3" in moved and "0 of 1 saved" in moved
    # A form of the earlier item sent late (the room moved on meanwhile): saved, then the current item shows.
    late = phone.post("/p/constraints", data={"csrf_token": csrf(moved), "activity": "constraints", "round": "1",
                                               "finance.x": "2", "finance.y": "2"})
    assert late.status_code == 200 and cards(text(late)) == ["skills"]
    assert saved(app) == {("finance", "x"): 2, ("finance", "y"): 2}

    # The API accepts a ballot for an item that is not the current one (documented choice): nothing refused.
    token = join(typed["join_code"], "gov")
    response = api.put(f"/api/v1/workshops/{typed['id']}/activities/constraints/responses", token=token,
                       json={"ratings": [{"item": "power", "x": 1, "y": 3}]})
    assert response.status_code == 200, response.get_data(as_text=True)

    # Asking for another activity shows the current step instead.
    open_activity(api, typed, "urgency")
    assert phone.get("/p/urgency").headers["Location"].endswith("/p")
    assert "Also open" not in text(phone.get("/p"))


def test_activity_pace_shows_only_the_current_activity_and_waits_while_it_is_not_open(
        api: Any, typed: dict[str, Any], phone: Any) -> None:
    open_activity(api, typed, "urgency")
    assert "Put them in order" not in text(phone.get("/p"))
    self_paced = text(phone.get("/p"))
    assert "Rate the constraints" in self_paced and "How urgent?" in self_paced  # the list of open activities
    put_pace(api, typed, {"mode": "activity"})
    page = text(phone.get("/p"))
    assert cards(page) == ITEMS and "Also open" not in page and "Item 1 of" not in page
    put_pace(api, typed, {"move": "next"})
    assert cards(text(phone.get("/p"))) == ITEMS and 'data-activity="urgency"' in text(phone.get("/p"))
    put_pace(api, typed, {"move": "next"})  # points: pending
    waiting = text(phone.get("/p"))
    assert "Waiting for the facilitator" in waiting and 'data-pace="activity/dots/"' in waiting
    # the open activities stay listed for phone.js, so an activity that is open but not current moves nobody
    assert 'data-open="constraints urgency"' in waiting


def test_points_and_ranking_stay_one_step_in_item_pace(api: Any, typed: dict[str, Any], phone: Any) -> None:
    open_activity(api, typed, "dots")
    put_pace(api, typed, {"mode": "item"})
    put_pace(api, typed, {"activity": "dots"})
    page = text(phone.get("/p"))
    assert 'data-activity="dots"' in page and "Item 1 of" not in page
    assert cards(page) == ITEMS  # the whole ballot: a budget is spent over all items at once


def test_pace_event_reaches_phones_and_screens_and_is_sent_on_connect(app: Any, api: Any, typed: dict[str, Any],
                                                                       join: Any) -> None:
    token = join(typed["join_code"], "firms")
    screen = socketio.test_client(app, auth={"screen_token": typed["screen_token"]})
    phone_socket = socketio.test_client(app, auth={"participant_token": token})
    # Self-paced: the joining client is told so (a phone drawn under pace a moment ago must learn it).
    on_connect = [p["args"][0] for p in screen.get_received() if p["name"] == "pace"]
    assert [(e["mode"], e["activity"], e["item"]) for e in on_connect] == [("self", None, None)]
    assert [p["args"][0]["mode"] for p in phone_socket.get_received() if p["name"] == "pace"] == ["self"]
    put_pace(api, typed, {"mode": "item"})
    put_pace(api, typed, {"move": "next"})
    for client in (screen, phone_socket):
        events = received(client, "pace", until=lambda e: len(e) >= 2)
        assert [(e["mode"], e["activity"], e["item"]) for e in events] == [
            ("item", "constraints", "finance"), ("item", "constraints", "skills")]
    late = socketio.test_client(app, auth={"participant_token": token})
    assert received(late, "pace")[0]["item"] == "skills"
    for client in (screen, phone_socket, late):
        client.disconnect()


def test_openapi_documents_pace_and_its_event(api: Any) -> None:
    document = api.get("/api/v1/openapi.json").get_json()
    assert set(document["paths"]["/workshops/{id}/pace"]) == {"get", "put"}
    assert "put" in document["paths"]["/workshops/{id}/proposal-settings"]
    events = document["x-socketio"]["events"]
    assert {"pace", "proposal_added", "state", "results"} <= set(events)
    assert "not refuse" in document["components"]["schemas"]["Pace"]["description"]
