"""Items' second-language title and evidence, the workshop's second language, and the JSON archive's proposals
and actions: validated like every other field, shown in the workshop document, and kept by the archive round
trip (an archive written before they existed still imports)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from app.services.definitions import clean_definition
from tests.support.builders import small_definition
from tests.support.database import BACKENDS

API = "/api/v1"
EVIDENCE = "Loans cost 18% a year (central bank, 2024): https://example.org/rates"


def bilingual(**overrides: Any) -> dict[str, Any]:
    definition = small_definition(second_language="fr")
    definition["items"][0].update(title_2="Accès au crédit", evidence=EVIDENCE)
    definition["items"][1].update(title_2="Compétences")
    definition.update(overrides)
    return definition


def count(app: Any, model: str) -> int:
    from app import models
    from app.extensions import db

    with app.app_context():
        value = db.session.scalar(sa.select(sa.func.count()).select_from(getattr(models, model)))
        db.session.remove()
        return int(value or 0)


# --- definitions ---------------------------------------------------------------------------------------------

def test_definition_keeps_title_2_evidence_and_second_language() -> None:
    clean, errors = clean_definition(bilingual())
    assert errors == []
    assert clean["second_language"] == "fr"
    first, second, third = clean["items"]
    assert (first["title_2"], first["evidence"]) == ("Accès au crédit", EVIDENCE)
    assert (second["title_2"], second["evidence"]) == ("Compétences", "")
    assert (third["title_2"], third["evidence"]) == ("", "")


def test_second_language_is_optional() -> None:
    for value in (None, ""):
        definition = small_definition(second_language=value)
        clean, errors = clean_definition(definition)
        assert errors == [] and clean["second_language"] == ""
    clean, errors = clean_definition(small_definition())
    assert errors == [] and clean["second_language"] == ""


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"second_language": "en"}, "second_language", "must differ"),
    ({"language": "ar", "second_language": "ar"}, "second_language", "must differ"),
    ({"second_language": "de"}, "second_language", "Choose one of: en, fr, es, pt, ar"),
    ({"second_language": 3}, "second_language", "Choose one of"),
    ({"items": [{"key": "a", "title": "A", "title_2": "B" * 201}]}, "items[0].title_2", "At most 200"),
    ({"items": [{"key": "a", "title": "A", "evidence": "E" * 2001}]}, "items[0].evidence", "At most 2000"),
    ({"items": [{"key": "a", "title": "A", "evidence": ["a list"]}]}, "items[0].evidence", "Must be a string"),
    ({"items": [{"key": "a", "title": "A", "title_2": 7}]}, "items[0].title_2", "Must be a string"),
])
def test_invalid_values_are_field_errors(change: dict[str, Any], field: str, message: str) -> None:
    definition = small_definition(**change)
    if "items" in change:
        definition["activities"][0]["items"] = ["a"]
    _clean, errors = clean_definition(definition)
    assert [(e.field, message in e.message) for e in errors] == [(field, True)], errors


def test_limits_are_inclusive() -> None:
    definition = small_definition(items=[{"key": "a", "title": "A", "title_2": "B" * 200, "evidence": "E" * 2000}])
    definition["activities"][0]["items"] = ["a"]
    clean, errors = clean_definition(definition)
    assert errors == [] and len(clean["items"][0]["evidence"]) == 2000


# --- the API's workshop document --------------------------------------------------------------------------

def test_workshop_document_shows_them(api: Any) -> None:
    response = api.post(f"{API}/workshops", json=bilingual())
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    doc = api.get(f"{API}/workshops/{created['id']}").get_json()
    assert doc == created
    assert doc["second_language"] == "fr"
    assert [(i["key"], i["title_2"], i["evidence"]) for i in doc["items"]] == [
        ("finance", "Accès au crédit", EVIDENCE), ("skills", "Compétences", ""), ("power", "", "")]


def test_rejected_definition_saves_nothing(app: Any, api: Any) -> None:
    definition = bilingual(second_language="en")
    definition["items"][2]["evidence"] = "x" * 2001
    response = api.post(f"{API}/workshops", json=definition)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {e["field"] for e in response.get_json()["errors"]} == {"second_language", "items[2].evidence"}
    assert count(app, "Workshop") == 0 and count(app, "Item") == 0


# --- the JSON archive ----------------------------------------------------------------------------------------

def add_proposals_and_actions(app: Any, workshop_id: int) -> None:
    """Rows as the proposals and actions pages would write them (those pages are built elsewhere)."""
    from app.extensions import db
    from app.models import Action, Participant, Proposal, Workshop

    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        participant = db.session.scalars(sa.select(Participant).where(Participant.workshop_id == workshop_id)).first()
        gov, skills, finance = workshop.group("gov"), workshop.item("skills"), workshop.item("finance")
        matrix = workshop.activity("constraints")
        db.session.add_all([
            Proposal(workshop_id=workshop_id, participant_id=participant.id, group_id=gov.id, kind="constraint",
                     title="Port congestion", description="Ships wait", status="pending",
                     created_at=datetime(2026, 3, 1, 9, 30, 5)),
            Proposal(workshop_id=workshop_id, group_id=gov.id, kind="constraint", title="Training gaps",
                     status="merged", item_id=skills.id, created_at=datetime(2026, 3, 1, 9, 31),
                     decided_at=datetime(2026, 3, 1, 9, 40)),
            Proposal(workshop_id=workshop_id, group_id=None, kind="outlier_firm", title="=HYPERLINK(1)",
                     status="rejected", created_at=datetime(2026, 3, 1, 9, 32),
                     decided_at=datetime(2026, 3, 1, 9, 41)),
            Action(workshop_id=workshop_id, activity_id=matrix.id, item_id=finance.id, owner="Ministry of Finance",
                   due_date=date(2026, 6, 30), note="Draft a guarantee scheme", created_at=datetime(2026, 3, 1, 11)),
            Action(workshop_id=workshop_id, activity_id=matrix.id, item_id=skills.id, owner="", due_date=None,
                   note="", created_at=datetime(2026, 3, 1, 11, 5)),
        ])
        db.session.commit()
        db.session.remove()


def stored(app: Any, workshop_id: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Proposals and actions of a workshop, read from the tables with keys instead of ids."""
    from app.extensions import db
    from app.models import Action, Proposal, Workshop

    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        groups = {g.id: g.key for g in workshop.groups}
        items = {i.id: i.key for i in workshop.items}
        activities = {a.id: a.key for a in workshop.activities}
        proposals = [(p.kind, p.title, p.description, p.status, groups.get(p.group_id), items.get(p.item_id),
                      p.created_at, p.decided_at)
                     for p in db.session.scalars(sa.select(Proposal).where(Proposal.workshop_id == workshop_id)
                                                 .order_by(Proposal.created_at))]
        actions = [(activities[a.activity_id], items[a.item_id], a.owner, a.due_date, a.note, a.created_at)
                   for a in db.session.scalars(sa.select(Action).where(Action.workshop_id == workshop_id)
                                               .order_by(Action.created_at))]
        db.session.remove()
        return proposals, actions


