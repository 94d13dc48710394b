"""Facilitator accounts: sign-up (by invitation; the open form only when switched on), sign-in, sign-out, CSRF
and pages that need a login."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from tests.support.pages import CSRF_RE, PASSWORD, Browser, body


def users(app: Any) -> list[str]:
    from app.extensions import db
    from app.models import User

    with app.app_context():
        return list(db.session.scalars(sa.select(User.email).order_by(User.id)))


def test_register_creates_a_hashed_account_and_signs_in(app: Any, browser: Browser) -> None:
    response = browser.register("New.Person@Example.org", name="New Person")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/facilitator/")
    assert users(app) == ["new.person@example.org"]
    from app.extensions import db
    from app.models import User

    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert user.password_hash != PASSWORD and user.check_password(PASSWORD)
    page = body(browser.get("/facilitator/", follow_redirects=True))
    assert "Your workshops" in page and "New Person" in page


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"email": "not-an-address", "password": PASSWORD, "confirm": PASSWORD}, "email", "valid e-mail"),
    ({"email": "a@example.org", "password": "short", "confirm": "short"}, "password", "at least 8"),
    ({"email": "a@example.org", "password": PASSWORD, "confirm": "different"}, "confirm", "differ"),
    ({"email": "", "password": PASSWORD, "confirm": PASSWORD}, "email", "required"),
])
def test_register_rejects_invalid_input(app: Any, browser: Browser, data: dict[str, str], field: str,
                                        message: str) -> None:
    app.config["OPEN_REGISTRATION"] = True  # the same form serves a private install with open sign-up
    response = browser.submit("/facilitator/register", data=data)
    assert response.status_code == 422
    page = body(response)
    assert f'id="{field}-error"' in page and message in page.lower()
    assert users(app) == []


def test_open_registration_is_closed_unless_switched_on(app: Any, browser: Browser) -> None:
    assert browser.get("/facilitator/register").status_code == 404
    page = body(browser.get("/facilitator/login"))
    assert "/facilitator/register" not in page and "invitation" in page
    app.config["OPEN_REGISTRATION"] = True
    response = browser.submit("/facilitator/register", data={"email": "self@example.org", "password": PASSWORD,
                                                             "confirm": PASSWORD})
    assert response.status_code == 302
    assert users(app) == ["self@example.org"]


def test_register_refuses_an_existing_address_next_to_the_field(app: Any, browser: Browser,
                                                                 stranger: Browser) -> None:
    response = browser.register("other@example.org")
    assert response.status_code == 422
    assert 'id="email-error"' in body(response) and "already exists" in body(response)
    assert users(app) == ["other@example.org"]


def test_login_and_logout(browser: Browser, stranger: Browser) -> None:
    response = browser.login("OTHER@example.org")
    assert response.status_code == 302 and response.headers["Location"].endswith("/facilitator/")
    assert browser.get("/facilitator/").status_code == 200
    response = browser.logout()
    assert response.status_code == 302 and "/facilitator/login" in response.headers["Location"]
    assert browser.get("/facilitator/").status_code == 302


NONCE_RE = re.compile(r' nonce="[^"]*"')


def test_login_does_not_reveal_whether_the_address_exists(browser: Browser, stranger: Browser) -> None:
    wrong_password = browser.login("other@example.org", "wrong password")
    unknown_address = browser.login("nobody@example.org", "wrong password")
    assert wrong_password.status_code == unknown_address.status_code == 401
    assert "Unknown e-mail address or wrong password." in body(wrong_password)
    def page(response: Any, email: str) -> str:  # the CSRF token and the CSP nonce differ per answer
        return NONCE_RE.sub("", CSRF_RE.sub("", body(response).replace(email, "X")))

    assert page(wrong_password, "other@example.org") == page(unknown_address, "nobody@example.org")
    assert browser.get("/facilitator/").status_code == 302


def test_login_follows_next_but_only_on_this_site(browser: Browser, stranger: Browser) -> None:
    token_page = "/facilitator/login?next=/facilitator/workshops/new"
    response = browser.submit(token_page, data={"email": "other@example.org", "password": PASSWORD})
    assert response.headers["Location"].endswith("/facilitator/workshops/new")
    browser.logout()
    response = browser.submit("/facilitator/login?next=//evil.example/x",
                              data={"email": "other@example.org", "password": PASSWORD})
    assert response.headers["Location"].endswith("/facilitator/")


def test_forms_need_the_csrf_token(app: Any, browser: Browser) -> None:
    response = browser.client.post("/facilitator/register", data={
        "email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    assert users(app) == []
    response = browser.client.post("/facilitator/login", data={"email": "a@example.org", "password": PASSWORD,
                                                               "csrf_token": "forged"})
    assert response.status_code == 400


@pytest.mark.parametrize("path", [
    "/facilitator", "/facilitator/", "/facilitator/workshops/new", "/facilitator/workshops/1",
    "/facilitator/workshops/1/run", "/facilitator/workshops/1/groups/new", "/facilitator/workshops/1/items/x/edit",
])
def test_pages_need_a_login(browser: Browser, path: str) -> None:
    response = browser.get(path)
    assert response.status_code in (302, 308)
    if response.status_code == 308:
        response = browser.get(response.headers["Location"])
    assert "/facilitator/login?next=" in response.headers["Location"]


def test_posts_need_a_login(browser: Browser, workshop: dict[str, Any]) -> None:
    token = browser.text("/facilitator/login")
    from tests.support.pages import csrf_from

    response = browser.client.post(f"/facilitator/workshops/{workshop['id']}/activities/constraints/open",
                                   data={"csrf_token": csrf_from(token)})
    assert response.status_code == 302 and "/facilitator/login" in response.headers["Location"]
