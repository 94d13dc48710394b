"""Phone page "Where you stand", JavaScript off: nothing before the facilitator reveals; afterwards the room's
figures exactly as the screen has them, with this phone's own answers and nobody else's, and no group."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.builders import small_definition
from tests.support.pages import csrf, join_group, text

API = "/api/v1"


def _act(api: Any, wid: int, action: str, json: Any = None, key: str = "constraints") -> Any:
    response = api.call("PATCH" if action == "" else "POST",
                        f"{API}/workshops/{wid}/activities/{key}" + (f"/{action}" if action else ""), json=json)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def room(api: Any, join: Any, client: Any, app: Any) -> dict[str, Any]:
    """Matrix, hidden until revealed, k = 3: this phone (an employer) and three others have voted."""
    ws = api.post(f"{API}/workshops", json=small_definition()).get_json()
    _act(api, ws["id"], "", {"reveal_mode": "on_reveal"})
    _act(api, ws["id"], "open")
    assert join_group(client, ws["join_code"], "firms").status_code == 302
    page = client.get("/p/constraints")
    form = {"csrf_token": csrf(text(page)), "finance.x": "1", "finance.y": "2", "skills.x": "3", "skills.y": "3"}
    assert client.post("/p/constraints", data=form).status_code == 200
    for group in ("gov", "gov", "gov", "workers"):  # only Government reaches k = 3: the room sees its figures
        token = join(ws["join_code"], group)
        body = {"ratings": [{"item": "finance", "x": 5, "y": 5}, {"item": "skills", "x": 4, "y": 4}]}
        assert api.put(f"{API}/workshops/{ws['id']}/activities/constraints/responses", json=body,
                       token=token).status_code == 200
    other = app.test_client()
    assert join_group(other, ws["join_code"], "gov").status_code == 302
    return {"ws": ws, "other": other}


def test_nothing_before_reveal_then_room_and_own_answers(api: Any, client: Any, room: dict[str, Any]) -> None:
    wid = room["ws"]["id"]
    before = text(client.get("/p/constraints/standing"))
    assert 'data-standing="hidden"' in before and "data-room=" not in before and "data-own=" not in before
    assert "socket.io" in before and "echarts" not in before  # follows live with JS; no chart library

    _act(api, wid, "reveal")
    screen = api.get(f"{API}/workshops/{wid}/activities/constraints/results",
                     token=room["ws"]["screen_token"]).get_json()
    page = client.get("/p/constraints/standing")
    assert page.status_code == 200
    html = text(page)
    assert 'data-standing="shown"' in html and "echarts" not in html and "<script" in html
    finance = next(e for e in screen["items"] if e["item"] == "finance")
    room_text = f"Severity {finance['y']['mean']:.1f}, Tractability {finance['x']['mean']:.1f}"
    assert room_text in html  # the screen's figures, as the screen has them
    assert 'data-own="finance"' in html and 'data-own="skills"' in html and 'data-own="power"' not in html
    own = re.findall(r"<span data-own-text>(.*?)</span>", html, re.S)
    assert [" ".join(o.split()) for o in own] == ["You: Severity 2, Tractability 1", "You: Severity 3, Tractability 3",
                                                  "You: no answer"]
    assert "Government" not in html and "Workers" not in html  # no group on the phone
    assert "Severity 5, Tractability 5" not in html  # another person's answer never appears

    # Another phone, which gave no answer, sees the same room and no answers of anyone.
    theirs = text(room["other"].get("/p/constraints/standing"))
    assert room_text in theirs and "data-own=" not in theirs
    assert "Severity 2, Tractability 1" not in theirs

    _act(api, wid, "reveal", {"revealed": False})
    assert 'data-standing="hidden"' in text(client.get("/p/constraints/standing"))


def test_live_activity_shows_once_closed_and_links_from_the_waiting_page(api: Any, client: Any,
                                                                        room: dict[str, Any]) -> None:
    wid = room["ws"]["id"]
    _act(api, wid, "", {"reveal_mode": "live"})
    assert 'data-standing="hidden"' in text(client.get("/p/constraints/standing"))  # still voting
    assert "Where you stand" not in text(client.get("/p"))
    _act(api, wid, "close")
    waiting = text(client.get("/p"))
    assert 'data-standing-link="constraints"' in waiting
    assert 'data-standing="shown"' in text(client.get("/p/constraints/standing"))
    assert client.get("/p/nothing/standing").status_code == 404


def test_a_group_below_k_never_shows_its_figures(api: Any, client: Any, join: Any, app: Any) -> None:
    """k = 3 and only two answers: the room's figure is not shown (the screen has none either)."""
    ws = api.post(f"{API}/workshops", json=small_definition()).get_json()
    _act(api, ws["id"], "open")
    assert join_group(client, ws["join_code"], "firms").status_code == 302
    page = client.get("/p/constraints")
    client.post("/p/constraints", data={"csrf_token": csrf(text(page)), "finance.x": "1", "finance.y": "2"})
    token = join(ws["join_code"], "gov")
    api.put(f"{API}/workshops/{ws['id']}/activities/constraints/responses",
            json={"ratings": [{"item": "finance", "x": 5, "y": 5}]}, token=token)
    _act(api, ws["id"], "close")
    html = text(client.get("/p/constraints/standing"))
    assert 'data-standing="shown"' in html and "data-room=" not in html
    assert "not shown (too few answers)" in html and 'data-own="finance"' in html