@pytest.fixture
def voted(api: Any, join: Any) -> dict[str, Any]:
    doc = api.post(f"{API}/workshops", json=bilingual()).get_json()
    assert api.post(f"{API}/workshops/{doc['id']}/activities/constraints/open").status_code == 200
    for group in ("gov", "gov", "firms"):
        token = join(doc["join_code"], group)
        saved = api.put(f"{API}/workshops/{doc['id']}/activities/constraints/responses", token=token,
                        json={"ratings": [{"item": "finance", "x": 3, "y": 4}]})
        assert saved.status_code == 200
    return doc


def export(api: Any, workshop_id: int) -> dict[str, Any]:
    response = api.get(f"{API}/workshops/{workshop_id}/export?format=json")
    assert response.status_code == 200
    return response.get_json()


@BACKENDS
def test_archive_round_trip_keeps_texts_proposals_and_actions(app: Any, api: Any, voted: dict[str, Any]) -> None:
    add_proposals_and_actions(app, voted["id"])
    archive = export(api, voted["id"])
    assert archive["workshop"]["second_language"] == "fr"
    assert archive["workshop"]["items"][0]["evidence"] == EVIDENCE
    assert archive["proposals"][0] == {
        "kind": "constraint", "title": "Port congestion", "description": "Ships wait", "status": "pending",
        "group": "gov", "item": None, "created_at": "2026-03-01T09:30:05Z", "decided_at": None}
    assert "participant" not in str(archive["proposals"])  # never who proposed it
    assert archive["actions"][0] == {"activity": "constraints", "item": "finance", "owner": "Ministry of Finance",
                                     "due_date": "2026-06-30", "note": "Draft a guarantee scheme",
                                     "created_at": "2026-03-01T11:00:00Z"}

    imported = api.post(f"{API}/workshops/import", json=archive)
    assert imported.status_code == 201, imported.get_data(as_text=True)
    copy = imported.get_json()
    assert copy["id"] != voted["id"]
    assert copy["second_language"] == "fr"
    assert [(i["title_2"], i["evidence"]) for i in copy["items"]] == [
        (i["title_2"], i["evidence"]) for i in voted["items"]]
    assert stored(app, copy["id"]) == stored(app, voted["id"])
    proposals, actions = stored(app, copy["id"])
    assert len(proposals) == 3 and len(actions) == 2
    again = export(api, copy["id"])
    for name in ("proposals", "actions", "responses", "participants"):
        assert again[name] == archive[name], name


