"""The workshop document carries where the room is (pace) and whether phones may suggest items (proposal
settings); the JSON archive carries the suggestion settings through export and import, on SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.support.api import API, assert_problem, count_rows
from tests.support.database import BACKENDS

pytestmark = BACKENDS


def _document(api: Any, workshop: dict[str, Any]) -> dict[str, Any]:
    response = api.get(f"{API}/workshops/{workshop['id']}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_document_follows_pace_and_suggestion_settings(api: Any, workshop: dict[str, Any]) -> None:
    base = f"{API}/workshops/{workshop['id']}"
    first = _document(api, workshop)
    assert first["pace"] == api.get(f"{base}/pace").get_json()
    assert first["pace"]["mode"] == "self" and first["pace"]["activity"] is None
    assert first["proposal_settings"] == api.get(f"{base}/proposal-settings").get_json()
    assert first["proposal_settings"]["open"] is True and first["proposal_settings"]["limit"] == 10

    assert api.put(f"{base}/pace", json={"mode": "item"}).status_code == 200
    assert api.put(f"{base}/proposal-settings", json={"open": False, "limit": 3}).status_code == 200
    now = _document(api, workshop)
    assert now["pace"] == api.get(f"{base}/pace").get_json()
    assert (now["pace"]["mode"], now["pace"]["activity"], now["pace"]["step"]) == ("item", "constraints", 1)
    assert {k: now["proposal_settings"][k] for k in ("open", "limit")} == {"open": False, "limit": 3}


def test_the_archive_keeps_the_suggestion_settings(app: Any, api: Any, workshop: dict[str, Any]) -> None:
    base = f"{API}/workshops/{workshop['id']}"
    assert api.put(f"{base}/proposal-settings", json={"open": False, "limit": 4}).status_code == 200
    archive = api.get(f"{base}/export?format=json").get_json()
    assert archive["proposal_settings"] == {"open": False, "limit": 4}
    imported = api.post(f"{API}/workshops/import", json=archive)
    assert imported.status_code == 201, imported.get_data(as_text=True)
    copy = imported.get_json()
    assert {k: copy["proposal_settings"][k] for k in ("open", "limit")} == {"open": False, "limit": 4}
    assert copy["pace"]["mode"] == "self"  # where a room was is not part of its archive: a copy starts afresh

    before = count_rows(app, "Workshop")
    for block, field in (({"open": "no"}, "proposal_settings.open"), ({"limit": 0}, "proposal_settings.limit"),
                         ({"limit": 101}, "proposal_settings.limit"), ({"limit": True}, "proposal_settings.limit"),
                         ({"window": 5}, "proposal_settings.window"), ([], "proposal_settings")):
        assert_problem(api.post(f"{API}/workshops/import", json={**archive, "proposal_settings": block}), 422, field)
    assert count_rows(app, "Workshop") == before
    del archive["proposal_settings"]  # an archive from before the setting imports with the defaults
    older = api.post(f"{API}/workshops/import", json=archive)
    assert older.status_code == 201, older.get_data(as_text=True)
    assert {k: older.get_json()["proposal_settings"][k] for k in ("open", "limit")} == {"open": True, "limit": 10}
