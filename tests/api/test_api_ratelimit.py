"""Contract, "Conventions": 429 when rate-limited, keyed by participant token, never by the address alone.

TestingConfig turns rate limiting off; this module builds its own app with it on, on the test's database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import builders
from tests.support.api import API, activity_url, assert_problem, rating, results
from tests.support.database import BACKENDS

pytestmark = BACKENDS

ROOM_ADDRESS = "192.168.1.20"  # the venue router: every phone in the room arrives from here
MAX_REQUESTS = 2000  # far above any sensible per-participant limit; the test fails if no limit is hit
DEFINITION = builders.definition(
    "Limits", language=None, groups=builders.three_groups(),
    items=[builders.item("finance", "Access to finance", kind=None)],
    activities=[builders.matrix("constraints", ["finance"], "Rate", builders.axis("X"), builders.axis("Y"))])


@pytest.fixture
def limited_app(database_url: str) -> Iterator[Any]:
    from app import create_app
    from app.extensions import db
    from config import TestingConfig

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    application = create_app({**config, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
                              "RATELIMIT_STORAGE_URI": "memory://"})
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_participants_on_one_address_are_limited_independently(limited_app: Any) -> None:
    from tests.support.api import create_facilitator

    client = limited_app.test_client()
    environ = {"REMOTE_ADDR": ROOM_ADDRESS}

    def call(method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.open(path, method=method, headers=headers, environ_base=environ, **kwargs)

    create_facilitator(limited_app, "limits@example.org", "limits password", "Another facilitator")
    facilitator = call("POST", f"{API}/auth/token",
                       json={"email": "limits@example.org", "password": "limits password"}).get_json()["token"]
    doc = call("POST", f"{API}/workshops", facilitator, json=DEFINITION).get_json()
    assert call("POST", activity_url(doc["id"], "constraints", "open"), facilitator).status_code == 200
    first, second = (call("POST", f"{API}/join", json={"code": doc["join_code"], "group": g}).get_json()
                     ["participant_token"] for g in ("gov", "firms"))
    url = activity_url(doc["id"], "constraints", "responses")

    accepted = 0
    response = None
    for n in range(MAX_REQUESTS):
        response = call("PUT", url, first, json={"ratings": [rating("finance", n % 5 + 1, 3)]})
        if response.status_code != 200:
            break
        accepted += 1
    assert response is not None
    assert_problem(response, 429)
    assert accepted >= 10, "a phone must be able to change its mind a few times"
    # Still limited: the refusal was not a one-off.
    assert_problem(call("PUT", url, first, json={"ratings": [rating("finance", 2, 2)]}), 429)

    # The neighbour on the same address is not affected: the limit is per participant token.
    neighbour = call("PUT", url, second, json={"ratings": [rating("finance", 1, 1)]})
    assert neighbour.status_code == 200, neighbour.get_data(as_text=True)
    assert neighbour.get_json() == {"saved": 1}
    # Nor is the facilitator reading results from the same address.
    document = results(_Client(call, facilitator), doc["id"], "constraints", "per_head")
    assert document["respondents"] == 2


class _Client:
    """Enough of the Api helper for `support.results` on this app's client."""

    def __init__(self, call: Any, token: str) -> None:
        self._call, self.token = call, token

    def get(self, path: str, token: str | None = None) -> Any:
        return self._call("GET", path, token if token is not None else self.token)
