"""The console's actions pages: the top quadrant listed first with "Make an action", add/edit/delete with plain
forms (CSRF checked), a rejected form re-rendered with its errors and nothing saved, and links from the console
and the results page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.builders import small_definition
from tests.support.pages import Browser, body

API = "/api/v1"


@pytest.fixture(autouse=True)
def live_pushes(monkeypatch: pytest.MonkeyPatch) -> None:
    from app import publisher

    monkeypatch.setattr(publisher.hub, "results_changed", lambda activity_id: None)
    monkeypatch.setattr(publisher.hub, "participation_changed", lambda workshop_id: None)


@pytest.fixture
def voted(api: Any, join: Any) -> dict[str, Any]:
    """finance in the top right (named "Quick wins" by default for constraints), power bottom left."""
    doc = api.post(f"{API}/workshops", json=small_definition()).get_json()
    wid = doc["id"]
    assert api.post(f"{API}/workshops/{wid}/activities/constraints/open").status_code == 200
    for group in ("gov", "firms", "workers"):
        for _ in range(3):
            token = join(doc["join_code"], group)
            ratings = [{"item": "finance", "x": 4, "y": 5}, {"item": "power", "x": 1, "y": 2}]
            response = api.put(f"{API}/workshops/{wid}/activities/constraints/responses", token=token,
                               json={"ratings": ratings})
            assert response.status_code == 200
    return doc


def board_url(wid: int) -> str:
    return f"/facilitator/workshops/{wid}/activities/constraints/actions"


def section(page: str, item: str) -> str:
    match = re.search(rf'<article class="action-item" id="item-{item}".*?</article>', page, re.S)
    assert match, item
    return match.group(0)


def test_top_quadrant_first_and_links(owner: Browser, voted: dict[str, Any]) -> None:
    wid = voted["id"]
    console = owner.text(f"/facilitator/workshops/{wid}/run")
    assert board_url(wid) in console
    assert board_url(wid) in owner.text(f"/facilitator/workshops/{wid}/activities/constraints/results")
    page = body(owner.get(board_url(wid)))
    assert "Quick wins" in page
    top, others = page.split("Items of the other quadrants")
    assert 'id="item-finance"' in top and 'id="item-power"' in others
    assert "Deprioritise / monitor" in others  # power's quadrant, by its default name for constraints


def test_add_edit_delete(owner: Browser, api: Any, voted: dict[str, Any]) -> None:
    wid = voted["id"]
    url = board_url(wid)
    response = owner.submit(url, data={"item": "finance", "owner": "Treasury", "due_date": "2027-01-15",
                                       "note": "Draft the guarantee scheme."})
    assert response.status_code == 302
    actions = api.get(f"{API}/workshops/{wid}/actions").get_json()
    assert [(a["item"], a["owner"], a["due_date"], a["note"]) for a in actions] == [
        ("finance", "Treasury", "2027-01-15", "Draft the guarantee scheme.")]
    page = body(owner.get(url))
    assert "Treasury" in section(page, "finance") and "2027-01-15" in section(page, "finance")
    edit = f"/facilitator/workshops/{wid}/actions/{actions[0]['id']}/edit"
    assert owner.submit(edit, data={"owner": "National treasury", "due_date": "", "note": ""}).status_code == 302
    after = api.get(f"{API}/workshops/{wid}/actions").get_json()[0]
    assert (after["owner"], after["due_date"], after["note"]) == ("National treasury", None, "")
    delete = f"/facilitator/workshops/{wid}/actions/{actions[0]['id']}/delete"
    assert owner.submit(url, delete).status_code == 302
    assert api.get(f"{API}/workshops/{wid}/actions").get_json() == []


def test_rejected_form_saves_nothing_and_shows_errors(owner: Browser, api: Any, voted: dict[str, Any]) -> None:
    wid = voted["id"]
    response = owner.submit(board_url(wid), data={"item": "finance", "owner": "", "due_date": "2027-13-01",
                                                  "note": "kept"})
    assert response.status_code == 422
    page = body(response)
    form = section(page, "finance")
    assert "Say who owns this action" in form and "2026-12-31" in form  # both messages beside their fields
    assert ">kept</textarea>" in form  # what was typed comes back
    assert api.get(f"{API}/workshops/{wid}/actions").get_json() == []
    action = api.post(f"{API}/workshops/{wid}/activities/constraints/actions",
                      json={"item": "power", "owner": "Utility"}).get_json()
    edit = f"/facilitator/workshops/{wid}/actions/{action['id']}/edit"
    assert owner.submit(edit, data={"owner": "x" * 121, "due_date": "", "note": ""}).status_code == 422
    assert api.get(f"{API}/workshops/{wid}/actions").get_json()[0]["owner"] == "Utility"


def test_csrf_and_ownership(owner: Browser, stranger: Browser, api: Any, voted: dict[str, Any]) -> None:
    wid = voted["id"]
    assert owner.client.post(board_url(wid), data={"item": "finance", "owner": "A"}).status_code == 400
    assert stranger.get(board_url(wid)).status_code == 403
    action = api.post(f"{API}/workshops/{wid}/activities/constraints/actions",
                      json={"item": "power", "owner": "Utility"}).get_json()
    assert stranger.get(f"/facilitator/workshops/{wid}/actions/{action['id']}/edit").status_code == 403
    assert stranger.submit("/facilitator/", f"/facilitator/workshops/{wid}/actions/{action['id']}/delete"
                           ).status_code == 403
    assert len(api.get(f"{API}/workshops/{wid}/actions").get_json()) == 1
