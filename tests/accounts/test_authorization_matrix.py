"""Every route of the app × every kind of visitor → the answer they get.

The table `ROUTES` names, for each (method, endpoint), what it needs; `expected()` turns that into the status
each visitor must get. A route without an entry fails `test_the_table_covers_every_route`, so a new page or
API call cannot ship without deciding who may use it.

"allowed" means: not 401, not 403, and not sent to the sign-in page (the request may still be a 404, 409 or
422 for its own reasons: the point here is who gets past the door).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.builders import small_definition
from tests.support.pages import Person, csrf_from

VISITORS = ("anonymous", "participant", "other", "admin", "observer", "co_facilitator", "owner")

PUBLIC = "public"            # anyone (the door is elsewhere: a code, a token in the URL, or none needed)
ACCOUNT = "account"          # any signed-in facilitator (their own things: templates, tokens, new workshops)
ADMIN = "admin"              # administrators only
READ = "read"                # a role in the workshop: observer, co-facilitator, owner
RUN = "run"                  # co-facilitator or owner
OWN = "own"                  # the owner
PARTICIPANT = "participant"  # a participant token (API)
RESULTS = "results"          # API results: facilitator roles (READ) or the screen token; participants 403
READ_OR_PARTICIPANT = "read_or_participant"  # API proposals list: roles, or a participant (their own)
SIGN_OUT = "sign_out"        # everyone ends up on the sign-in page

ROUTES: dict[str, str] = {
    # API
    "GET api.openapi": PUBLIC, "POST api.issue_token": PUBLIC, "POST api.join": PUBLIC,
    "GET api.templates": ACCOUNT, "POST api.create_template": ACCOUNT, "GET api.get_template": ACCOUNT,
    "DELETE api.delete_template": ACCOUNT, "POST api.create_workshop": ACCOUNT, "POST api.import_workshop": ACCOUNT,
    "GET api.compare_workshops": ACCOUNT, "GET api.list_tokens": ACCOUNT, "DELETE api.revoke_token": ACCOUNT,
    "GET api.get_workshop": READ, "GET api.export": READ, "GET api.list_actions": READ,
    "GET api.activity_results": RESULTS, "GET api.activity_chart": RESULTS,
    "GET api.list_proposals": READ_OR_PARTICIPANT,
    "POST api.open_activity": RUN, "POST api.close_activity": RUN, "POST api.reveal_activity": RUN,
    "POST api.activity_timer": RUN, "POST api.next_round": RUN, "PATCH api.patch_activity": RUN,
    "POST api.set_weights": RUN, "POST api.create_action": RUN, "PATCH api.update_action": RUN,
    "DELETE api.delete_action": RUN, "POST api.approve_proposal": RUN, "POST api.merge_proposal": RUN,
    "POST api.reject_proposal": RUN, "POST api.rotate_screen_token": RUN,
    "PUT api.save_responses": PARTICIPANT, "POST api.create_proposal": PARTICIPANT,
    # facilitator pages: accounts
    "GET facilitator.login": PUBLIC, "POST facilitator.login": PUBLIC,
    "GET facilitator.register": PUBLIC, "POST facilitator.register": PUBLIC,  # 404 unless switched on
    "GET facilitator.accept_invite": PUBLIC, "POST facilitator.accept_invite": PUBLIC,
    "POST facilitator.logout": SIGN_OUT,
    "GET facilitator.admin_invites": ADMIN, "POST facilitator.admin_invites": ADMIN,
    "POST facilitator.admin_invite_revoke": ADMIN,
    "GET facilitator.account": ACCOUNT, "POST facilitator.account": ACCOUNT,
    "POST facilitator.account_token_revoke": ACCOUNT,
    # facilitator pages: own things
    "GET facilitator.index": ACCOUNT, "GET facilitator.new_workshop": ACCOUNT,
    "POST facilitator.create_blank": ACCOUNT, "POST facilitator.create_from_template": ACCOUNT,
    "GET facilitator.template_library": ACCOUNT, "POST facilitator.template_clone": ACCOUNT,
    "GET facilitator.template_edit": ACCOUNT, "POST facilitator.template_edit": ACCOUNT,
    "POST facilitator.template_draft": ACCOUNT, "GET facilitator.template_delete": ACCOUNT,
    "POST facilitator.template_delete": ACCOUNT, "GET facilitator.template_download": ACCOUNT,
    "GET facilitator.compare": ACCOUNT, "GET facilitator.compare_file": ACCOUNT,
    # facilitator pages: one workshop
    "GET facilitator.edit": READ, "GET facilitator.console": READ, "GET facilitator.export": READ,
    "GET facilitator.activity_results": READ, "GET facilitator.action_board": READ,
    "GET facilitator.action_edit": READ, "GET facilitator.entity_edit": READ, "GET facilitator.entity_new": READ,
    "GET facilitator.import_items": READ, "GET facilitator.paper_ballot": READ,
    "GET facilitator.save_as_template": READ, "GET facilitator.members_page": READ,
    "POST facilitator.action_board": RUN, "POST facilitator.action_edit": RUN, "POST facilitator.action_delete": RUN,
    "POST facilitator.approve_proposal": RUN, "POST facilitator.merge_proposal": RUN,
    "POST facilitator.reject_proposal": RUN, "POST facilitator.open_activity": RUN,
    "POST facilitator.close_activity": RUN, "POST facilitator.next_round": RUN, "POST facilitator.reveal": RUN,
    "POST facilitator.reveal_mode": RUN, "POST facilitator.timer": RUN, "POST facilitator.weights": RUN,
    "POST facilitator.criteria_weights": RUN, "POST facilitator.settings": RUN, "POST facilitator.joining": RUN,
    "POST facilitator.remove_responses": RUN, "POST facilitator.paper_ballot": RUN,
    "POST facilitator.entity_new": RUN, "POST facilitator.entity_edit": RUN, "POST facilitator.entity_delete": RUN,
    "POST facilitator.entity_move": RUN, "POST facilitator.import_items": RUN,
    "POST facilitator.confirm_import": RUN, "POST facilitator.save_as_template": RUN,
    "POST facilitator.new_screen_link": RUN,
    "POST facilitator.members_page": OWN, "POST facilitator.member_remove": OWN,
    "POST facilitator.member_make_owner": OWN,
    # phones, screen, language
    "GET participant.index": PUBLIC, "GET participant.join": PUBLIC, "POST participant.join": PUBLIC,
    "GET participant.join_code": PUBLIC, "POST participant.join_code": PUBLIC, "GET participant.leave": PUBLIC,
    "POST participant.leave": PUBLIC, "GET participant.propose": PUBLIC, "POST participant.propose": PUBLIC,
    "GET participant.vote": PUBLIC, "POST participant.vote": PUBLIC, "GET screen.show": PUBLIC,
    "POST i18n.choose": PUBLIC, "GET static": PUBLIC, "GET health.healthz": PUBLIC,
    # the data's whole life: only the owner deletes; the audit trail is the account's own
    "DELETE api.delete_workshop": OWN, "GET facilitator.delete_archive": OWN,
    "GET facilitator.delete_workshop": OWN, "POST facilitator.delete_workshop": OWN,
    "GET api.retention": READ, "POST facilitator.data_settings": RUN,
    "GET api.audit_entries": ACCOUNT, "GET facilitator.audit_log": ACCOUNT, "GET facilitator.audit_csv": ACCOUNT,
    "POST participant.acknowledge": PUBLIC,
    # one person, one voice
    "GET facilitator.seat_codes": READ, "GET facilitator.seat_cards": READ, "POST facilitator.seat_codes": RUN,
    "POST facilitator.revoke_seat": RUN, "POST facilitator.join_access": RUN,
    "POST facilitator.expected_headcount": RUN,
    # the same through the API: the passcode and the cards are secrets, so even reading needs RUN
    "GET api.get_admission": RUN, "PUT api.put_admission": RUN, "GET api.list_seat_codes": RUN,
    "POST api.create_seat_codes": RUN, "POST api.revoke_seat_code": RUN,
    # Delphi rounds and resets
    "GET api.round_preview": READ, "GET api.round_report": READ, "POST api.reset_activity": RUN,
    "POST facilitator.next_round_unconverged": RUN, "POST facilitator.reset_activity": RUN,
    "GET participant.where_you_stand": PUBLIC,
    # presenter pace, the remote, suggestion settings
    "GET api.get_pace": READ_OR_PARTICIPANT, "PUT api.put_pace": RUN,
    "GET api.get_proposal_settings": READ, "PUT api.put_proposal_settings": RUN,
    "GET facilitator.remote": READ, "POST facilitator.remote_joining": RUN, "POST facilitator.remote_move": RUN,
    "POST facilitator.remote_reveal": RUN, "POST facilitator.remote_state": RUN, "POST facilitator.remote_timer": RUN,
    "POST facilitator.pace_mode": RUN, "POST facilitator.pace_move": RUN, "POST facilitator.proposal_settings": RUN,
}

ROLE_RANK = {"observer": 1, "co_facilitator": 2, "owner": 3}
NEED_RANK = {READ: 1, RUN: 2, OWN: 3, RESULTS: 1, READ_OR_PARTICIPANT: 1}
FACILITATORS = ("other", "admin", "observer", "co_facilitator", "owner")


def expected(kind: str, visitor: str, api: bool) -> int | str:
    """The status a visitor gets at the door, or "allowed"."""
    signed_out = 401 if api else 302
    if kind == SIGN_OUT:
        return 302
    if kind == PUBLIC:
        return "allowed"
    if kind == PARTICIPANT:
        return "allowed" if visitor == "participant" else 401
    if visitor == "anonymous" or (visitor == "participant" and kind not in (RESULTS, READ_OR_PARTICIPANT)):
        return signed_out
    if visitor == "participant":
        return "allowed" if kind == READ_OR_PARTICIPANT else 403
    if kind == ACCOUNT:
        return "allowed"
    if kind == ADMIN:
        return "allowed" if visitor == "admin" else 403
    return "allowed" if ROLE_RANK.get(visitor, 0) >= NEED_RANK[kind] else 403


def route_keys(app: Any) -> dict[str, Any]:
    keys = {}
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            keys[f"{method} {rule.endpoint}"] = rule
    return keys


def test_the_table_covers_every_route(app: Any) -> None:
    keys = set(route_keys(app))
    missing = sorted(keys - set(ROUTES))
    stale = sorted(set(ROUTES) - keys)
    assert not missing, f"routes without an entry in ROUTES (decide who may use them): {missing}"
    assert not stale, f"entries for routes that no longer exist: {stale}"


def _fresh_workshop(app: Any, team: dict[str, Any]) -> dict[str, Any]:
    """A workshop of the owner's with both members, an action and a pending proposal, for one route."""
    from app.extensions import db
    from app.models import Workshop
    from app.services import admission, members
    from app.services.database import transaction

    people = team["people"]
    client = app.test_client()
    owner = {"Authorization": f"Bearer {people['owner'].token}"}
    document = client.post("/api/v1/workshops", json=small_definition(), headers=owner).get_json()
    wid = document["id"]
    with app.app_context(), transaction():
        workshop = db.session.get(Workshop, wid)
        members.add(workshop, workshop.owner, people["co_facilitator"].email, "co_facilitator")
        members.add(workshop, workshop.owner, people["observer"].email, "observer")
        seat = admission.generate_seat_codes(workshop, 1)[0].id
    action = client.post(f"/api/v1/workshops/{wid}/activities/constraints/actions", headers=owner,
                         json={"item": "finance", "owner": "Ana", "note": "Call the bank"})
    assert action.status_code == 201, action.get_data(as_text=True)
    joined = client.post("/api/v1/join", json={"code": document["join_code"], "group": "gov"}).get_json()
    proposal = client.post(f"/api/v1/workshops/{wid}/proposals", json={"kind": "constraint", "title": "Roads"},
                           headers={"Authorization": f"Bearer {joined['participant_token']}"})
    assert proposal.status_code == 201, proposal.get_data(as_text=True)
    return {"id": wid, "document": document, "action": action.get_json()["id"], "seat": seat,
            "proposal": proposal.get_json()["id"], "participant_token": joined["participant_token"]}


