"""Contract, "Participants": joining, saving matrix ratings, all-or-nothing rejections and the check order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import builders
from tests.support.api import API, activity_url, assert_problem, count_rows, csv_rows, rating, results
from tests.support.database import BACKENDS
from tests.support.reference import item_of

pytestmark = BACKENDS

ITEMS = [builders.item("finance", "Access to finance", category="macro"),
         builders.item("skills", "Skills", category="meso"), builders.item("power", "Electricity", category="meso"),
         builders.item("roads", "Roads (not in the activity)", category="meso")]


def definition() -> dict[str, Any]:
    """Three groups, k = 3, a 1..5 x 1..5 matrix over three of the four items, and a second activity."""
    return builders.definition(
        "Participants", groups=builders.three_groups(), items=[dict(i) for i in ITEMS],
        activities=[builders.matrix("constraints", ["finance", "skills", "power"], "Rate the constraints"),
                    builders.matrix("later", ["roads"], "Later", builders.axis("A"), builders.axis("B"))])


@pytest.fixture
def ws(api: Any) -> dict[str, Any]:
    """The workshop, with `constraints` open and `later` pending."""
    response = api.post(f"{API}/workshops", json=definition())
    assert response.status_code == 201, response.get_data(as_text=True)
    doc = response.get_json()
    assert api.post(activity_url(doc["id"], "constraints", "open")).status_code == 200
    return doc


@pytest.fixture
def put(api: Any, ws: dict[str, Any]) -> Callable[..., Any]:
    def _put(token: str, body: Any = None, key: str = "constraints", workshop_id: int | None = None,
             **kwargs: Any) -> Any:
        url = activity_url(workshop_id if workshop_id is not None else ws["id"], key, "responses")
        return api.put(url, json=body, token=token, **kwargs)
    return _put


def saved_values(api: Any, workshop_id: int) -> list[tuple[str, str, str, str, str]]:
    """Every saved value, from the CSV export: (participant, group, item, axis, value), sorted."""
    return sorted((r["participant"], r["group"], r["item"], r["axis"], r["value"])
                  for r in csv_rows(api, workshop_id))


# --- POST /join -------------------------------------------------------------------------------------------

def test_join(api: Any, ws: dict[str, Any]) -> None:
    response = api.post(f"{API}/join", json={"code": ws["join_code"], "group": "workers"}, token="")
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["workshop"] == ws["id"]
    assert isinstance(body["participant_token"], str) and len(body["participant_token"]) >= 16
    second = api.post(f"{API}/join", json={"code": ws["join_code"], "group": "workers"}, token="").get_json()
    assert second["participant_token"] != body["participant_token"]


def test_join_code_is_case_insensitive(api: Any, put: Callable[..., Any], ws: dict[str, Any]) -> None:
    response = api.post(f"{API}/join", json={"code": ws["join_code"].lower(), "group": "gov"}, token="")
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["workshop"] == ws["id"]
    token = response.get_json()["participant_token"]
    assert put(token, {"ratings": [rating("finance", 2, 3)]}).status_code == 200


def test_join_errors(app: Any, api: Any, ws: dict[str, Any]) -> None:
    code = ws["join_code"]
    unknown = "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY"
    assert_problem(api.post(f"{API}/join", json={"code": unknown, "group": "gov"}, token=""), 404)
    assert_problem(api.post(f"{API}/join", json={"code": code, "group": "academia"}, token=""), 422, "group")
    assert_problem(api.post(f"{API}/join", json={"code": code, "group": None}, token=""), 422, "group")
    assert_problem(api.post(f"{API}/join", json={"code": code}, token=""), 422, "group")
    # 404 comes before 422.
    assert_problem(api.post(f"{API}/join", json={"code": unknown, "group": "academia"}, token=""), 404)
    assert_problem(api.post(f"{API}/join", data="code=" + code, content_type="text/plain", token=""), 422)
    assert_problem(api.post(f"{API}/join", json=[code, "gov"], token=""), 422)
    assert count_rows(app, "Participant") == 0


# --- PUT .../responses: success ---------------------------------------------------------------------------

def test_save_ratings(api: Any, join: Callable[..., str], put: Callable[..., Any], ws: dict[str, Any]) -> None:
    token = join(ws["join_code"], "firms")
    response = put(token, {"ratings": [rating("finance", 4, 5), rating("skills", None, 3)]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"saved": 2}
    values = saved_values(api, ws["id"])
    assert len(values) == 4
    pseudonym = values[0][0]
    assert values == sorted([(pseudonym, "firms", "finance", "x", "4"), (pseudonym, "firms", "finance", "y", "5"),
                             (pseudonym, "firms", "skills", "x", ""), (pseudonym, "firms", "skills", "y", "3")])
    assert put(token, {"ratings": [rating("power", 1, 1)]}).get_json() == {"saved": 1}
    assert len(saved_values(api, ws["id"])) == 6


def test_later_request_replaces_earlier_rating(api: Any, join: Callable[..., str], put: Callable[..., Any],
                                               ws: dict[str, Any]) -> None:
    token = join(ws["join_code"], "gov")
    assert put(token, {"ratings": [rating("finance", 1, 2), rating("skills", 3, 3)]}).status_code == 200
    assert put(token, {"ratings": [rating("finance", 5, None)]}).get_json() == {"saved": 1}
    by_key = {(item, axis): value for _, _, item, axis, value in saved_values(api, ws["id"])}
    # finance replaced (one row per axis, no duplicate), skills untouched.
    assert by_key == {("finance", "x"): "5", ("finance", "y"): "", ("skills", "x"): "3", ("skills", "y"): "3"}
    assert len(saved_values(api, ws["id"])) == 4
    doc = results(api, ws["id"], "constraints", "per_head")
    finance = item_of(doc, "finance")
    assert finance["x"]["mean"] == 5 and finance["y"]["mean"] is None
    assert doc["respondents"] == 1


def test_dont_know_is_stored_counted_and_excluded(api: Any, join: Callable[..., str], put: Callable[..., Any],
                                                  ws: dict[str, Any]) -> None:
    unsure = join(ws["join_code"], "gov")
    sure = join(ws["join_code"], "gov")
    half = join(ws["join_code"], "workers")
    assert put(unsure, {"ratings": [rating("finance", None, None)]}).get_json() == {"saved": 1}
    assert put(sure, {"ratings": [rating("finance", 2, 4)]}).status_code == 200
    assert put(half, {"ratings": [rating("finance", 4, None)]}).status_code == 200

    assert sum(1 for v in saved_values(api, ws["id"]) if v[4] == "") == 3
    doc = results(api, ws["id"], "constraints", "per_head")
    assert doc["respondents"] == 3
    assert doc["groups"]["gov"] == {"respondents": 2}
    assert doc["groups"]["workers"] == {"respondents": 1}
    assert doc["groups"]["firms"] == {"respondents": 0}
    finance = item_of(doc, "finance")
    assert finance["n"] == 2  # the all-null participant rated nothing
    assert finance["x"]["mean"] == pytest.approx(3.0)  # (2 + 4) / 2: nulls are not zeros
    assert finance["y"]["mean"] == pytest.approx(4.0)
    assert finance["y"]["sd"] is None and finance["y"]["ci95"] is None  # one value


def test_scale_bounds_are_accepted(join: Callable[..., str], put: Callable[..., Any], ws: dict[str, Any]) -> None:
    token = join(ws["join_code"], "gov")
    assert put(token, {"ratings": [rating("finance", 1, 5), rating("skills", 5, 1)]}).get_json() == {"saved": 2}


# --- PUT .../responses: rejected requests write nothing ---------------------------------------------------

FIRST = rating("finance", 1, 1)  # saved before each bad request; a bad request must not replace it

INVALID = [
    ("x-above-scale", {"ratings": [rating("finance", 5, 5), rating("skills", 6, 3)]}, "ratings[1].x"),
    ("y-below-scale", {"ratings": [rating("finance", 5, 5), rating("skills", 3, 0)]}, "ratings[1].y"),
    ("negative", {"ratings": [rating("finance", 5, 5), rating("skills", -1, 3)]}, "ratings[1].x"),
    ("float", {"ratings": [rating("finance", 5, 5), rating("skills", 3.0, 3)]}, "ratings[1].x"),
    ("string", {"ratings": [rating("finance", 5, 5), rating("skills", "3", 3)]}, "ratings[1].x"),
    ("bool", {"ratings": [rating("finance", 5, 5), rating("skills", 3, True)]}, "ratings[1].y"),
    ("list-value", {"ratings": [rating("finance", 5, 5), rating("skills", [3], 3)]}, "ratings[1].x"),
    ("item-not-in-activity", {"ratings": [rating("finance", 5, 5), rating("roads", 3, 3)]}, "ratings[1].item"),
    ("unknown-item", {"ratings": [rating("finance", 5, 5), rating("nope", 3, 3)]}, "ratings[1].item"),
    ("item-missing", {"ratings": [rating("finance", 5, 5), {"x": 3, "y": 3}]}, "ratings[1].item"),
    ("item-repeated", {"ratings": [rating("finance", 5, 5), rating("finance", 4, 4)]}, "ratings[1].item"),
    ("missing-x", {"ratings": [rating("finance", 5, 5), {"item": "skills", "y": 3}]}, "ratings[1].x"),
    ("missing-y", {"ratings": [rating("finance", 5, 5), {"item": "skills", "x": 3}]}, "ratings[1].y"),
    ("empty-list", {"ratings": []}, "ratings"),
    ("no-ratings", {}, "ratings"),
    ("ratings-not-list", {"ratings": {"finance": [5, 5]}}, "ratings"),
    ("rating-not-object", {"ratings": [rating("finance", 5, 5), "skills"]}, "ratings[1]"),
    ("body-list", [rating("finance", 5, 5)], "ratings"),
    ("body-string", "finance", "ratings"),
]


@pytest.mark.parametrize("body,field", [(b, f) for _, b, f in INVALID], ids=[n for n, _, _ in INVALID])
def test_invalid_submission_422_saves_nothing(api: Any, join: Callable[..., str], put: Callable[..., Any],
                                              ws: dict[str, Any], body: Any, field: str,
                                              live_pushes: list[tuple[str, int]]) -> None:
    token = join(ws["join_code"], "firms")
    assert put(token, {"ratings": [FIRST]}).status_code == 200
    before = saved_values(api, ws["id"])
    pushes = [c for c in live_pushes if c[0] == "results"]
    assert pushes  # the saved rating asked for a live update...
    assert_problem(put(token, body), 422, field)
    assert saved_values(api, ws["id"]) == before
    assert [c for c in live_pushes if c[0] == "results"] == pushes  # ...the rejected one did not
    finance = item_of(results(api, ws["id"], "constraints", "per_head"), "finance")
    assert finance["x"]["mean"] == 1 and finance["y"]["mean"] == 1


@pytest.mark.parametrize("kind", ["not-json", "wrong-content-type", "empty"])
def test_body_not_json_422_saves_nothing(app: Any, join: Callable[..., str], put: Callable[..., Any],
                                         ws: dict[str, Any], kind: str) -> None:
    token = join(ws["join_code"], "firms")
    data, content_type = {"not-json": ('{"ratings": [{"item": "finance", "x": 1, "y": 1},]}', "application/json"),
                          "wrong-content-type": ('{"ratings": [{"item": "finance", "x": 1, "y": 1}]}',
                                                 "text/plain"),
                          "empty": ("", "application/json")}[kind]
    assert_problem(put(token, data=data, content_type=content_type), 422)
    assert count_rows(app, "Response") == 0


def test_one_bad_rating_among_many_rejects_all(app: Any, join: Callable[..., str], put: Callable[..., Any],
                                               ws: dict[str, Any]) -> None:
    token = join(ws["join_code"], "gov")
    body = {"ratings": [rating("finance", 2, 3), rating("skills", 4, 4), rating("power", 3, 9)]}
    assert_problem(put(token, body), 422, "ratings[2].y")
    assert count_rows(app, "Response") == 0
    body["ratings"][2]["y"] = 5
    assert put(token, body).get_json() == {"saved": 3}
    assert count_rows(app, "Response") == 6


def test_every_bad_rating_is_reported(join: Callable[..., str], put: Callable[..., Any], ws: dict[str, Any]) -> None:
    token = join(ws["join_code"], "gov")
    body = {"ratings": [rating("finance", 0, 3), rating("skills", 4, 4.5), rating("roads", 1, 1)]}
    assert_problem(put(token, body), 422, "ratings[0].x", "ratings[1].y", "ratings[2].item")


# --- state, ownership and credentials ---------------------------------------------------------------------

def test_pending_and_closed_activities_409(app: Any, api: Any, join: Callable[..., str], put: Callable[..., Any],
                                           ws: dict[str, Any]) -> None:
    token = join(ws["join_code"], "gov")
    assert_problem(put(token, {"ratings": [rating("roads", 3, 3)]}, key="later"), 409)
    assert api.post(activity_url(ws["id"], "constraints", "close")).status_code == 200
    assert_problem(put(token, {"ratings": [rating("finance", 3, 3)]}), 409)
    assert count_rows(app, "Response") == 0
    # Reopened, the same request is accepted.
    assert api.post(activity_url(ws["id"], "constraints", "open")).status_code == 200
    assert put(token, {"ratings": [rating("finance", 3, 3)]}).status_code == 200


@pytest.fixture
def stranger(api: Any, join: Callable[..., str]) -> str:
    """A participant of another (open) workshop of the same facilitator."""
    other = api.post(f"{API}/workshops", json=definition()).get_json()
    api.post(activity_url(other["id"], "constraints", "open"))
    return join(other["join_code"], "gov")


def test_participant_of_another_workshop_403(app: Any, put: Callable[..., Any], stranger: str) -> None:
    assert_problem(put(stranger, {"ratings": [rating("finance", 3, 3)]}), 403)
    assert count_rows(app, "Response") == 0


def test_credentials_401(app: Any, api: Any, put: Callable[..., Any], ws: dict[str, Any]) -> None:
    body = {"ratings": [rating("finance", 3, 3)]}
    assert_problem(put("", body), 401)
    assert_problem(put("not-a-participant-token", body), 401)
    assert_problem(put(ws["screen_token"], body), 401)
    assert_problem(put(api.token, body), 401)  # a facilitator's token is not a participant's
    assert count_rows(app, "Response") == 0


def test_unknown_activity_or_workshop_404(join: Callable[..., str], put: Callable[..., Any],
                                          ws: dict[str, Any]) -> None:
    token = join(ws["join_code"], "gov")
    body = {"ratings": [rating("finance", 3, 3)]}
    assert_problem(put(token, body, key="nope"), 404)
    assert_problem(put(token, body, workshop_id=ws["id"] + 1000), 404)


def test_check_order(app: Any, api: Any, join: Callable[..., str], put: Callable[..., Any], ws: dict[str, Any],
                     stranger: str) -> None:
    """401, then 404, then 403, then 409, then 422."""
    token = join(ws["join_code"], "gov")
    bad_body = {"ratings": [rating("finance", 9, 9)]}
    good_body = {"ratings": [rating("finance", 3, 3)]}
    # 401 before 404: unknown activity and workshop with a bad token.
    assert_problem(put("bad-token", bad_body, key="nope"), 401)
    assert_problem(put("", good_body, workshop_id=ws["id"] + 1000), 401)
    # 404 before 403: a participant of another workshop asking for an unknown activity.
    assert_problem(put(stranger, bad_body, key="nope"), 404)
    # 403 before 409: another workshop's participant on a pending activity, and an invalid body.
    assert_problem(put(stranger, bad_body, key="later"), 403)
    # 403 before 422: open activity, invalid body.
    assert_problem(put(stranger, bad_body), 403)
    # 409 before 422: pending activity, invalid body; closed activity, body not even JSON.
    assert_problem(put(token, bad_body, key="later"), 409)
    api.post(activity_url(ws["id"], "constraints", "close"))
    assert_problem(put(token, bad_body), 409)
    assert_problem(put(token, data="not json", content_type="application/json"), 409)
    assert_problem(put(token, {"ratings": []}), 409)
    # 403 before 409: another workshop's participant on the closed activity.
    assert_problem(put(stranger, good_body), 403)
    # 401 before 409.
    assert_problem(put("", bad_body), 401)
    assert count_rows(app, "Response") == 0


def test_problem_documents_for_every_error(join: Callable[..., str], put: Callable[..., Any],
                                           ws: dict[str, Any]) -> None:
    """Each kind of error names its status in its type and is not HTML."""
    token = join(ws["join_code"], "gov")
    seen = {}
    for status, response in ((401, put("", {"ratings": [FIRST]})),
                             (404, put(token, {"ratings": [FIRST]}, key="nope")),
                             (409, put(token, {"ratings": [FIRST]}, key="later")),
                             (422, put(token, {"ratings": [rating("finance", 0, 0)]}))):
        body = assert_problem(response, status)
        assert "<html" not in response.get_data(as_text=True).lower()
        seen[status] = body["type"]
    assert len(set(seen.values())) == 4  # distinct problem types
