"""Multi-criteria scoring: each item scored on several weighted criteria, each criterion feeding axis x or y,
so the items land on a matrix (attractiveness x feasibility for sectors)."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FloatField, Form, FormField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from app.activities import drawing, forms
from app.activities.base import (
    KEY_SCHEMA,
    ActivityType,
    Ballot,
    Rows,
    check_scale_value,
    clean_quadrants,
    clean_scale_labels,
    entry_list,
    form_value,
    on_scale,
    raise_if,
    ref,
    scale_of,
)
from app.activities.reading import counts, groups, round_items
from app.engine import CriteriaData, Criterion, Scale, criteria_results
from app.engine.criteria import axis_scores
from app.models import Activity, Workshop
from app.services.checks import Collector, clean_scale, is_int, is_number, key, text
from app.services.errors import FieldError

CRITERIA_AXES = ("x", "y")
_CRITERION_PATH = re.compile(r"^criteria\[(\d+)\]\.(\w+)$")
DEFAULT_AXIS_LABELS = {"x": "Feasibility", "y": "Attractiveness"}


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

    key = StringField(_l("Key"), [Optional(), Regexp(forms.KEY_RULE, message=forms.KEY_MESSAGE)], filters=[forms.strip])
    label = StringField(_l("Label"), [Optional(), Length(max=120)], filters=[forms.strip])
    axis = SelectField(_l("Axis"), choices=AXIS_CHOICES, default="y")
    direction = SelectField(_l("Direction"), choices=DIRECTION_CHOICES, default="1")
    weight = FloatField(_l("Weight"), [Optional(), NumberRange(min=0, message=_l("At least 0."))], default=1.0)

    def blank(self) -> bool:
        return not self.key.data and not self.label.data


class CriteriaForm(forms.QuadrantsForm):
    """Score sectors on weighted criteria; the criteria give an x (feasibility) and a y (attractiveness) score."""

    type_name = "criteria"
    criteria = FieldList(FormField(CriterionForm), min_entries=CRITERIA_ROWS, max_entries=40)
    scale_min = IntegerField(_l("From"), [InputRequired(message=_l("A whole number."))], default=1)
    scale_max = IntegerField(_l("To"), [InputRequired(message=_l("A whole number."))], default=5)
    x_label = StringField(_l("Horizontal axis (x)"), [Optional(), Length(max=80)], filters=[forms.strip],
                          default="Feasibility")
    y_label = StringField(_l("Vertical axis (y)"), [Optional(), Length(max=80)], filters=[forms.strip],
                          default="Attractiveness")

    def validate(self, extra_validators: Any = None) -> bool:
        """A row is a criterion once it has a key or a label; then it needs both. Keys are unique."""
        valid = super().validate(extra_validators)
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
        data.update(forms.quadrant_payload(self))
        return data

    def field_for(self, path: str) -> tuple[bool, Any]:
        """A validator's path inside the criteria table: (True, its input, or None for above the form)."""
        match = _CRITERION_PATH.match(path)
        if match:
            row = self.row_of(int(match.group(1)))
            return True, None if row is None else self.criteria[row].form._fields.get(match.group(2))
        if path == "criteria" or path.startswith("criteria["):
            return True, None  # about the criteria as a whole
        return False, None

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
        values = {**forms.BaseActivityForm.base_values(activity), "criteria": _padded(rows),
                  "scale_min": scale.get("min"), "scale_max": scale.get("max"),
                  "x_label": (settings.get("x") or {}).get("label"), "y_label": (settings.get("y") or {}).get("label")}
        values.update(forms.quadrant_values(settings))
        return values

    @staticmethod
    def defaults(workshop: Workshop) -> dict[str, Any]:
        from app.library._parts import SECTOR_QUADRANTS

        rows = [{"key": k, "label": label, "axis": axis, "direction": d, "weight": 1.0}
                for k, label, axis, d in DEFAULT_CRITERIA]
        values = {"items": forms.all_items(workshop, "sector"), "criteria": _padded(rows), "scale_min": 1,
                  "scale_max": 5, "x_label": "Feasibility", "y_label": "Attractiveness"}
        values.update({f"q_{q}": name for q, name in SECTOR_QUADRANTS.items()})
        return values


