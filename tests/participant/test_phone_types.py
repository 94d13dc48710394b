"""Phone forms of the scale, points, ranking and criteria activities with JavaScript off (Flask test client).

Each test sends what a plain HTML form sends, then reads back what was saved through the participation service;
a bad ballot must show a message next to the right control and save nothing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Participant, Response
from app.services import participation
from tests.support.builders import typed_definition
from tests.support.database import BACKENDS
from tests.support.pages import csrf, join_group, open_activity, text

#: Both databases: PostgreSQL at 127.0.0.1:5432 (skipped with a reason when absent, failed under CI).
pytestmark = BACKENDS


@pytest.fixture
def typed(api: Any) -> dict[str, Any]:
    response = api.post("/api/v1/workshops", json=typed_definition())
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def phone(client: Any, api: Any, typed: dict[str, Any], key: str, group: str = "firms") -> Any:
    open_activity(api, typed, key)
    assert join_group(client, typed["join_code"], group).status_code == 302
    return client


def send(client: Any, key: str, values: dict[str, str]) -> Any:
    page = client.get(f"/p/{key}")
    assert page.status_code == 200, text(page)
    return client.post(f"/p/{key}", data={"csrf_token": csrf(text(page)), **values})


def stored(app: Any, key: str) -> dict[tuple[str, str], int | None]:
    with app.app_context():
        participant = db.session.scalars(sa.select(Participant)).one()
        return participation.saved_values(participant, participant.workshop.activity(key))


def response_rows(app: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(Response)) or 0)


def item_section(html: str, item: str) -> str:
    match = re.search(rf'<section class="item card[^"]*" id="item-{item}".*?</section>', html, re.S)
    assert match, f"no card for {item}"
    return match.group(0)


# --- scale ---------------------------------------------------------------------------------------------------

def test_scale_form_saves_values_and_dont_know(app: Any, client: Any, api: Any, typed: dict[str, Any]) -> None:
    phone(client, api, typed, "urgency")
    html = text(client.get("/p/urgency"))
    assert html.count('name="finance.value"') == 5  # 1..4 and don't know, one row of buttons
    response = send(client, "urgency", {"finance.value": "4", "skills.value": "dk"})
    assert response.status_code == 200
    assert "Saved 2 ratings." in text(response)
    assert stored(app, "urgency") == {("finance", "value"): 4, ("skills", "value"): None}
    assert 'value="4" checked' in item_section(text(response), "finance")


def test_scale_out_of_range_is_shown_by_the_item_and_saves_nothing(app: Any, client: Any, api: Any,
                                                                   typed: dict[str, Any]) -> None:
    phone(client, api, typed, "urgency")
    response = send(client, "urgency", {"finance.value": "3", "skills.value": "9"})
    assert response.status_code == 422
    html = text(response)
    assert "Nothing was saved" in html
    assert "field-error" in item_section(html, "skills") and "field-error" not in item_section(html, "finance")
    assert response_rows(app) == 0


def test_empty_scale_form_is_a_message(app: Any, client: Any, api: Any, typed: dict[str, Any]) -> None:
    phone(client, api, typed, "urgency")
    response = send(client, "urgency", {})
    assert response.status_code == 422
    assert "Nothing was saved: Answer at least one item first." in text(response)
    assert response_rows(app) == 0


# --- points --------------------------------------------------------------------------------------------------

def test_points_form_replaces_the_whole_ballot(app: Any, client: Any, api: Any, typed: dict[str, Any]) -> None:
    phone(client, api, typed, "dots")
    html = text(client.get("/p/dots"))
    assert "3 of 3 points left" in re.sub(r"<[^>]+>", "", html)
    assert 'max="2"' in html  # the cap per item, for the stepper and the number box
    response = send(client, "dots", {"finance.points": "2", "skills.points": "1", "power.points": ""})
    assert response.status_code == 200, text(response)
    assert "Your points are saved." in text(response)
    assert stored(app, "dots") == {("finance", "points"): 2, ("skills", "points"): 1, ("power", "points"): 0}
    assert "0 of 3 points left" in re.sub(r"<[^>]+>", "", text(response))
    # A second ballot replaces the first: finance's points go away.
    send(client, "dots", {"power.points": "1"})
    assert stored(app, "dots") == {("finance", "points"): 0, ("skills", "points"): 0, ("power", "points"): 1}


@pytest.mark.parametrize(("values", "where"), [
    ({"finance.points": "2", "skills.points": "2"}, None),       # 4 points of a budget of 3
    ({"finance.points": "3"}, "finance"),                         # above the cap of 2
    ({"finance.points": "two"}, "finance"),                       # not a number
])
def test_bad_points_ballot_says_why_and_keeps_the_old_one(app: Any, client: Any, api: Any, typed: dict[str, Any],
                                                          values: dict[str, str], where: str | None) -> None:
    phone(client, api, typed, "dots")
    assert send(client, "dots", {"power.points": "1"}).status_code == 200
    before = stored(app, "dots")
    response = send(client, "dots", values)
    assert response.status_code == 422
    html = text(response)
    assert "Nothing was saved" in html
    if where:
        assert "field-error" in item_section(html, where)
    else:
        assert re.search(r"budget|at most 3|more than", html, re.I), "the budget is not explained"
    assert stored(app, "dots") == before
    assert 'value="' + values.get("finance.points", "") + '"' in item_section(html, "finance")  # input kept


# --- ranking -------------------------------------------------------------------------------------------------

def test_ranking_with_selects_saves_the_order(app: Any, client: Any, api: Any, typed: dict[str, Any]) -> None:
    phone(client, api, typed, "order")
    html = text(client.get("/p/order"))
    select = re.search(r'<select name="power.rank".*?</select>', html, re.S)
    assert select and select.group(0).count("<option") == 3  # not ranked, 1, 2 (top 2)
    response = send(client, "order", {"power.rank": "1", "finance.rank": "2", "skills.rank": ""})
    assert response.status_code == 200 and "Your order is saved." in text(response)
    assert stored(app, "order") == {("power", "rank"): 1, ("finance", "rank"): 2}
    assert '<option value="1" selected>' in item_section(text(response), "power")
    send(client, "order", {"skills.rank": "1"})
    assert stored(app, "order") == {("skills", "rank"): 1}


@pytest.mark.parametrize(("values", "message"), [
    ({"power.rank": "1", "finance.rank": "1"}, "Place 1 is given to more than one item"),
    ({"power.rank": "2"}, "Place 1 is empty"),
    ({}, "Nothing was saved: Give place 1 to at least one item."),
    ({"power.rank": "1", "finance.rank": "2", "skills.rank": "3"}, None),  # beyond the top 2: the service says no
])
def test_bad_ranking_saves_nothing(app: Any, client: Any, api: Any, typed: dict[str, Any], values: dict[str, str],
                                   message: str | None) -> None:
    phone(client, api, typed, "order")
    response = send(client, "order", values)
    assert response.status_code == 422
    html = text(response)
    assert "Nothing was saved" in html and "Nothing was saved: Nothing was saved" not in html
    if message:
        assert message in html
    assert response_rows(app) == 0


# --- criteria ------------------------------------------------------------------------------------------------

def test_criteria_cards_save_scores(app: Any, client: Any, api: Any, typed: dict[str, Any]) -> None:
    phone(client, api, typed, "sectors")
    html = text(client.get("/p/sectors"))
    card = item_section(html, "skills")
    assert "Employment potential" in card and "Risk" in card and "lower is better" in card
    response = send(client, "sectors", {"skills.jobs": "5", "skills.risk": "dk", "power.jobs": "2"})
    assert response.status_code == 200 and "Saved 3 scores." in text(response)
    assert stored(app, "sectors") == {("skills", "jobs"): 5, ("skills", "risk"): None, ("power", "jobs"): 2}
    assert 'chip-ok' in item_section(text(response), "skills")      # both criteria answered
    assert 'chip-ok' not in item_section(text(response), "power")   # one of two


def test_criteria_out_of_range_saves_nothing(app: Any, client: Any, api: Any, typed: dict[str, Any]) -> None:
    phone(client, api, typed, "sectors")
    response = send(client, "sectors", {"skills.jobs": "5", "power.risk": "6"})
    assert response.status_code == 422
    assert "field-error" in item_section(text(response), "power")
    assert response_rows(app) == 0


# --- the list page and Delphi rounds -------------------------------------------------------------------------

def test_closed_type_activity_refuses_a_late_ballot(app: Any, client: Any, api: Any, typed: dict[str, Any]) -> None:
    phone(client, api, typed, "dots")
    page = client.get("/p/dots")
    open_activity(api, typed, "dots", "close")
    response = client.post("/p/dots", data={"csrf_token": csrf(text(page)), "finance.points": "1"})
    assert response.status_code == 409
    assert response_rows(app) == 0


def test_round_two_shows_the_previous_round_first(app: Any, client: Any, api: Any, typed: dict[str, Any],
                                                  join: Any) -> None:
    open_activity(api, typed, "urgency")
    for group in ("gov", "firms", "workers"):
        for value in (1, 3, 4):
            token = join(typed["join_code"], group)
            response = api.put(f"/api/v1/workshops/{typed['id']}/activities/urgency/responses", token=token,
                                json={"ratings": [{"item": "finance", "value": value}]})
            assert response.status_code in (200, 201), response.get_data(as_text=True)
    phone(client, api, typed, "urgency")
    assert "what the room said" not in text(client.get("/p/urgency"))
    response = api.post(f"/api/v1/workshops/{typed['id']}/activities/urgency/rounds")
    assert response.status_code == 200, response.get_data(as_text=True)
    html = text(client.get("/p/urgency"))
    assert "Round 2: what the room said in round 1" in html
    previous = re.search(r'<ol class="previous-list">.*?</ol>', html, re.S)
    assert previous, "no summary of round 1"
    # 9 ratings of finance, three per group: (1 + 3 + 4) / 3 in every group, so the group-weighted mean is 2.67.
    assert re.search(r"Access to finance</span> <b>2\.7</b>", previous.group(0))
    response = send(client, "urgency", {"finance.value": "2"})
    assert response.status_code == 200
    with app.app_context():
        rounds = dict(db.session.execute(sa.select(Response.round, sa.func.count()).group_by(Response.round)).all())
    assert rounds == {1: 9, 2: 1}  # round 1 is kept


def test_matrix_round_two_shows_both_axes_of_round_one(app: Any, client: Any, api: Any, typed: dict[str, Any],
                                                       join: Any) -> None:
    open_activity(api, typed, "constraints")
    for group in ("gov", "firms", "workers"):
        for severity in (2, 4, 5):
            token = join(typed["join_code"], group)
            response = api.put(f"/api/v1/workshops/{typed['id']}/activities/constraints/responses", token=token,
                               json={"ratings": [{"item": "skills", "x": 1, "y": severity}]})
            assert response.status_code == 200, response.get_data(as_text=True)
    assert api.post(f"/api/v1/workshops/{typed['id']}/activities/constraints/rounds").status_code == 200
    phone(client, api, typed, "constraints")
    html = text(client.get("/p/constraints"))
    assert "Round 2: what the room said in round 1" in html
    # Every group: severity (2 + 4 + 5) / 3 = 3.67, tractability 1.
    assert re.search(r"Skills</span> <b>Severity 3\.7 · Tractability 1\.0</b>", html)
    assert 'name="skills.y"' in html  # and the form to rate again
