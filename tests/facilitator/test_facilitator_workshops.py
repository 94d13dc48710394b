"""The workshop list and creating workshops from a template or blank; each facilitator sees only their own."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests.support.pages import Browser, body


def workshop_titles(app: Any) -> list[str]:
    from app.extensions import db
    from app.models import Workshop

    with app.app_context():
        return list(db.session.scalars(sa.select(Workshop.title).order_by(Workshop.id)))


def test_new_page_lists_the_templates_with_descriptions(facilitator: Browser) -> None:
    from app.library import list_templates

    page = body(facilitator.get("/facilitator/workshops/new"))
    for template in list_templates():
        assert template["title"] in page and template["description"] in page
        assert f'value="{template["key"]}"' in page


def test_create_from_template(app: Any, facilitator: Browser) -> None:
    workshop_id = facilitator.create_from_template("regional", "Eastern Cape 2025")
    page = body(facilitator.get(f"/facilitator/workshops/{workshop_id}"))
    assert "Eastern Cape 2025" in page and "created from the template" in page
    from app.extensions import db
    from app.library import get_template
    from app.models import Workshop

    template = get_template("regional")
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        assert workshop.owner.email == "ana@example.org"
        assert workshop.template_key == "regional"
        assert [g.key for g in workshop.groups] == [g["key"] for g in template["groups"]]
        assert [a.key for a in workshop.activities] == [a["key"] for a in template["activities"]]


@pytest.mark.parametrize(("data", "message"), [
    ({"tpl-template": "regional", "tpl-title": "  "}, "This field is required."),
    ({"tpl-template": "no-such-template", "tpl-title": "X"}, "Not a valid choice"),
    ({"tpl-title": "X"}, "Choose a template."),
])
def test_create_from_template_rejects_invalid_input(app: Any, facilitator: Browser, data: dict[str, str],
                                                    message: str) -> None:
    response = facilitator.submit("/facilitator/workshops/new", "/facilitator/workshops/new/template", data)
    assert response.status_code == 422
    assert message in body(response)
    assert workshop_titles(app) == []


def test_create_blank_with_tripartite_groups(app: Any, facilitator: Browser) -> None:
    response = facilitator.submit("/facilitator/workshops/new", "/facilitator/workshops/new/blank",
                                  {"blank-title": "Sector scan", "blank-language": "fr",
                                   "blank-min_group_size": "4"})
    assert response.status_code == 302
    workshop_id = int(response.headers["Location"].split("/")[-1])
    page = body(facilitator.get(f"/facilitator/workshops/{workshop_id}"))
    assert "Not ready to run yet" in page and "at least one item" in page
    from app.extensions import db
    from app.models import Workshop

    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        assert (workshop.title, workshop.language, workshop.min_group_size) == ("Sector scan", "fr", 4)
        assert [g.key for g in workshop.groups] == ["gov", "employers", "workers", "other"]
        assert workshop.items == [] and workshop.activities == []


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"blank-title": "X", "blank-language": "en", "blank-min_group_size": "2"}, "blank-min_group_size",
     "at least 3"),
    ({"blank-title": "X", "blank-language": "en", "blank-min_group_size": "many"}, "blank-min_group_size",
     "Not a valid integer value."),
    ({"blank-title": "X", "blank-language": "de", "blank-min_group_size": "5"}, "blank-language",
     "Not a valid choice"),
    ({"blank-title": "", "blank-language": "en", "blank-min_group_size": "5"}, "blank-title", "required"),
])
def test_create_blank_rejects_invalid_input(app: Any, facilitator: Browser, data: dict[str, str], field: str,
                                            message: str) -> None:
    response = facilitator.submit("/facilitator/workshops/new", "/facilitator/workshops/new/blank", data)
    assert response.status_code == 422
    page = body(response)
    assert f'id="{field}-error"' in page and message in page
    assert workshop_titles(app) == []


def test_list_shows_only_own_workshops_with_counts(owner: Browser, workshop: dict[str, Any], join: Any,
                                                   stranger: Browser) -> None:
    join(workshop["join_code"], "gov")
    join(workshop["join_code"], "workers")
    stranger.create_from_template("regional", "Somebody else's workshop")
    page = body(owner.get("/facilitator/"))
    assert "Test workshop" in page and workshop["join_code"] in page
    assert "Somebody else's workshop" not in page
    row = page[page.index(f'data-workshop="{workshop["id"]}"'):]
    row = row[:row.index("</tr>")]
    assert '<td class="num">2</td>' in row
    assert f'/facilitator/workshops/{workshop["id"]}/run' in row and f'/facilitator/workshops/{workshop["id"]}"' in row
    other_page = body(stranger.get("/facilitator/"))
    assert "Somebody else's workshop" in other_page and "Test workshop" not in other_page


def test_empty_list_invites_to_create(facilitator: Browser) -> None:
    assert "No workshops yet" in body(facilitator.get("/facilitator/"))


@pytest.mark.parametrize("suffix", ["", "/run", "/groups/new", "/groups/gov/edit", "/items/finance/edit",
                                    "/activities/constraints/edit", "/activities/new"])
def test_another_facilitator_gets_403(stranger: Browser, workshop: dict[str, Any], suffix: str) -> None:
    assert stranger.get(f"/facilitator/workshops/{workshop['id']}{suffix}").status_code == 403


def test_unknown_workshop_is_404(facilitator: Browser) -> None:
    assert facilitator.get("/facilitator/workshops/999").status_code == 404
    assert facilitator.get("/facilitator/workshops/999/run").status_code == 404


@pytest.mark.parametrize(("action", "data"), [
    ("/settings", {"title": "Hijacked", "language": "en", "min_group_size": "5"}),
    ("/groups/new", {"key": "x", "name": "X", "weight": "1"}),
    ("/groups/gov/delete", {}),
    ("/items/finance/delete", {}),
    ("/activities/constraints/edit", {"key": "constraints", "title": "Hijacked"}),
    ("/activities/constraints/open", {}),
    ("/groups/gov/move", {"direction": "down"}),
])
def test_another_facilitator_cannot_change_anything(app: Any, api: Any, stranger: Browser,
                                                    workshop: dict[str, Any], action: str,
                                                    data: dict[str, str]) -> None:
    before = api.get(f"/api/v1/workshops/{workshop['id']}").get_json()
    response = stranger.submit("/facilitator/", f"/facilitator/workshops/{workshop['id']}{action}", data)
    assert response.status_code == 403
    assert api.get(f"/api/v1/workshops/{workshop['id']}").get_json() == before
