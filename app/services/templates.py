"""Facilitators' own templates: cloned from the library or another own template, or saved from a workshop.

An own template is a workshop definition in the shape of `POST /api/v1/workshops`, stored only after it passes
the very same `clean_definition` check, so a workshop can always be created from it. Its key (`my-<slug>`,
unique, never a built-in key) goes into `Workshop.template_key` of the workshops made from it, which is what the
comparison across workshops matches on. Only the owner ever sees one: any other lookup is a 404, so keys of
other facilitators' templates are not even confirmed to exist. Callers run writes inside `transaction()`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import library
from app.extensions import db
from app.models import User, Workshop, WorkshopTemplate
from app.services import lifecycle, workshops
from app.services.definitions import KEY_LENGTH, clean_definition, slug, unique_key
from app.services.errors import FieldError, Problem, invalid, invalid_field, not_found

KEY_PREFIX = "my-"
TITLE_LENGTH = 200
DESCRIPTION_LENGTH = 1000
METHOD_NOTE_LENGTH = 4000
COPY_SUFFIX = " (copy)"


@dataclass(frozen=True)
class Summary:
    """One row of the templates page and of `GET /api/v1/templates`."""

    key: str
    title: str
    description: str
    own: bool
    groups: int
    items: int
    activities: int
    source: str = ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "title": self.title, "description": self.description,
                                "own": self.own, "groups": self.groups, "items": self.items,
                                "activities": self.activities}
        if self.own:
            data["source"] = self.source
        return data


def _counts(definition: dict[str, Any]) -> tuple[int, int, int]:
    return tuple(len(definition.get(name) or []) for name in ("groups", "items", "activities"))  # type: ignore[return-value]


def builtin_keys() -> set[str]:
    return {t["key"] for t in library.list_templates()}


# --- reading ---------------------------------------------------------------------------------------------

def own_templates(owner: User) -> list[WorkshopTemplate]:
    return list(db.session.scalars(
        sa.select(WorkshopTemplate).where(WorkshopTemplate.owner_id == owner.id)
        .order_by(WorkshopTemplate.title, WorkshopTemplate.id)))


def get_own(owner: User, key: Any) -> WorkshopTemplate:
    """The owner's template with this key; 404 for a missing key and for anyone else's (never 403)."""
    template = None
    if isinstance(key, str):
        template = db.session.scalar(sa.select(WorkshopTemplate).where(
            WorkshopTemplate.key == key, WorkshopTemplate.owner_id == owner.id))
    if template is None:
        raise not_found(_("You have no template '%(key)s'.", key=key))
    return template


def definition_for(owner: User, key: str) -> dict[str, Any] | None:
    """A fresh copy of a built-in or the owner's own template definition; None for any other key."""
    builtin = library.get_template(key)
    if builtin is not None:
        return builtin
    template = db.session.scalar(sa.select(WorkshopTemplate).where(
        WorkshopTemplate.key == key, WorkshopTemplate.owner_id == owner.id))
    return copy.deepcopy(template.definition) if template is not None else None


def source_label(owner: User, template: WorkshopTemplate) -> str:
    """Where an own template came from, in words: `library:<key>`, `template:<key>` or `workshop:<id>`."""
    kind, _, ref = (template.source or "").partition(":")
    if kind == "library":
        found = next((t["title"] for t in library.list_templates() if t["key"] == ref), ref)
        return f"Built-in template “{found}”"
    if kind == "template":
        other = db.session.scalar(sa.select(WorkshopTemplate.title).where(
            WorkshopTemplate.key == ref, WorkshopTemplate.owner_id == owner.id))
        return f"Your template “{other}”" if other else "One of your templates (since deleted)"
    if kind == "workshop" and ref.isdigit():
        workshop = db.session.get(Workshop, int(ref))
        if workshop is not None and workshop.owner_id == owner.id:
            return f"Your workshop “{workshop.title}”"
        return "One of your workshops (since deleted)"
    return template.source or ""


def summaries(owner: User) -> list[Summary]:
    """The five built-in templates, then the owner's own ones."""
    rows: list[Summary] = []
    for entry in library.list_templates():
        definition = library.get_template(entry["key"]) or {}
        rows.append(Summary(entry["key"], entry["title"], entry["description"], False, *_counts(definition)))
    for template in own_templates(owner):
        rows.append(Summary(template.key, template.title, template.description, True,
                            *_counts(template.definition or {}), source=source_label(owner, template)))
    return rows


