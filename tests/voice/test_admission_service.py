"""The admission service: device binding, passcode, seat codes, signals, expected headcount (no HTTP)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Participant, Response, SeatCode, Workshop
from app.services import admission
from app.services.database import transaction
from app.services.errors import Problem

DEVICE = "phone-device-0001-abcdef"
OTHER_DEVICE = "phone-device-0002-abcdef"


def _workshop(code: str) -> Workshop:
    return db.session.scalar(sa.select(Workshop).where(Workshop.join_code == code))


def _admit(code: str, group: str | None, **kwargs: Any) -> admission.Admission:
    with transaction():
        return admission.admit(code, group, **kwargs)


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Participant))


def test_a_known_device_gets_its_participant_back(app: Any, workshop: dict[str, Any]) -> None:
    with app.app_context():
        first = _admit(workshop["join_code"], "gov", device=DEVICE)
        again = _admit(workshop["join_code"], "gov", device=DEVICE)
        assert again.rejoined and not first.rejoined
        assert again.participant.id == first.participant.id
        assert again.participant.pseudonym == "P001"
        assert again.token != first.token  # a fresh token; the old one stops working
        assert admission.participation.participant_for_token(first.token) is None
        assert admission.participation.participant_for_token(again.token).id == first.participant.id
        other = _admit(workshop["join_code"], "gov", device=OTHER_DEVICE)
        assert other.participant.pseudonym == "P002" and _count() == 2
        # No device: the contract's join, a new participant each time.
        _admit(workshop["join_code"], "gov")
        _admit(workshop["join_code"], "gov")
        assert _count() == 4


def test_another_group_is_taken_only_before_any_answer(app: Any, workshop: dict[str, Any]) -> None:
    with app.app_context():
        first = _admit(workshop["join_code"], "gov", device=DEVICE)
        moved = _admit(workshop["join_code"], "workers", device=DEVICE)
        assert moved.moved and moved.participant.group.key == "workers"
        participant = db.session.get(Participant, first.participant.id)
        activity = participant.workshop.activity("constraints")
        with transaction():
            db.session.add(Response(activity_id=activity.id, participant_id=participant.id,
                                    item_id=activity.items[0].id, dimension="x", value=3))
        kept = _admit(workshop["join_code"], "firms", device=DEVICE)
        assert kept.kept_group and not kept.moved and kept.participant.group.key == "workers"
        assert _count() == 1
        kinds = {(s.kind, s.group_key): s.count for s in admission.signals(participant.workshop)}
        assert kinds[("rejoin_new_group", "workers")] == 1 and kinds[("rejoin_new_group", "firms")] == 1


def test_passcode_is_checked_before_the_lock_and_the_group(app: Any, workshop: dict[str, Any]) -> None:
    with app.app_context():
        ws = _workshop(workshop["join_code"])
        with transaction():
            admission.set_access(ws, "  Baobab ", False)
            ws.joining_locked = True
        for wrong in (None, "", "acacia"):
            with pytest.raises(Problem) as refused:
                _admit(workshop["join_code"], "nope", passcode=wrong)
            assert refused.value.status == 403 and refused.value.errors[0].field == "passcode"
        with pytest.raises(Problem) as locked:
            _admit(workshop["join_code"], "gov", passcode="BAOBAB")
        assert locked.value.status == 409
        with transaction():
            ws.joining_locked = False
        assert _admit(workshop["join_code"], "gov", passcode=" baobab").participant.pseudonym == "P001"
        with pytest.raises(Problem) as too_long:
            admission.set_access(ws, "x" * 41, False)
        assert too_long.value.errors[0].field == "passcode"


def test_seat_codes_once_each_and_required(app: Any, workshop: dict[str, Any]) -> None:
    with app.app_context():
        ws = _workshop(workshop["join_code"])
        with transaction():
            seats = admission.generate_seat_codes(ws, 3)
            tied = admission.generate_seat_codes(ws, "1", "workers")[0]
            admission.set_access(ws, "", True)
        codes = [s.code for s in seats]
        assert len(set(codes)) == 3 and all(len(c) == 8 for c in codes)
        with pytest.raises(Problem) as missing:
            _admit(workshop["join_code"], "gov")
        assert missing.value.status == 403 and missing.value.errors[0].field == "seat"
        first = _admit(workshop["join_code"], "gov", seat=codes[0].lower(), device=DEVICE)
        assert db.session.get(SeatCode, seats[0].id).participant_id == first.participant.id
        with pytest.raises(Problem) as reused:
            _admit(workshop["join_code"], "gov", seat=codes[0], device=OTHER_DEVICE)
        assert reused.value.status == 403 and "used already" in reused.value.detail
        # The same phone with the same card: its participant back.
        assert _admit(workshop["join_code"], "gov", seat=codes[0], device=DEVICE).participant.id == \
            first.participant.id
        # A card tied to a group decides the group.
        assert _admit(workshop["join_code"], "gov", seat=tied.code).participant.group.key == "workers"
        with transaction():
            admission.revoke_seat_code(ws, seats[1].id)
        with pytest.raises(Problem) as revoked:
            _admit(workshop["join_code"], "gov", seat=codes[1])
        assert "withdrawn" in revoked.value.detail
        with pytest.raises(Problem) as unknown:
            _admit(workshop["join_code"], "gov", seat="ZZZZZZZZ")
        assert unknown.value.status == 403
        assert _count() == 2
        for bad in (0, 501, "x", True):
            with pytest.raises(Problem):
                admission.generate_seat_codes(ws, bad)
        with pytest.raises(Problem):
            admission.generate_seat_codes(ws, 2, "nobody")


def test_a_malformed_device_is_a_422(app: Any, workshop: dict[str, Any]) -> None:
    with app.app_context():
        for bad in ("short", "x" * 129, "has spaces in it ....", 12345678901234567):
            with pytest.raises(Problem) as refused:
                _admit(workshop["join_code"], "gov", device=bad)
            assert refused.value.status == 422 and refused.value.errors[0].field == "device"
        assert _count() == 0


def test_failures_become_per_minute_signals(app: Any, workshop: dict[str, Any]) -> None:
    """`join` records failures that name a workshop, one row per kind, group and minute, with a count."""
    with app.app_context(), app.test_request_context():
        ws = _workshop(workshop["join_code"])
        with transaction():
            admission.set_access(ws, "secret", False)
        for _ in range(4):
            with pytest.raises(Problem):
                admission.join(workshop["join_code"], "gov", passcode="wrong")
        for _ in range(2):
            with pytest.raises(Problem):
                admission.join(workshop["join_code"], "martians", passcode="secret")
        with pytest.raises(Problem):
            admission.join("NOSUCH", "gov")
        found = {(s.kind, s.group_key): s.count for s in admission.signals(ws)}
        assert found == {("wrong_passcode", ""): 4, ("unknown_group", "martians"): 2}
        rows = db.session.execute(sa.text("SELECT count(*) FROM join_signal")).scalar()
        assert rows == 2


def test_bursts_and_groups_over_expected(app: Any, workshop: dict[str, Any]) -> None:
    with app.app_context():
        ws = _workshop(workshop["join_code"])
        with transaction():
            admission.set_expected(ws, {"gov": "3", "firms": "", "workers": 40})
        assert [g.expected for g in ws.groups] == [3, None, 40]
        with pytest.raises(Problem) as bad:
            admission.set_expected(ws, {"gov": "-1"})
        assert bad.value.errors[0].field == "expected.gov"
        for _ in range(6):
            _admit(workshop["join_code"], "gov")
        for n in range(6):  # six workers, but spread over an hour: no burst, and within the expected 40
            participant = _admit(workshop["join_code"], "workers").participant
            with transaction():
                participant.created_at = participant.created_at - timedelta(minutes=10 * n)
        joined = admission.workshops.participation(ws)
        assert admission.over_expected(ws, joined) == ["gov"]
        event = admission.participation_event(ws)
        assert event["groups"] == {"gov": 6, "firms": 0, "workers": 6}
        assert event["expected"] == {"gov": 3, "firms": None, "workers": 40} and event["over"] == ["gov"]
        found = {(s.kind, s.group_key): s for s in admission.signals(ws)}
        assert found[("over_expected", "gov")].count == 3  # three more than expected
        assert found[("burst", "gov")].count == 6  # six joins within a minute into a group of three
        assert ("burst", "workers") not in found and ("over_expected", "workers") not in found


def test_joining_sees_the_groups_as_they_are_now(app: Any, workshop: dict[str, Any]) -> None:
    """Joins read a workshop's groups once per revision: a group added, or deleted, is seen at the next
    join, because editing groups moves the revision (no stale group lets a phone in, none is missing)."""
    from app.services import editing

    with app.app_context():
        assert _admit(workshop["join_code"], "gov").group_key == "gov"  # the groups are now read and kept
        with transaction():
            editing.add_group(_workshop(workshop["join_code"]), {"key": "academia", "name": "Academia"})
        assert _admit(workshop["join_code"], "academia").group_key == "academia"
        with transaction():
            editing.delete_group(_workshop(workshop["join_code"]), "workers")
        with pytest.raises(Problem) as refused:
            _admit(workshop["join_code"], "workers")
        assert refused.value.status == 422
        assert [g.key for g in _workshop(workshop["join_code"]).groups] == ["gov", "firms", "academia"]
