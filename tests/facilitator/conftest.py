"""Helpers for the facilitator pages: a browser-like client that scrapes the real CSRF token from each form."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import pytest

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "correct horse"


def csrf_from(page: str) -> str:
    match = CSRF_RE.search(page)
    assert match, "the page has no CSRF token"
    return html.unescape(match.group(1))


@dataclass
class Browser:
    """The Flask test client used like a browser: GET the page with the form, then POST with its token."""

    client: Any

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def text(self, url: str) -> str:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)

    def submit(self, page_url: str, action: str | None = None, data: dict[str, Any] | None = None,
               **kwargs: Any) -> Any:
        """POST `data` to `action` (default: the page itself) with the token found on `page_url`."""
        token = csrf_from(self.text(page_url))
        return self.client.post(action or page_url, data={**(data or {}), "csrf_token": token}, **kwargs)

    def register(self, email: str, password: str = PASSWORD, name: str = "") -> Any:
        """Sign up the way a new facilitator does: through an invitation link (registration is closed)."""
        return self.submit(invite_link(self.client.application), data={
            "email": email, "password": password, "confirm": password, "name": name})

    def login(self, email: str, password: str = PASSWORD) -> Any:
        return self.submit("/facilitator/login", data={"email": email, "password": password})

    def logout(self) -> Any:
        return self.submit("/facilitator/", "/facilitator/logout")

    def create_from_template(self, template: str = "regional", title: str = "Eastern Cape") -> int:
        response = self.submit("/facilitator/workshops/new", "/facilitator/workshops/new/template",
                               {"tpl-template": template, "tpl-title": title})
        assert response.status_code == 302, response.get_data(as_text=True)
        return int(response.headers["Location"].rstrip("/").split("/")[-1])


def invite_link(app: Any) -> str:
    """A fresh invitation path, as `flask users invite` would print it."""
    from app.services import invites
    from app.services.database import transaction

    with app.app_context(), transaction():
        secret, _row = invites.issue("test")
    return f"/facilitator/invite/{secret}"


def live_invite_path(database_url: str) -> str:
    """An invitation path on a live server's database (the server runs in another process)."""
    from app import create_app
    from app.extensions import db
    from tests.conftest import _config_dict

    application = create_app({**_config_dict(), "SQLALCHEMY_DATABASE_URI": database_url})
    path = invite_link(application)
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    return path


def body(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def browser(client: Any) -> Browser:
    return Browser(client)


@pytest.fixture
def facilitator(browser: Browser) -> Browser:
    """A browser signed in as a freshly registered facilitator."""
    response = browser.register("ana@example.org", name="Ana")
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


@pytest.fixture
def owner(api: Any, browser: Browser) -> Browser:
    """A browser signed in as the facilitator behind the `api` fixture, so API and pages share workshops."""
    response = browser.login("facilitator@example.org")
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


@pytest.fixture
def stranger(app: Any) -> Browser:
    """Another facilitator, in a browser of their own."""
    other = Browser(app.test_client())
    assert other.register("other@example.org").status_code == 302
    return other
