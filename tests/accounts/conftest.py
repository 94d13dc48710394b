"""Accounts fixtures: people with each role in one workshop, each with an API token and a signed-in browser."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.builders import small_definition
from tests.support.pages import Browser, Person, make_user, token_for

ROLES = ("owner", "co_facilitator", "observer", "other", "admin")


@pytest.fixture
def browser(client: Any) -> Browser:
    return Browser(client)


@pytest.fixture
def team(app: Any) -> dict[str, Any]:
    """`admin` (first account: administrator), owner, co_facilitator, observer, other; one workshop of owner's."""
    from app.extensions import db
    from app.models import Workshop
    from app.services import members
    from app.services.database import transaction

    people: dict[str, Person] = {}
    for role in ("admin", "owner", "co_facilitator", "observer", "other"):
        email = f"{role.replace('_', '-')}@example.org"
        make_user(app, email)
        signed_in = Browser(app.test_client())
        assert signed_in.login(email).status_code == 302
        people[role] = Person(email, token_for(app, email), signed_in)
    created = app.test_client().post("/api/v1/workshops", json=small_definition(),
                                     headers={"Authorization": f"Bearer {people['owner'].token}"})
    assert created.status_code == 201, created.get_data(as_text=True)
    document = created.get_json()
    with app.app_context(), transaction():
        workshop = db.session.get(Workshop, document["id"])
        owner = workshop.owner
        members.add(workshop, owner, people["co_facilitator"].email, "co_facilitator")
        members.add(workshop, owner, people["observer"].email, "observer")
    return {"people": people, "workshop": document}
