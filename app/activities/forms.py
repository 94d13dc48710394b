"""The editor's form pieces: what every activity type's form shares, and the small helpers the facilitator's
other forms use too (keys, trimmed text, checkbox lists).

Each activity type's own form lives in its module (`editor_form`); the editor finds it through the registry.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.activities.base import QUADRANTS
from app.models import Activity, Workshop
from app.services.checks import KEY_PATTERN

KEY_RULE = f"^{KEY_PATTERN.pattern}$"  # the form checks the rule the service applies
KEY_MESSAGE = _l("1 to 40 characters: lower-case letters, digits, '_' or '-', starting with a letter or digit.")
QUADRANT_LABELS = {"top_left": _l("Top left"), "top_right": _l("Top right"), "bottom_left": _l("Bottom left"),
                   "bottom_right": _l("Bottom right")}


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def key_field(noun: str) -> StringField:
    return StringField(_l("Key"), [DataRequired(), Regexp(KEY_RULE, message=KEY_MESSAGE)], filters=[strip],
                       description=_l("Short code used in exports and the API, e.g. '%(example)s'.", example=noun))


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: easier than a multi-select on a laptop trackpad."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BaseActivityForm(FlaskForm):
    """What every activity type has: a key, a title and the items it asks about."""

    type_name = "matrix"
    key = key_field("constraints")
    title = StringField(_l("Title"), [DataRequired(), Length(max=200)], filters=[strip])
    items = MultiCheckboxField(_l("Items to rate"), [InputRequired(message=_l("Tick at least one item."))])

    @classmethod
    def for_workshop(cls, workshop: Workshop, **kwargs: Any) -> Any:
        form = cls(**kwargs)
        form.items.choices = [SelectChoice(i.key, f"{i.title} ({i.kind})") for i in workshop.items]
        return form

    def base_payload(self) -> dict[str, Any]:
        chosen = set(self.items.data or [])
        return {"key": self.key.data, "title": self.title.data, "type": self.type_name,
                "items": [c.value for c in self.items.choices if c.value in chosen]}  # workshop order

    @staticmethod
    def base_values(activity: Activity) -> dict[str, Any]:
        return {"key": activity.key, "title": activity.title, "items": [i.key for i in activity.items]}


def quadrants_complete(form: FlaskForm) -> bool:
    fields = [form[f"q_{q}"] for q in QUADRANTS]
    valid = True
    if any(f.data for f in fields):
        for field in fields:
            if not field.data:
                field.errors = [*field.errors, str(_l("Name this quadrant too, or clear all four."))]
                valid = False
    return valid


def quadrant_payload(form: FlaskForm) -> dict[str, Any]:
    names = {q: form[f"q_{q}"].data or "" for q in QUADRANTS}
    return {"quadrants": names} if any(names.values()) else {}


def quadrant_values(settings: dict[str, Any]) -> dict[str, Any]:
    return {f"q_{q}": (settings.get("quadrants") or {}).get(q, "") for q in QUADRANTS}


def all_items(workshop: Workshop, kind: str | None = None) -> list[str]:
    chosen = [i.key for i in workshop.items if kind is None or i.kind == kind]
    return chosen or [i.key for i in workshop.items]


def quadrant_name(quadrant: str) -> StringField:
    """The input naming one quadrant, for the types drawn as a matrix."""
    return StringField(QUADRANT_LABELS[quadrant], [Optional(), Length(max=80)], filters=[strip])


class QuadrantsForm(BaseActivityForm):
    """The types drawn as a matrix may name their four quadrants: all of them, or none."""

    q_top_left = quadrant_name("top_left")
    q_top_right = quadrant_name("top_right")
    q_bottom_left = quadrant_name("bottom_left")
    q_bottom_right = quadrant_name("bottom_right")

    def validate(self, extra_validators: Any = None) -> bool:
        """Point at the empty quadrant names rather than at the whole box."""
        valid = super().validate(extra_validators)
        return quadrants_complete(self) and valid