# --- checks ----------------------------------------------------------------------------------------------

def clean_template_definition(data: Any) -> dict[str, Any]:
    """The check of `POST /api/v1/workshops`; a definition with any error is refused (422), nothing saved."""
    clean, errors = clean_definition(data)  # states and rounds of a workshop's activities are dropped here
    if errors:
        raise invalid([FieldError(f"definition.{e.field}" if e.field else "definition", e.message)
                       for e in errors],
                      _("The template's definition has %(n)s problem(s); nothing was saved.", n=len(errors)))
    return clean


def _text(value: Any, name: str, limit: int, errors: list[FieldError], *, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(FieldError(name, _("Must be a string.")))
        return ""
    value = value.strip()
    if required and not value:
        errors.append(FieldError(name, _("Must not be empty.")))
    if len(value) > limit:
        errors.append(FieldError(name, _("At most %(n)s characters.", n=limit)))
    return value


def new_key(title: str) -> str:
    """`my-<slug>`, with `-2`, `-3`... when taken; at most 40 characters, never a built-in key."""
    base = (KEY_PREFIX + slug(title, "template"))[:KEY_LENGTH].rstrip("-_")
    builtins = builtin_keys()

    def taken(candidate: str) -> bool:
        return candidate in builtins or db.session.scalar(
            sa.select(WorkshopTemplate.id).where(WorkshopTemplate.key == candidate)) is not None

    return unique_key(base, taken)


# --- writing ---------------------------------------------------------------------------------------------

def create(owner: User, definition: Any, title: Any, description: Any = "", source: str = "") -> WorkshopTemplate:
    """A new own template from a definition; the title defaults to the definition's title."""
    errors: list[FieldError] = []
    if title is None and isinstance(definition, dict) and isinstance(definition.get("title"), str):
        title = definition["title"]
    title = _text(title, "title", TITLE_LENGTH, errors, required=True)
    description = _text(description, "description", DESCRIPTION_LENGTH, errors, required=False)
    clean: dict[str, Any] = {}
    try:
        clean = clean_template_definition(definition)
    except Problem as problem:
        if problem.status != 422:
            raise
        errors.extend(problem.errors)
    if errors:
        raise invalid(errors, _("The template has problems; nothing was saved."))
    template = WorkshopTemplate(owner=owner, key=new_key(title), title=title, description=description,
                                definition=clean, source=source[:80])
    db.session.add(template)
    db.session.flush()
    return template


def clone(owner: User, key: Any) -> WorkshopTemplate:
    """Copy a built-in or an own template as a new own template titled "… (copy)"."""
    builtin = library.get_template(key) if isinstance(key, str) else None
    if builtin is not None:
        entry = next(t for t in library.list_templates() if t["key"] == key)
        return create(owner, builtin, _copy_title(entry["title"]), entry["description"], f"library:{key}")
    original = get_own(owner, key)
    return create(owner, copy.deepcopy(original.definition), _copy_title(original.title), original.description,
                  f"template:{original.key}")


def _copy_title(title: str) -> str:
    return title[:TITLE_LENGTH - len(COPY_SUFFIX)] + COPY_SUFFIX


def workshop_definition(workshop: Workshop) -> dict[str, Any]:
    """What a template keeps of a workshop: its definition, without participants, answers, states or rounds."""
    return clean_template_definition(workshops.definition(workshop))


def save_workshop(owner: User, workshop: Workshop, title: Any, description: Any = "") -> WorkshopTemplate:
    """A new own template from one of the owner's workshops, as it is now."""
    workshops.check_owner(workshop, owner)
    return create(owner, workshops.definition(workshop), title if title else workshop.title, description,
                  f"workshop:{workshop.id}")


def update_from_workshop(owner: User, key: Any, workshop: Workshop) -> WorkshopTemplate:
    """Replace an own template's contents with a workshop's current definition (title and description stay)."""
    workshops.check_owner(workshop, owner)
    template = get_own(owner, key)
    template.definition = workshop_definition(workshop)
    db.session.flush()
    if workshop.draft_of == template.key:  # saved back: its drafts have done their job
        lifecycle.delete_drafts(owner, template.key)
    return template


def update_details(owner: User, key: Any, data: dict[str, Any]) -> WorkshopTemplate:
    """Title, description and the method note (which lives in the definition, printed with results)."""
    template = get_own(owner, key)
    errors: list[FieldError] = []
    title = _text(data.get("title"), "title", TITLE_LENGTH, errors, required=True)
    description = _text(data.get("description"), "description", DESCRIPTION_LENGTH, errors, required=False)
    note = _text(data.get("method_note"), "method_note", METHOD_NOTE_LENGTH, errors, required=False)
    if errors:
        raise invalid(errors, _("The template has problems; nothing was saved."))
    definition = copy.deepcopy(template.definition or {})
    definition["method_note"] = note
    template.title, template.description = title, description
    template.definition = definition  # a new dict, so the JSON column is saved
    db.session.flush()
    return template


def delete(owner: User, key: Any) -> None:
    """Workshops made from it keep its key in `template_key`, so they stay comparable with each other; its
    "Edit contents" drafts go with it."""
    template = get_own(owner, key)
    lifecycle.delete_drafts(owner, template.key)
    db.session.delete(template)
    db.session.flush()


def draft_workshop(owner: User, key: Any) -> Workshop:
    """A workshop to edit the template's contents in the editor; it offers "Save back to template"."""
    template = get_own(owner, key)
    definition = copy.deepcopy(template.definition)
    definition["title"] = f"{template.title} (template draft)"[:TITLE_LENGTH]
    draft = workshops.create_from_definition(owner, definition, template_key=template.key)
    draft.draft_of = template.key  # deleted when the template is saved back or deleted
    db.session.flush()
    return draft


def own_template_of(owner: User, workshop: Workshop) -> WorkshopTemplate | None:
    """The owner's template this workshop was made from, if any: the editor offers to save back to it."""
    if not workshop.template_key:
        return None
    return db.session.scalar(sa.select(WorkshopTemplate).where(
        WorkshopTemplate.key == workshop.template_key, WorkshopTemplate.owner_id == owner.id))


def export_definition(owner: User, key: Any) -> dict[str, Any]:
    """The definition to download as JSON; it can be posted as is to `POST /api/v1/workshops`."""
    definition = definition_for(owner, key) if isinstance(key, str) else None
    if definition is None:
        raise not_found(_("You have no template '%(key)s'.", key=key))
    return definition


# --- the API ---------------------------------------------------------------------------------------------

def document(owner: User, template: WorkshopTemplate) -> dict[str, Any]:
    """An own template for the API: the summary fields plus its full definition."""
    definition = template.definition or {}
    summary = Summary(template.key, template.title, template.description, True, *_counts(definition),
                      source=template.source or "")
    return {**summary.as_json(), "definition": copy.deepcopy(definition)}


def create_from_body(owner: User, body: Any) -> WorkshopTemplate:
    """`POST /api/v1/templates`: `{"workshop_id", "title"?, "description"?}` or `{"definition", ...}`."""
    if not isinstance(body, dict) or ("workshop_id" in body) == ("definition" in body):
        raise invalid_field("", _("Send %(example)s or %(other)s.", example='{"workshop_id": n, "title": ...}',
                                  other='{"definition": {...}, "title": ...}'))
    if "workshop_id" in body:
        workshop_id = body["workshop_id"]
        if not isinstance(workshop_id, int) or isinstance(workshop_id, bool):
            raise invalid_field("workshop_id", _("The workshop id is a whole number."))
        workshop = workshops.get_owned(workshop_id, owner)
        return save_workshop(owner, workshop, body.get("title"), body.get("description", ""))
    return create(owner, body["definition"], body.get("title"), body.get("description", ""), "api")


# --- a new workshop from a template, or from a full definition ------------------------------------------

def create_from_template(owner: User, template: Any, title: Any) -> Workshop:
    """A built-in template, or one of the owner's own (`app.services.templates`); others' are unknown keys."""
    definition = definition_for(owner, template) if isinstance(template, str) else None
    if definition is None:
        raise invalid_field("template", _("There is no template '%(template)s'.", template=template))
    if title is not None:
        if not isinstance(title, str) or not title.strip():
            raise invalid_field("title", _("The title must be a non-empty string."))
        definition["title"] = title
    return workshops.create_from_definition(owner, definition, template_key=template)


def create_workshop(owner: User, body: Any) -> Workshop:
    """POST /workshops: either {"template", "title"} or a full definition."""
    if isinstance(body, dict) and "template" in body:
        return create_from_template(owner, body.get("template"), body.get("title"))
    return workshops.create_from_definition(owner, body)
