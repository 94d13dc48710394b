"""Fixtures for the export tests: a voted workshop with formula-like text and a negative scale."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.api import API, activity_url, create_facilitator, rating
from tests.support.builders import exports_definition
from tests.support.reports import VOTES


@pytest.fixture(autouse=True)
def live_pushes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Live pushes are not part of these tests; recording them avoids a background task outliving the app."""
    from app import publisher

    monkeypatch.setattr(publisher.hub, "results_changed", lambda activity_id: None)
    monkeypatch.setattr(publisher.hub, "participation_changed", lambda workshop_id: None)


@pytest.fixture
def voted(api: Any, join: Callable[..., str]) -> dict[str, Any]:
    """The workshop with VOTES saved; `constraints` closed, `summary` pending (no results yet)."""
    doc = api.post(f"{API}/workshops", json=exports_definition()).get_json()
    wid = doc["id"]
    assert api.post(activity_url(wid, "constraints", "open")).status_code == 200
    tokens = []
    for group, finance, skills, power in VOTES:
        token = join(doc["join_code"], group)
        tokens.append(token)
        # A first, different answer that the second request replaces: only the final value may count.
        first = api.put(activity_url(wid, "constraints", "responses"), token=token,
                        json={"ratings": [rating("finance", 0, 3)]})
        assert first.status_code == 200, first.get_data(as_text=True)
        response = api.put(activity_url(wid, "constraints", "responses"), token=token,
                           json={"ratings": [rating("finance", *finance), rating("skills", *skills),
                                             rating("power", *power)]})
        assert response.status_code == 200, response.get_data(as_text=True)
    assert api.post(activity_url(wid, "constraints", "close")).status_code == 200
    return {"doc": doc, "id": wid, "tokens": tokens}


@pytest.fixture
def other_api(app: Any, api: Any) -> Any:
    """A second facilitator, who owns nothing of the first one's."""
    create_facilitator(app, "other@example.org", "another password", "Another facilitator")
    response = api.post(f"{API}/auth/token", json={"email": "other@example.org", "password": "another password"},
                        token="")
    assert response.status_code == 200, response.get_data(as_text=True)
    return type(api)(api.client, response.get_json()["token"])