def test_an_archive_without_proposals_or_actions_still_imports(app: Any, api: Any, voted: dict[str, Any]) -> None:
    archive = export(api, voted["id"])
    for name in ("proposals", "actions"):
        archive.pop(name)
    for item in archive["workshop"]["items"]:  # and items from before title_2 and evidence
        item.pop("title_2"), item.pop("evidence")
    archive["workshop"].pop("second_language")
    imported = api.post(f"{API}/workshops/import", json=archive)
    assert imported.status_code == 201, imported.get_data(as_text=True)
    doc = imported.get_json()
    assert doc["second_language"] == "" and {i["evidence"] for i in doc["items"]} == {""}
    assert stored(app, doc["id"]) == ([], [])
    assert len(export(api, doc["id"])["responses"]) == 3 * 2


@pytest.mark.parametrize(("change", "field"), [
    (lambda a: a["proposals"][0].update(kind="wish"), "proposals[0].kind"),
    (lambda a: a["proposals"][1].update(status="maybe"), "proposals[1].status"),
    (lambda a: a["proposals"][0].update(group="nobody"), "proposals[0].group"),
    (lambda a: a["proposals"][1].update(item="ghost"), "proposals[1].item"),
    (lambda a: a["proposals"][0].update(title=""), "proposals[0].title"),
    (lambda a: a["proposals"][0].update(created_at="yesterday"), "proposals[0].created_at"),
    (lambda a: a["actions"][0].update(activity="nope"), "actions[0].activity"),
    (lambda a: a["actions"][0].update(item="ghost"), "actions[0].item"),
    (lambda a: a["actions"][0].update(due_date="30/06/2026"), "actions[0].due_date"),
    (lambda a: a["actions"][1].update(owner="x" * 121), "actions[1].owner"),
    (lambda a: a.update(actions={"not": "a list"}), "actions"),
    (lambda a: a["proposals"].append("text"), "proposals[3]"),
])
def test_a_bad_proposal_or_action_imports_nothing(app: Any, api: Any, voted: dict[str, Any], change: Any,
                                                  field: str) -> None:
    add_proposals_and_actions(app, voted["id"])
    archive = export(api, voted["id"])
    change(archive)
    before = {model: count(app, model) for model in ("Workshop", "Proposal", "Action", "Participant", "Response")}
    response = api.post(f"{API}/workshops/import", json=archive)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in [e["field"] for e in response.get_json()["errors"]], response.get_json()
    assert {model: count(app, model) for model in before} == before