def _padded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Existing criteria plus empty rows to add more (at least one)."""
    blank = {"key": "", "label": "", "axis": "y", "direction": "1", "weight": 1.0}
    return rows + [dict(blank) for _ in range(max(1, CRITERIA_ROWS - len(rows)))]


class CriteriaType(ActivityType):
    editor_form = CriteriaForm
    label = _l("Sector scoring on criteria")
    name = "criteria"
    settings_keys = ("criteria", "scale", "x", "y", "quadrants", "quadrant_notes", "scale_labels")
    entries = "scores"
    convergence = "consensus"
    chart = "matrix"
    asked_item_by_item = True
    has_quadrants = True
    pooled_settings = ("scale", "criteria")
    settings_schema = "CriteriaActivity"
    ballot_schema = "CriteriaResponses"
    results_schema = "CriteriaResults"

    def clean_settings(self, data: dict[str, Any], path: str, errors: Collector, items: list[str]) -> dict[str, Any]:
        return {**clean_criteria(data, path, errors), **clean_quadrants(data, path, errors),
                **clean_scale_labels(data, path, errors)}

    def answered_settings(self, settings: dict[str, Any]) -> dict[str, Any]:
        scale = settings.get("scale") or {}
        return {"scale.max": (scale.get("min"), scale.get("max")),
                "criteria": [(c.get("key"), c.get("axis"), c.get("direction")) for c in settings.get("criteria", [])]}

    def criteria(self, activity: Any) -> list[dict[str, Any]]:
        return list((activity.settings or {}).get("criteria") or [])

    def axis_labels(self, activity: Any) -> dict[str, str]:
        settings = activity.settings or {}
        return {axis: ((settings.get(axis) or {}).get("label") or default)
                for axis, default in DEFAULT_AXIS_LABELS.items()}

    def parse(self, activity: Any, body: Any) -> Rows:
        """`{"scores": [{"item", "criterion", "value"}]}`: each item–criterion pair at most once."""
        scores = entry_list(body, "scores", '{"scores": [{"item": ..., "criterion": ..., "value": ...}]}')
        items = {i.key: i for i in activity.round_items}
        criteria = {c["key"] for c in activity.settings.get("criteria", [])}
        low, high = activity.settings["scale"]["min"], activity.settings["scale"]["max"]
        errors: list[FieldError] = []
        seen: set[tuple[str, str]] = set()
        rows: Rows = []
        for n, score in enumerate(scores):
            path = f"scores[{n}]"
            if not isinstance(score, dict):
                errors.append(FieldError(path, _("Each score is an object with item, criterion and value.")))
                continue
            item_key, criterion = score.get("item"), score.get("criterion")
            item = items.get(item_key) if isinstance(item_key, str) else None
            ok = True
            if item is None:
                errors.append(FieldError(f"{path}.item", _("'%(key)s' is not an item of this activity.",
                                                           key=item_key)))
                ok = False
            if not isinstance(criterion, str) or criterion not in criteria:
                errors.append(FieldError(f"{path}.criterion", _(
                    "'%(criterion)s' is not a criterion of this activity.", criterion=criterion)))
                ok = False
            if ok and (item_key, criterion) in seen:
                errors.append(FieldError(f"{path}.criterion", _(
                    "'%(key)s' on '%(criterion)s' appears more than once.", key=item_key, criterion=criterion)))
                ok = False
            if ok:
                seen.add((item_key, criterion))
            if "value" not in score:
                errors.append(FieldError(f"{path}.value", _("Give a value (a whole number, or null for don't know).")))
            elif check_scale_value(score["value"], low, high, f"{path}.value", errors) and ok and item is not None:
                rows.append((item.id, criterion, score["value"]))
        raise_if(errors, _("One or more scores are invalid; nothing was saved."))
        return rows

    def ballot_entries(self, activity: Any) -> int:
        """One per item and criterion."""
        return len(activity.items) * max(1, len((activity.settings or {}).get("criteria") or []))

    def dimensions(self, activity: Any) -> tuple[str, ...]:
        return tuple(c["key"] for c in self.criteria(activity))

    def scales(self, activity: Any) -> dict[str, tuple[int, int]]:
        scale = activity.settings["scale"]
        return {c["key"]: (scale["min"], scale["max"]) for c in self.criteria(activity)}

    def check_value(self, activity: Any, dimension: Any, value: Any) -> list[tuple[str, str]]:
        if dimension not in self.dimensions(activity):
            return [("dimension", _("A criteria value's dimension is one of the activity's criteria."))]
        scale = activity.settings["scale"]
        return on_scale(value, scale["min"], scale["max"])

    def engine_data(self, activity: Any, round_: int | None = None, *, room: bool = False) -> CriteriaData:
        c = counts(activity, round_, room=room)
        settings = activity.settings
        criteria = [Criterion(key=cr["key"], label=cr.get("label", cr["key"]), axis=cr["axis"],
                              direction=int(cr.get("direction", 1)), weight=float(cr.get("weight", 1.0)))
                    for cr in settings["criteria"]]
        keys = {cr["key"] for cr in settings["criteria"]}
        return CriteriaData(
            activity=activity.key,
            groups=groups(activity),
            items=round_items(activity, round_),
            criteria=criteria,
            scale=Scale(settings["scale"]["min"], settings["scale"]["max"]),
            min_group_size=activity.workshop.min_group_size,
            respondents=c.respondents,
            item_n=c.item_n,
            values={k: hist for k, hist in c.values.items() if k[2] in keys},
            dont_know={k: n for k, n in c.dont_know.items() if k[1] in keys},
        )

    def results(self, data: Any, weighting: str) -> dict[str, Any]:
        return criteria_results(data, weighting)

    def comparison_row(self, activity: Any, entry: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
        """The x and y scores (already 0..1), ranked like the matrix; n: the most answers on one criterion."""
        x, y = (entry.get("x") or {}).get("score"), (entry.get("y") or {}).get("score")
        n = max((c.get("n") or 0 for c in (entry.get("by_criterion") or {}).values()), default=0)
        return {"n": n, "x": x, "y": y, "quadrant": entry.get("quadrant"),
                "score": None if x is None or y is None else (x + y) / 2}

    def read_form(self, activity: Any, form: MultiDict[str, str]) -> Ballot:
        scores, shown = [], {}
        for item in activity.round_items:
            for criterion in self.criteria(activity):
                raw = form.get(f"{item.key}.{criterion['key']}", "").strip()
                if raw:
                    shown.setdefault(item.key, {})[criterion["key"]] = raw
                    scores.append({"item": item.key, "criterion": criterion["key"], "value": form_value(raw)})
        return Ballot({"scores": scores}, shown, empty=not scores)

    def answered(self, activity: Any, saved: dict[tuple[str, str], int | None]) -> set[str]:
        """Items scored on every criterion."""
        keys = [c["key"] for c in self.criteria(activity)]
        return {i.key for i in activity.round_items if all((i.key, c) in saved for c in keys)}

    def form_context(self, activity: Any) -> dict[str, Any]:
        return {"criteria": self.criteria(activity), "scale": scale_of(activity)}

    def saved_message(self, saved: int) -> str:
        return (ngettext("Saved %(num)s score.", "Saved %(num)s scores.", saved) + " "
                + super().saved_message(saved))

    def standing(self, activity: Any, entries: list[dict[str, Any]], own: dict[tuple[str, str], int | None],
                 room: dict[str, Any], titles: dict[str, str]) -> dict[str, Any] | None:
        """Drawn as a matrix of the two axis scores (0..1); the participant's own scores weighted the same way."""
        settings = activity.settings or {}
        criteria = [Criterion(key=c["key"], label=c.get("label", c["key"]), axis=c["axis"],
                              direction=int(c.get("direction", 1)), weight=float(c.get("weight", 1.0)))
                    for c in settings.get("criteria", [])]
        scale = Scale(settings["scale"]["min"], settings["scale"]["max"])
        rows = []
        for n, e in enumerate(entries, 1):
            x, y = (e.get("x") or {}).get("score"), (e.get("y") or {}).get("score")
            values = {c.key: own.get((e["item"], c.key)) for c in criteria}
            mine = axis_scores({k: None if v is None else Fraction(v) for k, v in values.items()}, criteria, scale)
            mx, my = mine.get("x"), mine.get("y")
            rows.append({"n": n, "item": e["item"], "title": titles[e["item"]],
                         "room": (x, y) if x is not None and y is not None else None,
                         "own": (float(mx), float(my)) if mx is not None and my is not None else None,
                         "carried": e.get("converged_in_round")})
        unit = {"x": 0, "y": 0}, {"x": 1, "y": 1}
        drawing.matrix_points(rows, *unit)
        labels = self.axis_labels(activity)
        return {"type": "matrix", "rows": rows, "x": {"label": labels["x"], "min": 0, "max": 1},
                "y": {"label": labels["y"], "min": 0, "max": 1}, "mid": drawing.middle(*unit)}

    def summary_line(self, activity: Any, entry: dict[str, Any]) -> tuple[str, str]:
        x, y = (entry.get(a) or {} for a in ("x", "y"))
        labels = self.axis_labels(activity)
        figure = " · ".join(f"{labels[a]} {v['score']:.2f}" for a, v in (("y", y), ("x", x))
                            if isinstance(v.get("score"), int | float)) or "–"
        return figure, ""

    # --- the interface document ----------------------------------------------------------------------------

    def openapi_schemas(self) -> dict[str, dict[str, Any]]:
        return {
            "Criterion": {
                "type": "object",
                "properties": {"key": KEY_SCHEMA, "label": {"type": "string"}, "axis": {"enum": ["x", "y"]},
                               "direction": {"enum": [1, -1], "default": 1}, "weight": {"type": "number", "minimum": 0,
                                                                                         "default": 1.0}},
                "required": ["key", "label", "axis"],
            },
            "CriteriaActivity": {
                "type": "object",
                "description": "Multi-criteria scoring; each axis that has criteria needs a positive total weight.",
                "properties": {
                    "type": {"const": "criteria"},
                    "criteria": {"type": "array", "items": ref("Criterion"), "minItems": 1},
                    "scale": {"type": "object", "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
                              "required": ["min", "max"]},
                    "x": {"type": "object", "properties": {"label": {"type": "string", "default": "Feasibility"}}},
                    "y": {"type": "object", "properties": {"label": {"type": "string", "default": "Attractiveness"}}},
                },
                "required": ["type", "criteria", "scale"],
            },
            "CriteriaResponses": {
                "type": "object",
                "properties": {"scores": {"type": "array", "minItems": 1, "items": {
                    "type": "object",
                    "properties": {"item": KEY_SCHEMA, "criterion": KEY_SCHEMA, "value": {"type": ["integer", "null"]}},
                    "required": ["item", "criterion", "value"]}}},
                "required": ["scores"],
                "description": "Each item–criterion pair at most once per request; null means don't know.",
            },
        }


