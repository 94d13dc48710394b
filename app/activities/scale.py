"""One scale: each item rated on the same scale (importance, agreement), summarised with spread and consensus."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from app.activities import forms
from app.activities.base import (
    KEY_SCHEMA,
    ActivityType,
    Ballot,
    Rows,
    check_scale_value,
    clean_scale_labels,
    entry_list,
    form_value,
    number,
    on_scale,
    raise_if,
    rated_item,
    ref,
    scale_of,
)
from app.activities.reading import counts, groups, round_items
from app.engine import Scale, ScaleData, scale_results
from app.models import Activity, Workshop
from app.services.checks import Collector, clean_scale
from app.services.errors import FieldError


class ScaleForm(forms.BaseActivityForm):
    """One rating per item on a single scale (importance, urgency, agreement...)."""

    type_name = "scale"
    scale_label = StringField(_l("Question"), [DataRequired(), Length(max=80)], filters=[forms.strip],
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
        return {**forms.BaseActivityForm.base_values(activity), "scale_label": scale.get("label"),
                "scale_min": scale.get("min"), "scale_max": scale.get("max")}

    @staticmethod
    def defaults(workshop: Workshop) -> dict[str, Any]:
        return {"items": forms.all_items(workshop, "constraint"), "scale_label": "Importance", "scale_min": 1,
                "scale_max": 5}


class ScaleType(ActivityType):
    editor_form = ScaleForm
    label = _l("Rating scale (one question)")
    name = "scale"
    settings_keys = ("scale", "scale_labels")
    entries = "ratings"
    convergence = "consensus"
    chart = "bars"
    asked_item_by_item = True
    pooled_settings = ("scale",)
    settings_schema = "ScaleActivity"
    ballot_schema = "ScaleResponses"
    results_schema = "ScaleResults"

    def clean_settings(self, data: dict[str, Any], path: str, errors: Collector, items: list[str]) -> dict[str, Any]:
        return {"scale": clean_scale(data.get("scale"), f"{path}scale.", errors),
                **clean_scale_labels(data, path, errors)}

    def answered_settings(self, settings: dict[str, Any]) -> dict[str, Any]:
        scale = settings.get("scale") or {}
        return {"scale.max": (scale.get("min"), scale.get("max"))}

    def parse(self, activity: Any, body: Any) -> Rows:
        """`{"ratings": [{"item", "value"}]}`: one value per item on the activity's scale."""
        ratings = entry_list(body, "ratings", '{"ratings": [{"item": ..., "value": ...}]}')
        items = {i.key: i for i in activity.round_items}
        low, high = activity.settings["scale"]["min"], activity.settings["scale"]["max"]
        errors: list[FieldError] = []
        seen: set[str] = set()
        rows: Rows = []
        for n, rating in enumerate(ratings):
            path = f"ratings[{n}]"
            if not isinstance(rating, dict):
                errors.append(FieldError(path, _("Each rating is an object with item and value.")))
                continue
            item = rated_item(rating, path, items, seen, errors)
            if "value" not in rating:
                errors.append(FieldError(f"{path}.value", _("Give a value (a whole number, or null for don't know).")))
            elif check_scale_value(rating["value"], low, high, f"{path}.value", errors) and item is not None:
                rows.append((item.id, "value", rating["value"]))
        raise_if(errors, _("One or more ratings are invalid; nothing was saved."))
        return rows

    def dimensions(self, activity: Any) -> tuple[str, ...]:
        return ("value",)

    def scales(self, activity: Any) -> dict[str, tuple[int, int]]:
        return {"value": (activity.settings["scale"]["min"], activity.settings["scale"]["max"])}

    def check_value(self, activity: Any, dimension: Any, value: Any) -> list[tuple[str, str]]:
        if dimension != "value":
            return [("dimension", _("A scale value has the dimension 'value'."))]
        scale = activity.settings["scale"]
        return on_scale(value, scale["min"], scale["max"])

    def engine_data(self, activity: Any, round_: int | None = None, *, room: bool = False) -> ScaleData:
        c = counts(activity, round_, room=room)
        scale = activity.settings["scale"]
        return ScaleData(
            activity=activity.key,
            groups=groups(activity),
            items=round_items(activity, round_),
            scale=Scale(scale["min"], scale["max"]),
            min_group_size=activity.workshop.min_group_size,
            respondents=c.respondents,
            values={(item, group): hist for (item, group, dim), hist in c.values.items() if dim == "value"},
            dont_know={item: n for (item, dim), n in c.dont_know.items() if dim == "value"},
        )

    def results(self, data: Any, weighting: str) -> dict[str, Any]:
        return scale_results(data, weighting)

    def comparison_row(self, activity: Any, entry: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
        return {"n": entry.get("n"), "score": (entry.get("value") or {}).get("mean")}

    def bar_values(self, activity: Mapping[str, Any], results: Mapping[str, Any]) -> tuple[
            str, list[tuple[str, float | None]], tuple[float, float]]:
        scale = activity.get("scale") or {}
        values = [(i["item"], number(i.get("value"), "mean")) for i in results.get("items", [])]
        return str(scale.get("label", "Mean")), values, (float(scale.get("min", 0)), float(scale.get("max", 1)))

    def read_form(self, activity: Any, form: MultiDict[str, str]) -> Ballot:
        ratings, shown = [], {}
        for item in activity.round_items:
            raw = form.get(f"{item.key}.value", "").strip()
            if raw:
                shown[item.key] = {"value": raw}
                ratings.append({"item": item.key, "value": form_value(raw)})
        return Ballot({"ratings": ratings}, shown, empty=not ratings)

    def form_context(self, activity: Any) -> dict[str, Any]:
        return {"scale": scale_of(activity)}

    def saved_message(self, saved: int) -> str:
        return (ngettext("Saved %(num)s rating.", "Saved %(num)s ratings.", saved) + " "
                + super().saved_message(saved))

    def standing(self, activity: Any, entries: list[dict[str, Any]], own: dict[tuple[str, str], int | None],
                 room: dict[str, Any], titles: dict[str, str]) -> dict[str, Any] | None:
        scale = activity.settings["scale"]
        low, high = scale["min"], scale["max"]
        rows = []
        for e in entries:
            mean = (e.get("value") or {}).get("mean")
            mine = own.get((e["item"], "value"))
            rows.append({"item": e["item"], "title": titles[e["item"]], "room": mean, "own": mine,
                         "room_pct": None if mean is None else round(100 * (mean - low) / ((high - low) or 1), 1),
                         "own_pct": None if mine is None else round(100 * (mine - low) / ((high - low) or 1), 1),
                         "carried": e.get("converged_in_round")})
        return {"rows": rows, "low": low, "high": high, "label": scale.get("label", "")}

    def summary_line(self, activity: Any, entry: dict[str, Any]) -> tuple[str, str]:
        value = entry.get("value") or {}
        mean = value.get("mean")
        figure = f"{mean:.1f}" if isinstance(mean, int | float) else "–"
        consensus = value.get("consensus")
        agreement = format(consensus, ".2f") if isinstance(consensus, int | float) else None
        return figure, _("consensus %(value)s", value=agreement) if agreement is not None else ""

    # --- the interface document ----------------------------------------------------------------------------

    def openapi_schemas(self) -> dict[str, dict[str, Any]]:
        return {
            "ScaleActivity": {
                "type": "object", "description": "One rating per item (at most 11 scale points).",
                "properties": {"type": {"const": "scale"}, "scale": ref("Axis"),
                               "scale_labels": {"type": "object", "additionalProperties": {"type": "string"}}},
                "required": ["type", "scale"],
            },
            "ScaleResponses": {
                "type": "object",
                "properties": {"ratings": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "properties": {"item": KEY_SCHEMA, "value": {"type": ["integer", "null"]}},
                    "required": ["item", "value"]}}},
                "required": ["ratings"],
                "description": "null means don't know; a later request replaces only the items it sends.",
            },
        }

