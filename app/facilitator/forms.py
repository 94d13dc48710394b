"""Facilitator forms (Flask-WTF: every form carries a CSRF token).

The forms check what a browser can get wrong (required, numbers, formats) and turn input into the plain
dicts the services validate with the API's rules; `attach_errors` puts the services' field errors next to the
matching inputs, so both layers speak to the facilitator in the same place.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FloatField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from app import activities as activity_types
from app.activities.forms import BaseActivityForm, key_field, strip
from app.models import Item, StakeholderGroup, Workshop
from app.services.definitions import ITEM_KINDS, LOCI
from app.services.errors import Problem

LANGUAGE_CHOICES = [SelectChoice(value, label) for value, label in (
    ("en", "English"), ("fr", "Français"), ("es", "Español"), ("pt", "Português"), ("ar", "العربية"))]
#: How the editor names item kinds and loci (the stored values stay English keys).
KIND_LABELS = {"constraint": _l("Constraint"), "sector": _l("Sector")}
LOCUS_LABELS = {"": _l("Not set"), "local": _l("Local"), "regional": _l("Regional"), "national": _l("National"),
                "international": _l("International")}


# --- accounts ----------------------------------------------------------------------------------------------

class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), [InputRequired(), Length(max=254)], filters=[strip])
    password = PasswordField(_l("Password"), [InputRequired()])
    remember = BooleanField(_l("Keep me signed in on this computer"))


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), [Optional(), Length(max=120)], filters=[strip])
    email = EmailField(_l("E-mail"), [InputRequired(), Length(max=254)], filters=[strip])
    password = PasswordField(_l("Password"), [InputRequired(), Length(min=8, message=_l("Use at least 8 characters."))])
    confirm = PasswordField(_l("Repeat the password"),
                            [InputRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class MoveForm(FlaskForm):
    direction = SelectField(_l("Direction"), choices=[SelectChoice("up", _l("Up")), SelectChoice("down", _l("Down"))])


class OpenForm(FlaskForm):
    close_others = BooleanField(_l("Close the other open activities"))


# --- workshops ---------------------------------------------------------------------------------------------

class TemplateWorkshopForm(FlaskForm):
    template = RadioField(_l("Template"), [InputRequired(message=_l("Choose a template."))])
    title = StringField(_l("Workshop title"), [DataRequired(), Length(max=200)], filters=[strip])


class BlankWorkshopForm(FlaskForm):
    title = StringField(_l("Workshop title"), [DataRequired(), Length(max=200)], filters=[strip])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="en",
                           description=_l("What the phones and the screen show."))
    min_group_size = IntegerField(
        _l("Minimum group size (k)"),
        [InputRequired(), NumberRange(min=3, max=1000, message=_l("A whole number of at least 3 (at most 1000)."))],
        default=5,
        description=_l("A group with fewer answers than this is never shown on its own (anonymity). At least 3."))

    def payload(self) -> dict[str, Any]:
        return {"title": self.title.data, "language": self.language.data,
                "min_group_size": self.min_group_size.data}


class SettingsForm(BlankWorkshopForm):
    second_language = SelectField(
        _l("Second language"), choices=[SelectChoice("", _l("None")), *LANGUAGE_CHOICES], default="",
        description=_l("Items can carry a title in this language, shown beside the first on phones and screen."))
    method_note = TextAreaField(_l("Method note"), [Optional(), Length(max=4000)], filters=[strip],
                                description=_l("How the votes are read, in your words; printed with the results."))

    def payload(self) -> dict[str, Any]:
        return {"title": self.title.data, "language": self.language.data,
                "second_language": self.second_language.data or "",
                "min_group_size": self.min_group_size.data, "method_note": self.method_note.data or ""}

    @staticmethod
    def values(workshop: Workshop) -> dict[str, Any]:
        return {"title": workshop.title, "language": workshop.language,
                "second_language": workshop.second_language or "",
                "min_group_size": workshop.min_group_size, "method_note": workshop.method_note}


class GroupForm(FlaskForm):
    key = key_field("workers")
    name = StringField(_l("Name"), [DataRequired(), Length(max=120)], filters=[strip])
    name_2 = StringField(_l("Name in second language"), [Optional(), Length(max=120)], filters=[strip],
                         description=_l("Shown beside the name when the workshop has a second language."))
    weight = FloatField(_l("Weight"), [InputRequired(), NumberRange(min=0, message=_l("A number of at least 0."))],
                        default=1.0,
                        description=_l("1 = counts like the other groups; 0 = observers, shown but not counted."))
    expected = IntegerField(_l("Expected participants"),
                            [Optional(), NumberRange(min=0, message=_l("A whole number of at least 0."))],
                            description=_l("Optional: shows how full the group is on the console."))
    description = TextAreaField(_l("Who belongs here"), [Optional(), Length(max=400)], filters=[strip],
                                description=_l("Shown on the phones when people choose their group."))
    observer = BooleanField(_l("Observers (academia, NGOs…): weight 0 under the Equal groups preset"),
                            description=_l("Their answers are shown but do not count in the group-weighted results."))

    def payload(self) -> dict[str, Any]:
        return {"key": self.key.data, "name": self.name.data, "name_2": self.name_2.data or "",
                "weight": self.weight.data, "expected": self.expected.data, "description": self.description.data or "",
                "observer": bool(self.observer.data)}

    @staticmethod
    def values(group: StakeholderGroup) -> dict[str, Any]:
        return {"key": group.key, "name": group.name, "name_2": group.name_2, "weight": group.weight,
                "expected": group.expected,
                "description": group.description, "observer": group.observer}


WEIGHT_PRESETS = [SelectChoice("equal", _l("Equal groups (observers 0)")),
                  SelectChoice("ilo", _l("ILO tripartite 2 : 1 : 1 (government 2, employers 1, workers 1, others 0)")),
                  SelectChoice("custom", _l("Custom weights"))]


class WeightsForm(FlaskForm):
    """Weighting presets for the equal_groups results; per head is a results view, not a weight."""

    preset = RadioField(_l("Group weights"), [InputRequired(message=_l("Choose a preset."))], choices=WEIGHT_PRESETS,
                        default="equal")

    @classmethod
    def for_workshop(cls, workshop: Workshop, **kwargs: Any) -> WeightsForm:
        """One number box per group (named `w-<key>`), used by the custom preset."""
        form = cls(**kwargs)
        form.group_weights = {g.key: g.weight for g in workshop.groups}
        return form

    def payload(self, raw: Any, workshop: Workshop) -> tuple[str, dict[str, Any] | None]:
        if self.preset.data != "custom":
            return self.preset.data, None
        weights: dict[str, Any] = {}
        for group in workshop.groups:
            text = (raw.get(f"w-{group.key}") or "").strip()
            try:
                weights[group.key] = float(text)
            except ValueError:
                weights[group.key] = text  # the service explains what a weight is
        return "custom", weights


class ItemForm(FlaskForm):
    key = key_field("finance")
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, KIND_LABELS.get(k, k)) for k in ITEM_KINDS],
                       default="constraint")
    title = StringField(_l("Title"), [DataRequired(), Length(max=200)], filters=[strip])
    title_2 = StringField(_l("Title in second language"), [Optional(), Length(max=200)], filters=[strip],
                          description=_l("Shown beside the title when the workshop has a second language."))
    description = TextAreaField(_l("Description"), [Optional(), Length(max=2000)], filters=[strip],
                                description=_l("One sentence participants read before rating."))
    evidence = TextAreaField(_l("Evidence"), [Optional(), Length(max=2000)], filters=[strip],
                             description=_l("Short facts and a link, shown on the phones before rating."))
    category = StringField(_l("Category"), [Optional(), Length(max=60)], filters=[strip],
                           description=_l("E.g. the systemic-competitiveness level: micro, meso, macro, meta."))
    locus = SelectField(_l("Who could act on it"), choices=[SelectChoice(v, LOCUS_LABELS.get(v, v)) for v in LOCI],
                        default="")

    def payload(self) -> dict[str, Any]:
        return {"key": self.key.data, "kind": self.kind.data, "title": self.title.data,
                "title_2": self.title_2.data or "", "description": self.description.data or "",
                "evidence": self.evidence.data or "", "category": self.category.data or "",
                "locus": self.locus.data or ""}

    @staticmethod
    def values(item: Item) -> dict[str, Any]:
        return {"key": item.key, "kind": item.kind, "title": item.title, "title_2": item.title_2,
                "description": item.description, "evidence": item.evidence, "category": item.category,
                "locus": item.locus}


def activity_forms() -> dict[str, type[BaseActivityForm]]:
    """The editor's form of each registered activity type that has one."""
    return {kind.name: kind.editor_form for kind in activity_types.types() if kind.editor_form is not None}


