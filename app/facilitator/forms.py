"""Facilitator forms (Flask-WTF: every form carries a CSRF token).

The forms check what a browser can get wrong (required, numbers, formats) and turn input into the plain
dicts the services validate with the API's rules; `attach_errors` puts the services' field errors next to the
matching inputs, so both layers speak to the facilitator in the same place.
"""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FloatField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.models import Activity, Item, StakeholderGroup, Workshop
from app.services.definitions import ITEM_KINDS, LOCI, QUADRANTS
from app.services.errors import Problem

LANGUAGE_CHOICES = [SelectChoice(value, label) for value, label in (
    ("en", "English"), ("fr", "Français"), ("es", "Español"), ("pt", "Português"), ("ar", "العربية"))]
KEY_RULE = r"^[a-z0-9][a-z0-9_-]{0,39}$"
KEY_MESSAGE = "1 to 40 characters: lower-case letters, digits, '_' or '-', starting with a letter or digit."
QUADRANT_LABELS = {"top_left": "Top left", "top_right": "Top right", "bottom_left": "Bottom left",
                   "bottom_right": "Bottom right"}


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def key_field(noun: str) -> StringField:
    return StringField("Key", [DataRequired(), Regexp(KEY_RULE, message=KEY_MESSAGE)], filters=[strip],
                       description=f"Short code used in exports and the API, e.g. '{noun}'.")


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: easier than a multi-select on a laptop trackpad."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# --- accounts ----------------------------------------------------------------------------------------------

class LoginForm(FlaskForm):
    email = EmailField("E-mail", [InputRequired(), Length(max=254)], filters=[strip])
    password = PasswordField("Password", [InputRequired()])
    remember = BooleanField("Keep me signed in on this computer")


class RegisterForm(FlaskForm):
    name = StringField("Your name", [Optional(), Length(max=120)], filters=[strip])
    email = EmailField("E-mail", [InputRequired(), Length(max=254)], filters=[strip])
    password = PasswordField("Password", [InputRequired(), Length(min=8, message="Use at least 8 characters.")])
    confirm = PasswordField("Repeat the password",
                            [InputRequired(), EqualTo("password", message="The two passwords differ.")])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class MoveForm(FlaskForm):
    direction = SelectField("Direction", choices=[SelectChoice("up", "Up"), SelectChoice("down", "Down")])


class OpenForm(FlaskForm):
    close_others = BooleanField("Close the other open activities")


# --- workshops ---------------------------------------------------------------------------------------------

class TemplateWorkshopForm(FlaskForm):
    template = RadioField("Template", [InputRequired(message="Choose a template.")])
    title = StringField("Workshop title", [DataRequired(), Length(max=200)], filters=[strip])


class BlankWorkshopForm(FlaskForm):
    title = StringField("Workshop title", [DataRequired(), Length(max=200)], filters=[strip])
    language = SelectField("Language", choices=LANGUAGE_CHOICES, default="en",
                           description="What the phones and the screen show.")
    min_group_size = IntegerField(
        "Minimum group size (k)",
        [InputRequired(), NumberRange(min=3, max=1000, message="A whole number of at least 3 (at most 1000).")],
        default=5,
        description="A group with fewer answers than this is never shown on its own (anonymity). At least 3.")

    def payload(self) -> dict[str, Any]:
        return {"title": self.title.data, "language": self.language.data,
                "min_group_size": self.min_group_size.data}


class SettingsForm(BlankWorkshopForm):
    method_note = TextAreaField("Method note", [Optional(), Length(max=4000)], filters=[strip],
                                description="How the votes are read, in your words; printed with the results.")

    def payload(self) -> dict[str, Any]:
        return {"title": self.title.data, "language": self.language.data,
                "min_group_size": self.min_group_size.data, "method_note": self.method_note.data or ""}

    @staticmethod
    def values(workshop: Workshop) -> dict[str, Any]:
        return {"title": workshop.title, "language": workshop.language,
                "min_group_size": workshop.min_group_size, "method_note": workshop.method_note}


class GroupForm(FlaskForm):
    key = key_field("workers")
    name = StringField("Name", [DataRequired(), Length(max=120)], filters=[strip])
    weight = FloatField("Weight", [InputRequired(), NumberRange(min=0, message="A number of at least 0.")],
                        default=1.0,
                        description="1 = counts like the other groups; 0 = observers, shown but not counted.")
    expected = IntegerField("Expected participants",
                            [Optional(), NumberRange(min=0, message="A whole number of at least 0.")],
                            description="Optional: shows how full the group is on the console.")
    description = TextAreaField("Who belongs here", [Optional(), Length(max=400)], filters=[strip],
                                description="Shown on the phones when people choose their group.")

    def payload(self) -> dict[str, Any]:
        return {"key": self.key.data, "name": self.name.data, "weight": self.weight.data,
                "expected": self.expected.data, "description": self.description.data or ""}

    @staticmethod
    def values(group: StakeholderGroup) -> dict[str, Any]:
        return {"key": group.key, "name": group.name, "weight": group.weight, "expected": group.expected,
                "description": group.description}


class ItemForm(FlaskForm):
    key = key_field("finance")
    kind = SelectField("Kind", choices=[SelectChoice(k, k.capitalize()) for k in ITEM_KINDS], default="constraint")
    title = StringField("Title", [DataRequired(), Length(max=200)], filters=[strip])
    description = TextAreaField("Description", [Optional(), Length(max=2000)], filters=[strip],
                                description="One sentence participants read before rating.")
    category = StringField("Category", [Optional(), Length(max=60)], filters=[strip],
                           description="E.g. the systemic-competitiveness level: micro, meso, macro, meta.")
    locus = SelectField("Who could act on it", choices=[SelectChoice(v, v.capitalize() or "Not set") for v in LOCI],
                        default="")

    def payload(self) -> dict[str, Any]:
        return {"key": self.key.data, "kind": self.kind.data, "title": self.title.data,
                "description": self.description.data or "", "category": self.category.data or "",
                "locus": self.locus.data or ""}

    @staticmethod
    def values(item: Item) -> dict[str, Any]:
        return {"key": item.key, "kind": item.kind, "title": item.title, "description": item.description,
                "category": item.category, "locus": item.locus}


