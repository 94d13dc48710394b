"""Contract, "Exports" and `POST /workshops/import`: CSV, the JSON archive and its round trip."""

from __future__ import annotations

import copy
import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support import builders
from tests.support.api import API, activity_url, assert_problem, counts, csv_rows, csv_text, rating, results
from tests.support.database import BACKENDS

pytestmark = BACKENDS

#: The contract's eight columns, then our `channel` extension (phone or paper).
HEADER = "workshop_id,activity,item,group,participant,axis,value,submitted_at,channel"
DANGEROUS = ("=", "+", "-", "@")


def definition() -> dict[str, Any]:
    """Constraints on a -2..2 x 1..5 matrix (negative numbers must stay numbers), sectors on 1..5 x 1..5."""
    return builders.definition(
        "Exports — Éastern Cape",
        groups=[builders.group("gov", "Gouvernement", 2.0), builders.group("firms", "Employers"),
                builders.group("workers", "Workers", 0.5)],
        items=[builders.item("finance", "Accès au crédit", category="macro"),
               builders.item("skills", "Skills", category="meso"),
               builders.item("agro", "Agro-processing", kind="sector", category="manufacturing"),
               builders.item("tourism", "Tourism", kind="sector", category="services")],
        activities=[builders.matrix("constraints", ["finance", "skills"], "Rate the constraints",
                                    builders.axis("Tractability", -2, 2)),
                    builders.matrix("sectors", ["agro", "tourism"], "Rate the sectors", builders.axis("Feasibility"),
                                    builders.axis("Attractiveness")),
                    builders.matrix("later", ["finance"], "Not yet", builders.axis("A"), builders.axis("B"))])


def put(api: Any, workshop_id: int, key: str, token: str, *ratings: dict[str, Any]) -> None:
    response = api.put(activity_url(workshop_id, key, "responses"), json={"ratings": list(ratings)}, token=token)
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.fixture
def voted(api: Any, join: Callable[..., str]) -> dict[str, Any]:
    """Ten participants; `constraints` open with votes, `sectors` closed with votes, `later` pending."""
    doc = api.post(f"{API}/workshops", json=definition()).get_json()
    wid = doc["id"]
    api.post(activity_url(wid, "constraints", "open"))
    api.post(activity_url(wid, "sectors", "open"))
    groups = ["gov", "gov", "gov", "firms", "firms", "firms", "firms", "workers", "workers", "workers"]
    tokens = [join(doc["join_code"], g) for g in groups]
    for n, token in enumerate(tokens):
        put(api, wid, "constraints", token, rating("finance", (n % 5) - 2, (n * 3) % 5 + 1),
            rating("skills", None if n % 4 == 0 else (n % 3) - 1, 5 - n % 4))
        if n % 3:
            put(api, wid, "sectors", token, rating("agro", n % 5 + 1, None), rating("tourism", 4, n % 2 + 2))
    put(api, wid, "constraints", tokens[0], rating("finance", 2, 1))  # a replaced rating
    put(api, wid, "constraints", tokens[9], rating("skills", None, None))  # a participant who doesn't know
    api.post(activity_url(wid, "sectors", "close"))
    return {"doc": doc, "tokens": tokens, "groups": groups}


# --- CSV ----------------------------------------------------------------------------------------------------