def activity_type_names() -> dict[str, Any]:
    """How the editor names each type it can edit."""
    return {kind.name: kind.label or kind.name for kind in activity_types.types() if kind.editor_form is not None}


# --- service errors next to the fields ---------------------------------------------------------------------

_ALIASES = {"quadrants": "q_top_left"}


def field_name(path: str) -> str:
    """'x.label' -> 'x_label', 'items[2]' -> 'items': a service's field path as a form field name."""
    name = re.sub(r"\[\d+\]", "", path).replace(".", "_")
    return _ALIASES.get(name, name)


def _field_for(form: FlaskForm, path: str) -> Any:
    """The input a service's field path points at; a form may place its own paths (`field_for`: the criteria
    table's rows)."""
    own = getattr(form, "field_for", None)
    if own is not None:
        handled, field = own(path)
        if handled:
            return field
    name = field_name(path)
    if name and name.startswith("weights_"):
        name = "preset"
    return form._fields.get(name) if name else None


def attach_errors(form: FlaskForm, problem: Problem) -> None:
    """Show a service's errors beside the matching inputs; anything else goes above the form."""
    placed = False
    for error in problem.errors:
        name = field_name(error.field)
        field = _field_for(form, error.field)
        if field is not None and name != "csrf_token":
            field.errors = [*field.errors, error.message]
            placed = True
        else:
            form.form_errors.append(error.message)
    if not placed or problem.status != 422:
        form.form_errors.insert(0, problem.detail or problem.title)
