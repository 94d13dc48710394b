"""The data's whole life: deleting a workshop with everything in it, template drafts, retention and the purge,
the consent notice in documents and archives, and the audit table."""

from __future__ import annotations

import copy
import time
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support.api import populate
from tests.support.builders import small_definition
from tests.support.database import BACKENDS

API = "/api/v1"
#: Tables that hold no workshop's data (accounts, the audit trail, migrations' own bookkeeping).
NOT_WORKSHOP_DATA = {"user_account", "api_token", "audit_entry", "workshop_template", "alembic_version"}


def row_counts(app: Any) -> dict[str, int]:
    from app.extensions import db

    with app.app_context():
        names = [t for t in sa.inspect(db.engine).get_table_names() if t not in NOT_WORKSHOP_DATA]
        with db.engine.connect() as con:
            return {t: con.execute(sa.text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in names}


@BACKENDS
def test_delete_removes_every_row_of_the_workshop_and_only_those(app: Any, api: Any, join: Any) -> None:
    from app import publisher
    from app.extensions import db
    from app.models import AuditEntry, User, Workshop
    from app.services import lifecycle
    from app.services.database import transaction

    kept = populate(api, join, "Kept")
    publisher.hub.flush(app)  # the room's release of the votes happens in the push; let it happen before counting
    alone = row_counts(app)
    gone = populate(api, join, "Gone")
    publisher.hub.flush(app)
    both = row_counts(app)
    assert all(both[t] > alone[t] for t in ("workshop", "participant", "response", "tally", "proposal", "action",
                                            "activity", "item", "stakeholder_group", "activity_item"))
    with app.app_context(), transaction():
        user = db.session.scalar(sa.select(User))
        lifecycle.delete_workshop(db.session.get(Workshop, gone["id"]), user)
    publisher.hub.flush(app)
    assert row_counts(app) == alone  # the database cascaded into every table, and touched nothing else
    assert api.get(f"{API}/workshops/{kept['id']}").status_code == 200
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "workshop_deleted"))
        assert entry.workshop_id == gone["id"] and entry.workshop_title == "Gone"
        assert entry.actor == "facilitator@example.org"
        assert entry.details == {"participants": 9, "responses": 36}  # 9 people x 2 items x 2 axes


def test_every_foreign_key_into_a_workshop_cascades(app: Any) -> None:
    """A table added later must declare ON DELETE CASCADE (or SET NULL) too, in the model and the migrated schema,
    or deleting a workshop would leave its rows behind (or fail)."""
    from app.extensions import db

    owned = {"workshop", "stakeholder_group", "item", "activity", "participant", "activity_item", "response",
             "proposal", "action", "tally"}
    with app.app_context():
        inspector = sa.inspect(db.engine)
        checked = 0
        for table in inspector.get_table_names():
            for fk in inspector.get_foreign_keys(table):
                if fk["referred_table"] in owned:
                    ondelete = (fk.get("options") or {}).get("ondelete", "")
                    assert ondelete.upper() in ("CASCADE", "SET NULL"), (table, fk)
                    checked += 1
        assert checked >= 12
        for table in db.metadata.tables.values():
            for fk in table.foreign_keys:
                if fk.column.table.name in owned:
                    assert (fk.ondelete or "").upper() in ("CASCADE", "SET NULL"), (table.name, fk)


def test_sqlite_enforces_foreign_keys_on_every_connection(app: Any) -> None:
    from app.extensions import db

    with app.app_context():
        for _ in range(3):
            with db.engine.connect() as con:
                assert con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            db.engine.dispose()


# --- template drafts ----------------------------------------------------------------------------------------