def test_csv_export(api: Any, join: Callable[..., str]) -> None:
    doc = api.post(f"{API}/workshops", json=definition()).get_json()
    wid = doc["id"]
    api.post(activity_url(wid, "constraints", "open"))
    first = join(doc["join_code"], "gov")
    second = join(doc["join_code"], "firms")
    joined_only = join(doc["join_code"], "workers")
    assert joined_only
    before = datetime.now(UTC) - timedelta(minutes=5)
    put(api, wid, "constraints", first, rating("finance", -2, 5), rating("skills", None, 3))
    put(api, wid, "constraints", second, rating("finance", 1, None))
    put(api, wid, "constraints", second, rating("finance", 2, None))  # replaces, no new row
    after = datetime.now(UTC) + timedelta(minutes=5)

    response = api.get(f"{API}/workshops/{wid}/export?format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.mimetype_params.get("charset", "utf-8").lower() == "utf-8"
    raw = response.get_data()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    assert text.splitlines()[0] == HEADER

    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert len(rows) == 6  # one row per saved value: 2 ratings x 2 axes + 1 rating x 2 axes
    assert all(len(row) == 9 for row in rows)
    records = [dict(zip(HEADER.split(","), row, strict=True)) for row in rows]
    assert {r["workshop_id"] for r in records} == {str(wid)}
    assert {r["activity"] for r in records} == {"constraints"}
    assert {r["channel"] for r in records} == {"phone"}
    pseudonyms = {r["group"]: r["participant"] for r in records}
    assert set(pseudonyms) == {"gov", "firms"}
    assert len(set(pseudonyms.values())) == 2
    for pseudonym in pseudonyms.values():
        assert re.fullmatch(r"P\d{3,}", pseudonym)
    values = Counter((r["group"], r["item"], r["axis"], r["value"]) for r in records)
    assert values == Counter([("gov", "finance", "x", "-2"), ("gov", "finance", "y", "5"),
                              ("gov", "skills", "x", ""), ("gov", "skills", "y", "3"),
                              ("firms", "finance", "x", "2"), ("firms", "finance", "y", "")])
    for record in records:
        moment = datetime.fromisoformat(record["submitted_at"].replace("Z", "+00:00"))
        assert moment.tzinfo is not None and before <= moment <= after


def test_csv_of_a_workshop_without_votes_is_the_header(api: Any, workshop: dict[str, Any]) -> None:
    assert csv_text(api, workshop["id"]).splitlines() == [HEADER]


def test_exports_are_for_the_owner(api: Any, other_api: Any, workshop: dict[str, Any],
                                   join: Callable[..., str]) -> None:
    wid = workshop["id"]
    participant = join(workshop["join_code"], "gov")
    for fmt in ("csv", "json"):
        url = f"{API}/workshops/{wid}/export?format={fmt}"
        assert_problem(api.get(url, token=""), 401)
        assert_problem(api.get(url, token=participant), 401)
        assert_problem(api.get(url, token=workshop["screen_token"]), 401)
        assert_problem(other_api.get(url), 403)
        assert_problem(api.get(f"{API}/workshops/{wid + 1000}/export?format={fmt}"), 404)
    assert_problem(api.get(f"{API}/workshops/{wid}/export?format=docx"), 422, "format")


FORMULAS = ["=1+2", "+A1", "-2+3", "@SUM(A1)"]


def test_csv_neutralises_formulas_in_reachable_text_cells(api: Any, other_api: Any,
                                                          voted: dict[str, Any]) -> None:
    """Keys cannot start with = + - @; pseudonyms can, through an imported archive. Numbers stay numbers."""
    archive = api.get(f"{API}/workshops/{voted['doc']['id']}/export?format=json").get_json()
    renamed = dict(zip([p["pseudonym"] for p in archive["participants"]], FORMULAS, strict=False))
    for participant in archive["participants"]:
        participant["pseudonym"] = renamed.get(participant["pseudonym"], participant["pseudonym"])
    for response in archive["responses"]:
        response["participant"] = renamed.get(response["participant"], response["participant"])
    imported = other_api.post(f"{API}/workshops/import", json=archive)
    assert imported.status_code == 201, imported.get_data(as_text=True)

    rows = csv_rows(other_api, imported.get_json()["id"])
    participants = {r["participant"] for r in rows}
    assert len(participants) == 10
    for formula in FORMULAS:
        matching = [p for p in participants if formula in p]
        assert len(matching) == 1 and not matching[0].startswith(DANGEROUS), (formula, participants)
    for row in rows:
        for name in ("activity", "item", "group", "participant", "axis", "submitted_at"):
            assert not row[name].startswith(DANGEROUS), row
    # Negative numbers stay numbers.
    assert "-2" in {r["value"] for r in rows if r["activity"] == "constraints" and r["axis"] == "x"}
    assert all(re.fullmatch(r"-?\d+|", r["value"]) for r in rows)


# --- JSON export and import ---------------------------------------------------------------------------------

def test_json_export_holds_the_workshop_and_every_response(api: Any, voted: dict[str, Any]) -> None:
    wid = voted["doc"]["id"]
    response = api.get(f"{API}/workshops/{wid}/export?format=json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    archive = response.get_json()
    assert archive["workshop"]["title"] == definition()["title"]
    assert [a["state"] for a in archive["workshop"]["activities"]] == ["open", "closed", "pending"]
    assert len(archive["participants"]) == 10
    assert len(archive["responses"]) == len(csv_rows(api, wid))
    current = api.get(f"{API}/workshops/{wid}").get_json()
    for name in ("id", "title", "language", "min_group_size", "groups", "items", "activities"):
        assert archive["workshop"][name] == current[name], name
    assert {r["participant"] for r in archive["responses"]} <= {p["pseudonym"] for p in archive["participants"]}


def _definition_part(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ("id", "join_code", "join_url", "screen_url", "screen_token")}


def _values(rows: list[dict[str, str]]) -> Counter[tuple[str, ...]]:
    return Counter(tuple(v for k, v in r.items() if k != "workshop_id") for r in rows)


def test_import_round_trip(app: Any, api: Any, other_api: Any, voted: dict[str, Any]) -> None:
    original = voted["doc"]
    wid = original["id"]
    archive = api.get(f"{API}/workshops/{wid}/export?format=json").get_json()

    response = other_api.post(f"{API}/workshops/import", json=archive)
    assert response.status_code == 201, response.get_data(as_text=True)
    copy_doc = response.get_json()
    for name in ("id", "join_code", "screen_token"):
        assert copy_doc[name] != original[name], name
    assert f"/j/{copy_doc['join_code']}" in copy_doc["join_url"]
    assert copy_doc["screen_url"] != original["screen_url"]

    # The same definition and activity states.
    current = api.get(f"{API}/workshops/{wid}").get_json()
    assert _definition_part(copy_doc) == _definition_part(current)
    assert [a["state"] for a in copy_doc["activities"]] == ["open", "closed", "pending"]
    assert other_api.get(f"{API}/workshops/{copy_doc['id']}").get_json() == copy_doc

    # The same results, in both weightings, for every activity.
    for key in ("constraints", "sectors", "later"):
        for weighting in ("per_head", "equal_groups"):
            assert results(other_api, copy_doc["id"], key, weighting) == results(api, wid, key, weighting)
    assert results(api, wid, "constraints")["respondents"] == 10

    # Every response with its time; participants keep their pseudonyms (and groups).
    assert _values(csv_rows(other_api, copy_doc["id"])) == _values(csv_rows(api, wid))
    again = other_api.get(f"{API}/workshops/{copy_doc['id']}/export?format=json").get_json()
    strip = [{k: p[k] for k in ("pseudonym", "group")} for p in archive["participants"]]
    assert [{k: p[k] for k in ("pseudonym", "group")} for p in again["participants"]] == strip

    # The copy is the importer's, with its own screen; the original facilitator cannot touch it.
    assert_problem(api.get(f"{API}/workshops/{copy_doc['id']}"), 403)
    screen = api.get(activity_url(copy_doc["id"], "constraints", "results"), token=copy_doc["screen_token"])
    assert screen.status_code == 200
    assert_problem(api.get(activity_url(copy_doc["id"], "constraints", "results"),
                           token=original["screen_token"]), 403)

    # Participants get new tokens: the old ones belong to the original workshop only.
    old_token = voted["tokens"][1]
    assert_problem(api.put(activity_url(copy_doc["id"], "constraints", "responses"),
                           json={"ratings": [rating("finance", 0, 3)]}, token=old_token), 403)
    # The copy keeps working: a new participant votes in its open activity.
    joined = api.post(f"{API}/join", json={"code": copy_doc["join_code"], "group": "firms"}, token="")
    assert joined.status_code == 201 and joined.get_json()["workshop"] == copy_doc["id"]
    new_token = joined.get_json()["participant_token"]
    put(api, copy_doc["id"], "constraints", new_token, rating("finance", 0, 3))
    assert results(other_api, copy_doc["id"], "constraints")["respondents"] == 11
    assert results(api, wid, "constraints")["respondents"] == 10
    # The new participant gets a pseudonym of its own, next to the imported ones.
    pseudonyms = {r["participant"] for r in csv_rows(other_api, copy_doc["id"])}
    assert len(pseudonyms) == 11 and pseudonyms > {p["pseudonym"] for p in archive["participants"]}


def test_import_of_a_newer_version_422_creates_nothing(app: Any, api: Any, other_api: Any,
                                                       voted: dict[str, Any]) -> None:
    archive = api.get(f"{API}/workshops/{voted['doc']['id']}/export?format=json").get_json()
    archive["version"] = archive["version"] + 1
    before = counts(app)
    assert_problem(other_api.post(f"{API}/workshops/import", json=archive), 422, "version")
    assert counts(app) == before


def _break(archive: dict[str, Any], what: str) -> tuple[dict[str, Any], str]:
    archive = copy.deepcopy(archive)
    last = len(archive["responses"]) - 1
    if what == "unknown-item":
        archive["responses"][last]["item"] = "mining"
        return archive, f"responses[{last}].item"
    if what == "item-of-another-activity":
        index = next(n for n, r in enumerate(archive["responses"]) if r["activity"] == "sectors")
        archive["responses"][index]["item"] = "finance"
        return archive, f"responses[{index}].item"
    if what == "value-off-scale":
        archive["responses"][3]["value"] = 9
        return archive, "responses[3].value"
    if what == "unknown-participant":
        archive["responses"][2]["participant"] = "P999"
        return archive, "responses[2].participant"
    if what == "unknown-group":
        archive["participants"][4]["group"] = "academia"
        return archive, "participants[4].group"
    if what == "duplicate-value":
        archive["responses"].append(dict(archive["responses"][0]))
        return archive, f"responses[{last + 1}]"
    if what == "bad-scale":
        archive["workshop"]["activities"][0]["x"]["max"] = -2
        return archive, "activities[0].x.max"
    if what == "not-an-archive":
        del archive["format"]
        return archive, "format"
    raise AssertionError(what)


@pytest.mark.parametrize("what", ["unknown-item", "item-of-another-activity", "value-off-scale",
                                  "unknown-participant", "unknown-group", "duplicate-value", "bad-scale",
                                  "not-an-archive"])
def test_hand_edited_archive_422_creates_nothing(app: Any, api: Any, other_api: Any, voted: dict[str, Any],
                                                 what: str) -> None:
    archive = api.get(f"{API}/workshops/{voted['doc']['id']}/export?format=json").get_json()
    broken, field = _break(archive, what)
    before = counts(app)
    body = assert_problem(other_api.post(f"{API}/workshops/import", json=broken), 422)
    # The row-level path; a definition error may be reported under the archive's "workshop." prefix.
    assert {e["field"].removeprefix("workshop.") for e in body["errors"]} >= {field}, body["errors"]
    assert counts(app) == before


def test_import_needs_a_facilitator_and_json(app: Any, api: Any, voted: dict[str, Any]) -> None:
    archive = api.get(f"{API}/workshops/{voted['doc']['id']}/export?format=json").get_json()
    before = counts(app)
    assert_problem(api.post(f"{API}/workshops/import", json=archive, token=""), 401)
    assert_problem(api.post(f"{API}/workshops/import", json=archive, token=voted["tokens"][0]), 401)
    assert_problem(api.post(f"{API}/workshops/import", data="{not json", content_type="application/json"), 422)
    assert_problem(api.post(f"{API}/workshops/import", json=[archive]), 422)
    assert counts(app) == before
