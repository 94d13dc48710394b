"""The facilitator's phone remote and the console's pace panel with JavaScript off: plain POST forms with real
CSRF tokens, the same services as the console (so the same refusals), login and ownership required."""

from __future__ import annotations

from typing import Any

import pytest

from app.extensions import db
from app.models import Workshop
from tests.support import builders
from tests.support.builders import small_definition
from tests.support.pages import Browser, body

ACTIVITIES = [
    builders.matrix("constraints", ["finance", "skills", "power"], "Rate the constraints"),
    builders.scale("urgency", ["finance", "skills"], "How urgent?", "Urgency", 1, 4),
]


@pytest.fixture
def ws(api: Any) -> dict[str, Any]:
    response = api.post("/api/v1/workshops", json=small_definition(activities=ACTIVITIES))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def remote_url(ws: dict[str, Any]) -> str:
    return f"/facilitator/workshops/{ws['id']}/remote"


def tap(owner: Browser, ws: dict[str, Any], action: str, **fields: str) -> Any:
    """Press a remote button: POST to it with the token from the remote page, follow to the remote."""
    return owner.submit(remote_url(ws), f"{remote_url(ws)}/{action}", fields, follow_redirects=True)


def state(app: Any, ws: dict[str, Any]) -> dict[str, Any]:
    with app.app_context():
        workshop = db.session.get(Workshop, ws["id"])
        return {"pace": workshop.pace, "at": (workshop.pace_activity, workshop.pace_item),
                "states": {a.key: a.state for a in workshop.activities}, "locked": workshop.joining_locked,
                "settings": {a.key: dict(a.settings or {}) for a in workshop.activities}}


def test_remote_needs_login_and_ownership(client: Any, ws: dict[str, Any], stranger: Browser) -> None:
    anonymous = client.application.test_client()
    response = anonymous.get(remote_url(ws))
    assert response.status_code == 302 and "/facilitator/login" in response.headers["Location"]
    assert stranger.get(remote_url(ws)).status_code == 403
    assert stranger.get("/facilitator/workshops/999/remote").status_code == 404


def test_remote_runs_the_room_without_javascript(app: Any, owner: Browser, ws: dict[str, Any]) -> None:
    page = owner.text(remote_url(ws))
    assert "Rate the constraints" in page and "Not open yet" in page
    assert 'name="csrf_token"' in page and "Previous" not in page  # self-paced: no next/previous

    opened = tap(owner, ws, "state", activity="constraints", state="open")
    assert opened.status_code == 200 and "Open: phones can answer now." in body(opened)
    assert state(app, ws)["states"]["constraints"] == "open"

    started = tap(owner, ws, "timer", activity="constraints", minutes="2")
    assert "Timer: 2 min." in body(started) and state(app, ws)["settings"]["constraints"]["timer_ends_at"]
    stopped = tap(owner, ws, "timer", activity="constraints", stop="1")
    assert "The timer is stopped." in body(stopped)
    assert "timer_ends_at" not in state(app, ws)["settings"]["constraints"]
    refused = tap(owner, ws, "timer", activity="constraints", minutes="7")  # the service's own refusal
    assert "Nothing was changed" in body(refused) and "timer_ends_at" not in state(app, ws)["settings"]["constraints"]

    hide = tap(owner, ws, "reveal", activity="constraints", reveal="hide")
    assert "Reveal results" in body(hide)
    assert state(app, ws)["settings"]["constraints"]["reveal"] == "on_reveal"
    shown = tap(owner, ws, "reveal", activity="constraints", reveal="1")
    assert "The results are on the screen." in body(shown) and "Hide results again" in body(shown)

    locked = tap(owner, ws, "joining", locked="1")
    assert "Joining is locked." in body(locked) and "Unlock joining" in body(locked)
    assert state(app, ws)["locked"] is True

    # Presenter pace from the console, then next/previous from the remote.
    owner.submit(f"/facilitator/workshops/{ws['id']}/run", f"/facilitator/workshops/{ws['id']}/pace",
                 {"mode": "item"})
    assert state(app, ws)["pace"] == "item"
    paced = owner.text(remote_url(ws))
    assert "Item 1 of 3" in paced and "Access to finance" in paced and "Previous" in paced
    nxt = tap(owner, ws, "move", direction="next")
    assert "item 2: “Skills”" in body(nxt) and state(app, ws)["at"] == ("constraints", 1)
    for _ in range(2):
        tap(owner, ws, "move", direction="next")
    assert state(app, ws)["at"] == ("urgency", 0)
    # The remote now acts on the current step's activity: open it (the other open one closes).
    page = owner.text(remote_url(ws))
    assert 'name="activity" value="urgency"' in page
    tap(owner, ws, "state", activity="urgency", state="open")
    assert state(app, ws)["states"] == {"constraints": "closed", "urgency": "open"}
    assert "item 2: “Skills”" in body(tap(owner, ws, "move", direction="next"))
    last = tap(owner, ws, "move", direction="next")
    assert last.status_code == 200 and "Already at the last step." in body(last)
    assert state(app, ws)["at"] == ("urgency", 1)


def test_remote_fits_a_small_phone_and_works_without_a_csrf_token_refused(owner: Browser, ws: dict[str, Any]) -> None:
    response = owner.client.post(f"{remote_url(ws)}/joining", data={"locked": "1"})
    assert response.status_code in (400, 403)  # no token, no change
    page = owner.text(remote_url(ws))
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "css/remote.css" in page and "js/remote.js" in page


def test_console_shows_pace_and_moves_it(app: Any, owner: Browser, ws: dict[str, Any]) -> None:
    run = f"/facilitator/workshops/{ws['id']}/run"
    page = owner.text(run)
    assert "Presenter pace" in page and 'data-pace-mode="self"' in page and "Phone remote" in page
    response = owner.submit(run, f"/facilitator/workshops/{ws['id']}/pace", {"mode": "activity"},
                            follow_redirects=True)
    text = body(response)
    assert "Phones show “Rate the constraints”." in text and "step 1 of 2" in text
    moved = owner.submit(run, f"/facilitator/workshops/{ws['id']}/pace/move", {"direction": "next"},
                         follow_redirects=True)
    assert "Phones show “How urgent?”." in body(moved) and state(app, ws)["at"] == ("urgency", 0)
    jumped = owner.submit(run, f"/facilitator/workshops/{ws['id']}/pace/move", {"activity": "constraints"},
                          follow_redirects=True)
    assert state(app, ws)["at"] == ("constraints", 0) and jumped.status_code == 200
    bad = owner.submit(run, f"/facilitator/workshops/{ws['id']}/pace", {"mode": "warp"}, follow_redirects=True)
    assert "Nothing was changed" in body(bad) and state(app, ws)["pace"] == "activity"