def test_drafts_go_when_the_template_is_saved_back_or_deleted(app: Any, api: Any) -> None:
    from app.extensions import db
    from app.models import User, Workshop
    from app.services import templates
    from app.services.database import transaction

    with app.app_context():
        with transaction():
            user = db.session.scalar(sa.select(User))
            template = templates.clone(user, "regional")
            first = templates.draft_workshop(user, template.key)
            second = templates.draft_workshop(user, template.key)
        assert first.draft_of == template.key and second.draft_of == template.key
        first_id, second_id, key = first.id, second.id, template.key
        with transaction():
            user = db.session.scalar(sa.select(User))
            templates.update_from_workshop(user, key, db.session.get(Workshop, first_id))
        assert db.session.get(Workshop, first_id) is None and db.session.get(Workshop, second_id) is None
        with transaction():
            user = db.session.scalar(sa.select(User))
            third = templates.draft_workshop(user, key)
            made = templates.create_from_template(user, key, "A real workshop")
        third_id, made_id = third.id, made.id
        with transaction():
            templates.delete(db.session.scalar(sa.select(User)), key)
        db.session.expire_all()
        assert db.session.get(Workshop, third_id) is None
        assert db.session.get(Workshop, made_id) is not None  # workshops made from it are not drafts


# --- retention ------------------------------------------------------------------------------------------------

def _set(app: Any, wid: int, **values: Any) -> None:
    from app.extensions import db
    from app.models import Workshop
    from app.services.database import transaction

    with app.app_context(), transaction():
        workshop = db.session.get(Workshop, wid)
        for name, value in values.items():
            setattr(workshop, name, value)


def test_last_use_and_purge_date(app: Any, api: Any, join: Any) -> None:
    from app.extensions import db
    from app.models import Activity, Response, Workshop
    from app.services import lifecycle

    doc = populate(api, join)
    with app.app_context():
        workshop = db.session.get(Workshop, doc["id"])
        latest = db.session.scalar(sa.select(sa.func.max(Response.submitted_at)))
        opened = db.session.scalar(sa.select(Activity.opened_at))
        assert lifecycle.last_used(workshop) == max(latest, opened)
        assert lifecycle.purge_at(workshop) is None and lifecycle.effective_days(workshop) is None
    _set(app, doc["id"], retention_days=30)
    with app.app_context():
        workshop = db.session.get(Workshop, doc["id"])
        assert lifecycle.purge_at(workshop) == lifecycle.last_used(workshop) + timedelta(days=30)
        app.config["RETENTION_MAX_DAYS"] = 7  # the installation's maximum caps a longer setting
        assert lifecycle.effective_days(workshop) == 7
        _set(app, doc["id"], retention_days=None)
        workshop = db.session.get(Workshop, doc["id"])
        assert lifecycle.effective_days(workshop) == 7  # and applies to workshops with no setting


def test_purge_deletes_only_expired_workshops(app: Any, api: Any, join: Any) -> None:
    from app.extensions import db
    from app.models import AuditEntry, Workshop, utcnow
    from app.services import lifecycle

    expired = populate(api, join, "Old")
    fresh = populate(api, join, "New")
    forever = populate(api, join, "Forever")
    _set(app, expired["id"], retention_days=10)
    _set(app, fresh["id"], retention_days=30)
    with app.app_context():
        assert lifecycle.purge(utcnow() + timedelta(days=9)) == []
        later = utcnow() + timedelta(days=11)
        dry = lifecycle.purge(later, dry_run=True)
        assert [d.workshop_id for d in dry] == [expired["id"]]
        assert db.session.get(Workshop, expired["id"]) is not None  # a dry run deletes nothing
        done = lifecycle.purge(later)
        assert [d.workshop_id for d in done] == [expired["id"]]
        db.session.expire_all()
        assert db.session.get(Workshop, expired["id"]) is None
        assert db.session.get(Workshop, fresh["id"]) is not None and db.session.get(Workshop, forever["id"])
        entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "workshop_purged")).all()
        assert {e.workshop_id for e in entries} == {expired["id"]}
        assert all(e.actor == "system" and e.details["retention_days"] == 10 for e in entries)


