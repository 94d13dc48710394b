"""API: reveal mode (PATCH), reveal (POST) and the countdown timer, reusing the console's service functions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.api import API, activity_url, assert_problem, rating
from tests.support.database import BACKENDS

pytestmark = BACKENDS


@pytest.fixture
def ws(api: Any, workshop: dict[str, Any]) -> dict[str, Any]:
    return workshop


def patch(api: Any, ws: dict[str, Any], body: Any, **kwargs: Any) -> Any:
    return api.call("PATCH", f"{API}/workshops/{ws['id']}/activities/constraints", json=body, **kwargs)


def screen_results(api: Any, ws: dict[str, Any]) -> dict[str, Any]:
    response = api.get(activity_url(ws["id"], "constraints", "results"), token=ws["screen_token"])
    assert response.status_code == 200
    return response.get_json()


def test_reveal_mode_hides_the_screen_until_revealed(api: Any, ws: dict[str, Any],
                                                     join: Callable[..., str]) -> None:
    assert api.post(activity_url(ws["id"], "constraints", "open")).status_code == 200
    voter = join(ws["join_code"], "gov")
    assert api.put(activity_url(ws["id"], "constraints", "responses"),
                   json={"ratings": [rating("finance", 4, 5)]}, token=voter).status_code == 200
    assert "hidden" not in screen_results(api, ws)
    # live mode: reveal is meaningless, refused with a reason
    assert_problem(api.post(activity_url(ws["id"], "constraints", "reveal")), 409)

    response = patch(api, ws, {"reveal_mode": "on_reveal"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["reveal"] == "on_reveal" and response.get_json()["revealed"] is False
    hidden = screen_results(api, ws)
    assert hidden["hidden"] is True and hidden["respondents"] == 1 and "items" not in hidden
    assert "items" in api.get(activity_url(ws["id"], "constraints", "results")).get_json()  # facilitator sees all

    doc = api.post(activity_url(ws["id"], "constraints", "reveal")).get_json()
    assert doc["revealed"] is True
    shown = screen_results(api, ws)
    assert "hidden" not in shown and shown["items"][0]["item"] == "finance"
    assert api.post(activity_url(ws["id"], "constraints", "reveal"), json={"revealed": False}).get_json()[
        "revealed"] is False
    assert screen_results(api, ws)["hidden"] is True
    assert_problem(api.post(activity_url(ws["id"], "constraints", "reveal"), json={"revealed": "yes"}), 422,
                   "revealed")
    # switching the mode back shows live figures again
    assert patch(api, ws, {"reveal_mode": "live"}).get_json()["reveal"] == "live"
    assert "hidden" not in screen_results(api, ws)


def test_patch_validation_and_check_order(api: Any, other_api: Any, ws: dict[str, Any]) -> None:
    assert_problem(patch(api, ws, {"reveal_mode": "hidden"}), 422, "reveal_mode")
    assert_problem(patch(api, ws, {}), 422, "criteria")
    assert_problem(patch(api, ws, ["on_reveal"]), 422, "criteria")
    # criteria on a matrix activity is refused, and the reveal mode in the same request is not applied
    assert_problem(patch(api, ws, {"reveal_mode": "on_reveal", "criteria": [{"key": "a", "weight": 1}]}), 422,
                   "criteria")
    assert "reveal" not in api.get(f"{API}/workshops/{ws['id']}").get_json()["activities"][0]
    assert_problem(patch(api, ws, {"reveal_mode": "live"}, token=""), 401)
    assert_problem(api.call("PATCH", f"{API}/workshops/{ws['id']}/activities/nope", json={"reveal_mode": "live"}),
                   404)
    assert_problem(patch(other_api, ws, {"reveal_mode": "live"}), 403)
    assert_problem(api.post(activity_url(ws["id"], "constraints", "reveal"), token=""), 401)
    assert_problem(other_api.post(activity_url(ws["id"], "constraints", "reveal")), 403)


def test_timer_starts_and_stops(api: Any, ws: dict[str, Any], live_pushes: list[Any],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services import live

    events: list[tuple[int, dict[str, Any]]] = []
    monkeypatch.setattr(live, "announce_timer", lambda workshop_id, payload: events.append((workshop_id, payload)))
    timer = activity_url(ws["id"], "constraints", "timer")
    # 409 (not open) comes before 422
    assert_problem(api.post(timer, json={"seconds": 120}), 409)
    assert_problem(api.post(timer, json={"seconds": 7}), 409)
    assert api.post(activity_url(ws["id"], "constraints", "open")).status_code == 200
    for bad in ({"seconds": 7}, {"seconds": "60"}, {"seconds": True}, None, {"seconds": -60}):
        assert_problem(api.post(timer, json=bad), 422, "seconds")
    # a field the timer does not read is named, not ignored (the countdown is not started)
    assert_problem(api.post(timer, json={"minutes": 1}), 422, "minutes")
    assert_problem(api.post(timer, json={"seconds": 60, "minutes": 1}), 422, "minutes")
    assert "timer_ends_at" not in api.get(f"{API}/workshops/{ws['id']}").get_json()["activities"][0]
    before = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    doc = api.post(timer, json={"seconds": 180}).get_json()
    ends = datetime.fromisoformat(doc["timer_ends_at"].rstrip("Z"))
    after = datetime.now(UTC).replace(tzinfo=None)
    assert 179 <= (ends - before).total_seconds() <= 180 + (after - before).total_seconds() + 1
    assert events == [(ws["id"], {"activity": "constraints", "ends_at": doc["timer_ends_at"]})]
    stopped = api.post(timer, json={"seconds": 0}).get_json()
    assert "timer_ends_at" not in stopped
    assert events[-1] == (ws["id"], {"activity": "constraints", "ends_at": None})
    # stopping works on a closed activity too
    api.post(timer, json={"seconds": 60})
    assert api.post(activity_url(ws["id"], "constraints", "close")).status_code == 200
    assert "timer_ends_at" not in api.post(timer, json={"seconds": 0}).get_json()
