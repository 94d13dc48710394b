"""The run console's proposals panel: approve (a new item that may join a pending activity only), merge, reject;
a second decision is a 409 that changes nothing; another facilitator's proposals stay out of reach."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support import builders
from tests.support.builders import small_definition
from tests.support.database import BACKENDS
from tests.support.pages import Browser, body, run_url


@pytest.fixture
def ws(api: Any) -> dict[str, Any]:
    """`constraints` open, `later` (constraints) pending, `sectors` (sectors) pending."""
    definition = small_definition(
        items=small_definition()["items"] + [builders.item("tourism", "Tourism", kind="sector")],
        activities=[
            builders.matrix("constraints", ["finance", "skills"], "Rate the constraints"),
            builders.matrix("later", ["power"], "Constraints, second look"),
            builders.matrix("sectors", ["tourism"], "Rate the sectors"),
        ])
    response = api.post("/api/v1/workshops", json=definition)
    assert response.status_code == 201, response.get_data(as_text=True)
    doc = response.get_json()
    assert api.post(f"/api/v1/workshops/{doc['id']}/activities/constraints/open").status_code == 200
    return doc


def decide_url(ws: dict[str, Any], pid: int, action: str) -> str:
    return f"/facilitator/workshops/{ws['id']}/proposals/{pid}/{action}"


def propose(api: Any, ws: dict[str, Any], kind: str = "constraint", title: str = "Power cuts",
            group: str = "workers", description: str = "") -> int:
    token = api.post("/api/v1/join", json={"code": ws["join_code"], "group": group}, token="").get_json()[
        "participant_token"]
    response = api.post(f"/api/v1/workshops/{ws['id']}/proposals", token=token,
                        json={"kind": kind, "title": title, "description": description})
    assert response.status_code == 201, response.get_data(as_text=True)
    return int(response.get_json()["id"])


def items_of(api: Any, ws: dict[str, Any]) -> tuple[list[str], dict[str, list[str]]]:
    doc = api.get(f"/api/v1/workshops/{ws['id']}").get_json()
    return [i["key"] for i in doc["items"]], {a["key"]: a["items"] for a in doc["activities"]}


def panel(page: str) -> str:
    match = re.search(r'<section class="panel proposals-panel".*?</section>', page, re.S)
    assert match, "the console has no proposals panel"
    return match.group(0)


@BACKENDS
def test_panel_lists_pending_proposals_with_group_never_pseudonym(owner: Browser, api: Any,
                                                                  ws: dict[str, Any]) -> None:
    propose(api, ws, description="Every afternoon")
    propose(api, ws, kind="outlier_firm", title="Karoo Olive Co", group="firms")
    html = panel(body(owner.get(run_url(ws))))
    assert re.search(r"data-proposals-pending>2<", html)
    assert "Power cuts" in html and "Every afternoon" in html and "Workers" in html
    assert "Karoo Olive Co" in html and "Outlier firm" in html and "Employers" in html
    assert not re.search(r"\bP00\d\b", html)  # pseudonyms never appear
    # a constraint may join the pending constraints activity only; the outlier firm the sectors one only
    first, second = re.findall(r'<li class="proposal" id="proposal-\d+".*?</li>', html, re.S)
    assert 'value="later"' in first and 'value="sectors"' not in first and 'value="constraints"' not in first
    assert 'value="sectors"' in second and 'value="later"' not in second


@BACKENDS
def test_approve_creates_an_item_that_joins_a_pending_activity(owner: Browser, api: Any, ws: dict[str, Any]) -> None:
    pid = propose(api, ws, description="Daily outages")
    response = owner.submit(run_url(ws), decide_url(ws, pid, "approve"), {"activity": "later"})
    assert response.status_code == 302
    page = body(owner.get(run_url(ws)))
    assert "“Power cuts” is now an item and joins the activity “Constraints, second look”." in page
    keys, activities = items_of(api, ws)
    assert keys == ["finance", "skills", "power", "tourism", "power-cuts"]
    assert activities == {"constraints": ["finance", "skills"], "later": ["power", "power-cuts"],
                          "sectors": ["tourism"]}
    assert re.search(r"data-proposals-pending>0<", panel(page))
    assert 'data-status="approved"' in panel(page)
    # again: 409, the console says why, nothing changes
    again = owner.submit(run_url(ws), decide_url(ws, pid, "approve"), {"activity": "later"})
    assert again.status_code == 409
    assert "This proposal was already approved; a decided proposal cannot be decided again." in body(again)
    assert items_of(api, ws) == (keys, activities)
    for action, data in (("merge", {"item": "finance"}), ("reject", {})):
        assert owner.submit(run_url(ws), decide_url(ws, pid, action), data).status_code == 409
    assert api.get(f"/api/v1/workshops/{ws['id']}/proposals").get_json()[0]["item"] == "power-cuts"


def test_approve_into_an_open_activity_is_refused_and_changes_nothing(owner: Browser, api: Any,
                                                                     ws: dict[str, Any]) -> None:
    pid = propose(api, ws)
    before = items_of(api, ws)
    response = owner.submit(run_url(ws), decide_url(ws, pid, "approve"), {"activity": "constraints"})
    assert response.status_code == 409
    assert "only an activity that has not started can take new items" in body(response)
    wrong_kind = owner.submit(run_url(ws), decide_url(ws, pid, "approve"), {"activity": "sectors"})
    assert wrong_kind.status_code == 422
    assert items_of(api, ws) == before
    assert api.get(f"/api/v1/workshops/{ws['id']}/proposals").get_json()[0]["status"] == "pending"
    # approving to the item list only still works afterwards
    assert owner.submit(run_url(ws), decide_url(ws, pid, "approve"), {"activity": ""}).status_code == 302
    keys, activities = items_of(api, ws)
    assert keys[-1] == "power-cuts" and all("power-cuts" not in v for v in activities.values())


def test_merge_and_reject(owner: Browser, api: Any, ws: dict[str, Any], app: Any) -> None:
    merged = propose(api, ws, title="Credit")
    rejected = propose(api, ws, title="Weather", group="gov")
    bad = owner.submit(run_url(ws), decide_url(ws, merged, "merge"), {"item": "nope"})
    assert bad.status_code == 422
    ok = owner.submit(run_url(ws), decide_url(ws, merged, "merge"), {"item": "finance"})
    assert ok.status_code == 302
    assert "“Credit” is merged into “Access to finance”." in body(owner.get(run_url(ws)))
    assert owner.submit(run_url(ws), decide_url(ws, rejected, "reject")).status_code == 302
    statuses = {p["title"]: (p["status"], p["item"])
                for p in api.get(f"/api/v1/workshops/{ws['id']}/proposals").get_json()}
    assert statuses == {"Credit": ("merged", "finance"), "Weather": ("rejected", None)}
    assert len(items_of(api, ws)[0]) == 4

    from app.extensions import db
    from app.models import Proposal

    with app.app_context():
        decided = db.session.scalars(sa.select(Proposal.decided_at)).all()
        db.session.remove()
    assert all(d is not None for d in decided)


def test_ownership(owner: Browser, stranger: Browser, api: Any, ws: dict[str, Any], client: Any) -> None:
    pid = propose(api, ws)
    # another facilitator cannot decide (their own pages give them a form token to try with)
    token_page = body(stranger.get("/facilitator/"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_page).group(1)  # type: ignore[union-attr]
    refused = stranger.client.post(decide_url(ws, pid, "reject"), data={"csrf_token": token})
    assert refused.status_code in (403, 404)
    # a proposal id of another workshop is a 404, even for the owner
    second = api.post("/api/v1/workshops", json=small_definition()).get_json()
    assert owner.submit(run_url(ws), decide_url(second, pid, "reject")).status_code == 404
    assert owner.submit(run_url(ws), decide_url(ws, 99999, "reject")).status_code == 404
    assert api.get(f"/api/v1/workshops/{ws['id']}/proposals").get_json()[0]["status"] == "pending"
    # without logging in: the login page
    anonymous = Browser(client.application.test_client())
    assert anonymous.client.post(decide_url(ws, pid, "reject")).status_code in (302, 400)


def test_pending_count_reaches_the_console_live(owner: Browser, api: Any, ws: dict[str, Any], app: Any,
                                                client: Any) -> None:
    from app.extensions import socketio
    from tests.support.realtime import received

    pid = propose(api, ws)
    console = socketio.test_client(app, auth={"workshop": ws["id"]}, flask_test_client=client)
    assert console.is_connected()
    assert received(console, "proposals") == [{"pending": 1}]  # on connect
    phone_token = api.post("/api/v1/join", json={"code": ws["join_code"], "group": "gov"}, token="").get_json()[
        "participant_token"]
    phone = socketio.test_client(app, auth={"participant_token": phone_token})
    phone.get_received()
    propose(api, ws, title="Roads")
    assert received(console, "proposals") == [{"pending": 2}]
    assert owner.submit(run_url(ws), decide_url(ws, pid, "reject")).status_code == 302
    assert received(console, "proposals") == [{"pending": 1}]
    assert [p for p in phone.get_received() if p["name"] == "proposals"] == []  # facilitators only
    console.disconnect()
    phone.disconnect()