def test_retention_input_is_checked(app: Any, api: Any) -> None:
    from app.extensions import db
    from app.models import User, Workshop
    from app.services import lifecycle
    from app.services.database import transaction
    from app.services.errors import Problem

    wid = api.post(f"{API}/workshops", json=small_definition()).get_json()["id"]
    with app.app_context():
        for bad in ("-1", "abc", 4000, True, "3651"):
            with pytest.raises(Problem) as caught, transaction():
                lifecycle.set_data_settings(db.session.get(Workshop, wid), db.session.scalar(sa.select(User)),
                                            {"retention_days": bad, "consent_text": "x" * 10})
            assert caught.value.status == 422 and caught.value.errors[0].field == "retention_days"
        with pytest.raises(Problem), transaction():
            lifecycle.set_data_settings(db.session.get(Workshop, wid), db.session.scalar(sa.select(User)),
                                        {"retention_days": "5", "consent_text": "x" * 2001})
        workshop = db.session.get(Workshop, wid)
        assert workshop.retention_days is None and workshop.consent_text == ""  # nothing changed
        with transaction():
            lifecycle.set_data_settings(workshop, db.session.scalar(sa.select(User)),
                                        {"retention_days": "90", "consent_text": " Kept 90 days. ",
                                         "consent_required": True})
        assert (workshop.retention_days, workshop.consent_text, workshop.consent_required) == (90, "Kept 90 days.",
                                                                                               True)


def test_purge_job_runs_in_the_background(app: Any, api: Any) -> None:
    """The server's job (threading here, a greenlet under gevent) purges without anyone calling it."""
    from app.extensions import db, socketio
    from app.models import Workshop, utcnow
    from app.services import lifecycle

    wid = api.post(f"{API}/workshops", json=small_definition()).get_json()["id"]
    _set(app, wid, retention_days=1, created_at=utcnow() - timedelta(days=2))
    assert socketio.async_mode == "threading"
    app.config["PURGE_INTERVAL"] = 0
    assert lifecycle.start_purge_job(app) is False  # 0 turns it off
    app.config["PURGE_INTERVAL"] = 3600
    assert lifecycle.start_purge_job(app) is True
    deadline = time.monotonic() + 10
    gone = False
    while time.monotonic() < deadline and not gone:
        with app.app_context():
            gone = db.session.get(Workshop, wid) is None
            db.session.remove()
        time.sleep(0.1)
    assert gone


# --- consent notice in documents and archives ----------------------------------------------------------------

def test_consent_in_document_definition_and_archive(api: Any, join: Any) -> None:
    definition = small_definition(consent_text="Answers are kept for 90 days.\n\nOnly groups are shown.",
                                  consent_required=True)
    created = api.post(f"{API}/workshops", json=definition)
    assert created.status_code == 201, created.get_data(as_text=True)
    doc = created.get_json()
    assert doc["consent_text"].startswith("Answers are kept") and doc["consent_required"] is True
    token = join(doc["join_code"], "gov")  # the API join is not blocked: the notice is a phone page step
    assert token
    archive = api.get(f"{API}/workshops/{doc['id']}/export?format=json").get_json()
    assert archive["workshop"]["consent_text"] == doc["consent_text"]
    imported = api.post(f"{API}/workshops/import", json=archive)
    assert imported.status_code == 201, imported.get_data(as_text=True)
    again = imported.get_json()
    assert again["consent_text"] == doc["consent_text"] and again["consent_required"] is True
    older = copy.deepcopy(archive)  # an archive from before the notice existed
    older["workshop"].pop("consent_text")
    older["workshop"].pop("consent_required")
    legacy = api.post(f"{API}/workshops/import", json=older)
    assert legacy.status_code == 201, legacy.get_data(as_text=True)
    assert legacy.get_json()["consent_text"] == "" and legacy.get_json()["consent_required"] is False


@pytest.mark.parametrize("field, value", [("consent_text", 5), ("consent_text", "x" * 2001),
                                          ("consent_required", "yes")])
def test_invalid_consent_is_refused(api: Any, field: str, value: Any) -> None:
    response = api.post(f"{API}/workshops", json=small_definition(**{field: value}))
    assert response.status_code == 422
    assert field in [e["field"] for e in response.get_json()["errors"]]


def test_required_without_text_is_not_required(api: Any) -> None:
    doc = api.post(f"{API}/workshops", json=small_definition(consent_required=True)).get_json()
    assert doc["consent_required"] is False and doc["consent_text"] == ""
