"""API: who may join (passcode, seat codes, joining lock, expected headcount) and the seat codes themselves,
through the real HTTP stack, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import API, assert_problem, count_rows, create_facilitator
from tests.support.database import BACKENDS

pytestmark = BACKENDS

PASSWORD = "a long enough password"


def _token(api: Any, email: str) -> Any:
    response = api.post(f"{API}/auth/token", json={"email": email, "password": PASSWORD}, token="")
    assert response.status_code == 200, response.get_data(as_text=True)
    return type(api)(api.client, response.get_json()["token"])


@pytest.fixture
def roles(app: Any, api: Any, workshop: dict[str, Any]) -> dict[str, Any]:
    """The owner (`api`), a co-facilitator, an observer and a facilitator with no role in the workshop."""
    from app.extensions import db
    from app.models import Workshop
    from app.services import members
    from app.services.database import transaction

    people = {}
    for role in ("co_facilitator", "observer", "stranger"):
        email = f"{role.replace('_', '-')}@example.org"
        create_facilitator(app, email, PASSWORD, "Another facilitator")
        people[role] = _token(api, email)
    with app.app_context(), transaction():
        row = db.session.get(Workshop, workshop["id"])
        members.add(row, row.owner, "co-facilitator@example.org", "co_facilitator")
        members.add(row, row.owner, "observer@example.org", "observer")
    return {"owner": api, **people}


def url(workshop: dict[str, Any], tail: str = "admission") -> str:
    return f"{API}/workshops/{workshop['id']}/{tail}"


def join(api: Any, workshop: dict[str, Any], **fields: Any) -> Any:
    return api.post(f"{API}/join", json={"code": workshop["join_code"], "group": "gov", **fields}, token="")


def test_settings_start_open_and_change_the_join(api: Any, workshop: dict[str, Any]) -> None:
    document = api.get(url(workshop)).get_json()
    assert document == {"passcode": None, "seat_codes_required": False, "joining_locked": False,
                        "expected": {"gov": None, "firms": None, "workers": None},
                        "seat_codes": {"total": 0, "unused": 0, "used": 0, "revoked": 0}}
    changed = api.put(url(workshop), json={"passcode": " Lion ", "expected": {"gov": 12}})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["passcode"] == "Lion" and changed.get_json()["expected"]["gov"] == 12
    assert_problem(join(api, workshop), 403)
    assert join(api, workshop, passcode="lion").status_code == 201  # told aloud: case does not matter
    # the fields not sent stay; locking turns new phones away, with the passcode or not
    locked = api.put(url(workshop), json={"joining_locked": True}).get_json()
    assert locked["passcode"] == "Lion" and locked["joining_locked"] is True
    assert_problem(join(api, workshop, passcode="lion"), 409)
    opened = api.put(url(workshop), json={"joining_locked": False, "passcode": None,
                                          "expected": {"gov": None}}).get_json()
    assert opened["passcode"] is None and opened["expected"]["gov"] is None
    assert join(api, workshop).status_code == 201


def test_a_refused_change_changes_nothing(api: Any, workshop: dict[str, Any]) -> None:
    before = api.get(url(workshop)).get_json()
    for body, fields in (({"passcode": "x", "seats": True}, ("seats",)),
                         ({"passcode": 7}, ("passcode",)),
                         ({"joining_locked": "yes"}, ("joining_locked",)),
                         ({"expected": {"gov": 3, "nobody": 2}}, ("expected.nobody",)),
                         ({"expected": {"gov": -1}, "joining_locked": True}, ("expected.gov",)),
                         ({"passcode": "p" * 41, "joining_locked": True}, ("passcode",)),
                         ({"seat_codes": {"total": 1}}, ("seat_codes",))):
        assert_problem(api.put(url(workshop), json=body), 422, *fields)
    assert_problem(api.put(url(workshop), json=["passcode"]), 422)
    assert_problem(api.put(url(workshop), data="passcode", content_type="text/plain"), 422)
    assert api.get(url(workshop)).get_json() == before


def test_seat_codes_are_made_listed_used_and_revoked(app: Any, api: Any, workshop: dict[str, Any]) -> None:
    made = api.post(url(workshop, "seat-codes"), json={"count": 3, "group": "firms"})
    assert made.status_code == 201, made.get_data(as_text=True)
    cards = made.get_json()
    assert len(cards) == 3 and {c["state"] for c in cards} == {"unused"} and {c["group"] for c in cards} == {"firms"}
    assert len({c["code"] for c in cards}) == 3
    assert api.put(url(workshop), json={"seat_codes_required": True}).status_code == 200
    assert_problem(join(api, workshop), 403)
    joined = join(api, workshop, seat=cards[0]["code"].lower())
    assert joined.status_code == 201 and joined.get_json()["group"] == "firms"  # the card's group wins
    assert_problem(join(api, workshop, seat=cards[0]["code"]), 403)  # one card, one person
    revoked = api.post(url(workshop, f"seat-codes/{cards[1]['id']}/revoke"))
    assert revoked.status_code == 200 and revoked.get_json()["state"] == "revoked"
    assert api.post(url(workshop, f"seat-codes/{cards[1]['id']}/revoke")).get_json()["state"] == "revoked"
    assert_problem(join(api, workshop, seat=cards[1]["code"]), 403)
    listed = {c["code"]: c for c in api.get(url(workshop, "seat-codes")).get_json()}
    assert [listed[c["code"]]["state"] for c in cards] == ["used", "revoked", "unused"]
    assert listed[cards[0]["code"]]["used_at"] and "participant" not in listed[cards[0]["code"]]
    assert api.get(url(workshop)).get_json()["seat_codes"] == {"total": 3, "unused": 1, "used": 1, "revoked": 1}
    assert_problem(api.post(url(workshop, "seat-codes/999999/revoke")), 404)
    assert_problem(api.post(url(workshop, f"seat-codes/{cards[2]['id']}/revoke"), json={"why": "lost"}), 422, "why")
    assert api.get(url(workshop, "seat-codes")).get_json()[2]["state"] == "unused"


def test_seat_codes_have_bounds(app: Any, api: Any, workshop: dict[str, Any]) -> None:
    seats = url(workshop, "seat-codes")
    for body, fields in (({"count": 0}, ("count",)), ({"count": 501}, ("count",)), ({"count": "3"}, ("count",)),
                         ({}, ("count",)), ({"count": 2, "group": "nobody"}, ("group",)),
                         ({"count": 2, "groups": "gov"}, ("groups",))):
        assert_problem(api.post(seats, json=body), 422, *fields)
    assert count_rows(app, "SeatCode") == 0
    for _ in range(4):
        assert api.post(seats, json={"count": 500}).status_code == 201
    assert_problem(api.post(seats, json={"count": 1}), 409)  # 2000 a workshop: full, whatever the count
    assert count_rows(app, "SeatCode") == 2000


def test_who_may_see_and_change_admission(api: Any, roles: dict[str, Any], workshop: dict[str, Any]) -> None:
    card = api.post(url(workshop, "seat-codes"), json={"count": 1}).get_json()[0]
    calls = (("GET", "admission", None), ("PUT", "admission", {"joining_locked": False}),
             ("GET", "seat-codes", None), ("POST", "seat-codes", {"count": 1}),
             ("POST", f"seat-codes/{card['id']}/revoke", None))
    for method, tail, body in calls:
        for role, status in (("observer", 403), ("stranger", 403), ("co_facilitator", None)):
            response = roles[role].call(method, url(workshop, tail), json=body)
            if status is None:
                assert response.status_code in (200, 201), (role, method, tail, response.get_data(as_text=True))
            else:
                assert_problem(response, status)
        assert_problem(api.call(method, url(workshop, tail), json=body, token=""), 401)
        assert_problem(api.call(method, f"{API}/workshops/999999/{tail}", json=body), 404)
    # the workshop document carries the block for those who run the workshop only
    document = f"{API}/workshops/{workshop['id']}"
    assert "admission" in api.get(document).get_json()
    assert roles["co_facilitator"].get(document).get_json()["admission"]["seat_codes"]["total"] == 2
    observed = roles["observer"].get(document)
    assert observed.status_code == 200 and "admission" not in observed.get_json()


def test_another_workshops_seat_code_is_not_found(api: Any, workshop: dict[str, Any]) -> None:
    from tests.support.builders import small_definition

    other = api.post(f"{API}/workshops", json=small_definition(title="Other")).get_json()
    card = api.post(url(other, "seat-codes"), json={"count": 1}).get_json()[0]
    assert_problem(api.post(url(workshop, f"seat-codes/{card['id']}/revoke")), 404)
    assert api.get(url(other, "seat-codes")).get_json()[0]["state"] == "unused"


def test_archives_carry_the_passcode_and_seat_codes(api: Any, roles: dict[str, Any],
                                                    workshop: dict[str, Any]) -> None:
    cards = api.post(url(workshop, "seat-codes"), json={"count": 3, "group": "workers"}).get_json()
    api.put(url(workshop), json={"passcode": "Baobab", "seat_codes_required": True})
    assert join(api, workshop, passcode="baobab", seat=cards[0]["code"]).status_code == 201
    api.post(url(workshop, f"seat-codes/{cards[1]['id']}/revoke"))
    archive = api.get(f"{API}/workshops/{workshop['id']}/export?format=json").get_json()
    assert archive["admission"] == {
        "passcode": "Baobab", "seat_codes_required": True, "joining_locked": False,
        "seat_codes": [{"code": c["code"], "group": "workers", "state": s}
                       for c, s in zip(cards, ("used", "revoked", "unused"), strict=True)]}
    observed = roles["observer"].get(f"{API}/workshops/{workshop['id']}/export?format=json").get_json()
    assert "admission" not in observed  # observers read results, not the secrets of the door
    imported = api.post(f"{API}/workshops/import", json=archive)
    assert imported.status_code == 201, imported.get_data(as_text=True)
    copy = imported.get_json()
    assert copy["admission"]["passcode"] == "Baobab" and copy["admission"]["seat_codes_required"] is True
    assert copy["admission"]["seat_codes"] == {"total": 3, "unused": 1, "used": 1, "revoked": 1}
    # a used card does not let a second person into the copy; the unused one does, into its group
    assert_problem(join(api, copy, passcode="Baobab", seat=cards[0]["code"]), 403)
    joined = join(api, copy, passcode="Baobab", seat=cards[2]["code"])
    assert joined.status_code == 201 and joined.get_json()["group"] == "workers"


def test_a_bad_admission_block_imports_nothing(app: Any, api: Any, workshop: dict[str, Any]) -> None:
    archive = api.get(f"{API}/workshops/{workshop['id']}/export?format=json").get_json()
    before = count_rows(app, "Workshop")
    for block, field in (({"passcode": 3}, "admission.passcode"),
                         ({"seat_codes": [{"code": "no!"}]}, "admission.seat_codes[0].code"),
                         ({"seat_codes": [{"code": "ABCD2345", "group": "nobody"}]},
                          "admission.seat_codes[0].group"),
                         ({"door": "open"}, "admission.door")):
        assert_problem(api.post(f"{API}/workshops/import", json={**archive, "admission": block}), 422, field)
    assert_problem(api.post(f"{API}/workshops/import", json={**archive, "comment": "x"}), 422, "comment")
    assert count_rows(app, "Workshop") == before
    del archive["admission"]  # an archive from before admission existed imports as before
    assert api.post(f"{API}/workshops/import", json=archive).status_code == 201
