"""Fixtures local to the API contract tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import create_facilitator

OTHER_EMAIL = "other@example.org"
OTHER_PASSWORD = "another password"


@pytest.fixture(autouse=True)
def live_pushes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Record the live pushes that votes, joins and state changes ask for, instead of queueing them.

    The live hub pushes from a background task every LIVE_INTERVAL, in its own app context. A push still
    running when the `app` fixture disposes its engine leaves a connection in the discarded pool, which
    PostgreSQL runs report as a ResourceWarning (an error under this suite's filterwarnings). Live events are
    not part of these API tests, so the requests are only recorded (and available to a test that wants them).
    """
    from app import publisher

    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(publisher.hub, "results_changed", lambda activity_id: calls.append(("results", activity_id)))
    monkeypatch.setattr(publisher.hub, "participation_changed",
                        lambda workshop_id: calls.append(("participation", workshop_id)))
    return calls


@pytest.fixture
def other_api(app: Any, api: Any) -> Any:
    """A second facilitator, who owns nothing of the first one's."""
    create_facilitator(app, OTHER_EMAIL, OTHER_PASSWORD, "Another facilitator")
    response = api.post("/api/v1/auth/token", json={"email": OTHER_EMAIL, "password": OTHER_PASSWORD}, token="")
    assert response.status_code == 200, response.get_data(as_text=True)
    return type(api)(api.client, response.get_json()["token"])
