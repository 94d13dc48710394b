"""Paper ballots: the facilitator enters the votes of people without phones, marked as paper in every export."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.support import builders
from tests.support.builders import small_definition
from tests.support.database import BACKENDS
from tests.support.pages import Browser, body, csrf_from

API = "/api/v1"
MATRIX_FORM = {"group": "workers", "finance.x": "4", "finance.y": "5", "skills.x": "dk", "skills.y": "2"}


@pytest.fixture
def two(api: Any) -> dict[str, Any]:
    """The small workshop plus a points activity (budget 3, at most 2 per item); both open."""
    definition = small_definition()
    definition["activities"].append(builders.points("dots", builders.SMALL_ITEMS, "Spend your dots", budget=3,
                                                    max_per_item=2))
    response = api.post(f"{API}/workshops", json=definition)
    assert response.status_code == 201, response.get_data(as_text=True)
    doc = response.get_json()
    for key in ("constraints", "dots"):
        assert api.post(f"{API}/workshops/{doc['id']}/activities/{key}/open").status_code == 200
    return doc


def paper_url(workshop: dict[str, Any], key: str) -> str:
    return f"/facilitator/workshops/{workshop['id']}/activities/{key}/paper"


def results(api: Any, workshop: dict[str, Any], key: str) -> dict[str, Any]:
    response = api.get(f"{API}/workshops/{workshop['id']}/activities/{key}/results?weighting=per_head")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()  # type: ignore[no-any-return]


def csv_records(api: Any, workshop: dict[str, Any]) -> list[dict[str, str]]:
    response = api.get(f"{API}/workshops/{workshop['id']}/export?format=csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def participants(api: Any, workshop: dict[str, Any]) -> list[dict[str, Any]]:
    archive = api.get(f"{API}/workshops/{workshop['id']}/export?format=json").get_json()
    return archive["participants"]  # type: ignore[no-any-return]


def phone_vote(api: Any, join: Any, workshop: dict[str, Any]) -> None:
    token = join(workshop["join_code"], "gov")
    response = api.put(f"{API}/workshops/{workshop['id']}/activities/constraints/responses",
                       json={"ratings": [{"item": "finance", "x": 2, "y": 3}]}, token=token)
    assert response.status_code == 200, response.get_data(as_text=True)


@BACKENDS
def test_paper_ballots_count_and_are_marked_paper_everywhere(api: Any, join: Any, owner: Browser,
                                                              two: dict[str, Any]) -> None:
    phone_vote(api, join, two)
    assert 'data-paper-link' in body(owner.get(f"/facilitator/workshops/{two['id']}/run"))
    before = results(api, two, "constraints")

    response = owner.submit(paper_url(two, "constraints"), data=MATRIX_FORM)
    assert response.status_code == 302, body(response)
    page = body(owner.get(response.headers["Location"]))
    assert "Paper ballot saved as P002 (Workers)" in page and "Enter another" in page

    after = results(api, two, "constraints")
    assert after["respondents"] == before["respondents"] + 1
    assert after["groups"]["workers"]["respondents"] == before["groups"]["workers"]["respondents"] + 1 == 1
    assert after["groups"]["gov"]["respondents"] == 1

    response = owner.submit(paper_url(two, "dots"), data={"group": "firms", "finance.points": "2",
                                                          "power.points": "1"})
    assert response.status_code == 302, body(response)
    dots = results(api, two, "dots")
    assert dots["respondents"] == 1 and dots["groups"]["firms"]["respondents"] == 1

    records = csv_records(api, two)
    assert list(records[0])[-1] == "channel"
    channels = {(r["activity"], r["participant"], r["item"], r["axis"], r["value"], r["channel"]) for r in records}
    assert channels == {
        ("constraints", "P001", "finance", "x", "2", "phone"), ("constraints", "P001", "finance", "y", "3", "phone"),
        ("constraints", "P002", "finance", "x", "4", "paper"), ("constraints", "P002", "finance", "y", "5", "paper"),
        ("constraints", "P002", "skills", "x", "", "paper"), ("constraints", "P002", "skills", "y", "2", "paper"),
        ("dots", "P003", "finance", "points", "2", "paper"), ("dots", "P003", "power", "points", "1", "paper"),
        ("dots", "P003", "skills", "points", "0", "paper"),  # a points ballot stores every item, blank as 0
    }
    assert {r["group"] for r in records if r["participant"] == "P002"} == {"workers"}

    book = load_workbook(io.BytesIO(api.get(f"{API}/workshops/{two['id']}/export?format=xlsx").get_data()))
    raw = list(book["Raw responses"].iter_rows(values_only=True))
    header = raw[0]
    rows = [dict(zip(header, row, strict=True)) for row in raw[1:]]
    assert {(r["participant"], r["channel"]) for r in rows} == {("P001", "phone"), ("P002", "paper"),
                                                                ("P003", "paper")}
    table = {row[0]: dict(zip(rows_header := book["Participation"][1], row, strict=True))
             for row in book["Participation"].iter_rows(min_row=2, values_only=True)}
    assert [c.value for c in rows_header][6] == "paper ballots"
    paper = {g: t[rows_header[6]] for g, t in table.items()}
    assert paper == {"gov": 0, "firms": 1, "workers": 1}

    # The JSON archive keeps the channel, and so does a workshop imported from it.
    archive = api.get(f"{API}/workshops/{two['id']}/export?format=json").get_json()
    assert {(p["pseudonym"], p["channel"]) for p in archive["participants"]} == {
        ("P001", "phone"), ("P002", "paper"), ("P003", "paper")}
    imported = api.post(f"{API}/workshops/import", json=archive)
    assert imported.status_code == 201, imported.get_data(as_text=True)
    assert {(p["pseudonym"], p["group"], p["channel"]) for p in participants(api, imported.get_json())} == {
        ("P001", "gov", "phone"), ("P002", "workers", "paper"), ("P003", "firms", "paper")}
    assert {r["channel"] for r in csv_records(api, imported.get_json()) if r["participant"] != "P001"} == {"paper"}


@BACKENDS
@pytest.mark.parametrize(("key", "form", "message"), [
    ("constraints", {**MATRIX_FORM, "finance.x": "9"}, "choose a number from 1 to 5"),
    ("constraints", {**MATRIX_FORM, "group": "nobody"}, "Choose the group written on the ballot."),
    ("constraints", {**MATRIX_FORM, "group": ""}, "Choose the group written on the ballot."),
    ("dots", {"group": "gov", "finance.points": "2", "skills.points": "2"}, ""),  # over the budget of 3
    ("dots", {"group": "gov", "finance.points": "3"}, ""),  # over the cap of 2 per item
    ("constraints", {"group": "gov"}, "the ballot is empty"),
])
def test_an_invalid_paper_ballot_saves_nothing(api: Any, owner: Browser, two: dict[str, Any], key: str,
                                               form: dict[str, str], message: str) -> None:
    before = (participants(api, two), results(api, two, key), csv_records(api, two))
    response = owner.submit(paper_url(two, key), data=form)
    assert response.status_code == 422
    page = body(response)
    assert "Nothing was saved" in page and message in page
    assert (participants(api, two), results(api, two, key), csv_records(api, two)) == before
    assert participants(api, two) == []


@BACKENDS
def test_a_closed_activity_refuses_paper_ballots(api: Any, owner: Browser, two: dict[str, Any]) -> None:
    assert api.post(f"{API}/workshops/{two['id']}/activities/constraints/close").status_code == 200
    page = body(owner.get(paper_url(two, "constraints")))
    assert "This activity is closed: open it again to accept ballots." in page
    response = owner.submit(paper_url(two, "constraints"), data=MATRIX_FORM)
    assert response.status_code == 409
    assert "not open: votes are not accepted now" in body(response)
    assert participants(api, two) == [] and csv_records(api, two) == []


def test_only_the_owner_enters_paper_ballots(api: Any, owner: Browser, stranger: Browser,
                                             two: dict[str, Any]) -> None:
    assert owner.get(paper_url(two, "constraints")).status_code == 200
    assert stranger.get(paper_url(two, "constraints")).status_code in (403, 404)
    # The stranger's own valid CSRF token: the refusal is about ownership, not the token.
    response = stranger.client.post(paper_url(two, "constraints"),
                                    data={**MATRIX_FORM, "csrf_token": csrf_from(stranger.text("/facilitator/"))})
    assert response.status_code in (403, 404)
    assert stranger.get(f"/facilitator/workshops/{two['id']}/activities/nothing/paper").status_code in (403, 404)
    assert participants(api, two) == []


def test_a_paper_ballot_needs_the_csrf_token(api: Any, app: Any, owner: Browser, two: dict[str, Any]) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    response = owner.client.post(paper_url(two, "constraints"), data=MATRIX_FORM)
    assert response.status_code == 400
    response = owner.client.post(paper_url(two, "constraints"), data={**MATRIX_FORM, "csrf_token": "forged"})
    assert response.status_code == 400
    assert participants(api, two) == []


def test_login_is_required(client: Any, two: dict[str, Any]) -> None:
    response = client.get(paper_url(two, "constraints"))
    assert response.status_code in (302, 401)
