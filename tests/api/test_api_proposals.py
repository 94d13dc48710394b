"""API: participants' proposals (POST with a participant token) and the facilitator's decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import builders
from tests.support.api import API, activity_url, assert_problem, count_rows, schema_errors
from tests.support.database import BACKENDS

pytestmark = BACKENDS


def definition() -> dict[str, Any]:
    """A constraints matrix (open), a sectors scale (pending) and a constraints scale (pending, no items yet
    is not allowed, so it starts with one item)."""
    return builders.definition(
        "Proposals", groups=builders.three_groups(),
        items=[builders.item("finance", "Access to finance"), builders.item("skills", "Skills"),
               builders.item("tourism", "Tourism", kind="sector")],
        activities=[builders.matrix("constraints", ["finance", "skills"], "Rate the constraints"),
                    builders.scale("sectors", ["tourism"], "Rate the sectors"),
                    builders.scale("again", ["skills"], "Constraints once more")])


@pytest.fixture
def ws(api: Any) -> dict[str, Any]:
    response = api.post(f"{API}/workshops", json=definition())
    assert response.status_code == 201, response.get_data(as_text=True)
    doc = response.get_json()
    assert api.post(activity_url(doc["id"], "constraints", "open")).status_code == 200
    return doc


@pytest.fixture
def phone(ws: dict[str, Any], join: Callable[..., str]) -> str:
    return join(ws["join_code"], "firms")


def url(ws: dict[str, Any], tail: str = "") -> str:
    return f"{API}/workshops/{ws['id']}/proposals{tail}"


def propose(api: Any, ws: dict[str, Any], token: str, **body: Any) -> Any:
    return api.post(url(ws), json={"kind": "constraint", "title": "Power cuts", **body}, token=token)


def test_participant_proposes_and_the_document_names_the_group_only(api: Any, ws: dict[str, Any],
                                                                     phone: str, app: Any) -> None:
    response = propose(api, ws, phone, description="  Outages every afternoon.  ")
    assert response.status_code == 201, response.get_data(as_text=True)
    doc = response.get_json()
    assert doc["kind"] == "constraint" and doc["title"] == "Power cuts" and doc["status"] == "pending"
    assert doc["description"] == "Outages every afternoon."
    assert doc["group"] == "firms" and doc["group_name"] == "Employers"
    assert doc["item"] is None and doc["decided_at"] is None
    assert "participant" not in doc and "pseudonym" not in doc and "P001" not in str(doc)
    spec = api.get(f"{API}/openapi.json", token="").get_json()
    assert schema_errors(doc, {"$ref": "#/components/schemas/Proposal"}, spec) == []
    # the facilitator sees it; the participant sees their own; another participant sees none of it
    listed = api.get(url(ws)).get_json()
    assert [p["id"] for p in listed] == [doc["id"]]
    assert [p["id"] for p in api.get(url(ws), token=phone).get_json()] == [doc["id"]]
    other = api.post(f"{API}/join", json={"code": ws["join_code"], "group": "gov"}, token="").get_json()
    assert api.get(url(ws), token=other["participant_token"]).get_json() == []
    assert count_rows(app, "Proposal") == 1


def test_validation_duplicates_and_check_order(api: Any, ws: dict[str, Any], phone: str, app: Any) -> None:
    assert_problem(api.post(url(ws), json={"kind": "constraint", "title": "x"}, token=""), 401)
    assert_problem(api.post(url(ws), json={"kind": "constraint", "title": "x"}, token="forged"), 401)
    assert_problem(api.post(f"{API}/workshops/99999/proposals", json={}, token=phone), 404)
    # a facilitator token is not a participant token
    assert_problem(api.post(url(ws), json={"kind": "constraint", "title": "x"}), 401)
    assert_problem(propose(api, ws, phone, kind="firm"), 422, "kind")
    assert_problem(propose(api, ws, phone, title="   "), 422, "title")
    assert_problem(propose(api, ws, phone, title="x" * 121), 422, "title")
    assert_problem(propose(api, ws, phone, description="y" * 501), 422, "description")
    assert_problem(propose(api, ws, phone, description=7), 422, "description")
    assert_problem(api.post(url(ws), data="not json", token=phone), 422)
    assert count_rows(app, "Proposal") == 0
    assert propose(api, ws, phone, title="x" * 120, description="y" * 500).status_code == 201
    assert propose(api, ws, phone).status_code == 201
    # the same suggestion again (spacing and case aside) is refused; another kind with that title is not
    problem = assert_problem(propose(api, ws, phone, title=" power   CUTS "), 409)
    assert "already sent" in problem["detail"]
    assert propose(api, ws, phone, kind="sector").status_code == 201
    assert count_rows(app, "Proposal") == 3


def test_another_workshops_participant_is_forbidden(api: Any, ws: dict[str, Any], join: Callable[..., str]) -> None:
    second = api.post(f"{API}/workshops", json=definition()).get_json()
    stranger = join(second["join_code"], "gov")
    assert_problem(propose(api, ws, stranger), 403)
    assert_problem(api.get(url(ws), token=stranger), 403)


def test_rate_limit_ten_per_ten_minutes(api: Any, ws: dict[str, Any], phone: str, app: Any,
                                        join: Callable[..., str]) -> None:
    for n in range(10):
        assert propose(api, ws, phone, title=f"Idea {n}").status_code == 201
    problem = assert_problem(propose(api, ws, phone, title="Idea 10"), 429)
    assert "10 suggestions" in problem["detail"]
    assert count_rows(app, "Proposal") == 10
    # per participant: someone else may still send
    assert propose(api, ws, join(ws["join_code"], "gov"), title="Idea 10").status_code == 201
    # older suggestions fall out of the window
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Proposal, utcnow

    with app.app_context():
        db.session.execute(sa.update(Proposal).values(created_at=utcnow() - __import__("datetime").timedelta(
            minutes=11)))
        db.session.commit()
        db.session.remove()
    assert propose(api, ws, phone, title="Idea 11").status_code == 201


def test_approve_creates_an_item_and_joins_a_pending_activity(api: Any, ws: dict[str, Any], phone: str) -> None:
    pid = propose(api, ws, phone, title="Power cuts!", description="Daily.").get_json()["id"]
    response = api.post(url(ws, f"/{pid}/approve"), json={"activity": "again"})
    assert response.status_code == 200, response.get_data(as_text=True)
    doc = response.get_json()
    assert doc["status"] == "approved" and doc["item"] == "power-cuts" and doc["decided_at"]
    workshop = api.get(f"{API}/workshops/{ws['id']}").get_json()
    item = next(i for i in workshop["items"] if i["key"] == "power-cuts")
    assert item == {**item, "kind": "constraint", "title": "Power cuts!", "description": "Daily."}
    activities = {a["key"]: a for a in workshop["activities"]}
    assert activities["again"]["items"] == ["skills", "power-cuts"]
    assert activities["constraints"]["items"] == ["finance", "skills"]
    # decided once: a second decision of any kind is a 409 that changes nothing
    for action, body in (("approve", {}), ("merge", {"item": "finance"}), ("reject", None)):
        problem = assert_problem(api.post(url(ws, f"/{pid}/{action}"), json=body), 409)
        assert "already approved" in problem["detail"]
    assert [i["key"] for i in api.get(f"{API}/workshops/{ws['id']}").get_json()["items"]].count("power-cuts") == 1


def test_approve_refuses_an_open_activity_or_another_kind_and_changes_nothing(api: Any, ws: dict[str, Any],
                                                                            phone: str, app: Any) -> None:
    pid = propose(api, ws, phone).get_json()["id"]
    items_before = count_rows(app, "Item")
    assert_problem(api.post(url(ws, f"/{pid}/approve"), json={"activity": "constraints"}), 409)  # open
    assert_problem(api.post(url(ws, f"/{pid}/approve"), json={"activity": "sectors"}), 422, "activity")
    assert_problem(api.post(url(ws, f"/{pid}/approve"), json={"activity": "nope"}), 422, "activity")
    assert api.post(activity_url(ws["id"], "constraints", "close")).status_code == 200
    assert_problem(api.post(url(ws, f"/{pid}/approve"), json={"activity": "constraints"}), 409)  # closed
    assert count_rows(app, "Item") == items_before
    assert api.get(url(ws, "?status=pending")).get_json()[0]["id"] == pid
    # an outlier firm becomes a sector item and may join the sectors activity
    firm = propose(api, ws, phone, kind="outlier_firm", title="Karoo Olive Co").get_json()["id"]
    doc = api.post(url(ws, f"/{firm}/approve"), json={"activity": "sectors"}).get_json()
    workshop = api.get(f"{API}/workshops/{ws['id']}").get_json()
    assert next(i for i in workshop["items"] if i["key"] == doc["item"])["kind"] == "sector"
    assert next(a for a in workshop["activities"] if a["key"] == "sectors")["items"] == ["tourism", doc["item"]]


def test_item_keys_are_unique_slugs(api: Any, ws: dict[str, Any], phone: str, join: Callable[..., str]) -> None:
    other = join(ws["join_code"], "workers")
    first = propose(api, ws, phone, title="Skills").get_json()["id"]
    second = propose(api, ws, other, title="Skills").get_json()["id"]
    third = propose(api, ws, other, title="العمالة الماهرة").get_json()["id"]
    assert api.post(url(ws, f"/{first}/approve")).get_json()["item"] == "skills-2"
    assert api.post(url(ws, f"/{second}/approve")).get_json()["item"] == "skills-3"
    assert api.post(url(ws, f"/{third}/approve")).get_json()["item"] == "proposal"


def test_merge_and_reject(api: Any, ws: dict[str, Any], phone: str, app: Any) -> None:
    merged = propose(api, ws, phone, title="Credit").get_json()["id"]
    rejected = propose(api, ws, phone, title="Weather").get_json()["id"]
    items = count_rows(app, "Item")
    assert_problem(api.post(url(ws, f"/{merged}/merge"), json={}), 422, "item")
    assert_problem(api.post(url(ws, f"/{merged}/merge"), json={"item": "nope"}), 422, "item")
    doc = api.post(url(ws, f"/{merged}/merge"), json={"item": "finance"}).get_json()
    assert doc["status"] == "merged" and doc["item"] == "finance"
    doc = api.post(url(ws, f"/{rejected}/reject")).get_json()
    assert doc["status"] == "rejected" and doc["item"] is None and doc["decided_at"]
    assert count_rows(app, "Item") == items
    assert [p["status"] for p in api.get(url(ws), token=phone).get_json()] == ["rejected", "merged"]
    assert [p["id"] for p in api.get(url(ws, "?status=merged")).get_json()] == [merged]
    assert_problem(api.get(url(ws, "?status=maybe")), 422, "status")


def test_decisions_check_order(api: Any, other_api: Any, ws: dict[str, Any], phone: str) -> None:
    pid = propose(api, ws, phone).get_json()["id"]
    assert_problem(api.post(url(ws, f"/{pid}/reject"), token=""), 401)
    assert_problem(api.post(url(ws, f"/{pid}/reject"), token=phone), 401)  # a participant cannot decide
    assert_problem(api.post(url(ws, "/99999/reject")), 404)
    assert_problem(api.post(f"{API}/workshops/99999/proposals/{pid}/reject"), 404)
    assert_problem(other_api.post(url(ws, f"/{pid}/reject")), 403)
    assert_problem(other_api.get(url(ws)), 403)
    second = api.post(f"{API}/workshops", json=definition()).get_json()
    assert_problem(api.post(f"{API}/workshops/{second['id']}/proposals/{pid}/reject"), 404)  # not its proposal
    assert_problem(api.post(url(ws, f"/{pid}/approve"), data="[1]", content_type="application/json"), 422)
    assert api.get(url(ws)).get_json()[0]["status"] == "pending"


def test_live_count_goes_to_the_facilitators_room(api: Any, ws: dict[str, Any], phone: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services import live

    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(live, "proposals_changed", lambda workshop_id, n: sent.append((workshop_id, n)))
    first = propose(api, ws, phone).get_json()["id"]
    propose(api, ws, phone, title="Roads")
    assert_problem(propose(api, ws, phone), 409)  # refused: no event
    api.post(url(ws, f"/{first}/reject"))
    assert sent == [(ws["id"], 1), (ws["id"], 2), (ws["id"], 1)]
