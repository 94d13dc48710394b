"""Running the room from the console: lock joining, and remove one participant's answers (logged)."""

from __future__ import annotations

import csv
import io
import logging
from typing import Any

import pytest

from tests.support.database import BACKENDS
from tests.support.pages import Browser, body, run_url

RATINGS = {"ratings": [{"item": "finance", "x": 4, "y": 5}, {"item": "skills", "x": 2, "y": None}]}


def joining_url(workshop: dict[str, Any]) -> str:
    return f"/facilitator/workshops/{workshop['id']}/joining"


def remove_url(workshop: dict[str, Any], key: str = "constraints") -> str:
    return f"/facilitator/workshops/{workshop['id']}/activities/{key}/remove-responses"


def api_join(api: Any, workshop: dict[str, Any], group: str = "gov") -> Any:
    return api.post("/api/v1/join", json={"code": workshop["join_code"], "group": group}, token="")


def vote(api: Any, workshop: dict[str, Any], token: str) -> Any:
    return api.put(f"/api/v1/workshops/{workshop['id']}/activities/constraints/responses", json=RATINGS,
                   token=token)


def respondents(api: Any, workshop: dict[str, Any]) -> tuple[int, dict[str, int]]:
    doc = api.get(f"/api/v1/workshops/{workshop['id']}/activities/constraints/results").get_json()
    return doc["respondents"], {g: v["respondents"] for g, v in doc["groups"].items()}


