"""One person, one voice in the console: joining rules, expected headcount, seat codes and their cards, and
the suspicious-joins panel (counts by group and time only)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.pages import Browser, body, run_url


def base(workshop: dict[str, Any]) -> str:
    return f"/facilitator/workshops/{workshop['id']}"


def join(client: Any, workshop: dict[str, Any], group: str = "gov", **extra: Any) -> Any:
    return client.post("/api/v1/join", json={"code": workshop["join_code"], "group": group, **extra})


@pytest.fixture(autouse=True)
def quiet_live(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record participation pushes instead of running the background hub (see tests/api/conftest.py)."""
    from app import publisher

    calls: list[int] = []
    monkeypatch.setattr(publisher.hub, "participation_changed", calls.append)
    return calls


def test_passcode_and_seat_requirement_from_the_console(app: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    page = body(owner.get(run_url(workshop)))
    assert "One person, one voice" in page and "Nothing unusual so far." in page
    response = owner.submit(run_url(workshop), base(workshop) + "/access", {"passcode": " Baobab "})
    assert response.status_code == 302 and response.headers["Location"].endswith("#voice-title")
    phone = app.test_client()
    assert join(phone, workshop).status_code == 403
    assert join(phone, workshop, passcode="baobab").status_code == 201
    owner.submit(run_url(workshop), base(workshop) + "/access", {"passcode": "Baobab", "seats_required": "1"})
    refused = join(phone, workshop, passcode="baobab")
    assert refused.status_code == 403 and "seat code" in refused.get_json()["detail"]
    too_long = owner.submit(run_url(workshop), base(workshop) + "/access", {"passcode": "x" * 41})
    assert "Nothing was changed" in body(owner.get(too_long.headers["Location"]))
    page = body(owner.get(run_url(workshop)))
    assert 'value="Baobab"' in page and 'name="seats_required" value="1" checked' in page
    assert re.search(r"Wrong passcodes</td>\s*<td>–</td><td>1</td>", page)
    assert re.search(r"Joins without a seat code</td>\s*<td>–</td><td>1</td>", page)


def test_expected_headcount_and_the_over_alert(app: Any, api: Any, owner: Browser, workshop: dict[str, Any],
                                               quiet_live: list[int]) -> None:
    response = owner.submit(run_url(workshop), base(workshop) + "/expected",
                            {"e-gov": "2", "e-firms": "", "e-workers": "10"})
    assert response.status_code == 302 and quiet_live == [workshop["id"]]
    doc = api.get(f"/api/v1/workshops/{workshop['id']}").get_json()
    assert [g["expected"] for g in doc["groups"]] == [2, None, 10]
    bad = owner.submit(run_url(workshop), base(workshop) + "/expected", {"e-gov": "two"})
    assert "Nothing was changed" in body(owner.get(bad.headers["Location"]))
    page = body(owner.get(run_url(workshop)))
    assert re.search(r'data-over-alert role="status"\s+hidden', page)
    for _ in range(3):
        assert join(app.test_client(), workshop, "gov").status_code == 201
    page = body(owner.get(run_url(workshop)))
    assert re.search(r'data-over-alert role="status"\s*>', page)  # no longer hidden
    assert 'class="group over-expected" data-group="gov"' in page
    assert re.search(r"More people than expected</td>\s*<td>Government</td><td>1</td>", page)


def test_seat_codes_make_print_and_withdraw(app: Any, owner: Browser, workshop: dict[str, Any]) -> None:
    response = owner.submit(run_url(workshop), base(workshop) + "/seats", {"count": "5", "group": "workers"})
    assert response.status_code == 302
    listing = body(owner.get(base(workshop) + "/seats"))
    codes = re.findall(r'data-seat="([A-Z0-9]{8})" data-seat-state="unused"', listing)
    assert len(codes) == 5 and listing.count("Workers") >= 5
    cards = body(owner.get(base(workshop) + "/seats/print"))
    assert cards.count('class="seat-card"') == 5 and cards.count("<svg") == 5
    assert all(code in cards for code in codes) and "seats.css" in cards
    phone = app.test_client()
    used = join(phone, workshop, "gov", seat=codes[0], device="card-phone-000000001")
    assert used.status_code == 201 and used.get_json()["group"] == "workers"
    assert join(app.test_client(), workshop, "gov", seat=codes[0]).status_code == 403
    owner.submit(run_url(workshop), base(workshop) + "/seats/revoke", {"code": codes[1].lower()})
    assert join(app.test_client(), workshop, "gov", seat=codes[1]).status_code == 403
    page = body(owner.get(run_url(workshop)))
    assert re.search(r"<strong>1</strong> used · <strong>3</strong> unused · <strong>1</strong> withdrawn", page)
    assert re.search(r"Seat codes used a second time</td>\s*<td>Workers</td><td>1</td>", page)
    cards = body(owner.get(base(workshop) + "/seats/print"))
    assert cards.count('class="seat-card"') == 3 and codes[0] not in cards and codes[1] not in cards
    listing = body(owner.get(base(workshop) + "/seats"))
    seat_id = re.search(rf'data-seat="{codes[2]}".*?name="seat_id" value="(\d+)"', listing, re.S).group(1)
    owner.submit(base(workshop) + "/seats", base(workshop) + "/seats/revoke", {"seat_id": seat_id, "back": "list"})
    assert f'data-seat="{codes[2]}" data-seat-state="revoked"' in body(owner.get(base(workshop) + "/seats"))
    bad = owner.submit(run_url(workshop), base(workshop) + "/seats", {"count": "0"})
    assert "No seat codes were made" in body(owner.get(bad.headers["Location"]))


def test_another_facilitator_cannot_touch_the_rules(stranger: Browser, workshop: dict[str, Any]) -> None:
    for path in ("/seats", "/seats/print"):
        assert stranger.get(base(workshop) + path).status_code in (403, 404)
    response = stranger.submit("/facilitator/", base(workshop) + "/access", {"passcode": "mine"})
    assert response.status_code in (403, 404)
