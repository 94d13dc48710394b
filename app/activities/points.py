"""Dot voting: each person spreads a budget of points over the items, with a cap per item."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.activities import forms
from app.activities.base import INTEGER, ActivityType, Ballot, Rows, number
from app.activities.reading import ballots, counts, groups, room_ballots, round_items
from app.engine import PointsData, points_results
from app.models import Activity, Workshop
from app.services.checks import Collector, is_int
from app.services.errors import FieldError, invalid, invalid_field

DEFAULT_MAX_PER_ITEM = 3


def default_budget(item_count: int) -> int:
    """A third of the items, at least 1: enough to mark the few that matter, too few to mark them all."""
    return max(1, round(item_count / 3))


def points_cap_problem(budget: Any, max_per_item: Any) -> str | None:
    """The one rule between the two settings (API, editor form, archive import): a cap above the budget
    could never be reached. Checked when the facilitator set the budget; a budget left to its default (a
    third of the items) is not held against the default cap."""
    if is_int(budget) and is_int(max_per_item) and max_per_item > budget:
        return _("More than the points per person: nobody could reach it.")
    return None


class PointsForm(forms.BaseActivityForm):
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
        return {**forms.BaseActivityForm.base_values(activity), "budget": settings.get("budget"),
                "max_per_item": settings.get("max_per_item", DEFAULT_MAX_PER_ITEM)}

    @staticmethod
    def defaults(workshop: Workshop) -> dict[str, Any]:
        return {"items": forms.all_items(workshop), "max_per_item": DEFAULT_MAX_PER_ITEM}


class Points(ActivityType):
    editor_form = PointsForm
    label = _l("Dot voting (points)")
    name = "points"
    settings_keys = ("budget", "max_per_item")
    entries = "points"
    replaces_ballot = True
    chart = "bars"
    settings_schema = "PointsActivity"
    ballot_schema = "PointsResponses"
    results_schema = "PointsResults"

    def clean_settings(self, data: dict[str, Any], path: str, errors: Collector, items: list[str]) -> dict[str, Any]:
        """A budget (default a third of the items, at least 1) and a cap per item (default 3)."""
        clean: dict[str, Any] = {}
        for name, default in (("budget", default_budget(len(items))), ("max_per_item", DEFAULT_MAX_PER_ITEM)):
            value = data.get(name, default)
            if value is None:
                value = default
            if not is_int(value) or not 1 <= value <= 1000:
                errors.add(f"{path}{name}", _("%(name)s is a whole number of at least 1.", name=name))
                value = default
            clean[name] = value
        problem = points_cap_problem(data.get("budget"), clean["max_per_item"])
        if problem and is_int(data.get("budget")):
            errors.add(f"{path}max_per_item", problem)
        return clean

    def answered_settings(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {"budget": settings.get("budget"), "max_per_item": settings.get("max_per_item")}

    def budget(self, activity: Any) -> int:
        return int((activity.settings or {}).get("budget") or default_budget(len(activity.items)))

    def cap(self, activity: Any) -> int:
        return int((activity.settings or {}).get("max_per_item") or DEFAULT_MAX_PER_ITEM)

    def parse(self, activity: Any, body: Any) -> Rows:
        """`{"points": {"<item>": n}}`: the whole ballot, one row per item of the activity (0 where none given)."""
        if not isinstance(body, dict) or not isinstance(body.get("points"), dict):
            raise invalid_field("points", _("Send %(example)s; {} gives no points.",
                                            example='{"points": {"<item>": points, ...}}'))
        points = body["points"]
        budget = activity.settings.get("budget", 1)
        cap = activity.settings.get("max_per_item", DEFAULT_MAX_PER_ITEM)
        items = {i.key: i for i in activity.round_items}
        errors: list[FieldError] = []
        for key, value in points.items():
            path = f"points.{key}"
            if key not in items:
                errors.append(FieldError(path, _("'%(key)s' is not an item of this activity.", key=key)))
            if not is_int(value) or value < 0:
                errors.append(FieldError(path, _("Points are whole numbers of at least 0.")))
            elif value > cap:
                errors.append(FieldError(path, _("At most %(cap)s points per item.", cap=cap)))
        if not errors:
            total = sum(points.values())
            if total > budget:
                errors.append(FieldError("points", _("%(total)s points given; the budget is %(budget)s.",
                                                     total=total, budget=budget)))
        if errors:
            raise invalid(errors, _("The ballot is invalid; nothing was saved."))
        return [(item.id, "points", points.get(key, 0)) for key, item in items.items()]

    def dimensions(self, activity: Any) -> tuple[str, ...]:
        return ("points",)

    def check_value(self, activity: Any, dimension: Any, value: Any) -> list[tuple[str, str]]:
        if dimension != "points":
            return [("dimension", _("A points value has the dimension 'points'."))]
        if not is_int(value) or not 0 <= value <= (activity.settings or {}).get("max_per_item", DEFAULT_MAX_PER_ITEM):
            return [("value", _("Points are whole numbers from 0 to the activity's maximum per item."))]
        return []

    def check_ballot(self, activity: Any, values: list[int | None]) -> str | None:
        if sum(v or 0 for v in values) > (activity.settings or {}).get("budget", 1):
            return _("A points ballot is over the activity's budget.")
        return None

    def engine_data(self, activity: Any, round_: int | None = None, *, room: bool = False) -> PointsData:
        """Whole ballots; a ballot of zeros counts as a respondent, so the tally's respondents fill them in. With
        `room`, the released ballots of the groups with at least k that gave points (`room_ballots`)."""
        round_ = activity.round if round_ is None else round_
        out: list[tuple[str, dict[str, int]]] = [
            (group, dict(ballot)) for group, ballot in ballots(activity, round_, "points", room=room, positive=True)]
        given: dict[str, int] = {}
        for group, _ballot in out:
            given[group] = given.get(group, 0) + 1
        for group, n in counts(activity, round_, room=room).respondents.items():
            out.extend((group, {}) for _ in range(max(0, n - given.get(group, 0))))
        if room:
            out = room_ballots(out, activity.workshop.min_group_size, counted=lambda ballot: bool(ballot))
        return PointsData(activity=activity.key, groups=groups(activity), items=round_items(activity, round_),
                          min_group_size=activity.workshop.min_group_size, ballots=out)

    def results(self, data: Any, weighting: str) -> dict[str, Any]:
        return points_results(data, weighting)

    def comparison_row(self, activity: Any, entry: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
        return {"n": document.get("respondents"), "score": entry.get("score")}

    def bar_values(self, activity: Mapping[str, Any], results: Mapping[str, Any]) -> tuple[
            str, list[tuple[str, float | None]], tuple[float, float]]:
        values = [(i["item"], number(i, "score")) for i in results.get("items", [])]
        top = max([v for _k, v in values if v is not None], default=0.0)
        return "Score (share of each voter's points)", values, (0.0, min(1.0, max(0.1, top * 1.15)))

    def read_form(self, activity: Any, form: MultiDict[str, str]) -> Ballot:
        """Every item's field is read; blank means 0. The whole ballot replaces the previous one."""
        points: dict[str, Any] = {}
        shown: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for item in activity.round_items:
            raw = form.get(f"{item.key}.points", "").strip()
            shown[item.key] = raw
            if not raw:
                continue
            if not INTEGER.match(raw):
                errors.setdefault(item.key, []).append(_("Give a whole number of points."))
                continue
            if int(raw) != 0:
                points[item.key] = int(raw)  # a negative number is passed on for the validator to reject
        return Ballot({"points": points}, shown, errors)

    def shown_from_saved(self, activity: Any, saved: dict[tuple[str, str], int | None]) -> dict[str, Any]:
        return {item_key: "dk" if value is None else str(value) for (item_key, _d), value in saved.items()}

    def answered(self, activity: Any, saved: dict[tuple[str, str], int | None]) -> set[str]:
        """Items given at least one point."""
        return {k for (k, _d), v in saved.items() if v}

    def form_context(self, activity: Any) -> dict[str, Any]:
        return {"budget": self.budget(activity), "cap": self.cap(activity)}

    def phone_context(self, activity: Any, shown: dict[str, Any]) -> dict[str, Any]:
        budget = self.budget(activity)
        given = sum(int(v) for v in shown.values() if isinstance(v, str) and INTEGER.match(v) and int(v) > 0)
        return {**self.form_context(activity), "left": budget - given}

    def saved_message(self, saved: int) -> str:
        return _("Your points are saved.") + " " + super().saved_message(saved)

    def standing(self, activity: Any, entries: list[dict[str, Any]], own: dict[tuple[str, str], int | None],
                 room: dict[str, Any], titles: dict[str, str]) -> dict[str, Any] | None:
        rows = [{"item": e["item"], "title": titles[e["item"]], "room": e.get("score"),
                 "room_pct": None if e.get("score") is None else round(100 * e["score"], 1),
                 "own": own.get((e["item"], "points")) or 0} for e in entries]
        return {"rows": rows}

    def summary_line(self, activity: Any, entry: dict[str, Any]) -> tuple[str, str]:
        score = entry.get("score")
        figure = f"{score * 100:.0f} %" if isinstance(score, int | float) else "–"
        breadth = entry.get("breadth")
        share = format(breadth * 100, ".0f") + " %" if isinstance(breadth, int | float) else None
        return figure, _("chosen by %(share)s", share=share) if share is not None else ""

    # --- the interface document ----------------------------------------------------------------------------

    def openapi_schemas(self) -> dict[str, dict[str, Any]]:
        return {
            "PointsActivity": {
                "type": "object", "description": "Dot voting: a budget of points, at most max_per_item on one item.",
                "properties": {"type": {"const": "points"},
                               "budget": {"type": "integer", "minimum": 1,
                                          "description": "Default round(items / 3), at least 1."},
                               "max_per_item": {"type": "integer", "minimum": 1, "default": DEFAULT_MAX_PER_ITEM}},
                "required": ["type"],
            },
            "PointsResponses": {
                "type": "object",
                "properties": {"points": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}},
                "required": ["points"],
                "description": "The whole ballot (replaces the previous one): at most max_per_item per item, at most "
                               "budget in all; {} is a valid ballot that gives no points.",
            },
        }

