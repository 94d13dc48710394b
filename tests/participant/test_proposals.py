"""The phone's "Suggest something missing" page with JavaScript off: plain forms, real CSRF tokens, real database.
Also: a form of an earlier round (from the offline queue) never counts in the current round."""

from __future__ import annotations

import html
from typing import Any

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Response
from tests.support.pages import csrf, join_group, open_activity, post_vote, proposals, text


def send(client: Any, **fields: str) -> Any:
    page = client.get("/propose")
    assert page.status_code == 200
    return client.post("/propose", data={"csrf_token": csrf(text(page)), **fields})


@pytest.fixture
def phone(client: Any, api: Any, workshop: dict[str, Any]) -> Any:
    open_activity(api, workshop)
    assert join_group(client, workshop["join_code"], "workers").status_code == 302
    return client


def test_the_vote_and_waiting_pages_link_to_the_suggest_page(phone: Any, api: Any, workshop: dict[str, Any]) -> None:
    assert 'href="/propose"' in text(phone.get("/p"))
    open_activity(api, workshop, action="close")
    waiting = text(phone.get("/p"))
    assert "Waiting for the facilitator" in waiting and 'href="/propose"' in waiting
    own = text(phone.get("/propose"))
    assert 'class="footer-propose"' not in own  # no link to itself


def test_without_joining_the_page_sends_to_join(client: Any) -> None:
    response = client.get("/propose")
    assert response.status_code == 302 and response.headers["Location"].endswith("/join")


def test_send_a_suggestion_and_see_its_status(phone: Any, app: Any, api: Any, workshop: dict[str, Any]) -> None:
    page = text(phone.get("/propose"))
    assert "Suggest something missing" in page and 'maxlength="120"' in page and 'maxlength="500"' in page
    for kind in ("constraint", "sector", "outlier_firm"):
        assert f'name="kind" value="{kind}"' in page
    response = send(phone, kind="outlier_firm", title="  Karoo   Olive Co ", description="Exports to 12 countries.")
    assert response.status_code == 302 and response.headers["Location"].endswith("/propose")
    after = html.unescape(text(phone.get("/propose")))
    assert "Sent — the facilitator will review it." in after
    assert "Karoo Olive Co" in after and "Waiting for review" in after
    assert proposals(app) == [{"kind": "outlier_firm", "title": "Karoo Olive Co",
                               "description": "Exports to 12 countries.", "status": "pending",
                               "participant": 1, "group": "workers"}]
    # the facilitator merges it: the phone shows the new status and the item's title
    pid = api.get(f"/api/v1/workshops/{workshop['id']}/proposals").get_json()[0]["id"]
    merged = api.post(f"/api/v1/workshops/{workshop['id']}/proposals/{pid}/merge", json={"item": "power"})
    assert merged.status_code == 200
    shown = html.unescape(text(phone.get("/propose")))
    assert "Joined with an existing item" in shown and "as “Electricity”" in shown
    assert "Sent — the facilitator" not in shown  # the confirmation is shown once


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"kind": "", "title": "Roads"}, "kind", "Choose what you suggest"),
    ({"kind": "firm", "title": "Roads"}, "kind", "Choose what you suggest"),
    ({"kind": "sector", "title": "   "}, "title", "Give your suggestion a short title."),
    ({"kind": "sector", "title": "x" * 121}, "title", "at most 120 characters"),
    ({"kind": "sector", "title": "Roads", "description": "y" * 501}, "description", "at most 500 characters"),
])
def test_invalid_forms_are_shown_again_and_save_nothing(phone: Any, app: Any, fields: dict[str, str], field: str,
                                                       message: str) -> None:
    response = send(phone, **fields)
    assert response.status_code == 422
    page = html.unescape(text(response))
    assert f'id="{field}-error"' in page and message in page
    assert "Nothing was sent: please check the form." in page
    if fields.get("title", "").strip() and len(fields["title"]) <= 120:
        assert 'value="Roads"' in page  # what was typed stays in the form
    assert proposals(app) == []


def test_exact_duplicates_are_refused(phone: Any, app: Any) -> None:
    assert send(phone, kind="constraint", title="Power cuts").status_code == 302
    again = send(phone, kind="constraint", title="power  cuts")
    assert again.status_code == 409
    assert "You have already sent this suggestion" in html.unescape(text(again))
    assert send(phone, kind="sector", title="Power cuts").status_code == 302  # another kind is another idea
    assert [p["kind"] for p in proposals(app)] == ["constraint", "sector"]


def test_rate_limited_per_participant(phone: Any, app: Any, client: Any, workshop: dict[str, Any]) -> None:
    for n in range(10):
        assert send(phone, kind="constraint", title=f"Idea {n}").status_code == 302
    refused = send(phone, kind="constraint", title="Idea 10")
    assert refused.status_code == 429
    assert "You have sent 10 suggestions in the last 10 minutes" in html.unescape(text(refused))
    assert len(proposals(app)) == 10


def test_a_form_of_an_earlier_round_does_not_count_now(phone: Any, app: Any, api: Any,
                                                      workshop: dict[str, Any]) -> None:
    assert post_vote(phone, {"finance.x": "2", "finance.y": "3", "round": "1"}).status_code == 200
    rounds = api.post(f"/api/v1/workshops/{workshop['id']}/activities/constraints/rounds")
    assert rounds.status_code == 200
    late = post_vote(phone, {"finance.x": "5", "finance.y": "5", "round": "1"})
    assert late.status_code == 409 and "were not saved" in html.unescape(text(late))
    with app.app_context():
        rows = db.session.execute(sa.select(Response.round, Response.dimension, Response.value)
                                  .order_by(Response.round, Response.dimension)).all()
    assert [tuple(r) for r in rows] == [(1, "x", 2), (1, "y", 3)]
    assert post_vote(phone, {"finance.x": "5", "finance.y": "4", "round": "2"}).status_code == 200
    assert post_vote(phone, {"finance.x": "5", "finance.y": "4"}).status_code == 200  # no round: as before
