"""Reset one activity's answers, as after a rehearsal run: as if it had never been opened.

Every round's responses go (through `participation.delete_values`, so the tallies move with them), Delphi
rounds are forgotten (round 1 again, every item asked), the activity goes back to `pending` with its figures
hidden again if it reveals on demand and its countdown stopped. Pending rather than kept open: the
facilitator opens it for the real run when the room is ready, and no phone keeps a rehearsal form. The
screens and phones hear it at once (a `state` event, then fresh results), and the audit log keeps who reset
what and how many values went.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import Activity, ActivityState, Participant, User, utcnow
from app.services import audit, live, participation
from app.services.database import after_commit
from app.services.errors import invalid_field
from app.services.workshops import audit_log


def reset_activity(activity: Activity, actor: User) -> dict[str, Any]:
    """Remove every answer of the activity and start it afresh; returns what was removed."""
    rounds = activity.round or 1
    removed = participation.delete_values(activity)
    activity.delphi_rounds.clear()
    activity.round = 1
    activity.state = ActivityState.pending.value
    activity.opened_at = None
    activity.closed_at = None
    activity.resets = (activity.resets or 0) + 1
    settings = dict(activity.settings or {})
    settings.pop("timer_ends_at", None)
    if "revealed" in settings:
        settings["revealed"] = False
    activity.settings = settings  # a new dict, so the JSON column is saved
    from app.extensions import db

    db.session.flush()
    record = {"actor_id": actor.id, "actor": actor.email, "at": utcnow().isoformat(timespec="seconds"),
              "workshop_id": activity.workshop_id, "activity": activity.key, "rounds": rounds, "values": removed}
    workshop_id, events = activity.workshop_id, [(activity.id, activity.key, activity.state)]

    def announce() -> None:
        audit_log.info("activity reset by %(actor)s (user %(actor_id)s) at %(at)s: workshop %(workshop_id)s, "
                       "activity %(activity)s, %(rounds)s round(s), %(values)s value(s) removed", record,
                       extra={"audit": record})
        live.announce_states(workshop_id, events)
        live.announce_revealed(workshop_id, events[0][1], False)

    after_commit(announce)
    return {"activity": activity.key, "removed": removed, "rounds": rounds, "state": activity.state, "round": 1}


def remove_responses(activity: Activity, pseudonym: Any, actor: User) -> int:
    """Delete one participant's answers in the activity's current round (a disruptive or mistaken entry).

    Goes through `participation.delete_values`, so the derived tallies move with the votes and the screens
    are told after commit. An unknown pseudonym is a 422 that changes nothing. Returns the rows removed,
    and leaves an audit trail (who, when, what) in the `prioritas.audit` log once committed.
    """
    name = pseudonym.strip() if isinstance(pseudonym, str) else ""
    participant = None
    for candidate in dict.fromkeys((name, name.upper())) if name else ():  # "p017" finds P017
        participant = participant or db.session.scalar(sa.select(Participant).where(
            Participant.workshop_id == activity.workshop_id, Participant.pseudonym == candidate))
    if participant is None:
        shown = pseudonym.strip() if isinstance(pseudonym, str) and pseudonym.strip() else "(empty)"
        raise invalid_field("pseudonym", _("No participant %(pseudonym)s in this workshop; use a pseudonym such "
                                           "as P017 from the CSV export.", pseudonym=shown[:20]))
    round_ = activity.round
    removed = participation.delete_values(activity, participant, round=round_)
    record = {"actor_id": actor.id, "actor": actor.email, "at": utcnow().isoformat(timespec="seconds"),
              "workshop_id": activity.workshop_id, "activity": activity.key, "round": round_,
              "pseudonym": participant.pseudonym, "values": removed}
    message = ("responses removed by {actor} (user {actor_id}) at {at}: workshop {workshop_id}, "
               "activity {activity} round {round}, participant {pseudonym}, {values} value(s)".format(**record))
    audit.record("responses_removed", activity.workshop, actor, message, activity=activity.key, round=round_,
                 pseudonym=participant.pseudonym, values=removed)  # the table and the `prioritas.audit` log
    return removed