def _values(rule: Any, fresh: dict[str, Any], team: dict[str, Any]) -> dict[str, Any]:
    args = {"workshop_id": fresh["id"], "key": "constraints", "action_id": fresh["action"],
            "proposal_id": fresh["proposal"], "token": fresh["document"]["screen_token"],
            "code": fresh["document"]["join_code"], "fmt": "csv", "kind": "groups", "secret": team["invite"],
            "invitation_id": team["invitation_id"], "token_id": team["token_ids"]["other"],
            "user_id": team["user_ids"]["other"], "filename": "css/console.css", "activity_key": "constraints",
            "seat_id": fresh["seat"]}
    if rule.endpoint in ("api.activity_chart",):
        args["fmt"] = "svg"
    if rule.endpoint.startswith("facilitator.entity"):
        args["key"] = "gov"
    if rule.endpoint.startswith(("facilitator.template", "api.get_template", "api.delete_template")):
        args["key"] = "regional"
    return {name: args[name] for name in rule.arguments}


@pytest.fixture
def door(app: Any, team: dict[str, Any]) -> dict[str, Any]:
    """Each visitor's browser (with a CSRF token of their session) and API token; ids used in URLs."""
    from app.extensions import db
    from app.models import ApiToken, User
    from app.services import invites
    from app.services.database import transaction
    from tests.support.pages import Browser

    people: dict[str, Person] = team["people"]
    with app.app_context(), transaction():
        secret, row = invites.issue("matrix")
        team["invite"], team["invitation_id"] = secret, row.id
    with app.app_context():
        users = {u.email: u.id for u in db.session.query(User)}
        team["user_ids"] = {role: users[p.email] for role, p in people.items()}
        team["token_ids"] = {role: db.session.query(ApiToken.id).filter_by(user_id=team["user_ids"][role]).scalar()
                             for role in people}
    browsers = {role: p.browser for role, p in people.items()}
    browsers["anonymous"] = Browser(app.test_client())
    browsers["participant"] = Browser(app.test_client())
    csrf = {role: csrf_from(b.text("/facilitator/" if role in people else "/facilitator/login"))
            for role, b in browsers.items()}
    return {"browsers": browsers, "csrf": csrf}