def csv_rows(api: Any, workshop: dict[str, Any]) -> list[dict[str, str]]:
    response = api.get(f"/api/v1/workshops/{workshop['id']}/export?format=csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def joining_locked(api: Any, workshop: dict[str, Any]) -> bool:
    return bool(api.get(f"/api/v1/workshops/{workshop['id']}").get_json()["joining_locked"])


@pytest.fixture
def voted(api: Any, join: Any, workshop: dict[str, Any]) -> list[str]:
    """Three participants (P001 gov, P002 gov, P003 workers) who each rated two constraints."""
    assert api.post(f"/api/v1/workshops/{workshop['id']}/activities/constraints/open").status_code == 200
    tokens = [join(workshop["join_code"], group) for group in ("gov", "gov", "workers")]
    for token in tokens:
        assert vote(api, workshop, token).status_code == 200
    return tokens


# --- lock joining ------------------------------------------------------------------------------------------

def test_lock_refuses_new_phones_and_unlock_lets_them_in(app: Any, api: Any, owner: Browser,
                                                         workshop: dict[str, Any]) -> None:
    page = body(owner.get(run_url(workshop)))
    assert "Lock joining" in page and "Unlock joining" not in page
    response = owner.submit(run_url(workshop), joining_url(workshop), {"locked": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(run_url(workshop) + "#join-title")
    assert joining_locked(api, workshop)
    page = body(owner.get(run_url(workshop)))
    assert "Joining is locked" in page and "Unlock joining" in page

    refused = api_join(api, workshop)
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert "closed joining" in refused.get_json()["detail"]
    phone = app.test_client()
    join_page = body(phone.get(f"/j/{workshop['join_code']}"))
    assert "closed joining for this workshop" in join_page and 'name="group"' not in join_page
    assert sum(owner_counts(api, workshop).values()) == 0

    owner.submit(run_url(workshop), joining_url(workshop), {"locked": "0"})
    assert not joining_locked(api, workshop)
    assert api_join(api, workshop).status_code == 201
    assert 'name="group"' in body(phone.get(f"/j/{workshop['join_code']}"))


def owner_counts(api: Any, workshop: dict[str, Any]) -> dict[str, int]:
    """Participants per group from the archive export (not from the console's own counts)."""
    archive = api.get(f"/api/v1/workshops/{workshop['id']}/export?format=json").get_json()
    counts: dict[str, int] = {}
    for participant in archive["participants"]:
        counts[participant["group"]] = counts.get(participant["group"], 0) + 1
    return counts


@BACKENDS
def test_joined_participants_keep_voting_while_locked(api: Any, owner: Browser, join: Any,
                                                      workshop: dict[str, Any]) -> None:
    token = join(workshop["join_code"], "workers")
    api.post(f"/api/v1/workshops/{workshop['id']}/activities/constraints/open")
    owner.submit(run_url(workshop), joining_url(workshop), {"locked": "1"})
    assert joining_locked(api, workshop)
    assert vote(api, workshop, token).status_code == 200
    assert respondents(api, workshop)[0] == 1


def test_lock_needs_csrf_and_the_owner(api: Any, owner: Browser, stranger: Browser,
                                       workshop: dict[str, Any]) -> None:
    assert owner.client.post(joining_url(workshop), data={"locked": "1"}).status_code == 400
    response = stranger.submit("/facilitator/", joining_url(workshop), {"locked": "1"})
    assert response.status_code in (403, 404)
    assert not joining_locked(api, workshop)


# --- remove one participant's answers ----------------------------------------------------------------------

@BACKENDS
def test_remove_responses_drops_one_respondent_and_their_rows(api: Any, owner: Browser, voted: list[str],
                                                              workshop: dict[str, Any],
                                                              caplog: pytest.LogCaptureFixture) -> None:
    before = csv_rows(api, workshop)
    assert {r["participant"] for r in before} == {"P001", "P002", "P003"}
    target = [r for r in before if r["participant"] == "P002"]
    assert len(target) == 4  # two items, x and y each (a null counts as a saved value)
    assert respondents(api, workshop) == (3, {"gov": 2, "firms": 0, "workers": 1})

    with caplog.at_level(logging.INFO, logger="prioritas.audit"):
        response = owner.submit(run_url(workshop), remove_url(workshop), {"pseudonym": "p002"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#activity-constraints")
    assert "Removed 4 value(s) of P002" in body(owner.get(run_url(workshop)))

    assert respondents(api, workshop) == (2, {"gov": 1, "firms": 0, "workers": 1})
    after = csv_rows(api, workshop)
    assert [r for r in after if r["participant"] == "P002"] == []
    assert after == [r for r in before if r["participant"] != "P002"]

    records = [r for r in caplog.records if r.name == "prioritas.audit"]
    assert len(records) == 1
    audit = records[0].audit  # type: ignore[attr-defined]
    assert audit["actor"] == "facilitator@example.org" and audit["workshop_id"] == workshop["id"]
    assert audit["activity"] == "constraints" and audit["pseudonym"] == "P002" and audit["values"] == 4
    assert audit["at"] and "P002" in records[0].getMessage()

    # The participant is still in the workshop and may answer again.
    assert vote(api, workshop, voted[1]).status_code == 200
    assert respondents(api, workshop)[0] == 3


def test_unknown_pseudonym_changes_nothing(api: Any, owner: Browser, voted: list[str], workshop: dict[str, Any],
                                           caplog: pytest.LogCaptureFixture) -> None:
    before = csv_rows(api, workshop)
    with caplog.at_level(logging.INFO, logger="prioritas.audit"):
        for name in ("P099", "", "  "):
            response = owner.submit(run_url(workshop), remove_url(workshop), {"pseudonym": name})
            assert response.status_code == 302
            page = body(owner.get(run_url(workshop)))
            assert "Nothing was removed. No participant" in page
    assert csv_rows(api, workshop) == before
    assert respondents(api, workshop)[0] == 3
    assert not [r for r in caplog.records if r.name == "prioritas.audit"]


def test_remove_needs_csrf_and_the_owner(api: Any, owner: Browser, stranger: Browser, voted: list[str],
                                         workshop: dict[str, Any]) -> None:
    before = csv_rows(api, workshop)
    assert owner.client.post(remove_url(workshop), data={"pseudonym": "P001"}).status_code == 400
    response = stranger.submit("/facilitator/", remove_url(workshop), {"pseudonym": "P001"})
    assert response.status_code in (403, 404)
    assert owner.submit(run_url(workshop), remove_url(workshop, "nope"), {"pseudonym": "P001"}).status_code == 404
    assert csv_rows(api, workshop) == before


def test_remove_only_touches_the_current_round(api: Any, owner: Browser, voted: list[str],
                                               workshop: dict[str, Any]) -> None:
    """Delphi: round 1's answers are the record of that round; removing in round 2 leaves them."""
    assert api.post(f"/api/v1/workshops/{workshop['id']}/activities/constraints/rounds").status_code == 200
    assert vote(api, workshop, voted[0]).status_code == 200
    owner.submit(run_url(workshop), remove_url(workshop), {"pseudonym": "P001"})
    assert "Removed 4 value(s) of P001 from round 2" in body(owner.get(run_url(workshop)))
    rows = csv_rows(api, workshop)
    assert len([r for r in rows if r["participant"] == "P001"]) == 4  # round 1 kept
    owner.submit(run_url(workshop), remove_url(workshop), {"pseudonym": "P001"})
    assert "P001 has no answers in round 2" in body(owner.get(run_url(workshop)))
