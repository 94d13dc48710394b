"""Facilitators' own templates: clone, edit (details and contents), save a workshop as one, delete, download,
use for a new workshop; only the owner ever sees one; every definition passes the API's validation."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import sqlalchemy as sa

from app.library import get_template, list_templates
from tests.support import builders
from tests.support.browser import LAUNCH_ARGS
from tests.support.builders import small_definition
from tests.support.pages import PASSWORD, Browser, body

API = "/api/v1"
BUILTIN_KEYS = [t["key"] for t in list_templates()]


# --- helpers -------------------------------------------------------------------------------------------------

def own_rows(app: Any, email: str | None = None) -> list[dict[str, Any]]:
    """Every stored own template (optionally of one owner), read straight from the database."""
    from app.extensions import db
    from app.models import User, WorkshopTemplate

    with app.app_context():
        query = sa.select(WorkshopTemplate).order_by(WorkshopTemplate.id)
        if email:
            query = query.join(User, User.id == WorkshopTemplate.owner_id).where(User.email == email)
        rows = [{"key": t.key, "title": t.title, "description": t.description, "definition": t.definition,
                 "source": t.source, "owner": t.owner.email} for t in db.session.scalars(query)]
        db.session.remove()
        return rows


def workshop_row(app: Any, workshop_id: int) -> dict[str, Any]:
    from app.extensions import db
    from app.models import Workshop

    with app.app_context():
        w = db.session.get(Workshop, workshop_id)
        row = {"title": w.title, "template_key": w.template_key, "owner": w.owner.email,
               "items": [(i.key, i.title, i.title_2, i.evidence) for i in w.items],
               "groups": [g.key for g in w.groups], "activities": [a.key for a in w.activities]}
        db.session.remove()
        return row


def workshop_count(app: Any) -> int:
    from app.extensions import db
    from app.models import Workshop

    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Workshop))
        db.session.remove()
        return int(count or 0)


def rich_definition() -> dict[str, Any]:
    """Every field a template must keep: group extras, item second-language title and evidence, settings."""
    return small_definition(
        title="Bilingual constraints",
        language="en",
        second_language="fr",
        method_note="Perceptions, not proof.",
        groups=[builders.group("gov", "Government", 2.0, expected=8, description="Ministries"),
                builders.group("firms", "Employers", 1.0), builders.group("workers", "Workers", 1.0),
                builders.group("other", "Academia", 0.0, observer=True)],
        items=[builders.item("finance", "Access to finance", title_2="Accès au crédit",
                             evidence="Loans cost 18% a year: https://example.org/rates", category="macro",
                             locus="national", description="Credit for small firms"),
               builders.item("skills", "Skills", category="meso"),
               builders.item("power", "Electricity", category="meso")],
        activities=[builders.matrix("constraints", builders.SMALL_ITEMS, "Rate the constraints",
                                    builders.axis("Tractability", hint="Can we act soon?"),
                                    quadrants={"top_right": "Quick wins", "top_left": "Strategic",
                                               "bottom_right": "Fill-ins", "bottom_left": "Monitor"}),
                    builders.points("dots", ["finance", "power"], "Shortlist", budget=2, max_per_item=2)])


def clone(browser: Browser, key: str) -> Any:
    return browser.submit("/facilitator/templates", f"/facilitator/templates/{key}/clone")


def new_key_from(response: Any) -> str:
    assert response.status_code == 302, body(response)[:2000]
    match = re.search(r"/facilitator/templates/([^/]+)/edit$", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


@pytest.fixture
def second(app: Any) -> Browser:
    """Another facilitator in her own browser."""
    other = Browser(app.test_client())
    assert other.register("bea@example.org", name="Bea").status_code == 302
    return other


# --- the templates page ------------------------------------------------------------------------------------

def test_page_lists_builtin_and_own_templates_with_counts(app: Any, facilitator: Browser) -> None:
    page = body(facilitator.get("/facilitator/templates"))
    for entry in list_templates():
        definition = get_template(entry["key"])
        row = page[page.index(f'data-template="{entry["key"]}"'):]
        row = row[:row.index("</tr>")]
        assert entry["title"] in row and entry["description"] in row
        numbers = re.findall(r'<td class="num">(\d+)</td>', row)
        assert numbers == [str(len(definition[n])) for n in ("groups", "items", "activities")]
        assert "Built-in" in row and "/edit" not in row  # built-ins are cloned, not edited
    key = new_key_from(clone(facilitator, "growth-diagnostics"))
    page = body(facilitator.get("/facilitator/templates"))
    row = page[page.index(f'data-template="{key}"'):]
    assert "(copy)" in row[:row.index("</tr>")] and "yours" in row[:row.index("</tr>")]
    assert f"/facilitator/templates/{key}/edit" in row


def test_templates_page_needs_login(client: Any) -> None:
    response = client.get("/facilitator/templates")
    assert response.status_code == 302 and "/facilitator/login" in response.headers["Location"]


# --- clone -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("builtin", BUILTIN_KEYS)
def test_clone_a_builtin_copies_its_definition(app: Any, facilitator: Browser, builtin: str) -> None:
    from app.services.definitions import clean_definition

    key = new_key_from(clone(facilitator, builtin))
    [row] = own_rows(app)
    source = get_template(builtin)
    expected, errors = clean_definition(source)
    assert errors == []
    assert row["key"] == key and key.startswith("my-") and len(key) <= 40 and key not in BUILTIN_KEYS
    assert row["title"] == next(t["title"] for t in list_templates() if t["key"] == builtin) + " (copy)"
    assert row["definition"] == expected
    assert [i["key"] for i in row["definition"]["items"]] == [i["key"] for i in source["items"]]
    assert row["source"] == f"library:{builtin}"
    page = body(facilitator.get(f"/facilitator/templates/{key}/edit"))
    assert "Started from: Built-in template" in page


def test_clone_an_own_template_and_keys_stay_unique(app: Any, facilitator: Browser) -> None:
    first = new_key_from(clone(facilitator, "regional"))
    second = new_key_from(clone(facilitator, first))
    third = new_key_from(clone(facilitator, "regional"))
    assert len({first, second, third}) == 3
    # The slug is cut at 40 characters, so "(copy) (copy)" starts the same: numbered suffixes, no collision.
    assert (second, third) == (first[:38] + "-2", first[:38] + "-3")
    rows = {r["key"]: r for r in own_rows(app)}
    assert rows[second]["title"] == "Regional constraints and sectors (copy) (copy)"
    assert rows[second]["definition"] == rows[first]["definition"]
    assert rows[second]["source"] == f"template:{first}"


def test_unknown_key_is_404_and_saves_nothing(app: Any, facilitator: Browser) -> None:
    assert clone(facilitator, "no-such-template").status_code == 404
    assert own_rows(app) == []


# --- edit details ------------------------------------------------------------------------------------------

def test_edit_title_description_and_method_note(app: Any, facilitator: Browser) -> None:
    key = new_key_from(clone(facilitator, "regional"))
    response = facilitator.submit(f"/facilitator/templates/{key}/edit", data={
        "title": "Our regional workshop", "description": "Used in three provinces",
        "method_note": "We read the room, not the region."})
    assert response.status_code == 302
    [row] = own_rows(app)
    assert (row["title"], row["description"], row["definition"]["method_note"]) == (
        "Our regional workshop", "Used in three provinces", "We read the room, not the region.")
    assert row["key"] == key  # the key stays: workshops made from it keep matching
    assert "Our regional workshop" in body(facilitator.get("/facilitator/templates"))


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"title": "  ", "description": ""}, "title", "This field is required."),
    ({"title": "T" * 201}, "title", "200 characters"),
    ({"title": "T", "description": "D" * 1001}, "description", "1000 characters"),
    ({"title": "T", "method_note": "M" * 4001}, "method_note", "4000 characters"),
])
def test_edit_details_rejects_invalid_input(app: Any, facilitator: Browser, data: dict[str, str], field: str,
                                            message: str) -> None:
    key = new_key_from(clone(facilitator, "regional"))
    before = own_rows(app)
    response = facilitator.submit(f"/facilitator/templates/{key}/edit", data=data)
    assert response.status_code == 422
    page = body(response)
    error = page[page.index(f'id="{field}-error"'):]
    assert message in error[:error.index("</div>")]
    assert own_rows(app) == before


# --- edit contents through a draft workshop, save back -----------------------------------------------------

def test_edit_contents_in_the_editor_and_save_back(app: Any, facilitator: Browser) -> None:
    key = new_key_from(clone(facilitator, "regional"))
    response = facilitator.submit(f"/facilitator/templates/{key}/edit", f"/facilitator/templates/{key}/draft")
    assert response.status_code == 302
    draft_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    draft = workshop_row(app, draft_id)
    assert draft["template_key"] == key and draft["title"].endswith("(template draft)")
    editor = body(facilitator.get(f"/facilitator/workshops/{draft_id}"))
    assert "Save back to template “Regional constraints and sectors (copy)”" in editor

    # Edit the contents with the ordinary editor: add an item with a second-language title and evidence.
    added = facilitator.submit(f"/facilitator/workshops/{draft_id}/items/new", data={
        "key": "ports", "kind": "constraint", "title": "Port congestion", "title_2": "Congestion portuaire",
        "evidence": "Ships wait 6 days"})
    assert added.status_code == 302
    saved = facilitator.submit(f"/facilitator/workshops/{draft_id}",
                               f"/facilitator/workshops/{draft_id}/save-as-template", {"target": key})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/templates/{key}/edit")
    [row] = own_rows(app)
    assert row["title"] == "Regional constraints and sectors (copy)"  # details stay
    ports = row["definition"]["items"][-1]
    assert (ports["key"], ports["title_2"], ports["evidence"]) == ("ports", "Congestion portuaire",
                                                                   "Ships wait 6 days")
    assert len(row["definition"]["items"]) == len(get_template("regional")["items"]) + 1


# --- save a workshop as a template -------------------------------------------------------------------------

def test_save_workshop_as_new_template_keeps_every_field(app: Any, api: Any, owner: Browser, join: Any) -> None:
    created = api.post(f"{API}/workshops", json=rich_definition())
    assert created.status_code == 201, created.get_data(as_text=True)
    workshop = created.get_json()
    assert api.post(f"{API}/workshops/{workshop['id']}/activities/constraints/open").status_code == 200
    token = join(workshop["join_code"], "gov")
    voted = api.put(f"{API}/workshops/{workshop['id']}/activities/constraints/responses", token=token,
                    json={"ratings": [{"item": "finance", "x": 4, "y": 5}]})
    assert voted.status_code == 200

    page = f"/facilitator/workshops/{workshop['id']}/save-as-template"
    assert 'value="new"' in body(owner.get(page))
    response = owner.submit(page, data={"target": "new", "title": "Bilingual template", "description": "FR/EN"})
    assert response.status_code == 302, body(response)[:2000]
    [row] = own_rows(app)
    definition = row["definition"]
    assert (row["title"], row["description"], row["source"]) == ("Bilingual template", "FR/EN",
                                                                  f"workshop:{workshop['id']}")
    assert row["key"] == "my-bilingual-template"
    assert definition["title"] == "Bilingual constraints" and definition["second_language"] == "fr"
    assert definition["method_note"] == "Perceptions, not proof."
    gov, *_, other = definition["groups"]
    assert (gov["weight"], gov["expected"], gov["description"]) == (2.0, 8, "Ministries")
    assert (other["observer"], other["weight"]) == (True, 0.0)
    finance = definition["items"][0]
    assert (finance["title_2"], finance["evidence"], finance["locus"], finance["category"]) == (
        "Accès au crédit", "Loans cost 18% a year: https://example.org/rates", "national", "macro")
    matrix, dots = definition["activities"]
    assert matrix["x"]["hint"] == "Can we act soon?" and matrix["quadrants"]["top_right"] == "Quick wins"
    assert (dots["budget"], dots["max_per_item"], dots["items"]) == (2, 2, ["finance", "power"])
    # No state, round, participants or answers travel into a template.
    text = json.dumps(definition)
    assert '"state"' not in text and '"round"' not in text and "participants" not in text
    assert "responses" not in text and workshop["join_code"] not in text


def test_save_from_the_workshop_list_link_and_update_a_picked_template(app: Any, facilitator: Browser) -> None:
    first = facilitator.create_from_template("regional", "Eastern Cape")
    second = facilitator.create_from_template("sector-selection", "Sectors")
    listing = body(facilitator.get("/facilitator/"))
    assert f"/facilitator/workshops/{first}/save-as-template" in listing
    assert facilitator.submit(f"/facilitator/workshops/{first}/save-as-template",
                              data={"target": "new", "title": ""}).status_code == 302
    [row] = own_rows(app)
    assert row["title"] == "Eastern Cape"  # the workshop's title when left empty
    page = body(facilitator.get(f"/facilitator/workshops/{second}/save-as-template"))
    assert f'value="{row["key"]}"' in page and "Replace the contents of “Eastern Cape”" in page
    response = facilitator.submit(f"/facilitator/workshops/{second}/save-as-template",
                                  data={"target": row["key"]})
    assert response.status_code == 302
    [updated] = own_rows(app)
    assert updated["key"] == row["key"] and updated["title"] == "Eastern Cape"
    assert [i["key"] for i in updated["definition"]["items"]] == [
        i["key"] for i in get_template("sector-selection")["items"]]


def test_a_workshop_that_fails_validation_is_not_saved(app: Any, facilitator: Browser) -> None:
    created = facilitator.submit("/facilitator/workshops/new", "/facilitator/workshops/new/blank",
                                 {"blank-title": "Empty", "blank-language": "en", "blank-min_group_size": "5"})
    workshop_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
    response = facilitator.submit(f"/facilitator/workshops/{workshop_id}/save-as-template",
                                  data={"target": "new", "title": "Empty template"})
    assert response.status_code == 422
    page = body(response)
    assert "List at least one of the workshop's items." in page
    assert "List at least one of the workshop's activities." in page
    assert own_rows(app) == []


def test_save_as_template_rejects_a_too_long_title(app: Any, facilitator: Browser) -> None:
    workshop_id = facilitator.create_from_template("regional", "Eastern Cape")
    response = facilitator.submit(f"/facilitator/workshops/{workshop_id}/save-as-template",
                                  data={"target": "new", "title": "T" * 201})
    assert response.status_code == 422 and own_rows(app) == []


# --- delete and download -----------------------------------------------------------------------------------

def test_delete_asks_first_then_deletes(app: Any, facilitator: Browser) -> None:
    key = new_key_from(clone(facilitator, "regional"))
    workshop_id = facilitator.create_from_template(key, "From my template")
    confirm = body(facilitator.get(f"/facilitator/templates/{key}/delete"))
    assert "Delete the template “Regional constraints and sectors (copy)”?" in confirm
    assert len(own_rows(app)) == 1  # the GET only asks
    response = facilitator.submit(f"/facilitator/templates/{key}/delete")
    assert response.status_code == 302
    assert own_rows(app) == []
    assert workshop_row(app, workshop_id)["template_key"] == key  # its workshops stay comparable
    assert facilitator.get(f"/facilitator/templates/{key}/edit").status_code == 404


def test_download_definitions_post_back_to_the_api(app: Any, api: Any, owner: Browser) -> None:
    response = owner.get("/facilitator/templates/regional.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert json.loads(response.get_data(as_text=True)) == get_template("regional")
    key = new_key_from(clone(owner, "paca-proposals"))
    own = json.loads(owner.get(f"/facilitator/templates/{key}.json").get_data(as_text=True))
    assert own == own_rows(app)[0]["definition"]
    created = api.post(f"{API}/workshops", json=own)
    assert created.status_code == 201, created.get_data(as_text=True)


# --- new workshop from an own template ---------------------------------------------------------------------

def test_new_workshop_page_lists_own_templates_and_creates_from_one(app: Any, facilitator: Browser) -> None:
    key = new_key_from(clone(facilitator, "systemic-competitiveness"))
    page = body(facilitator.get(f"/facilitator/workshops/new?template={key}"))
    assert f'value="{key}"' in page and "Systemic" in page
    assert re.search(rf'value="{key}"\s+required\s+checked', page)  # preselected from the library's link
    workshop_id = facilitator.create_from_template(key, "Our competitiveness workshop")
    row = workshop_row(app, workshop_id)
    assert row["template_key"] == key and row["title"] == "Our competitiveness workshop"
    source = get_template("systemic-competitiveness")
    assert row["activities"] == [a["key"] for a in source["activities"]]


# --- only the owner ----------------------------------------------------------------------------------------

def test_another_facilitator_gets_404_everywhere(app: Any, facilitator: Browser, second: Browser) -> None:
    key = new_key_from(clone(facilitator, "regional"))
    before = own_rows(app)
    assert key not in body(second.get("/facilitator/templates"))
    assert second.get(f"/facilitator/templates/{key}/edit").status_code == 404
    assert second.get(f"/facilitator/templates/{key}/delete").status_code == 404
    assert second.get(f"/facilitator/templates/{key}.json").status_code == 404
    assert second.submit("/facilitator/templates", f"/facilitator/templates/{key}/clone").status_code == 404
    assert second.submit("/facilitator/templates", f"/facilitator/templates/{key}/draft").status_code == 404
    assert second.submit("/facilitator/templates", f"/facilitator/templates/{key}/delete").status_code == 404
    assert second.submit("/facilitator/templates", f"/facilitator/templates/{key}/edit",
                         {"title": "Stolen"}).status_code == 404
    workshops_before = workshop_count(app)
    response = second.submit("/facilitator/workshops/new", "/facilitator/workshops/new/template",
                             {"tpl-template": key, "tpl-title": "X"})
    assert response.status_code == 422 and "Not a valid choice" in body(response)
    own_workshop = second.create_from_template("regional", "Bea's")
    response = second.submit(f"/facilitator/workshops/{own_workshop}/save-as-template",
                             data={"target": key})
    assert response.status_code == 422 and "Not a valid choice" in body(response)
    assert own_rows(app) == before
    assert workshop_count(app) == workshops_before + 1
    # And her workshop cannot be saved by the first facilitator either.
    assert facilitator.get(f"/facilitator/workshops/{own_workshop}/save-as-template").status_code == 403


# --- the API -----------------------------------------------------------------------------------------------

def second_token(api: Any) -> str:
    from app.services import accounts
    from app.services.database import transaction

    with api.client.application.app_context(), transaction():
        accounts.create_user("bea@example.org", PASSWORD, "Bea")
    response = api.post(f"{API}/auth/token", json={"email": "bea@example.org", "password": PASSWORD}, token="")
    return response.get_json()["token"]


def test_api_lists_own_templates_for_their_owner_only(app: Any, api: Any) -> None:
    created = api.post(f"{API}/templates", json={"definition": rich_definition(), "title": "Mine"})
    assert created.status_code == 201, created.get_data(as_text=True)
    doc = created.get_json()
    assert (doc["own"], doc["title"], doc["groups"], doc["items"], doc["activities"]) == (True, "Mine", 4, 3, 2)
    assert doc["definition"]["items"][0]["title_2"] == "Accès au crédit"
    listed = api.get(f"{API}/templates").get_json()
    assert [t["key"] for t in listed] == [*BUILTIN_KEYS, doc["key"]]
    assert [t["own"] for t in listed] == [False] * len(BUILTIN_KEYS) + [True]
    assert all({"key", "title", "description"} <= set(t) for t in listed)
    other = second_token(api)
    assert [t["key"] for t in api.get(f"{API}/templates", token=other).get_json()] == BUILTIN_KEYS
    assert api.get(f"{API}/templates/{doc['key']}", token=other).status_code == 404
    assert api.get(f"{API}/templates/{doc['key']}").get_json() == doc["definition"]


def test_api_creates_a_workshop_from_an_own_template(app: Any, api: Any) -> None:
    doc = api.post(f"{API}/templates", json={"definition": rich_definition()}).get_json()
    assert doc["title"] == "Bilingual constraints"  # defaults to the definition's title
    created = api.post(f"{API}/workshops", json={"template": doc["key"], "title": "Round two"})
    assert created.status_code == 201, created.get_data(as_text=True)
    workshop = created.get_json()
    assert workshop["title"] == "Round two" and workshop["second_language"] == "fr"
    assert workshop["items"][0]["evidence"] == "Loans cost 18% a year: https://example.org/rates"
    assert workshop_row(app, workshop["id"])["template_key"] == doc["key"]
    before = workshop_count(app)
    response = api.post(f"{API}/workshops", json={"template": doc["key"]}, token=second_token(api))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert workshop_count(app) == before


def test_api_saves_a_workshop_as_template(app: Any, api: Any, workshop: dict[str, Any]) -> None:
    response = api.post(f"{API}/templates", json={"workshop_id": workshop["id"], "title": "From the API",
                                                  "description": "d"})
    assert response.status_code == 201, response.get_data(as_text=True)
    doc = response.get_json()
    assert doc["source"] == f"workshop:{workshop['id']}" and doc["description"] == "d"
    assert [i["key"] for i in doc["definition"]["items"]] == ["finance", "skills", "power"]
    assert api.post(f"{API}/templates", json={"workshop_id": 999_999}).status_code == 404
    other = second_token(api)
    forbidden = api.post(f"{API}/templates", json={"workshop_id": workshop["id"]}, token=other)
    assert forbidden.status_code == 403
    assert len(own_rows(app)) == 1


@pytest.mark.parametrize(("payload", "field"), [
    ({"definition": small_definition(items=[])}, "definition.items"),
    ({"definition": small_definition(second_language="en")}, "definition.second_language"),
    ({"definition": small_definition(), "title": "  "}, "title"),
    ({"definition": small_definition(), "title": "T" * 201}, "title"),
    ({"definition": small_definition(), "description": 5}, "description"),
    ({"definition": "nope"}, "definition"),
    ({"workshop_id": "1"}, "workshop_id"),
    ({"workshop_id": 1, "definition": small_definition()}, ""),
    ({"title": "neither"}, ""),
    ([], ""),
])
def test_api_rejects_invalid_templates_and_saves_nothing(app: Any, api: Any, workshop: dict[str, Any],
                                                         payload: Any, field: str) -> None:
    response = api.post(f"{API}/templates", json=payload)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert field in [e["field"] for e in response.get_json()["errors"]]
    assert own_rows(app) == []


def test_api_delete_own_template(app: Any, api: Any) -> None:
    key = api.post(f"{API}/templates", json={"definition": small_definition()}).get_json()["key"]
    other = second_token(api)
    response = api.call("DELETE", f"{API}/templates/{key}", token=other)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert api.call("DELETE", f"{API}/templates/regional").status_code == 404  # built-ins stay
    assert api.call("DELETE", f"{API}/templates/{key}", token="").status_code == 401
    assert len(own_rows(app)) == 1
    assert api.call("DELETE", f"{API}/templates/{key}").status_code == 204
    assert own_rows(app) == []
    assert api.call("DELETE", f"{API}/templates/{key}").status_code == 404


def test_api_template_calls_need_a_token(api: Any) -> None:
    assert api.post(f"{API}/templates", json={"definition": small_definition()}, token="").status_code == 401
    assert api.get(f"{API}/templates/regional", token="").status_code == 401


def test_openapi_documents_the_template_extension(client: Any) -> None:
    spec = client.get(f"{API}/openapi.json").get_json()
    assert {"get", "post"} <= set(spec["paths"]["/templates"])
    assert {"get", "delete"} <= set(spec["paths"]["/templates/{key}"])
    assert "own" in spec["components"]["schemas"]["Template"]["properties"]
    assert {"title_2", "evidence"} <= set(spec["components"]["schemas"]["Item"]["properties"])
    assert "second_language" in spec["components"]["schemas"]["WorkshopDefinition"]["properties"]


def test_keys_never_collide_with_builtins_and_respect_the_key_rule(app: Any) -> None:
    from app.services import templates
    from app.services.checks import KEY_PATTERN

    with app.app_context():
        for title in ("Regional", "x" * 300, "Électricité & eau", "!!!", "regional"):
            key = templates.new_key(title)
            assert KEY_PATTERN.fullmatch(key) and key.startswith("my-") and key not in BUILTIN_KEYS, key
            assert len(key) <= 40


# --- in a real browser ---------------------------------------------------------------------------------------



@pytest.mark.browser
@pytest.mark.server
def test_save_a_workshop_as_template_then_start_a_new_one_in_chromium(live_server: Any,
                                                                     chromium_path: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(15_000)
            from tests.support.pages import live_invite_path

            page.goto(base + live_invite_path(live_server.database_url))
            page.fill("#email", "thandi@example.org")
            page.fill("#password", "a long passphrase")
            page.fill("#confirm", "a long passphrase")
            page.click("button[type=submit] >> text=Create account")
            page.click("text=+ New workshop")
            page.check("input[name=tpl-template][value=sector-selection]")
            page.fill("#tpl-title", "Sectors 2026")
            page.click("text=Create from template")
            expect(page.locator("h1")).to_have_text("Sectors 2026")

            page.get_by_role("link", name="Save as template").click()
            page.fill("#title", "Our sector scoring")
            page.get_by_role("button", name="Save template").click()
            expect(page.locator("h1")).to_have_text("Our sector scoring")
            key = (page.locator(".eyebrow code").text_content() or "").strip()  # the eyebrow is upper-cased by CSS
            assert key == "my-our-sector-scoring"

            page.get_by_role("link", name="New workshop from this template").click()
            expect(page.locator(f"input[name=tpl-template][value={key}]")).to_be_checked()
            page.fill("#tpl-title", "Sectors 2027")
            page.click("text=Create from template")
            expect(page.locator("h1")).to_have_text("Sectors 2027")
            expect(page.locator(".page-head .lead")).to_contain_text(key)
            expect(page.get_by_role("button", name="Save back to template “Our sector scoring”")).to_be_visible()
        finally:
            browser.close()