class ActivityForm(FlaskForm):
    key = key_field("constraints")
    title = StringField("Title", [DataRequired(), Length(max=200)], filters=[strip])
    items = MultiCheckboxField("Items to rate", [InputRequired(message="Tick at least one item.")])
    x_label = StringField("Label", [DataRequired(), Length(max=80)], filters=[strip])
    x_min = IntegerField("From", [InputRequired()], default=1)
    x_max = IntegerField("To", [InputRequired()], default=5)
    x_hint = StringField("Question shown on the phones", [Optional(), Length(max=200)], filters=[strip])
    y_label = StringField("Label", [DataRequired(), Length(max=80)], filters=[strip])
    y_min = IntegerField("From", [InputRequired()], default=1)
    y_max = IntegerField("To", [InputRequired()], default=5)
    y_hint = StringField("Question shown on the phones", [Optional(), Length(max=200)], filters=[strip])
    q_top_left = StringField(QUADRANT_LABELS["top_left"], [Optional(), Length(max=80)], filters=[strip])
    q_top_right = StringField(QUADRANT_LABELS["top_right"], [Optional(), Length(max=80)], filters=[strip])
    q_bottom_left = StringField(QUADRANT_LABELS["bottom_left"], [Optional(), Length(max=80)], filters=[strip])
    q_bottom_right = StringField(QUADRANT_LABELS["bottom_right"], [Optional(), Length(max=80)], filters=[strip])

    def validate(self, extra_validators: Any = None) -> bool:
        """Quadrant names come as a set: point at the empty ones rather than at the whole box."""
        valid = super().validate(extra_validators)
        fields = [self[f"q_{q}"] for q in QUADRANTS]
        if any(f.data for f in fields):
            for field in fields:
                if not field.data:
                    field.errors = [*field.errors, "Name this quadrant too, or clear all four."]
                    valid = False
        return valid

    @classmethod
    def for_workshop(cls, workshop: Workshop, **kwargs: Any) -> ActivityForm:
        form = cls(**kwargs)
        form.items.choices = [SelectChoice(i.key, f"{i.title} ({i.kind})") for i in workshop.items]
        return form

    def payload(self) -> dict[str, Any]:
        chosen = set(self.items.data or [])
        data: dict[str, Any] = {
            "key": self.key.data, "title": self.title.data,
            "items": [c.value for c in self.items.choices if c.value in chosen],  # workshop order
        }
        for axis in ("x", "y"):
            scale = {"label": self[f"{axis}_label"].data, "min": self[f"{axis}_min"].data,
                     "max": self[f"{axis}_max"].data}
            if self[f"{axis}_hint"].data:
                scale["hint"] = self[f"{axis}_hint"].data
            data[axis] = scale
        names = {q: self[f"q_{q}"].data or "" for q in QUADRANTS}
        if any(names.values()):
            data["quadrants"] = names
        return data

    @staticmethod
    def values(activity: Activity) -> dict[str, Any]:
        settings = activity.settings or {}
        values: dict[str, Any] = {"key": activity.key, "title": activity.title,
                                  "items": [i.key for i in activity.items]}
        for axis in ("x", "y"):
            scale = settings.get(axis) or {}
            values.update({f"{axis}_label": scale.get("label"), f"{axis}_min": scale.get("min"),
                           f"{axis}_max": scale.get("max"), f"{axis}_hint": scale.get("hint")})
        for q in QUADRANTS:
            values[f"q_{q}"] = (settings.get("quadrants") or {}).get(q, "")
        return values

    @staticmethod
    def defaults(workshop: Workshop) -> dict[str, Any]:
        """A new activity starts as the classic constraint matrix over every constraint (domain.md 2.5)."""
        from app.library._parts import CONSTRAINT_QUADRANTS, SEVERITY_HINT, TRACTABILITY_HINT

        constraints = [i.key for i in workshop.items if i.kind == "constraint"]
        values: dict[str, Any] = {
            "items": constraints or [i.key for i in workshop.items],
            "x_label": "Tractability", "x_min": 1, "x_max": 5, "x_hint": TRACTABILITY_HINT,
            "y_label": "Severity", "y_min": 1, "y_max": 5, "y_hint": SEVERITY_HINT,
        }
        values.update({f"q_{q}": name for q, name in CONSTRAINT_QUADRANTS.items()})
        return values


# --- service errors next to the fields ---------------------------------------------------------------------

_ALIASES = {"quadrants": "q_top_left"}


def field_name(path: str) -> str:
    """'x.label' -> 'x_label', 'items[2]' -> 'items': a service's field path as a form field name."""
    name = re.sub(r"\[\d+\]", "", path).replace(".", "_")
    return _ALIASES.get(name, name)


def attach_errors(form: FlaskForm, problem: Problem) -> None:
    """Show a service's errors beside the matching inputs; anything else goes above the form."""
    placed = False
    for error in problem.errors:
        name = field_name(error.field)
        field = form._fields.get(name) if name else None
        if field is not None and name != "csrf_token":
            field.errors = [*field.errors, error.message]
            placed = True
        else:
            form.form_errors.append(error.message)
    if not placed or problem.status != 422:
        form.form_errors.insert(0, problem.detail or problem.title)
