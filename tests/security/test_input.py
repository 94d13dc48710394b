"""Input that cannot hurt: control characters, deep JSON, huge ids and oversized ballots get short, clear
answers (never a 500) and change nothing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.support.api import API, assert_problem
from tests.support.builders import small_definition

BAD_TEXTS = ["a\x00b", "esc\x1b[31m", "tab\x0bvertical", "del\x7f", "c1\x85", "lone \ud800 surrogate"]


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_control_characters_in_json_are_a_422_naming_the_field(api: Any, text: str) -> None:
    body = small_definition()
    body["items"][1]["title"] = text
    response = api.post(f"{API}/workshops", json=body)
    problem = assert_problem(response, 422, "items[1].title")
    assert "character" in problem["detail"]
    assert api.get(f"{API}/workshops/1").status_code == 404  # nothing was created


def test_lone_surrogate_escaped_in_raw_json_is_a_422(api: Any) -> None:
    raw = json.dumps(small_definition()).replace('"Test workshop"', '"x \\udc80 y"')
    response = api.client.post(f"{API}/workshops", data=raw, content_type="application/json",
                               headers=api.headers())
    assert_problem(response, 422, "title")


def test_tab_newline_and_right_to_left_text_are_accepted(api: Any) -> None:
    body = small_definition(title="Atelier\tr\u00e9gional \u202eRTL\u202c")
    body["items"][0]["description"] = "Line one\r\nline two"
    assert api.post(f"{API}/workshops", json=body).status_code == 201


@pytest.mark.parametrize("path", ["/join", "/auth/token", "/workshops", "/workshops/import"])
def test_json_nested_a_thousand_deep_is_a_400(api: Any, path: str) -> None:
    for depth in (1000, 50_000):
        raw = "[" * depth + "]" * depth
        response = api.client.post(API + path, data=raw, content_type="application/json",
                                   headers=api.headers() if path.startswith("/workshops") else {})
        assert_problem(response, 400)
        raw = '{"a":' * depth + "1" + "}" * depth
        response = api.client.post(API + path, data=raw, content_type="application/json",
                                   headers=api.headers() if path.startswith("/workshops") else {})
        assert_problem(response, 400)


def test_auth_is_still_checked_before_the_body(api: Any) -> None:
    response = api.client.post(f"{API}/workshops", data=json.dumps({"title": "a\x00"}),
                               content_type="application/json")
    assert_problem(response, 401)


@pytest.mark.parametrize("number", [2**63, 2**64 + 7, 10**40])
def test_ids_beyond_a_database_integer_are_a_404(api: Any, workshop: dict[str, Any], number: int) -> None:
    for method, path in (("GET", f"{API}/workshops/{number}"),
                         ("DELETE", f"{API}/workshops/{workshop['id']}/actions/{number}"),
                         ("GET", f"/facilitator/workshops/{number}")):
        response = api.call(method, path)
        assert response.status_code == 404, (path, response.status_code)
    assert api.get(f"{API}/workshops/{2**63 - 1}").status_code == 404
    assert api.get(f"{API}/workshops/{workshop['id']}").status_code == 200


def test_control_characters_in_a_query_string_are_refused(api: Any, workshop: dict[str, Any]) -> None:
    response = api.get(f"{API}/workshops/{workshop['id']}/export?format=csv%00")
    assert_problem(response, 422, "format")


def _phone(api: Any, workshop: dict[str, Any], join: Any) -> str:
    token = join(workshop["join_code"], "gov")
    assert api.post(f"{API}/workshops/{workshop['id']}/activities/constraints/open").status_code == 200
    return token


def test_a_huge_invalid_ballot_gets_a_short_answer_quickly(api: Any, workshop: dict[str, Any], join: Any) -> None:
    token = _phone(api, workshop, join)
    url = f"{API}/workshops/{workshop['id']}/activities/constraints/responses"
    many = {"ratings": [{"item": f"nope{n}", "x": 99, "y": 99} for n in range(130_000)]}
    raw = json.dumps(many)
    assert len(raw) > 5_000_000
    started = time.perf_counter()
    response = api.client.put(url, data=raw, content_type="application/json", headers=api.headers(token))
    elapsed = time.perf_counter() - started
    assert response.status_code == 413, response.status_code
    assert len(response.get_data()) < 2000
    assert elapsed < 0.5, elapsed
    # Small enough to be read, but more entries than the activity has items: refused before any entry is read.
    few = {"ratings": [{"item": f"nope{n}", "x": 99, "y": 99} for n in range(4)]}
    response = api.put(url, json=few, token=token)
    problem = assert_problem(response, 422, "ratings")
    assert len(problem["errors"]) == 1 and "at most 3 entries" in problem["errors"][0]["message"]
    # An invalid ballot of a permitted size still lists its errors, at most 20 of them.
    good = {"ratings": [{"item": k, "x": 1, "y": 1} for k in ("finance", "skills", "power")]}
    assert api.put(url, json=good, token=token).status_code == 200


def test_error_lists_are_capped(api: Any) -> None:
    body = small_definition()
    body["items"] = [{"key": f"i{n}", "kind": "nope", "title": ""} for n in range(60)]
    problem = assert_problem(api.post(f"{API}/workshops", json=body), 422)
    assert len(problem["errors"]) == 20
    assert "errors are listed" in problem["detail"]


def test_a_huge_phone_form_is_refused_unread(client: Any) -> None:
    response = client.post("/join", data={"code": "x" * (400 * 1024)})
    assert response.status_code == 413
    assert len(response.get_data()) < 20_000


def test_control_characters_in_a_page_form_are_refused(client: Any) -> None:
    response = client.post("/join", data={"code": "AB\x1bCD"})
    assert response.status_code == 422
    assert "control character" in response.get_data(as_text=True)
