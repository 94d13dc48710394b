"""Invitations, administrators, workshop roles, API token expiry and revocation, and a new screen link."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support.pages import PASSWORD, Browser, body, csrf_from, make_user, token_for

API = "/api/v1"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- the first account, the CLI, the demo ------------------------------------------------------------------

def test_first_cli_account_is_an_administrator_and_admin_flag_makes_another(app: Any) -> None:
    from app.extensions import db
    from app.models import User

    runner = app.test_cli_runner()
    first = runner.invoke(args=["users", "create", "--email", "root@example.org", "--password", PASSWORD])
    assert first.exit_code == 0 and "administrator" in first.output
    second = runner.invoke(args=["users", "create", "--email", "plain@example.org", "--password", PASSWORD])
    assert second.exit_code == 0 and "administrator" not in second.output
    third = runner.invoke(args=["users", "create", "--email", "boss@example.org", "--password", PASSWORD,
                                "--admin"])
    assert third.exit_code == 0 and "administrator" in third.output
    again = runner.invoke(args=["users", "create", "--email", "root@example.org", "--password", PASSWORD])
    assert again.exit_code == 1 and "already exists" in again.output
    with app.app_context():
        admins = dict(db.session.execute(sa.select(User.email, User.is_admin)).all())
    assert admins == {"root@example.org": True, "plain@example.org": False, "boss@example.org": True}


def test_demo_facilitator_is_the_administrator_of_a_fresh_install(app: Any) -> None:
    app.config["DEMO_DATA"] = True
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "demo@prioritas.local (administrator)" in result.output


def test_cli_prints_an_invitation_link(app: Any) -> None:
    result = app.test_cli_runner().invoke(args=["users", "invite", "--note", "Bea"])
    assert result.exit_code == 0, result.output
    link = result.output.splitlines()[0]
    assert "/facilitator/invite/" in link
    page = app.test_client().get(link.replace("http://prioritas.test", ""))
    assert page.status_code == 200 and "Create your facilitator account" in body(page)


# --- invitations -------------------------------------------------------------------------------------------

def _make_invite(browser: Browser, note: str = "Bea") -> str:
    page = browser.text("/facilitator/admin/invitations")
    response = browser.client.post("/facilitator/admin/invitations", data={"note": note,
                                                                          "csrf_token": csrf_from(page)})
    assert response.status_code == 201
    link = body(response).split('data-invite-link')[0].rsplit('value="', 1)[1].split('"')[0]
    return link.replace("http://prioritas.test", "")


def test_admin_invites_and_the_link_works_once(app: Any, team: dict[str, Any]) -> None:
    admin = team["people"]["admin"].browser
    link = _make_invite(admin)
    newcomer = Browser(app.test_client())
    response = newcomer.submit(link, data={"name": "Bea", "email": "bea@example.org", "password": PASSWORD,
                                           "confirm": PASSWORD})
    assert response.status_code == 302
    assert "Bea" in body(newcomer.get("/facilitator/"))
    spent = Browser(app.test_client()).get(link)
    assert spent.status_code == 404 and "no longer works" in body(spent)
    listing = body(admin.get("/facilitator/admin/invitations"))
    assert 'data-state="used"' in listing


def test_a_withdrawn_or_expired_invitation_is_refused(app: Any, team: dict[str, Any]) -> None:
    from app.extensions import db
    from app.models import Invitation, utcnow

    admin = team["people"]["admin"].browser
    withdrawn = _make_invite(admin, "withdrawn")
    expired = _make_invite(admin, "expired")
    with app.app_context():
        rows = {row.note: row for row in db.session.scalars(sa.select(Invitation))}
        rows["expired"].expires_at = utcnow() - timedelta(seconds=1)
        withdrawn_id = rows["withdrawn"].id
        db.session.commit()
    page = admin.text("/facilitator/admin/invitations")
    assert admin.client.post(f"/facilitator/admin/invitations/{withdrawn_id}/revoke",
                             data={"csrf_token": csrf_from(page)}).status_code == 302
    for link in (withdrawn, expired):
        visitor = Browser(app.test_client())
        assert visitor.get(link).status_code == 404
    # A form posted to a dead link creates nothing (the CSRF token comes from another page).
    visitor = Browser(app.test_client())
    token = csrf_from(visitor.text("/facilitator/login"))
    refused = visitor.client.post(withdrawn, data={"email": "x@example.org", "password": PASSWORD,
                                                   "confirm": PASSWORD, "csrf_token": token})
    assert refused.status_code == 404
    from app.services import accounts

    with app.app_context():
        assert accounts.find_by_email("x@example.org") is None


def test_only_administrators_reach_the_invitations_page(team: dict[str, Any]) -> None:
    assert team["people"]["owner"].browser.get("/facilitator/admin/invitations").status_code == 403
    assert team["people"]["admin"].browser.get("/facilitator/admin/invitations").status_code == 200
    assert Browser(team["people"]["owner"].browser.client.application.test_client()).get(
        "/facilitator/admin/invitations").status_code == 302


# --- roles -------------------------------------------------------------------------------------------------

def test_workshop_list_shows_memberships_with_the_role(team: dict[str, Any]) -> None:
    wid = team["workshop"]["id"]
    page = body(team["people"]["observer"].browser.get("/facilitator/"))
    assert f'data-workshop="{wid}"' in page and 'data-role="observer"' in page
    page = body(team["people"]["co_facilitator"].browser.get("/facilitator/"))
    assert 'data-role="co_facilitator"' in page
    assert f'data-workshop="{wid}"' not in body(team["people"]["other"].browser.get("/facilitator/"))


def test_api_roles_observer_reads_co_facilitator_runs(app: Any, team: dict[str, Any]) -> None:
    client = app.test_client()
    wid = team["workshop"]["id"]
    people = team["people"]
    opened = f"{API}/workshops/{wid}/activities/constraints/open"
    results = f"{API}/workshops/{wid}/activities/constraints/results?weighting=per_head"
    observer = bearer(people["observer"].token)
    assert client.get(results, headers=observer).status_code == 200
    assert client.get(f"{API}/workshops/{wid}/export?format=csv", headers=observer).status_code == 200
    assert client.post(opened, headers=observer).status_code == 403
    assert client.post(opened, headers=bearer(people["other"].token)).status_code == 403
    assert client.post(opened, headers=bearer(people["admin"].token)).status_code == 403
    assert client.post(opened, headers=bearer(people["co_facilitator"].token)).status_code == 200


def test_owner_manages_members_and_can_hand_over(app: Any, team: dict[str, Any]) -> None:
    from app.extensions import db
    from app.models import Workshop
    from app.services import access

    wid = team["workshop"]["id"]
    owner = team["people"]["owner"].browser
    url = f"/facilitator/workshops/{wid}/members"
    page = owner.text(url)
    assert 'data-member="observer@example.org" data-role="observer"' in page
    unknown = owner.client.post(url, data={"email": "nobody@example.org", "role": "observer",
                                           "csrf_token": csrf_from(page)})
    assert unknown.status_code == 422 and "No facilitator account" in body(unknown)
    # A co-facilitator cannot add people.
    co = team["people"]["co_facilitator"].browser
    denied = co.client.post(url, data={"email": "other@example.org", "role": "co_facilitator",
                                       "csrf_token": csrf_from(co.text(url))})
    assert denied.status_code == 403
    added = owner.client.post(url, data={"email": "Other@example.org", "role": "observer",
                                         "csrf_token": csrf_from(page)})
    assert added.status_code == 302
    with app.app_context():
        workshop = db.session.get(Workshop, wid)
        other_id = next(m.user_id for m in workshop_members(workshop) if m.user.email == "other@example.org")
    removed = owner.client.post(f"{url}/{other_id}/remove", data={"csrf_token": csrf_from(page)})
    assert removed.status_code == 302
    with app.app_context():
        workshop = db.session.get(Workshop, wid)
        co_id = next(m.user_id for m in workshop_members(workshop) if m.role == "co_facilitator")
        assert access.role_of(workshop, db.session.get(type(workshop.owner), other_id)) is None
    handed = owner.client.post(f"{url}/{co_id}/owner", data={"csrf_token": csrf_from(page)})
    assert handed.status_code == 302
    with app.app_context():
        workshop = db.session.get(Workshop, wid)
        assert workshop.owner.email == "co-facilitator@example.org"
        assert access.role_of(workshop, db.session.get(type(workshop.owner), workshop.owner_id)) == "owner"
        roles = {m.user.email: m.role for m in workshop_members(workshop)}
    assert roles["owner@example.org"] == "co_facilitator"


def workshop_members(workshop: Any) -> list[Any]:
    from app.services import members

    return members.listing(workshop)


def test_observer_sees_the_console_read_only(team: dict[str, Any]) -> None:
    wid = team["workshop"]["id"]
    observer = team["people"]["observer"].browser
    page = observer.text(f"/facilitator/workshops/{wid}/run")
    assert "data-read-only" in page and "data-new-screen-link" not in page
    token = csrf_from(page)
    assert observer.client.post(f"/facilitator/workshops/{wid}/activities/constraints/open",
                                data={"csrf_token": token}).status_code == 403
    assert observer.get(f"/facilitator/workshops/{wid}/export.csv").status_code == 200


# --- API tokens --------------------------------------------------------------------------------------------

def test_tokens_expire_are_listed_and_revocable(app: Any) -> None:
    from app.extensions import db
    from app.models import ApiToken, utcnow

    make_user(app, "tok@example.org")
    client = app.test_client()
    made = client.post(f"{API}/auth/token", json={"email": "tok@example.org", "password": PASSWORD,
                                                   "label": "dashboard", "expires_in_days": 2})
    assert made.status_code == 200
    doc = made.get_json()
    token = doc["token"]
    assert doc["expires_at"] and set(doc) >= {"token", "expires_at"}
    second = token_for(app, "tok@example.org")
    listing = client.get(f"{API}/auth/tokens", headers=bearer(token))
    assert listing.status_code == 200
    rows = listing.get_json()
    assert [r["label"] for r in rows] == ["", "dashboard"]
    assert rows[1]["last_used_at"] is not None and rows[0]["last_used_at"] is None
    with app.app_context():
        stored = list(db.session.scalars(sa.select(ApiToken.digest)))
        assert token not in stored and second not in stored  # only digests
        row = db.session.get(ApiToken, doc["id"])
        delta = row.expires_at - utcnow()
        assert timedelta(days=1, hours=23) < delta <= timedelta(days=2)
    # Revoke the second with the first, then it is 401.
    second_id = rows[0]["id"]
    assert client.delete(f"{API}/auth/tokens/{second_id}", headers=bearer(token)).status_code == 204
    assert client.get(f"{API}/auth/tokens", headers=bearer(second)).status_code == 401
    assert client.delete(f"{API}/auth/tokens/{second_id}", headers=bearer(token)).status_code == 404
    # Expired: 401.
    with app.app_context():
        db.session.get(ApiToken, doc["id"]).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get(f"{API}/auth/tokens", headers=bearer(token)).status_code == 401


def test_default_expiry_and_bad_options(app: Any) -> None:
    make_user(app, "opt@example.org")
    client = app.test_client()
    ok = client.post(f"{API}/auth/token", json={"email": "opt@example.org", "password": PASSWORD})
    assert ok.status_code == 200 and "token" in ok.get_json()
    from app.extensions import db
    from app.models import ApiToken, utcnow

    with app.app_context():
        delta = db.session.get(ApiToken, ok.get_json()["id"]).expires_at - utcnow()
    assert timedelta(days=29, hours=23) < delta <= timedelta(days=30)
    for bad in ({"expires_in_days": 0}, {"expires_in_days": 400}, {"expires_in_days": "7"}, {"label": "x" * 81}):
        response = client.post(f"{API}/auth/token", json={"email": "opt@example.org", "password": PASSWORD, **bad})
        assert response.status_code == 422 and response.mimetype == "application/problem+json"


def test_someone_elses_token_cannot_be_revoked(app: Any, team: dict[str, Any]) -> None:
    client = app.test_client()
    other_rows = client.get(f"{API}/auth/tokens", headers=bearer(team["people"]["other"].token)).get_json()
    response = client.delete(f"{API}/auth/tokens/{other_rows[0]['id']}", headers=bearer(team["people"]["owner"].token))
    assert response.status_code == 404
    assert client.get(f"{API}/auth/tokens", headers=bearer(team["people"]["other"].token)).status_code == 200


def test_account_page_makes_lists_and_revokes_tokens(app: Any, team: dict[str, Any]) -> None:
    owner = team["people"]["owner"]
    page = owner.browser.text("/facilitator/account")
    made = owner.browser.client.post("/facilitator/account", data={"label": "laptop", "days": "10",
                                                                  "csrf_token": csrf_from(page)})
    assert made.status_code == 201
    secret = body(made).split('id="new-token"')[1].split('value="')[1].split('"')[0]
    client = app.test_client()
    assert client.get(f"{API}/auth/tokens", headers=bearer(secret)).status_code == 200
    rows = client.get(f"{API}/auth/tokens", headers=bearer(secret)).get_json()
    laptop = next(r for r in rows if r["label"] == "laptop")
    assert f'data-token="{laptop["id"]}"' in owner.browser.text("/facilitator/account")
    revoked = owner.browser.client.post(f"/facilitator/account/tokens/{laptop['id']}/revoke",
                                        data={"csrf_token": csrf_from(page)})
    assert revoked.status_code == 302
    assert client.get(f"{API}/auth/tokens", headers=bearer(secret)).status_code == 401


# --- screen link -------------------------------------------------------------------------------------------

def test_new_screen_link_kills_the_old_one_and_is_audited(app: Any, team: dict[str, Any],
                                                          caplog: pytest.LogCaptureFixture) -> None:
    client = app.test_client()
    wid = team["workshop"]["id"]
    old = team["workshop"]["screen_token"]
    results = f"{API}/workshops/{wid}/activities/constraints/results"
    assert client.get(results, headers=bearer(old)).status_code == 200
    assert client.get(f"/screen/{old}").status_code == 200
    url = f"{API}/workshops/{wid}/screen-token"
    assert client.post(url, headers=bearer(team["people"]["observer"].token)).status_code == 403
    assert client.post(url).status_code == 401
    assert client.post(f"{API}/workshops/99999/screen-token",
                       headers=bearer(team["people"]["owner"].token)).status_code == 404
    with caplog.at_level(logging.INFO, logger="prioritas.audit"):
        response = client.post(url, headers=bearer(team["people"]["co_facilitator"].token))
    assert response.status_code == 200
    new = response.get_json()["screen_token"]
    assert new != old and new in response.get_json()["screen_url"]
    assert client.get(results, headers=bearer(old)).status_code == 401
    assert client.get(f"/screen/{old}").status_code == 404
    assert client.get(results, headers=bearer(new)).status_code == 200
    assert any("screen link replaced by co-facilitator@example.org" in r.getMessage() for r in caplog.records)


def test_new_screen_link_from_the_console_cuts_off_open_screen_sockets(app: Any, team: dict[str, Any]) -> None:
    from app.extensions import socketio

    wid = team["workshop"]["id"]
    old = team["workshop"]["screen_token"]
    screen = socketio.test_client(app, auth={"screen_token": old})
    assert screen.is_connected()
    owner = team["people"]["owner"].browser
    page = owner.text(f"/facilitator/workshops/{wid}/run")
    assert f"/screen/{old}" in page
    response = owner.client.post(f"/facilitator/workshops/{wid}/screen-link", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert not screen.is_connected()
    again = socketio.test_client(app, auth={"screen_token": old})
    assert not again.is_connected()
    console = owner.text(f"/facilitator/workshops/{wid}/run")
    assert f"/screen/{old}" not in console and "/screen/" in console


def test_socket_roles(app: Any, team: dict[str, Any]) -> None:
    from app.extensions import socketio

    wid = team["workshop"]["id"]
    for role, allowed in (("observer", True), ("co_facilitator", True), ("other", False), ("admin", False)):
        client = socketio.test_client(app, flask_test_client=team["people"][role].browser.client,
                                      auth={"workshop": wid})
        assert client.is_connected() is allowed, role
        if allowed:
            names = {message["name"] for message in client.get_received()}
            assert "participation" in names
            client.disconnect()
