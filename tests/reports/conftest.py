"""Fixtures for the export tests: a voted workshop with formula-like text and a negative scale."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.support import API, activity_url, rating

DANGEROUS_TITLE = "=HYPERLINK(\"http://x\")"


@pytest.fixture(autouse=True)
def live_pushes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Live pushes are not part of these tests; recording them avoids a background task outliving the app."""
    from app import publisher

    monkeypatch.setattr(publisher.hub, "results_changed", lambda activity_id: None)
    monkeypatch.setattr(publisher.hub, "participation_changed", lambda workshop_id: None)


def definition(language: str = "en", title: str = "Exports — Éastern Cape") -> dict[str, Any]:
    """Constraints on a -2..2 x 1..5 matrix, with text a spreadsheet would run as a formula."""
    return {
        "title": title, "language": language, "min_group_size": 3,
        "method_note": "@note: perceptions, to be tested.",
        "groups": [{"key": "gov", "name": "Government", "weight": 2.0, "expected": 4},
                   {"key": "firms", "name": "+Employers", "expected": 5},
                   {"key": "workers", "name": "Workers", "weight": 0.5},
                   {"key": "academia", "name": "Academia", "weight": 0.0}],
        "items": [{"key": "finance", "kind": "constraint", "title": DANGEROUS_TITLE, "category": "macro"},
                  {"key": "skills", "kind": "constraint", "title": "Skills", "category": "meso"},
                  {"key": "power", "kind": "constraint", "title": "-Electricity", "category": "meso"}],
        "activities": [{"key": "constraints", "type": "matrix", "title": "Rate the constraints",
                        "items": ["finance", "skills", "power"],
                        "x": {"label": "Tractability", "min": -2, "max": 2},
                        "y": {"label": "Severity", "min": 1, "max": 5},
                        "quadrants": {"top_right": "Quick wins", "top_left": "Advocacy",
                                      "bottom_right": "Fill-ins", "bottom_left": "Park"}},
                       {"key": "summary", "type": "matrix", "title": "Not yet",
                        "items": ["skills"],
                        "x": {"label": "A", "min": 1, "max": 5}, "y": {"label": "B", "min": 1, "max": 5}}],
    }


#: Final ratings per participant (group, finance, skills, power) as (x, y); None = don't know.
VOTES: list[tuple[str, tuple[Any, Any], tuple[Any, Any], tuple[Any, Any]]] = [
    ("gov", (2, 5), (1, 4), (-2, 2)),
    ("gov", (1, 5), (0, 4), (-1, 1)),
    ("gov", (2, 4), (None, 3), (-2, 1)),
    ("gov", (1, 5), (1, 5), (-1, 2)),
    ("firms", (-2, 2), (2, 5), (0, 3)),
    ("firms", (-1, 1), (1, 4), (1, 3)),
    ("firms", (-2, 2), (2, 5), (0, 4)),
    ("firms", (-1, 1), (2, None), (1, 3)),
    ("firms", (-2, 1), (1, 4), (0, 3)),
    ("workers", (0, 3), (-1, 2), (2, 5)),
    ("workers", (0, 4), (-2, 3), (2, 5)),
    ("workers", (1, 3), (-1, 2), (1, 4)),
    ("academia", (0, 3), (0, 3), (0, 3)),  # one observer: below k, never shown on its own
]


@pytest.fixture
def voted(api: Any, join: Callable[..., str]) -> dict[str, Any]:
    """The workshop with VOTES saved; `constraints` closed, `summary` pending (no results yet)."""
    doc = api.post(f"{API}/workshops", json=definition()).get_json()
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
    from app.services import accounts
    from app.services.database import transaction

    with app.app_context(), transaction():
        accounts.create_user("other@example.org", "another password", "Another facilitator")
    response = api.post(f"{API}/auth/token", json={"email": "other@example.org", "password": "another password"},
                        token="")
    assert response.status_code == 200, response.get_data(as_text=True)
    return type(api)(api.client, response.get_json()["token"])
