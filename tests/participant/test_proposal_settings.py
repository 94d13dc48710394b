"""Suggestion settings: the facilitator closes suggestions (phone link and page say so, the API answers 409 and
stores nothing) and sets the limit per phone; an approved suggestion reaches the screens as `proposal_added`."""

from __future__ import annotations

import html
from typing import Any

import pytest

from app.extensions import socketio
from tests.support.pages import csrf, join_group, open_activity, proposals, settings_url, text
from tests.support.realtime import received


def suggest(api: Any, workshop: dict[str, Any], token: str, title: str) -> Any:
    return api.post(f"/api/v1/workshops/{workshop['id']}/proposals", token=token,
                    json={"kind": "constraint", "title": title})


@pytest.fixture
def phone(app: Any, api: Any, workshop: dict[str, Any]) -> Any:
    open_activity(api, workshop)
    client = app.test_client()
    assert join_group(client, workshop["join_code"], "workers").status_code == 302
    return client


def test_closed_suggestions_are_said_on_the_phone_and_refused(app: Any, api: Any, workshop: dict[str, Any],
                                                              phone: Any, join: Any) -> None:
    assert api.get(settings_url(workshop)).get_json() == {"open": True, "limit": 10, "window_minutes": 10}
    page = text(phone.get("/propose"))
    assert 'name="title"' in page
    token = csrf(page)
    closed = api.put(settings_url(workshop), json={"open": False})
    assert closed.status_code == 200 and closed.get_json()["open"] is False

    vote_page = html.unescape(text(phone.get("/p")))
    assert "Suggestions are closed" in vote_page and "data-closed" in vote_page
    page = html.unescape(text(phone.get("/propose")))
    assert "The facilitator has closed suggestions for now." in page and 'name="title"' not in page
    late = phone.post("/propose", data={"csrf_token": token, "kind": "constraint", "title": "Roads"})
    assert late.status_code == 409
    refused = suggest(api, workshop, join(workshop["join_code"], "gov"), "Roads")
    assert refused.status_code == 409 and refused.content_type == "application/problem+json"
    # closed comes before the checks of the body (409 before 422)
    assert api.post(f"/api/v1/workshops/{workshop['id']}/proposals", token=join(workshop["join_code"], "gov"),
                    json={"kind": "nonsense"}).status_code == 409
    assert proposals(app) == []

    assert api.put(settings_url(workshop), json={"open": True}).status_code == 200
    assert phone.post("/propose", data={"csrf_token": token, "kind": "constraint", "title": "Roads"}).status_code == 302
    assert [p["title"] for p in proposals(app)] == ["Roads"]


def test_the_limit_per_phone_is_the_facilitators(app: Any, api: Any, workshop: dict[str, Any], join: Any) -> None:
    assert api.put(settings_url(workshop), json={"limit": 2}).get_json()["limit"] == 2
    token = join(workshop["join_code"], "gov")
    assert [suggest(api, workshop, token, t).status_code for t in ("Roads", "Ports", "Water")] == [201, 201, 429]
    other = join(workshop["join_code"], "gov")  # per participant, not per workshop
    assert suggest(api, workshop, other, "Water").status_code == 201
    assert api.put(settings_url(workshop), json={"limit": 3}).status_code == 200
    assert suggest(api, workshop, token, "Water").status_code == 201
    assert len(proposals(app)) == 4


@pytest.mark.parametrize("bad", [{"limit": 0}, {"limit": 101}, {"limit": "5"}, {"limit": True}, {"open": "no"},
                                 {"colour": "red"}, {}, []])
def test_bad_settings_are_refused_and_change_nothing(api: Any, workshop: dict[str, Any], bad: Any) -> None:
    response = api.put(settings_url(workshop), json=bad)
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert api.get(settings_url(workshop)).get_json() == {"open": True, "limit": 10, "window_minutes": 10}


def test_settings_need_the_owner(api: Any, workshop: dict[str, Any], join: Any) -> None:
    assert api.get(settings_url(workshop), token="").status_code == 401
    assert api.put(settings_url(workshop), json={"open": False}, token=join(workshop["join_code"], "gov")
                   ).status_code == 401
    assert api.get("/api/v1/workshops/999/proposal-settings").status_code == 404


def test_an_approved_suggestion_reaches_the_screens_only(app: Any, api: Any, workshop: dict[str, Any],
                                                         join: Any) -> None:
    token = join(workshop["join_code"], "workers")
    screen = socketio.test_client(app, auth={"screen_token": workshop["screen_token"]})
    phone_socket = socketio.test_client(app, auth={"participant_token": token})
    first = suggest(api, workshop, token, "Port congestion").get_json()
    second = suggest(api, workshop, token, "Water").get_json()
    base = f"/api/v1/workshops/{workshop['id']}/proposals"
    assert api.post(f"{base}/{second['id']}/reject").status_code == 200
    assert api.post(f"{base}/{first['id']}/approve").status_code == 200
    events = received(screen, "proposal_added")
    assert events == [{"title": "Port congestion", "kind": "constraint", "item": "port-congestion"}]
    assert not [p for p in phone_socket.get_received() if p["name"] == "proposal_added"]
    screen.disconnect()
    phone_socket.disconnect()
