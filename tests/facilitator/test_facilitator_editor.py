"""The workshop editor: every form saves valid input, shows errors next to the fields, and saves nothing else.

What people have answered is protected: groups with participants and items or activities with responses
cannot be deleted, and an activity's items and scales are frozen after the first vote.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.pages import Browser, assert_rejected, body, document, url

MATRIX = {"key": "sectors", "title": "Rate the sectors", "items": ["finance", "power"],
          "x_label": "Feasibility", "x_min": "1", "x_max": "5", "x_hint": "Can we win here?",
          "y_label": "Attractiveness", "y_min": "1", "y_max": "5", "y_hint": "",
          "q_top_left": "Strategic bets", "q_top_right": "Priorities", "q_bottom_left": "Not now",
          "q_bottom_right": "Low-hanging fruit"}


def vote(api: Any, join: Any, workshop: dict[str, Any], ratings: list[dict[str, Any]] | None = None) -> None:
    """One phone joins and rates finance in the constraints matrix, through the public API."""
    assert api.post(f"/api/v1/workshops/{workshop['id']}/activities/constraints/open").status_code == 200
    token = join(workshop["join_code"], "gov")
    response = api.put(f"/api/v1/workshops/{workshop['id']}/activities/constraints/responses",
                       json={"ratings": ratings or [{"item": "finance", "x": 4, "y": 5}]}, token=token)
    assert response.status_code == 200, response.get_data(as_text=True)


# --- the editor page ---------------------------------------------------------------------------------------

def test_editor_shows_the_whole_workshop(owner: Browser, workshop: dict[str, Any]) -> None:
    page = body(owner.get(url(workshop)))
    for text in ("Test workshop", workshop["join_code"], "Government", "Access to finance", "Rate the constraints",
                 "Severity", "Tractability", "Not started"):
        assert text in page
    assert "Not ready" not in page
    assert url(workshop, "/run") in page


# --- settings ----------------------------------------------------------------------------------------------

def test_settings_save(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    response = owner.submit(url(workshop), url(workshop, "/settings"), {
        "title": "Renamed", "language": "es", "min_group_size": "7", "method_note": "Perceptions, not proof."})
    assert response.status_code == 302
    doc = document(api, workshop)
    assert (doc["title"], doc["language"], doc["min_group_size"], doc["method_note"]) == (
        "Renamed", "es", 7, "Perceptions, not proof.")
    assert doc["second_language"] == ""
    assert "Settings saved." in body(owner.get(url(workshop)))


def test_settings_save_a_second_language(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    page = body(owner.get(url(workshop)))
    assert 'name="second_language"' in page and "Second language" in page
    response = owner.submit(url(workshop), url(workshop, "/settings"), {
        "title": "Bilingual", "language": "en", "second_language": "fr", "min_group_size": "5"})
    assert response.status_code == 302
    assert document(api, workshop)["second_language"] == "fr"
    assert '<option selected value="fr">' in body(owner.get(url(workshop))).split('name="second_language"')[1]
    owner.submit(url(workshop), url(workshop, "/settings"), {
        "title": "Bilingual", "language": "en", "second_language": "", "min_group_size": "5"})
    assert document(api, workshop)["second_language"] == ""


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"title": "", "language": "en", "min_group_size": "5"}, "title", "This field is required."),
    ({"title": "X", "language": "en", "min_group_size": "2"}, "min_group_size", "at least 3"),
    ({"title": "X", "language": "xx", "min_group_size": "5"}, "language", "Not a valid choice"),
    ({"title": "X" * 201, "language": "en", "min_group_size": "5"}, "title", "200 characters"),
    ({"title": "X", "language": "fr", "second_language": "fr", "min_group_size": "5"}, "second_language",
     "must differ from the workshop's language"),
    ({"title": "X", "language": "en", "second_language": "xx", "min_group_size": "5"}, "second_language",
     "Not a valid choice"),
])
def test_settings_reject_invalid_input(api: Any, owner: Browser, workshop: dict[str, Any], data: dict[str, str],
                                       field: str, message: str) -> None:
    before = document(api, workshop)
    assert_rejected(owner.submit(url(workshop), url(workshop, "/settings"), data), 422, field, message)
    assert document(api, workshop) == before


# --- stakeholder groups ------------------------------------------------------------------------------------

def test_add_edit_move_and_delete_a_group(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    response = owner.submit(url(workshop, "/groups/new"), data={
        "key": "academia", "name": "Academia", "weight": "0.5", "expected": "6", "description": "Universities"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#groups")
    group = document(api, workshop)["groups"][-1]
    assert group == {"key": "academia", "name": "Academia", "weight": 0.5, "expected": 6,
                     "description": "Universities", "observer": False, "name_2": ""}

    response = owner.submit(url(workshop, "/groups/academia/edit"), data={
        "key": "research", "name": "Research", "weight": "0", "expected": "", "description": "", "observer": "y"})
    assert response.status_code == 302
    assert document(api, workshop)["groups"][-1] == {"key": "research", "name": "Research", "weight": 0.0,
                                                     "expected": None, "description": "", "observer": True,
                                                     "name_2": ""}

    owner.submit(url(workshop), url(workshop, "/groups/research/move"), {"direction": "up"})
    assert [g["key"] for g in document(api, workshop)["groups"]] == ["gov", "firms", "research", "workers"]
    owner.submit(url(workshop), url(workshop, "/groups/gov/move"), {"direction": "up"})  # already first
    assert [g["key"] for g in document(api, workshop)["groups"]] == ["gov", "firms", "research", "workers"]

    response = owner.submit(url(workshop), url(workshop, "/groups/research/delete"))
    assert response.status_code == 302
    assert [g["key"] for g in document(api, workshop)["groups"]] == ["gov", "firms", "workers"]


def test_edit_form_is_prefilled(owner: Browser, workshop: dict[str, Any]) -> None:
    page = body(owner.get(url(workshop, "/groups/firms/edit")))
    assert 'value="firms"' in page and 'value="Employers"' in page and 'value="1.0"' in page


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"key": "Bad Key", "name": "X", "weight": "1"}, "key", "lower-case letters"),
    ({"key": "x", "name": "", "weight": "1"}, "name", "This field is required."),
    ({"key": "x", "name": "X", "weight": "-1"}, "weight", "at least 0"),
    ({"key": "x", "name": "X", "weight": "heavy"}, "weight", "Not a valid float value."),
    ({"key": "x", "name": "X", "weight": "nan"}, "weight", "at least 0"),
    ({"key": "x", "name": "X", "weight": "1", "expected": "-3"}, "expected", "at least 0"),
    # Only the service knows the other keys: its error is shown next to the field as well.
    ({"key": "workers", "name": "X", "weight": "1"}, "key", "already uses the key 'workers'"),
])
def test_group_form_rejects_invalid_input(api: Any, owner: Browser, workshop: dict[str, Any],
                                          data: dict[str, str], field: str, message: str) -> None:
    before = document(api, workshop)
    assert_rejected(owner.submit(url(workshop, "/groups/new"), data=data), 422, field, message)
    assert_rejected(owner.submit(url(workshop, "/groups/gov/edit"), data=data), 422, field, message)
    assert document(api, workshop) == before


def test_a_group_with_participants_cannot_be_deleted_or_rekeyed(api: Any, owner: Browser, join: Any,
                                                                  workshop: dict[str, Any]) -> None:
    join(workshop["join_code"], "gov")
    before = document(api, workshop)
    page = assert_rejected(owner.submit(url(workshop), url(workshop, "/groups/gov/delete")), 409, None,
                           "cannot be deleted")
    assert "1 participant(s) joined" in page
    assert_rejected(owner.submit(url(workshop, "/groups/gov/edit"), data={
        "key": "government", "name": "Government", "weight": "1"}), 409, "key", "Frozen")
    assert document(api, workshop) == before
    # The name and weight may still change: that is the facilitator's call, not the participants' answers.
    owner.submit(url(workshop, "/groups/gov/edit"), data={"key": "gov", "name": "Public sector", "weight": "2"})
    assert document(api, workshop)["groups"][0]["name"] == "Public sector"


def test_the_last_group_cannot_be_deleted(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    for key in ("firms", "workers"):
        assert owner.submit(url(workshop), url(workshop, f"/groups/{key}/delete")).status_code == 302
    assert_rejected(owner.submit(url(workshop), url(workshop, "/groups/gov/delete")), 409, None,
                    "at least one stakeholder group")
    assert [g["key"] for g in document(api, workshop)["groups"]] == ["gov"]


def test_unknown_entity_is_404(owner: Browser, workshop: dict[str, Any]) -> None:
    assert owner.get(url(workshop, "/groups/nope/edit")).status_code == 404
    assert owner.submit(url(workshop), url(workshop, "/items/nope/delete")).status_code == 404


# --- items -------------------------------------------------------------------------------------------------

def test_add_edit_and_delete_an_item(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    response = owner.submit(url(workshop, "/items/new"), data={
        "key": "agro", "kind": "sector", "title": "Agro-processing", "description": "Food and drink",
        "category": "agriculture", "locus": ""})
    assert response.status_code == 302
    assert document(api, workshop)["items"][-1] == {
        "key": "agro", "kind": "sector", "title": "Agro-processing", "title_2": "", "description": "Food and drink",
        "evidence": "", "category": "agriculture", "locus": ""}
    owner.submit(url(workshop, "/items/agro/edit"), data={
        "key": "agro", "kind": "sector", "title": "Agro-processing and food", "locus": "regional"})
    item = document(api, workshop)["items"][-1]
    assert (item["title"], item["locus"], item["description"]) == ("Agro-processing and food", "regional", "")
    owner.submit(url(workshop, "/items/agro/edit"), data={
        "key": "agro", "kind": "sector", "title": "Agro-processing", "title_2": "Agro-industrie",
        "evidence": "Food is 30% of exports: https://example.org/trade"})
    item = document(api, workshop)["items"][-1]
    assert (item["title_2"], item["evidence"]) == ("Agro-industrie", "Food is 30% of exports: https://example.org/trade")
    page = body(owner.get(url(workshop, "/items/agro/edit")))
    assert 'value="Agro-industrie"' in page and "Food is 30% of exports" in page
    assert "Title in second language" in page and "Evidence" in page
    assert owner.submit(url(workshop), url(workshop, "/items/agro/delete")).status_code == 302
    assert [i["key"] for i in document(api, workshop)["items"]] == ["finance", "skills", "power"]


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"key": "", "kind": "constraint", "title": "X"}, "key", "This field is required."),
    ({"key": "-x", "kind": "constraint", "title": "X"}, "key", "starting with a letter or digit"),
    ({"key": "x", "kind": "policy", "title": "X"}, "kind", "Not a valid choice"),
    ({"key": "x", "kind": "constraint", "title": "  "}, "title", "This field is required."),
    ({"key": "x", "kind": "constraint", "title": "X", "locus": "galactic"}, "locus", "Not a valid choice"),
    ({"key": "skills", "kind": "constraint", "title": "X"}, "key", "already uses the key 'skills'"),
    ({"key": "x", "kind": "constraint", "title": "X", "title_2": "Y" * 201}, "title_2", "200 characters"),
    ({"key": "x", "kind": "constraint", "title": "X", "evidence": "E" * 2001}, "evidence", "2000 characters"),
])
def test_item_form_rejects_invalid_input(api: Any, owner: Browser, workshop: dict[str, Any],
                                         data: dict[str, str], field: str, message: str) -> None:
    before = document(api, workshop)
    assert_rejected(owner.submit(url(workshop, "/items/new"), data=data), 422, field, message)
    assert_rejected(owner.submit(url(workshop, "/items/finance/edit"), data=data), 422, field, message)
    assert document(api, workshop) == before


def test_deleting_an_unrated_item_removes_it_from_its_activity(api: Any, owner: Browser,
                                                                workshop: dict[str, Any]) -> None:
    assert owner.submit(url(workshop), url(workshop, "/items/skills/delete")).status_code == 302
    doc = document(api, workshop)
    assert [i["key"] for i in doc["items"]] == ["finance", "power"]
    assert doc["activities"][0]["items"] == ["finance", "power"]


def test_the_only_item_of_an_activity_cannot_be_deleted(api: Any, owner: Browser,
                                                          workshop: dict[str, Any]) -> None:
    for key in ("skills", "power"):
        owner.submit(url(workshop), url(workshop, f"/items/{key}/delete"))
    assert_rejected(owner.submit(url(workshop), url(workshop, "/items/finance/delete")), 409, None,
                    "only item of")
    assert document(api, workshop)["activities"][0]["items"] == ["finance"]


def test_rated_items_cannot_be_deleted(api: Any, owner: Browser, join: Any, workshop: dict[str, Any]) -> None:
    vote(api, join, workshop)
    before = document(api, workshop)
    assert_rejected(owner.submit(url(workshop), url(workshop, "/items/finance/delete")), 409, None,
                    "an item with responses cannot be deleted")
    # skills has no value of its own, but its activity has responses: its items are frozen.
    assert_rejected(owner.submit(url(workshop), url(workshop, "/items/skills/delete")), 409, None,
                    "its items are frozen")
    assert_rejected(owner.submit(url(workshop, "/items/finance/edit"), data={
        "key": "money", "kind": "constraint", "title": "Access to finance"}), 409, "key", "Frozen")
    assert document(api, workshop) == before
    page = body(owner.get(url(workshop)))
    assert 'title="This item has been rated."' in page


# --- activities --------------------------------------------------------------------------------------------

def test_new_activity_form_starts_from_the_constraint_matrix(owner: Browser, workshop: dict[str, Any]) -> None:
    page = body(owner.get(url(workshop, "/activities/new")))
    assert 'value="Severity"' in page and 'value="Tractability"' in page and 'value="Quick wins"' in page
    assert page.count('name="items" value=') == 3 and page.count("checked") == 3


def test_add_an_activity(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    # Ticked in any order, the items are kept in the workshop's order.
    response = owner.submit(url(workshop, "/activities/new"), data={**MATRIX, "items": ["power", "finance"]})
    assert response.status_code == 302, body(response)
    activity = document(api, workshop)["activities"][-1]
    assert activity["key"] == "sectors" and activity["state"] == "pending"
    assert activity["items"] == ["finance", "power"]
    assert activity["x"] == {"label": "Feasibility", "min": 1, "max": 5, "hint": "Can we win here?"}
    assert activity["y"] == {"label": "Attractiveness", "min": 1, "max": 5}
    assert activity["quadrants"] == {"top_right": "Priorities", "top_left": "Strategic bets",
                                     "bottom_right": "Low-hanging fruit", "bottom_left": "Not now"}
    assert activity["scale_labels"]["5"] == "Very high"


def test_edit_an_activity_before_any_vote(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    data = {**MATRIX, "key": "constraints", "items": ["skills"], "x_max": "7",
            **{f"q_{q}": "" for q in ("top_left", "top_right", "bottom_left", "bottom_right")}}
    assert owner.submit(url(workshop, "/activities/constraints/edit"), data=data).status_code == 302
    activity = document(api, workshop)["activities"][0]
    assert activity["items"] == ["skills"] and activity["x"]["max"] == 7
    assert "quadrants" not in activity and "scale_labels" not in activity


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"items": []}, "items", "Tick at least one item."),
    ({"items": ["finance", "ghost"]}, "items", "is not a valid choice"),
    ({"x_max": "1"}, "x_max", "greater than its minimum"),
    ({"y_min": "0", "y_max": "20"}, "y_max", "at most 11 points"),
    ({"x_min": "one"}, "x_min", "Not a valid integer value."),
    ({"y_label": ""}, "y_label", "This field is required."),
    ({"q_top_right": ""}, "q_top_right", "Name this quadrant too, or clear all four."),
    ({"key": "constraints"}, "key", "already uses the key 'constraints'"),
    ({"key": "Sectors!"}, "key", "lower-case letters"),
])
def test_activity_form_rejects_invalid_input(api: Any, owner: Browser, workshop: dict[str, Any],
                                             changes: dict[str, Any], field: str, message: str) -> None:
    before = document(api, workshop)
    assert_rejected(owner.submit(url(workshop, "/activities/new"), data={**MATRIX, **changes}), 422, field,
                    message)
    assert document(api, workshop) == before


def test_activity_is_frozen_after_the_first_vote(api: Any, owner: Browser, join: Any,
                                                 workshop: dict[str, Any]) -> None:
    vote(api, join, workshop)
    page = body(owner.get(url(workshop, "/activities/constraints/edit")))
    assert "People have answered this activity." in page
    before = document(api, workshop)
    current = {**MATRIX, "key": "constraints", "title": "Rate the constraints",
               "items": ["finance", "skills", "power"], "x_label": "Tractability", "y_label": "Severity"}
    for changes, field, message in (({"items": ["finance"]}, "items", "Frozen"), ({"x_max": "7"}, "x_label", "Frozen"),
                                    ({"y_label": "Urgency"}, "y_label", "Frozen"),
                                    ({"key": "renamed"}, "key", "Close the activity first")):
        response = owner.submit(url(workshop, "/activities/constraints/edit"), data={**current, **changes})
        assert_rejected(response, 409, field, message)
        assert document(api, workshop) == before
    assert_rejected(owner.submit(url(workshop), url(workshop, "/activities/constraints/delete")), 409, None,
                    "close it before deleting")
    api.post(f"/api/v1/workshops/{workshop['id']}/activities/constraints/close")
    assert_rejected(owner.submit(url(workshop), url(workshop, "/activities/constraints/delete")), 409, None,
                    "an activity with responses cannot be deleted")
    response = owner.submit(url(workshop, "/activities/constraints/edit"), data={**current, "key": "renamed"})
    assert "its key, items and scales are frozen" in assert_rejected(response, 409, "key", "Frozen")
    assert document(api, workshop) == {**before, "activities": [{**before["activities"][0], "state": "closed"}]}
    # Wording is not frozen: the title, hints and quadrant names can still be improved.
    response = owner.submit(url(workshop, "/activities/constraints/edit"),
                            data={**current, "title": "Rate the constraints again", "x_hint": "Within a year?"})
    assert response.status_code == 302, body(response)
    activity = document(api, workshop)["activities"][0]
    assert activity["title"] == "Rate the constraints again" and activity["x"]["hint"] == "Within a year?"
    assert activity["items"] == ["finance", "skills", "power"] and activity["state"] == "closed"


def test_delete_and_reorder_activities(api: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    owner.submit(url(workshop, "/activities/new"), data=MATRIX)
    owner.submit(url(workshop), url(workshop, "/activities/sectors/move"), {"direction": "up"})
    assert [a["key"] for a in document(api, workshop)["activities"]] == ["sectors", "constraints"]
    response = owner.submit(url(workshop), url(workshop, "/activities/sectors/move"), {"direction": "sideways"})
    assert response.status_code == 422
    assert owner.submit(url(workshop), url(workshop, "/activities/constraints/delete")).status_code == 302
    assert [a["key"] for a in document(api, workshop)["activities"]] == ["sectors"]


def test_blank_workshop_becomes_ready(app: Any, facilitator: Browser) -> None:
    response = facilitator.submit("/facilitator/workshops/new", "/facilitator/workshops/new/blank",
                                  {"blank-title": "Blank", "blank-language": "en", "blank-min_group_size": "5"})
    base = response.headers["Location"]
    assert facilitator.get(base + "/activities/new").status_code == 302  # no items yet
    facilitator.submit(base + "/items/new", data={"key": "finance", "kind": "constraint", "title": "Finance"})
    response = facilitator.submit(base + "/activities/new", data={**MATRIX, "items": ["finance"]})
    assert response.status_code == 302
    assert "Not ready" not in body(facilitator.get(base))
    assert "Rate the sectors" in body(facilitator.get(base + "/run"))
