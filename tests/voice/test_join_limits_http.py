"""Join limits through the real app with rate limiting ON: a whole hall on one address always gets in; wrong
codes are refused after a few, per device, and a flood cannot lock anyone else out (docs/ratelimits.md)."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support.api import create_facilitator
from tests.support.builders import small_definition
from tests.support.database import BACKENDS

HALL = {"REMOTE_ADDR": "192.168.1.20"}  # the venue router: every phone arrives from this address
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def limited_app(database_url: str) -> Iterator[Any]:
    from app import create_app, publisher
    from app.extensions import db
    from config import TestingConfig

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    application = create_app({**config, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
                              "RATELIMIT_STORAGE_URI": "memory://"})
    yield application
    publisher.hub.stop(application)
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def room(limited_app: Any) -> dict[str, Any]:
    create_facilitator(limited_app)
    client = limited_app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": "facilitator@example.org",
                                                      "password": "correct horse"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    first = client.post("/api/v1/workshops", json=small_definition(), headers=headers).get_json()
    second = client.post("/api/v1/workshops", json=small_definition(title="Other room"), headers=headers).get_json()
    return {"A": first, "B": second, "headers": headers}


def api_join(client: Any, code: str, group: str = "gov", device: str | None = None, **extra: Any) -> Any:
    body = {"code": code, "group": group, **extra}
    if device:
        body["device"] = device
    return client.post("/api/v1/join", json=body, environ_base=HALL)


def form_join(client: Any, code: str, group: str = "gov") -> Any:
    page = client.get(f"/j/{code}", environ_base=HALL)
    if page.status_code != 200:
        return page
    token = CSRF.search(page.get_data(as_text=True)).group(1)
    return client.post(f"/j/{code}", data={"csrf_token": token, "group": group}, environ_base=HALL)


def joined(app: Any, workshop_id: int) -> int:
    from app.extensions import db
    from app.models import Participant

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Participant)
                                 .where(Participant.workshop_id == workshop_id))


def wrong_code(n: int) -> str:
    return f"Q{n:05d}"[-6:].replace("0", "Z").replace("1", "Y")


def test_a_thousand_phones_on_one_address_all_get_in(limited_app: Any, room: dict[str, Any]) -> None:
    """500 phones by the plain form, 500 by the API, all from the venue router's address, within a minute;
    one phone in ten mistypes the code once first. Every one of them gets in."""
    code = room["A"]["join_code"]
    groups = ("gov", "firms", "workers")
    started = time.monotonic()
    for n in range(1000):
        phone = limited_app.test_client()
        if n % 10 == 0:  # a typo first, on the join form or the API
            if n % 20 == 0:
                page = phone.get("/join", environ_base=HALL)
                token = CSRF.search(page.get_data(as_text=True)).group(1)
                assert phone.post("/join", data={"csrf_token": token, "code": "WRONG9"},
                                  environ_base=HALL).status_code == 422
            else:
                assert api_join(phone, "WRONG9", device=f"api-phone-{n:06d}-x").status_code == 404
        if n % 2:
            response = api_join(phone, code, groups[n % 3], device=f"api-phone-{n:06d}-x")
            assert response.status_code == 201, (n, response.get_data(as_text=True))
        else:
            response = form_join(phone, code, groups[n % 3])
            assert response.status_code == 302 and response.headers["Location"].endswith("/p"), (n, response.status)
    elapsed = time.monotonic() - started
    assert joined(limited_app, room["A"]["id"]) == 1000
    print(f"1,000 joins (half form, half API, 100 typos) in {elapsed:.1f} s")


def test_two_thousand_wrong_codes_from_one_client_are_refused_after_a_few(limited_app: Any,
                                                                        room: dict[str, Any]) -> None:
    guesser = limited_app.test_client()
    statuses = [api_join(guesser, wrong_code(n), device="guessing-device-0001").status_code for n in range(2000)]
    assert statuses[:10] == [404] * 10
    assert set(statuses[10:]) == {429}
    refused = api_join(guesser, wrong_code(1), device="guessing-device-0001")
    assert refused.mimetype == "application/problem+json" and int(refused.headers["Retry-After"]) > 0
    # Now that it is locked out, even the right code does not help that client: it was guessing.
    assert api_join(guesser, room["A"]["join_code"], device="guessing-device-0001").status_code == 429
    # The same on the plain form (the phone's device cookie is the key).
    form = limited_app.test_client()
    page = form.get("/join", environ_base=HALL)
    token = CSRF.search(page.get_data(as_text=True)).group(1)
    form_statuses = [form.post("/join", data={"csrf_token": token, "code": wrong_code(n)},
                               environ_base=HALL).status_code for n in range(40)]
    assert form_statuses[:10] == [422] * 10 and set(form_statuses[10:]) == {429}
    assert "Too many wrong codes" in form.post("/join", data={"csrf_token": token, "code": "ABCDEF"},
                                               environ_base=HALL).get_data(as_text=True)
    # A real phone on the same address with a fresh device joins at once, by API and by form.
    assert api_join(limited_app.test_client(), room["A"]["join_code"], device="real-phone-000001").status_code == 201
    assert form_join(limited_app.test_client(), room["A"]["join_code"]).status_code == 302


def test_rotating_devices_hit_the_server_wide_budget_but_a_real_phone_still_joins(limited_app: Any,
                                                                                 room: dict[str, Any]) -> None:
    from app.services import ratelimit

    client = limited_app.test_client()
    budget = ratelimit.GLOBAL_UNKNOWN_CODES[0].amount
    statuses = [api_join(client, wrong_code(n), device=f"rotating-{uuid.uuid4().hex}").status_code
                for n in range(budget + 50)]
    assert statuses.count(404) == budget and set(statuses[budget:]) == {429}
    with limited_app.test_request_context():  # what the console's panel reports for the whole server
        assert ratelimit.unknown_codes_last_hour() == budget
    # Also a client that sends no device at all: keyed by address and browser, so it is throttled alone.
    assert api_join(client, room["A"]["join_code"], device=f"real-{uuid.uuid4().hex}").status_code == 201
    assert form_join(limited_app.test_client(), room["A"]["join_code"]).status_code == 302


def test_a_flood_of_wrong_groups_into_a_workshop_does_not_stop_a_real_join(limited_app: Any,
                                                                          room: dict[str, Any]) -> None:
    code = room["A"]["join_code"]
    flood = limited_app.test_client()
    api_statuses = [api_join(flood, code, "martians", device=f"flood-{n:04d}-{uuid.uuid4().hex[:8]}").status_code
                    for n in range(600)]
    assert set(api_statuses) == {422}  # each fresh device fails on its own; nothing is shared with others
    no_device = [api_join(flood, code, "martians").status_code for _ in range(30)]
    assert no_device[:10] == [422] * 10 and set(no_device[10:]) == {429}
    # That client is only refused its failures: with a right group it gets in (the hall may share its key).
    assert api_join(flood, code, "gov").status_code == 201
    form_flood = limited_app.test_client()
    form_statuses = [form_join(form_flood, code, "martians").status_code for _ in range(30)]
    assert form_statuses[:10] == [422] * 10 and set(form_statuses[10:]) == {429}
    # Real phones of the same room, same address: straight in, by API (no device) and by form.
    assert api_join(limited_app.test_client(), code, "gov").status_code == 201
    assert api_join(limited_app.test_client(), code, "gov", device="real-phone-abcdef01").status_code == 201
    assert form_join(limited_app.test_client(), code, "workers").status_code == 302
    # And the other workshop is untouched.
    assert api_join(limited_app.test_client(), room["B"]["join_code"], "gov").status_code == 201
    assert joined(limited_app, room["A"]["id"]) == 4


@BACKENDS
def test_a_known_device_rejoining_gets_its_participant_back(limited_app: Any, room: dict[str, Any]) -> None:
    code, device = room["A"]["join_code"], "kept-device-0123456789"
    client = limited_app.test_client()
    first = api_join(client, code, "gov", device=device)
    assert first.status_code == 201 and first.get_json()["rejoined"] is False
    # Joining again is not a failure: a hundred rejoins are never limited and never add a participant.
    for _ in range(100):
        again = api_join(client, code, "gov", device=device)
        assert again.status_code == 200 and again.get_json()["rejoined"] is True
    assert joined(limited_app, room["A"]["id"]) == 1
    header = client.post("/api/v1/join", json={"code": code, "group": "workers"},
                         headers={"X-Prioritas-Device": device}, environ_base=HALL)
    assert header.status_code == 200 and header.get_json()["group"] == "workers"  # nothing answered yet: moves
    old, new = first.get_json()["participant_token"], header.get_json()["participant_token"]
    url = f"/api/v1/workshops/{room['A']['id']}/activities/constraints"
    assert client.post(url + "/open", headers=room["headers"]).status_code == 200
    vote = {"ratings": [{"item": "finance", "x": 3, "y": 4}]}
    assert client.put(url + "/responses", json=vote, headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert client.put(url + "/responses", json=vote, headers={"Authorization": f"Bearer {new}"}).status_code == 200
    stays = api_join(client, code, "firms", device=device)
    assert stays.get_json()["group"] == "workers" and stays.get_json()["kept_group"] is True
    # The contract's two-field join still answers 201 with its two fields.
    plain = api_join(limited_app.test_client(), code, "gov")
    assert plain.status_code == 201 and {"participant_token", "workshop"} <= set(plain.get_json())
    # On the web: the device cookie brings the same participant back after the session is gone.
    phone = limited_app.test_client()
    assert form_join(phone, code, "firms").status_code == 302
    with phone.session_transaction() as session:
        session.clear()
    back = phone.get(f"/j/{code}", environ_base=HALL)
    assert back.status_code == 302 and back.headers["Location"].endswith("/p")
    assert joined(limited_app, room["A"]["id"]) == 3
