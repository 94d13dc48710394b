"""The priority matrix: each item rated on two scales (y and x), drawn as a 2x2 with named quadrants."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.activities import drawing, forms
from app.activities.base import (
    DONT_KNOW,
    KEY_SCHEMA,
    ActivityType,
    Ballot,
    Rows,
    clean_quadrants,
    clean_scale_labels,
    form_value,
    on_scale,
    raise_if,
    rated_item,
    ref,
    unit,
)
from app.activities.reading import counts, groups, round_items
from app.engine import MatrixData, Scale, matrix_results
from app.models import Activity, Workshop
from app.services.checks import Collector, clean_scale, is_int
from app.services.errors import FieldError, Problem, invalid_field

AXES = ("x", "y")
#: The phone asks the vertical axis first (severity, attractiveness), then the horizontal one.
AXIS_ORDER = ("y", "x")
_RATING_PATH = re.compile(r"^ratings\[(\d+)\]\.?(\w*)")


class MatrixForm(forms.QuadrantsForm):
    x_label = StringField(_l("Label"), [DataRequired(), Length(max=80)], filters=[forms.strip])
    x_min = IntegerField(_l("From"), [InputRequired()], default=1)
    x_max = IntegerField(_l("To"), [InputRequired()], default=5)
    x_hint = StringField(_l("Question shown on the phones"), [Optional(), Length(max=200)], filters=[forms.strip])
    y_label = StringField(_l("Label"), [DataRequired(), Length(max=80)], filters=[forms.strip])
    y_min = IntegerField(_l("From"), [InputRequired()], default=1)
    y_max = IntegerField(_l("To"), [InputRequired()], default=5)
    y_hint = StringField(_l("Question shown on the phones"), [Optional(), Length(max=200)], filters=[forms.strip])

    def payload(self) -> dict[str, Any]:
        data = self.base_payload()
        for axis in ("x", "y"):
            scale = {"label": self[f"{axis}_label"].data, "min": self[f"{axis}_min"].data,
                     "max": self[f"{axis}_max"].data}
            if self[f"{axis}_hint"].data:
                scale["hint"] = self[f"{axis}_hint"].data
            data[axis] = scale
        data.update(forms.quadrant_payload(self))
        return data

    @staticmethod
    def values(activity: Activity) -> dict[str, Any]:
        settings = activity.settings or {}
        values = forms.BaseActivityForm.base_values(activity)
        for axis in ("x", "y"):
            scale = settings.get(axis) or {}
            values.update({f"{axis}_label": scale.get("label"), f"{axis}_min": scale.get("min"),
                           f"{axis}_max": scale.get("max"), f"{axis}_hint": scale.get("hint")})
        values.update(forms.quadrant_values(settings))
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


class Matrix(ActivityType):
    editor_form = MatrixForm
    label = _l("Priority matrix (two axes)")
    name = "matrix"
    settings_keys = ("x", "y", "quadrants", "quadrant_notes", "scale_labels")
    entries = "ratings"
    convergence = "consensus"
    chart = "matrix"
    asked_item_by_item = True
    has_quadrants = True
    pooled_settings = AXES
    settings_schema = "MatrixActivity"
    ballot_schema = "MatrixResponses"
    results_schema = "MatrixResults"

    def clean_settings(self, data: dict[str, Any], path: str, errors: Collector, items: list[str]) -> dict[str, Any]:
        clean = {axis: clean_scale(data.get(axis), f"{path}{axis}.", errors) for axis in AXES}
        return {**clean, **clean_quadrants(data, path, errors), **clean_scale_labels(data, path, errors)}

    def answered_settings(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {f"{a}.label": tuple((settings.get(a) or {}).get(f) for f in ("label", "min", "max")) for a in AXES}

    def parse(self, activity: Any, body: Any) -> Rows:
        if not isinstance(body, dict) or not isinstance(body.get("ratings"), list):
            raise invalid_field("ratings", _("Send %(example)s.",
                                             example='{"ratings": [{"item": ..., "x": ..., "y": ...}]}'))
        ratings = body["ratings"]
        if not ratings:
            raise invalid_field("ratings", _("Rate at least one item."))
        items = {i.key: i for i in activity.round_items}
        scales = {axis: (activity.settings[axis]["min"], activity.settings[axis]["max"]) for axis in AXES}
        errors: list[FieldError] = []
        seen: set[str] = set()
        rows: Rows = []
        for n, rating in enumerate(ratings):
            path = f"ratings[{n}]"
            if not isinstance(rating, dict):
                errors.append(FieldError(path, _("Each rating is an object with item, x and y.")))
                continue
            item = rated_item(rating, path, items, seen, errors)
            for axis, (low, high) in scales.items():
                if axis not in rating:
                    errors.append(FieldError(f"{path}.{axis}", _(
                        "Give %(axis)s (a whole number or null for don't know).", axis=axis)))
                    continue
                value = rating[axis]
                if value is not None and (not is_int(value) or not low <= value <= high):
                    errors.append(FieldError(f"{path}.{axis}", _(
                        "%(axis)s must be a whole number from %(low)s to %(high)s, or null.",
                        axis=axis, low=low, high=high)))
                elif item is not None:
                    rows.append((item.id, axis, value))
        raise_if(errors, _("One or more ratings are invalid; nothing was saved."))
        return rows

    def saved_count(self, rows: Rows) -> int:
        return len(rows) // 2  # items rated: two values each

    def dimensions(self, activity: Any) -> tuple[str, ...]:
        return AXES

    def scales(self, activity: Any) -> dict[str, tuple[int, int]]:
        return {axis: (activity.settings[axis]["min"], activity.settings[axis]["max"]) for axis in AXES}

    def check_value(self, activity: Any, dimension: Any, value: Any) -> list[tuple[str, str]]:
        if dimension not in AXES:
            return [("dimension", _("A matrix value is on axis x or y."))]
        scale = activity.settings[dimension]
        return on_scale(value, scale["min"], scale["max"])

    def engine_data(self, activity: Any, round_: int | None = None, *, room: bool = False) -> MatrixData:
        c = counts(activity, round_, room=room)
        settings = activity.settings
        return MatrixData(
            activity=activity.key,
            groups=groups(activity),
            items=round_items(activity, round_),
            x=Scale(settings["x"]["min"], settings["x"]["max"]),
            y=Scale(settings["y"]["min"], settings["y"]["max"]),
            min_group_size=activity.workshop.min_group_size,
            respondents=c.respondents,
            item_n=c.item_n,
            values={key: hist for key, hist in c.values.items() if key[2] in AXES},
            dont_know={key: n for key, n in c.dont_know.items() if key[1] in AXES},
        )

    def results(self, data: Any, weighting: str) -> dict[str, Any]:
        return matrix_results(data, weighting)

    def comparison_row(self, activity: Any, entry: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
        """x and y means; the rank follows the mean of both axes put on 0..1 (towards the top right)."""
        settings = activity.settings or {}
        x, y = (entry.get("x") or {}).get("mean"), (entry.get("y") or {}).get("mean")
        ux = unit(x, settings["x"]["min"], settings["x"]["max"])
        uy = unit(y, settings["y"]["min"], settings["y"]["max"])
        return {"n": entry.get("n"), "x": x, "y": y, "quadrant": entry.get("quadrant"),
                "score": None if ux is None or uy is None else (ux + uy) / 2}

    # --- phone and paper ----------------------------------------------------------------------------------

    @property
    def phone_template(self) -> str:
        return "vote.html"

    def read_form(self, activity: Any, form: MultiDict[str, str]) -> Ballot:
        """Send only items with both axes answered (a value or don't know); half-answered ones wait."""
        ratings: list[dict[str, Any]] = []
        shown: dict[str, dict[str, str]] = {}
        incomplete: list[str] = []
        for item in activity.round_items:
            raw = {axis: form.get(f"{item.key}.{axis}", "").strip() for axis in AXES}
            for axis, value in raw.items():
                if value:
                    shown.setdefault(item.key, {})[axis] = value
            if all(raw.values()):
                ratings.append({"item": item.key, **{axis: form_value(value) for axis, value in raw.items()}})
            elif any(raw.values()):
                incomplete.append(item.key)
        return Ballot({"ratings": ratings}, shown, empty=not ratings, incomplete=incomplete)

    def merge_shown(self, saved: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
        """Axis by axis: a half-answered item keeps showing its other, saved axis."""
        merged = {key: dict(value) for key, value in saved.items()}
        for key, value in sent.items():
            merged.setdefault(key, {}).update(value)
        return merged

    def axes(self, activity: Any) -> list[dict[str, Any]]:
        settings = activity.settings or {}
        axes = []
        for name in AXIS_ORDER:
            axis = settings.get(name) or {}
            low, high = int(axis.get("min", 1)), int(axis.get("max", 5))
            axes.append({"name": name, "label": axis.get("label", name), "hint": axis.get("hint", ""),
                         "min": low, "max": high, "values": [str(v) for v in range(low, high + 1)]})
        return axes

    def form_context(self, activity: Any) -> dict[str, Any]:
        return {"axes": self.axes(activity), "labels": (activity.settings or {}).get("scale_labels") or {}}

    def answered(self, activity: Any, saved: dict[tuple[str, str], int | None]) -> set[str]:
        return {i.key for i in activity.round_items if (i.key, "x") in saved and (i.key, "y") in saved}

    def problem_errors(self, activity: Any, problem: Problem, body: dict[str, Any]) -> tuple[
            dict[str, list[str]], list[str]]:
        """Turn the validator's `ratings[n].x` paths into a plain sentence next to the item concerned."""
        sent = body.get("ratings") or []
        labels = {a["name"]: a for a in self.axes(activity)}
        errors: dict[str, list[str]] = {}
        for error in problem.errors:
            match = _RATING_PATH.match(error.field)
            if not match or int(match.group(1)) >= len(sent):
                continue
            item_key, axis = sent[int(match.group(1))]["item"], match.group(2)
            if axis in labels:
                a = labels[axis]
                message = _("%(axis)s: choose a number from %(min)s to %(max)s, or Don't know.", axis=a["label"],
                            min=a["min"], max=a["max"])
            else:
                message = _("This item could not be saved; please answer it again.")
            errors.setdefault(item_key, []).append(message)
        return errors, []

    def empty_message(self) -> str:
        return _("Nothing was saved: choose an answer for both questions of at least one item (Don't know "
                 "counts as an answer).")

    def saved_message(self, saved: int) -> str:
        return (ngettext("Saved %(num)s rating.", "Saved %(num)s ratings.", saved) + " "
                + _("You can change them until the facilitator closes this activity."))

    def standing(self, activity: Any, entries: list[dict[str, Any]], own: dict[tuple[str, str], int | None],
                 room: dict[str, Any], titles: dict[str, str]) -> dict[str, Any] | None:
        settings = activity.settings or {}
        rows = []
        for n, e in enumerate(entries, 1):
            x, y = (e.get("x") or {}).get("mean"), (e.get("y") or {}).get("mean")
            mine = own.get((e["item"], "x")), own.get((e["item"], "y"))
            rows.append({"n": n, "item": e["item"], "title": titles[e["item"]],
                         "room": (x, y) if x is not None and y is not None else None,
                         "own": mine if None not in mine else None, "carried": e.get("converged_in_round")})
        low = {a: settings[a]["min"] for a in AXES}
        high = {a: settings[a]["max"] for a in AXES}
        drawing.matrix_points(rows, low, high)
        return {"rows": rows, "x": settings["x"], "y": settings["y"], "mid": drawing.middle(low, high)}

    def summary_line(self, activity: Any, entry: dict[str, Any]) -> tuple[str, str]:
        settings = activity.settings or {}
        figure = " · ".join(
            f"{(settings.get(a) or {}).get('label', a)} {(entry.get(a) or {})['mean']:.1f}" for a in AXIS_ORDER
            if isinstance((entry.get(a) or {}).get("mean"), int | float)) or "–"
        return figure, ""

    # --- the interface document ----------------------------------------------------------------------------

    def openapi_schemas(self) -> dict[str, dict[str, Any]]:
        return {
            "MatrixActivity": {
                "type": "object",
                "description": "Every item is rated on the x and the y scale.",
                "properties": {
                    "type": {"const": "matrix"}, "x": ref("Axis"), "y": ref("Axis"),
                    "quadrants": {"type": "object", "description": "Display names of the four quadrants.",
                                  "properties": {q: {"type": "string"} for q in
                                                 ("top_right", "top_left", "bottom_right", "bottom_left")}},
                    "scale_labels": {"type": "object", "additionalProperties": {"type": "string"}},
                },
                "required": ["type", "x", "y"],
            },
            "MatrixResponses": {
                "type": "object",
                "properties": {"ratings": {"type": "array", "minItems": 1, "items": {
                    "type": "object",
                    "properties": {"item": KEY_SCHEMA, "x": {"type": ["integer", "null"]},
                                   "y": {"type": ["integer", "null"]}},
                    "required": ["item", "x", "y"]}}},
                "required": ["ratings"],
                "description": "null means don't know. All-or-nothing; a later request replaces the items it sends.",
            },
        }


__all__ = ["AXES", "AXIS_ORDER", "DONT_KNOW", "Matrix"]
