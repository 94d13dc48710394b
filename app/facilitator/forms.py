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
    FieldList,
    FloatField,
    Form,
    FormField,
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

from app.activities.base import QUADRANTS
from app.activities.points import DEFAULT_MAX_PER_ITEM, points_cap_problem
from app.models import Activity, Item, StakeholderGroup, Workshop
from app.services.checks import KEY_PATTERN
from app.services.definitions import ITEM_KINDS, LOCI
from app.services.errors import Problem

LANGUAGE_CHOICES = [SelectChoice(value, label) for value, label in (
    ("en", "English"), ("fr", "Français"), ("es", "Español"), ("pt", "Português"), ("ar", "العربية"))]
KEY_RULE = f"^{KEY_PATTERN.pattern}$"  # the form checks the rule the service applies
KEY_MESSAGE = _l("1 to 40 characters: lower-case letters, digits, '_' or '-', starting with a letter or digit.")
#: How the editor names item kinds and loci (the stored values stay English keys).
KIND_LABELS = {"constraint": _l("Constraint"), "sector": _l("Sector")}
LOCUS_LABELS = {"": _l("Not set"), "local": _l("Local"), "regional": _l("Regional"), "national": _l("National"),
                "international": _l("International")}
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


class ActivityForm(BaseActivityForm):
    x_label = StringField(_l("Label"), [DataRequired(), Length(max=80)], filters=[strip])
    x_min = IntegerField(_l("From"), [InputRequired()], default=1)
    x_max = IntegerField(_l("To"), [InputRequired()], default=5)
    x_hint = StringField(_l("Question shown on the phones"), [Optional(), Length(max=200)], filters=[strip])
    y_label = StringField(_l("Label"), [DataRequired(), Length(max=80)], filters=[strip])
    y_min = IntegerField(_l("From"), [InputRequired()], default=1)
    y_max = IntegerField(_l("To"), [InputRequired()], default=5)
    y_hint = StringField(_l("Question shown on the phones"), [Optional(), Length(max=200)], filters=[strip])
    q_top_left = StringField(QUADRANT_LABELS["top_left"], [Optional(), Length(max=80)], filters=[strip])
    q_top_right = StringField(QUADRANT_LABELS["top_right"], [Optional(), Length(max=80)], filters=[strip])
    q_bottom_left = StringField(QUADRANT_LABELS["bottom_left"], [Optional(), Length(max=80)], filters=[strip])
    q_bottom_right = StringField(QUADRANT_LABELS["bottom_right"], [Optional(), Length(max=80)], filters=[strip])

    def validate(self, extra_validators: Any = None) -> bool:
        """Quadrant names come as a set: point at the empty ones rather than at the whole box."""
        valid = super().validate(extra_validators)
        return _quadrants_complete(self) and valid

    def payload(self) -> dict[str, Any]:
        data = self.base_payload()
        for axis in ("x", "y"):
            scale = {"label": self[f"{axis}_label"].data, "min": self[f"{axis}_min"].data,
                     "max": self[f"{axis}_max"].data}
            if self[f"{axis}_hint"].data:
                scale["hint"] = self[f"{axis}_hint"].data
            data[axis] = scale
        data.update(_quadrant_payload(self))
        return data

    @staticmethod
    def values(activity: Activity) -> dict[str, Any]:
        settings = activity.settings or {}
        values = BaseActivityForm.base_values(activity)
        for axis in ("x", "y"):
            scale = settings.get(axis) or {}
            values.update({f"{axis}_label": scale.get("label"), f"{axis}_min": scale.get("min"),
                           f"{axis}_max": scale.get("max"), f"{axis}_hint": scale.get("hint")})
        values.update(_quadrant_values(settings))
        return values

    @staticmethod
    def defaults(workshop: Workshop) -> dict[str, Any]:
        """A new activity starts as the classic constraint matrix over every constraint (docs/methods.md, matrices)."""
        from app.library._parts import CONSTRAINT_QUADRANTS, SEVERITY_HINT, TRACTABILITY_HINT

        constraints = [i.key for i in workshop.items if i.kind == "constraint"]
        values: dict[str, Any] = {
            "items": constraints or [i.key for i in workshop.items],
            "x_label": "Tractability", "x_min": 1, "x_max": 5, "x_hint": TRACTABILITY_HINT,
            "y_label": "Severity", "y_min": 1, "y_max": 5, "y_hint": SEVERITY_HINT,
        }
        values.update({f"q_{q}": name for q, name in CONSTRAINT_QUADRANTS.items()})
        return values


