"""Saving a participant's answers (`PUT .../responses`): the hall's busiest request, kept on its own so the
vote path stays short and easy to read."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import gettext as _

from app.api import bp
from app.api.auth import bearer_token
from app.api.strict import json_body
from app.extensions import limiter
from app.services import ballot_box, participation, vote_cache, workshops
from app.services.errors import Problem, unauthorized


@bp.put("/workshops/<int:workshop_id>/activities/<key>/responses")
@limiter.limit("120/minute")
def save_responses(workshop_id: int, key: str) -> Response:
    """The hall's busiest request: one indexed query for the voter, the activity from the process's snapshot
    of the workshop (`vote_cache`), then the ballot box, which answers once the ballot is committed."""
    voter = vote_cache.voter_for_token(bearer_token())
    if voter is None:
        raise unauthorized(_("Send a participant token: Authorization: Bearer <participant_token>."))
    view = vote_cache.workshop_view(workshop_id, voter.revision) if voter.workshop_id == workshop_id else None
    activity = view.activity(key) if view is not None else None
    if activity is None:  # another workshop's participant, or no such activity: the full checks, in order
        activity = participation.activity_for_participant(voter, workshop_id, key)
    workshops.require_open(activity)
    limit = participation.ballot_max_bytes(activity)
    if (request.content_length or 0) > limit:  # a 413 before reading, let alone parsing, a huge body
        raise Problem(413, "Payload too large", _("A ballot of this activity fits in %(n)s bytes; nothing was "
                                                  "saved.", n=limit))
    request.max_content_length = limit  # also bounds a body sent without a Content-Length
    return jsonify({"saved": ballot_box.cast(voter, activity, json_body())})