def clean_criteria(data: dict[str, Any], path: str, errors: Collector) -> dict[str, Any]:
    """Criteria with an axis, a direction and a weight, one fixed scale, axis labels."""
    clean: dict[str, Any] = {"scale": clean_scale(data.get("scale"), f"{path}scale.", errors, labelled=False)}
    label = (data.get("scale") or {}).get("label") if isinstance(data.get("scale"), dict) else None
    if isinstance(label, str) and label.strip():
        clean["scale"]["label"] = label.strip()[:80]
    raw = data.get("criteria")
    if not isinstance(raw, list) or not raw:
        errors.add(f"{path}criteria", _("List at least one criterion."))
        raw = []
    seen: set[str] = set()
    criteria: list[dict[str, Any]] = []
    totals = dict.fromkeys(CRITERIA_AXES, 0.0)
    used_axes: set[str] = set()
    for n, criterion in enumerate(raw):
        where = f"{path}criteria[{n}]."
        if not isinstance(criterion, dict):
            errors.add(where.rstrip("."), _("Each criterion is an object with key, label, axis, direction, weight."))
            continue
        entry: dict[str, Any] = {"key": key(criterion, where, errors, seen),
                                 "label": text(criterion, "label", where, errors, max_length=120)}
        axis = criterion.get("axis")
        if axis not in CRITERIA_AXES:
            errors.add(f"{where}axis", _("The axis is 'x' or 'y'."))
            axis = "x"
        entry["axis"] = axis
        direction = criterion.get("direction", 1)
        if not is_int(direction) or direction not in (1, -1):
            errors.add(f"{where}direction", _("The direction is 1 (higher is better) or -1 (higher is worse)."))
            direction = 1
        entry["direction"] = direction
        weight = criterion.get("weight", 1.0)
        if not is_number(weight) or weight < 0 or weight == float("inf"):
            errors.add(f"{where}weight", _("A weight is a number of at least 0."))
            weight = 1.0
        entry["weight"] = float(weight)
        used_axes.add(axis)
        totals[axis] += entry["weight"]
        criteria.append(entry)
    for axis in sorted(used_axes):
        if totals[axis] <= 0:
            errors.add(f"{path}criteria", _("The criteria of axis %(axis)s need a total weight above 0.", axis=axis))
    clean["criteria"] = criteria
    for axis in CRITERIA_AXES:
        given = data.get(axis)
        label_value = DEFAULT_AXIS_LABELS[axis]
        if given is not None:
            if not isinstance(given, dict):
                errors.add(f"{path}{axis}", _("An axis is an object with a label."))
            else:
                label_value = text(given, "label", f"{path}{axis}.", errors, required=False, max_length=80,
                                   default=label_value) or label_value
        clean[axis] = {"label": label_value}
    return clean