def _quadrants_complete(form: FlaskForm) -> bool:
    fields = [form[f"q_{q}"] for q in QUADRANTS]
    valid = True
    if any(f.data for f in fields):
        for field in fields:
            if not field.data:
                field.errors = [*field.errors, str(_l("Name this quadrant too, or clear all four."))]
                valid = False
    return valid


def _quadrant_payload(form: FlaskForm) -> dict[str, Any]:
    names = {q: form[f"q_{q}"].data or "" for q in QUADRANTS}
    return {"quadrants": names} if any(names.values()) else {}


def _quadrant_values(settings: dict[str, Any]) -> dict[str, Any]:
    return {f"q_{q}": (settings.get("quadrants") or {}).get(q, "") for q in QUADRANTS}


def _all_items(workshop: Workshop, kind: str | None = None) -> list[str]:
    chosen = [i.key for i in workshop.items if kind is None or i.kind == kind]
    return chosen or [i.key for i in workshop.items]


class ScaleActivityForm(BaseActivityForm):
    """One rating per item on a single scale (importance, urgency, agreement...)."""

    type_name = "scale"
    scale_label = StringField(_l("Question"), [DataRequired(), Length(max=80)], filters=[strip],
                              description=_l("What people rate, e.g. 'How important is this for jobs?'"))
    scale_min = IntegerField(_l("From"), [InputRequired(message=_l("A whole number."))], default=1)
    scale_max = IntegerField(_l("To"), [InputRequired(message=_l("A whole number."))], default=5,
                             description=_l("At most 11 points; the phone shows one big button per point."))

    def payload(self) -> dict[str, Any]:
        return {**self.base_payload(), "scale": {"label": self.scale_label.data, "min": self.scale_min.data,
                                                 "max": self.scale_max.data}}

    @staticmethod
    def values(activity: Activity) -> dict[str, Any]:
        scale = (activity.settings or {}).get("scale") or {}
        return {**BaseActivityForm.base_values(activity), "scale_label": scale.get("label"),
                "scale_min": scale.get("min"), "scale_max": scale.get("max")}

    @staticmethod
    def defaults(workshop: Workshop) -> dict[str, Any]:
        return {"items": _all_items(workshop, "constraint"), "scale_label": "Importance", "scale_min": 1,
                "scale_max": 5}


class PointsActivityForm(BaseActivityForm):
    """Dot voting: a budget of points to spread, with a cap per item."""

    type_name = "points"
    budget = IntegerField(_l("Points per person"), [Optional(), NumberRange(min=1, message=_l("At least 1 point."))],
                          description=_l("Leave empty for a third of the items (at least 1)."))
    max_per_item = IntegerField(_l("At most on one item"),
                                [InputRequired(message=_l("A whole number of at least 1.")),
                                 NumberRange(min=1, message=_l("At least 1 point."))], default=DEFAULT_MAX_PER_ITEM)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        problem = points_cap_problem(self.budget.data, self.max_per_item.data) if valid else None
        if problem:
            self.max_per_item.errors = [*self.max_per_item.errors, problem]
            valid = False
        return valid

    def payload(self) -> dict[str, Any]:
        data = {**self.base_payload(), "max_per_item": self.max_per_item.data}
        if self.budget.data is not None:
            data["budget"] = self.budget.data
        return data

    @staticmethod
    def values(activity: Activity) -> dict[str, Any]:
        settings = activity.settings or {}
        return {**BaseActivityForm.base_values(activity), "budget": settings.get("budget"),
                "max_per_item": settings.get("max_per_item", DEFAULT_MAX_PER_ITEM)}

    @staticmethod
    def defaults(workshop: Workshop) -> dict[str, Any]:
        return {"items": _all_items(workshop), "max_per_item": DEFAULT_MAX_PER_ITEM}


