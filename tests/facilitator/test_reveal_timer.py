"""Running the room: results hidden from the screen until revealed (against herding), and a countdown timer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.database import BACKENDS
from tests.support.pages import Browser, body, run_url


def action(workshop: dict[str, Any], name: str, key: str = "constraints") -> str:
    return f"/facilitator/workshops/{workshop['id']}/activities/{key}/{name}"


def settings(app: Any, workshop: dict[str, Any]) -> dict[str, Any]:
    from app.extensions import db
    from app.services import workshops

    with app.app_context():
        try:
            return dict(workshops.get_activity(workshops.find(workshop["id"]), "constraints").settings or {})
        finally:
            db.session.remove()


def results_url(workshop: dict[str, Any]) -> str:
    return f"/api/v1/workshops/{workshop['id']}/activities/constraints/results"


@pytest.fixture
def voted(api: Any, join: Any, workshop: dict[str, Any]) -> dict[str, Any]:
    """Open, with three gov votes (k = 3), so the figures are there to hide."""
    assert api.post(f"/api/v1/workshops/{workshop['id']}/activities/constraints/open").status_code == 200
    for x in (2, 4, 5):
        token = join(workshop["join_code"], "gov")
        response = api.put(f"/api/v1/workshops/{workshop['id']}/activities/constraints/responses",
                           json={"ratings": [{"item": "finance", "x": x, "y": 3}]}, token=token)
        assert response.status_code == 200
    return workshop


@BACKENDS
def test_reveal_mode_toggles_persists_and_hides_from_the_screen_token_only(
        app: Any, api: Any, owner: Browser, voted: dict[str, Any]) -> None:
    workshop = voted
    assert settings(app, workshop).get("reveal", "live") == "live"
    screen = api.get(results_url(workshop), token=workshop["screen_token"]).get_json()
    assert screen["items"] and "hidden" not in screen  # live by default

    response = owner.submit(run_url(workshop), action(workshop, "reveal-mode"), {"mode": "on_reveal"})
    assert response.status_code == 302
    assert settings(app, workshop)["reveal"] == "on_reveal" and settings(app, workshop)["revealed"] is False
    page = body(owner.get(run_url(workshop)))
    assert "Screen: hidden until revealed" in page and "Reveal results" in page

    hidden = api.get(results_url(workshop), token=workshop["screen_token"]).get_json()
    assert hidden == {"activity": "constraints", "hidden": True, "respondents": 3,
                      "groups": {"gov": {"respondents": 3}, "firms": {"respondents": 0},
                                 "workers": {"respondents": 0}}}
    full = api.get(results_url(workshop)).get_json()  # the facilitator's token
    assert "hidden" not in full and full["respondents"] == 3
    finance = next(i for i in full["items"] if i["item"] == "finance")
    assert finance["x"]["mean"] == pytest.approx((2 + 4 + 5) / 3)

    assert owner.submit(run_url(workshop), action(workshop, "reveal"), {"revealed": "1"}).status_code == 302
    assert settings(app, workshop)["revealed"] is True
    assert "Hide results again" in body(owner.get(run_url(workshop)))
    shown = api.get(results_url(workshop), token=workshop["screen_token"]).get_json()
    assert shown == full

    owner.submit(run_url(workshop), action(workshop, "reveal-mode"), {"mode": "live"})
    assert settings(app, workshop)["reveal"] == "live"
    assert "Screen: live results" in body(owner.get(run_url(workshop)))


def test_bad_mode_and_strangers_change_nothing(app: Any, api: Any, owner: Browser, stranger: Browser,
                                                voted: dict[str, Any]) -> None:
    workshop = voted
    response = owner.submit(run_url(workshop), action(workshop, "reveal-mode"), {"mode": "sometimes"},
                            follow_redirects=True)
    assert "Nothing was changed" in body(response)
    assert "reveal" not in settings(app, workshop)
    token = owner.text(run_url(workshop))
    from tests.support.pages import csrf_from

    for name, data in (("reveal-mode", {"mode": "on_reveal"}), ("reveal", {"revealed": "1"}),
                       ("timer", {"minutes": "2"})):
        response = stranger.client.post(action(workshop, name), data={**data, "csrf_token": csrf_from(token)})
        assert response.status_code in (400, 403, 404)
    # Without the CSRF token the owner's own POST is refused too.
    assert owner.client.post(action(workshop, "reveal-mode"), data={"mode": "on_reveal"}).status_code == 400
    assert not {"reveal", "revealed", "timer_ends_at"} & set(settings(app, workshop))


@BACKENDS
def test_timer_set_and_stop_persist(app: Any, api: Any, owner: Browser, voted: dict[str, Any]) -> None:
    workshop = voted
    before = datetime.now(UTC).replace(microsecond=0)
    assert owner.submit(run_url(workshop), action(workshop, "timer"), {"minutes": "3"}).status_code == 302
    ends_at = settings(app, workshop)["timer_ends_at"]
    ends = datetime.fromisoformat(ends_at.replace("Z", "+00:00"))
    assert ends_at.endswith("Z")
    assert before + timedelta(minutes=3) <= ends <= datetime.now(UTC) + timedelta(minutes=3)
    page = body(owner.get(run_url(workshop)))
    assert "Stop timer" in page and f'data-timer-ends="{ends_at}"' in page

    bad = owner.submit(run_url(workshop), action(workshop, "timer"), {"minutes": "4"}, follow_redirects=True)
    assert "No timer was started" in body(bad)
    assert settings(app, workshop)["timer_ends_at"] == ends_at  # unchanged

    assert owner.submit(run_url(workshop), action(workshop, "timer"), {"stop": "1"}).status_code == 302
    assert "timer_ends_at" not in settings(app, workshop)
    assert "Stop timer" not in body(owner.get(run_url(workshop)))
    # The timer informs; it never closes the activity.
    assert api.get(f"/api/v1/workshops/{workshop['id']}").get_json()["activities"][0]["state"] == "open"


def test_a_timer_needs_an_open_activity(app: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    response = owner.submit(run_url(workshop), action(workshop, "timer"), {"minutes": "1"}, follow_redirects=True)
    assert "No timer was started" in body(response)
    assert "timer_ends_at" not in settings(app, workshop)
