"""The HTML pages through Flask's test client: forms with their CSRF token, the participant's phone pages and the
facilitator's console, used the way a browser would."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

#: The token of a facilitator page's form (attributes in any order after the name).
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
#: The token of a participant page's form.
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HTML_TAG = re.compile(r'<html lang="([^"]+)" dir="([^"]+)">')
PASSWORD = "correct horse"


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def body(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def csrf(page: str) -> str:
    """The CSRF token of a participant page's form."""
    match = CSRF.search(page)
    assert match, "the form carries no CSRF token"
    return match.group(1)


def csrf_from(page: str) -> str:
    """The CSRF token of a facilitator page's form."""
    match = CSRF_RE.search(page)
    assert match, "the page has no CSRF token"
    return html.unescape(match.group(1))


def html_lang(page: str) -> tuple[str, str]:
    """The page's `<html lang dir>`."""
    match = HTML_TAG.search(page)
    assert match, "no <html lang dir>"
    return match.group(1), match.group(2)


# --- the participant's phone ----------------------------------------------------------------------------------

def join_group(client: Any, code: str, group: str = "firms") -> Any:
    page = client.get(f"/j/{code}")
    return client.post(f"/j/{code}", data={"csrf_token": csrf(text(page)), "group": group})


def open_activity(api: Any, workshop: dict[str, Any], key: str = "constraints", action: str = "open") -> None:
    response = api.post(f"/api/v1/workshops/{workshop['id']}/activities/{key}/{action}")
    assert response.status_code == 200, text(response)


def post_vote(client: Any, values: dict[str, str], key: str = "constraints") -> Any:
    page = client.get(f"/p/{key}")
    return client.post(f"/p/{key}", data={"csrf_token": csrf(text(page)), **values})


def saved(app: Any, activity_key: str = "constraints") -> dict[tuple[str, str], int | None]:
    """The single participant's saved values, read through the service the page uses."""
    from app.extensions import db
    from app.models import Participant
    from app.services import participation

    with app.app_context():
        participant = db.session.scalars(sa.select(Participant)).one()
        activity = participant.workshop.activity(activity_key)
        return participation.saved_values(participant, activity)


def proposals(app: Any) -> list[dict[str, Any]]:
    """Every saved suggestion, oldest first."""
    from app.extensions import db
    from app.models import Proposal

    with app.app_context():
        rows = db.session.scalars(sa.select(Proposal).order_by(Proposal.id)).all()
        return [{"kind": p.kind, "title": p.title, "description": p.description, "status": p.status,
                 "participant": p.participant_id, "group": p.group.key if p.group else None} for p in rows]


# --- the facilitator's console --------------------------------------------------------------------------------

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
    from tests.support.database import config_dict

    application = create_app({**config_dict(), "SQLALCHEMY_DATABASE_URI": database_url})
    path = invite_link(application)
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    return path


def document(api: Any, workshop: dict[str, Any]) -> dict[str, Any]:
    """The workshop's document, as the API returns it."""
    return api.get(f"/api/v1/workshops/{workshop['id']}").get_json()


def url(workshop: dict[str, Any], suffix: str = "") -> str:
    """A page of the workshop's console."""
    return f"/facilitator/workshops/{workshop['id']}{suffix}"


def assert_rejected(response: Any, status: int, field: str | None, message: str) -> str:
    """The form came back with `status` and `message` next to `field` (or anywhere on the page)."""
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    page = body(response)
    if field:
        error = page[page.index(f'id="{field}-error"'):]
        assert message in error[:error.index("</div>")], error[:500]
    else:
        assert message in page
    return page


# --- accounts -------------------------------------------------------------------------------------------------

@dataclass
class Person:
    """Someone with a role in a workshop: their address, an API token and a signed-in browser."""

    email: str
    token: str
    browser: Browser


def make_user(app: Any, email: str, admin: bool = False) -> None:
    """An account named after its address, with the usual test password."""
    from app.services import accounts
    from app.services.database import transaction

    with app.app_context(), transaction():
        accounts.create_user(email, PASSWORD, email.split("@")[0].title(), is_admin=admin)


def token_for(app: Any, email: str) -> str:
    """An API token for an account with the usual test password."""
    response = app.test_client().post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["token"]


def run_url(workshop: dict[str, Any]) -> str:
    """The workshop's console page (the facilitator runs the session from it)."""
    return f"/facilitator/workshops/{workshop['id']}/run"


def settings_url(workshop: dict[str, Any]) -> str:
    """The API address of the workshop's suggestion (proposal) settings."""
    return f"/api/v1/workshops/{workshop['id']}/proposal-settings"