def _status(response: Any) -> int | str:
    if response.status_code in (401, 403):
        return response.status_code
    if response.status_code == 302 and "/facilitator/login" in response.headers.get("Location", ""):
        return 302
    return "allowed"


@pytest.mark.parametrize("surface", ["api", "pages"])
def test_every_route_answers_each_visitor_as_the_table_says(app: Any, team: dict[str, Any],
                                                           door: dict[str, Any], surface: str) -> None:
    people: dict[str, Person] = team["people"]
    failures = []
    # Signing out last: it ends the sessions the other pages are checked with.
    for key, rule in sorted(route_keys(app).items(), key=lambda pair: (pair[0] == "POST facilitator.logout", pair[0])):
        method, endpoint = key.split(" ")
        is_api = endpoint.startswith("api.")
        if is_api != (surface == "api") or ROUTES.get(key) is None:
            continue
        if endpoint in ("api.revoke_token",):
            continue  # checked below: the token id is the visitor's own or someone else's
        fresh = _fresh_workshop(app, team)  # one per route: visitors come least-privileged first, owner last
        for visitor in VISITORS:
            values = _values(rule, fresh, team)
            path = app.url_map.bind("prioritas.test").build(endpoint, values, method=method)
            if is_api:
                token = {"anonymous": None, "participant": fresh["participant_token"]}.get(visitor)
                if visitor in people:
                    token = people[visitor].token
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                body = {} if method in ("POST", "PUT", "PATCH") else None
                response = app.test_client().open(path, method=method, headers=headers, json=body)
            else:
                browser = door["browsers"][visitor]
                if visitor == "participant":
                    with browser.client.session_transaction() as session:
                        session["participant_token"] = fresh["participant_token"]
                response = browser.client.open(path, method=method, headers={"X-CSRFToken": door["csrf"][visitor]},
                                               data={} if method == "POST" else None)
            want = expected(ROUTES[key], visitor, is_api)
            got = _status(response)
            response.close()
            if got != want:
                failures.append(f"{key} as {visitor}: expected {want}, got {response.status_code}")
    assert not failures, "\n".join(failures)


def test_revoking_a_token_is_for_its_owner_only(app: Any, team: dict[str, Any], door: dict[str, Any]) -> None:
    client = app.test_client()
    target = team["token_ids"]["other"]
    for visitor in ("owner", "admin", "observer", "co_facilitator"):
        headers = {"Authorization": f"Bearer {team['people'][visitor].token}"}
        assert client.delete(f"/api/v1/auth/tokens/{target}", headers=headers).status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{target}").status_code == 401
    headers = {"Authorization": f"Bearer {team['people']['other'].token}"}
    assert client.delete(f"/api/v1/auth/tokens/{target}", headers=headers).status_code == 204