class RankingActivityForm(BaseActivityForm):
    """Order the items; `top` limits how many places a phone asks for."""

    type_name = "ranking"
    top = IntegerField(_l("Places to fill"), [Optional(), NumberRange(min=1, message=_l("At least 1 place."))],
                       description=_l("E.g. 3 for 'your top three'. Leave empty to rank every item."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        chosen = len(self.items.data or [])
        if valid and self.top.data is not None and self.top.data > chosen:
            self.top.errors = [*self.top.errors, str(_l("At most the number of items ticked (%(n)s).", n=chosen))]
            valid = False
        return valid

    def payload(self) -> dict[str, Any]:
        data = self.base_payload()
        if self.top.data is not None:
            data["top"] = self.top.data
        return data

    @staticmethod
    def values(activity: Activity) -> dict[str, Any]:
        return {**BaseActivityForm.base_values(activity), "top": (activity.settings or {}).get("top")}

    @staticmethod
    def defaults(workshop: Workshop) -> dict[str, Any]:
        items = _all_items(workshop)
        return {"items": items, "top": min(3, len(items)) or None}


AXIS_CHOICES = [SelectChoice("y", "y ↑"), SelectChoice("x", "x →")]
DIRECTION_CHOICES = [SelectChoice("1", _l("+ (more is better)")), SelectChoice("-1", _l("− (more is worse)"))]
CRITERIA_ROWS = 10
DEFAULT_CRITERIA = [
    ("demand", "Market demand and growth", "y", "1"), ("employment", "Employment potential", "y", "1"),
    ("capabilities", "Existing capabilities nearby", "x", "1"),
    ("risk", "Market, regulatory and climate risk", "x", "-1"),
]


class CriterionForm(Form):
    """One row of the criteria table (no CSRF of its own: the outer form carries it)."""

    key = StringField(_l("Key"), [Optional(), Regexp(KEY_RULE, message=KEY_MESSAGE)], filters=[strip])
    label = StringField(_l("Label"), [Optional(), Length(max=120)], filters=[strip])
    axis = SelectField(_l("Axis"), choices=AXIS_CHOICES, default="y")
    direction = SelectField(_l("Direction"), choices=DIRECTION_CHOICES, default="1")
    weight = FloatField(_l("Weight"), [Optional(), NumberRange(min=0, message=_l("At least 0."))], default=1.0)

    def blank(self) -> bool:
        return not self.key.data and not self.label.data


class CriteriaActivityForm(BaseActivityForm):
    """Score sectors on weighted criteria; the criteria give an x (feasibility) and a y (attractiveness) score."""

    type_name = "criteria"
    criteria = FieldList(FormField(CriterionForm), min_entries=CRITERIA_ROWS, max_entries=40)
    scale_min = IntegerField(_l("From"), [InputRequired(message=_l("A whole number."))], default=1)
    scale_max = IntegerField(_l("To"), [InputRequired(message=_l("A whole number."))], default=5)
    x_label = StringField(_l("Horizontal axis (x)"), [Optional(), Length(max=80)], filters=[strip],
                          default="Feasibility")
    y_label = StringField(_l("Vertical axis (y)"), [Optional(), Length(max=80)], filters=[strip],
                          default="Attractiveness")
    q_top_left = StringField(QUADRANT_LABELS["top_left"], [Optional(), Length(max=80)], filters=[strip])
    q_top_right = StringField(QUADRANT_LABELS["top_right"], [Optional(), Length(max=80)], filters=[strip])
    q_bottom_left = StringField(QUADRANT_LABELS["bottom_left"], [Optional(), Length(max=80)], filters=[strip])
    q_bottom_right = StringField(QUADRANT_LABELS["bottom_right"], [Optional(), Length(max=80)], filters=[strip])

    def validate(self, extra_validators: Any = None) -> bool:
        """A row is a criterion once it has a key or a label; then it needs both. Keys are unique."""
        valid = super().validate(extra_validators)
        valid = _quadrants_complete(self) and valid
        seen: set[str] = set()
        rows = [row.form for row in self.criteria if not row.form.blank()]
        for row in rows:
            if not row.key.data:
                row.key.errors = [*row.key.errors, str(_l("Give this criterion a key."))]
                valid = False
            elif row.key.data in seen:
                row.key.errors = [*row.key.errors, str(_l("The key '%(key)s' is used twice.", key=row.key.data))]
                valid = False
            seen.add(row.key.data or "")
            if not row.label.data:
                row.label.errors = [*row.label.errors, str(_l("Give this criterion a label."))]
                valid = False
        if not rows:
            self.form_errors.append(str(_l("Fill in at least one criterion (a key and a label).")))
            valid = False
        return valid

    def payload(self) -> dict[str, Any]:
        criteria = [
            {"key": row.form.key.data, "label": row.form.label.data, "axis": row.form.axis.data,
             "direction": -1 if row.form.direction.data == "-1" else 1,
             "weight": 1.0 if row.form.weight.data is None else row.form.weight.data}
            for row in self.criteria if not row.form.blank()
        ]
        data = {**self.base_payload(), "criteria": criteria,
                "scale": {"min": self.scale_min.data, "max": self.scale_max.data}}
        for axis in ("x", "y"):
            if self[f"{axis}_label"].data:
                data[axis] = {"label": self[f"{axis}_label"].data}
        data.update(_quadrant_payload(self))
        return data

    def row_of(self, index: int) -> int | None:
        """The table row of the n-th non-blank criterion (service errors say `criteria[n]`)."""
        rows = [n for n, row in enumerate(self.criteria) if not row.form.blank()]
        return rows[index] if index < len(rows) else None

    @staticmethod
    def values(activity: Activity) -> dict[str, Any]:
        settings = activity.settings or {}
        scale = settings.get("scale") or {}
        rows = [{"key": c.get("key"), "label": c.get("label"), "axis": c.get("axis", "y"),
                 "direction": str(c.get("direction", 1)), "weight": c.get("weight", 1.0)}
                for c in settings.get("criteria") or []]
        values = {**BaseActivityForm.base_values(activity), "criteria": _padded(rows),
                  "scale_min": scale.get("min"), "scale_max": scale.get("max"),
                  "x_label": (settings.get("x") or {}).get("label"), "y_label": (settings.get("y") or {}).get("label")}
        values.update(_quadrant_values(settings))
        return values

    @staticmethod
    def defaults(workshop: Workshop) -> dict[str, Any]:
        from app.library._parts import SECTOR_QUADRANTS

        rows = [{"key": k, "label": label, "axis": axis, "direction": d, "weight": 1.0}
                for k, label, axis, d in DEFAULT_CRITERIA]
        values = {"items": _all_items(workshop, "sector"), "criteria": _padded(rows), "scale_min": 1,
                  "scale_max": 5, "x_label": "Feasibility", "y_label": "Attractiveness"}
        values.update({f"q_{q}": name for q, name in SECTOR_QUADRANTS.items()})
        return values


def _padded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Existing criteria plus empty rows to add more (at least one)."""
    blank = {"key": "", "label": "", "axis": "y", "direction": "1", "weight": 1.0}
    return rows + [dict(blank) for _ in range(max(1, CRITERIA_ROWS - len(rows)))]


ACTIVITY_FORMS: dict[str, type[BaseActivityForm]] = {
    "matrix": ActivityForm, "scale": ScaleActivityForm, "points": PointsActivityForm,
    "ranking": RankingActivityForm, "criteria": CriteriaActivityForm}
ACTIVITY_TYPE_NAMES = {"matrix": _l("Priority matrix (two axes)"), "scale": _l("Rating scale (one question)"),
                       "points": _l("Dot voting (points)"), "ranking": _l("Ranking (put in order)"),
                       "criteria": _l("Sector scoring on criteria")}


# --- service errors next to the fields ---------------------------------------------------------------------

_ALIASES = {"quadrants": "q_top_left"}


def field_name(path: str) -> str:
    """'x.label' -> 'x_label', 'items[2]' -> 'items': a service's field path as a form field name."""
    name = re.sub(r"\[\d+\]", "", path).replace(".", "_")
    return _ALIASES.get(name, name)


_CRITERION_PATH = re.compile(r"^criteria\[(\d+)\]\.(\w+)$")
_ALIASES_BY_TYPE = {"scale.label": "scale_label", "scale.min": "scale_min", "scale.max": "scale_max",
                    "x.label": "x_label", "y.label": "y_label"}


def _field_for(form: FlaskForm, path: str) -> Any:
    """The input a service's field path points at, including a row of the criteria table."""
    match = _CRITERION_PATH.match(path)
    if isinstance(form, CriteriaActivityForm) and (path == "criteria" or path.startswith("criteria[")) and not match:
        return None  # about the criteria as a whole: above the form
    if match and isinstance(form, CriteriaActivityForm):
        row = form.row_of(int(match.group(1)))
        return None if row is None else form.criteria[row].form._fields.get(match.group(2))
    name = _ALIASES_BY_TYPE.get(path) if not isinstance(form, ActivityForm) else None
    name = name or field_name(path)
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
