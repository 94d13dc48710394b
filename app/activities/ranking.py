"""Ranking: each person orders the items best first (all of them, or a top t); Borda and Schulze results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from app.activities import forms
from app.activities.base import INTEGER, KEY_SCHEMA, ActivityType, Ballot, Rows, entry_list, number
from app.activities.reading import ballots, groups, room_ballots, round_items
from app.engine import RankingData, ranking_results
from app.models import Activity, Workshop
from app.services.checks import Collector, is_int
from app.services.errors import FieldError, invalid


class RankingForm(forms.BaseActivityForm):
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
        return {**forms.BaseActivityForm.base_values(activity), "top": (activity.settings or {}).get("top")}

    @staticmethod
    def defaults(workshop: Workshop) -> dict[str, Any]:
        items = forms.all_items(workshop)
        return {"items": items, "top": min(3, len(items)) or None}


class Ranking(ActivityType):
    editor_form = RankingForm
    label = _l("Ranking (put in order)")
    name = "ranking"
    settings_keys = ("top",)
    entries = "ranking"
    replaces_ballot = True
    convergence = "iqr"
    concordance = True
    chart = "bars"
    settings_schema = "RankingActivity"
    ballot_schema = "RankingResponses"
    results_schema = "RankingResults"

    def clean_settings(self, data: dict[str, Any], path: str, errors: Collector, items: list[str]) -> dict[str, Any]:
        top = data.get("top")
        if top is None:
            return {}
        if not is_int(top) or not 1 <= top <= max(1, len(items)):
            errors.add(f"{path}top", _("top is a whole number from 1 to the number of items (%(n)s).", n=len(items)))
            return {}
        return {"top": top}

    def answered_settings(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {"top": settings.get("top")}

    def top(self, activity: Any) -> int:
        """How many places a ballot may fill: the activity's `top`, else every item."""
        top = (activity.settings or {}).get("top")
        n = len(activity.round_items)
        return max(1, min(top, n)) if is_int(top) and top >= 1 else n

    def parse(self, activity: Any, body: Any) -> Rows:
        """`{"ranking": [...]}`: items best first, a non-empty prefix of a full order, no repeats."""
        ranking = entry_list(body, "ranking", '{"ranking": ["<best item>", "<next>", ...]}')
        items = {i.key: i for i in activity.round_items}
        top = self.top(activity)
        errors: list[FieldError] = []
        seen: set[str] = set()
        rows: Rows = []
        if len(ranking) > top:
            errors.append(FieldError("ranking", _("Rank at most %(top)s items.", top=top)))
        for n, key in enumerate(ranking):
            item = items.get(key) if isinstance(key, str) else None
            if item is None:
                errors.append(FieldError(f"ranking[{n}]", _("'%(key)s' is not an item of this activity.", key=key)))
            elif key in seen:
                errors.append(FieldError(f"ranking[{n}]", _("'%(key)s' is ranked more than once.", key=key)))
            else:
                seen.add(key)
                rows.append((item.id, "rank", n + 1))
        if errors:
            raise invalid(errors, _("The ranking is invalid; nothing was saved."))
        return rows

    def dimensions(self, activity: Any) -> tuple[str, ...]:
        return ("rank",)

    def check_value(self, activity: Any, dimension: Any, value: Any) -> list[tuple[str, str]]:
        if dimension != "rank":
            return [("dimension", _("A ranking value has the dimension 'rank'."))]
        if not is_int(value) or not 1 <= value <= len(activity.items):
            return [("value", _("A rank is a place from 1 to the number of items."))]
        return []

    def check_ballot(self, activity: Any, values: list[int | None]) -> str | None:
        if sorted(v or 0 for v in values) != list(range(1, len(values) + 1)):
            return _("A ranking ballot must hold places 1, 2, ... each once.")
        return None

    def engine_data(self, activity: Any, round_: int | None = None, *, room: bool = False) -> RankingData:
        round_ = activity.round if round_ is None else round_
        # Rows come in participant order, then place order: each ballot is its items best first.
        out = [(group, [key for key, _place in ballot])
               for group, ballot in ballots(activity, round_, "rank", room=room, positive=False) if ballot]
        if room:
            out = room_ballots(out, activity.workshop.min_group_size, counted=lambda ballot: bool(ballot))
        return RankingData(activity=activity.key, groups=groups(activity), items=round_items(activity, round_),
                           min_group_size=activity.workshop.min_group_size, ballots=out)

    def results(self, data: Any, weighting: str) -> dict[str, Any]:
        return ranking_results(data, weighting)

    def comparison_row(self, activity: Any, entry: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
        """Borda points, ranked by the Schulze order."""
        return {"n": document.get("respondents"), "score": (document.get("borda") or {}).get(entry["item"])}

    def comparison_order(self, document: dict[str, Any]) -> list[str] | None:
        return list(document.get("schulze") or [])

    def bar_values(self, activity: Mapping[str, Any], results: Mapping[str, Any]) -> tuple[
            str, list[tuple[str, float | None]], tuple[float, float]]:
        """Borda points per ballot, in the Schulze order."""
        borda = results.get("borda") or {}
        order = results.get("schulze") or [i["item"] for i in results.get("items", [])]
        values = [(key, number(borda, key)) for key in order]
        top = max([v for _k, v in values if v is not None], default=1.0)
        return "Borda points per ballot (Schulze order)", values, (0.0, max(1.0, top))

    def read_form(self, activity: Any, form: MultiDict[str, str]) -> Ballot:
        """A place per item (blank = unranked); places must be 1, 2, 3... without repeats or gaps."""
        places: dict[str, int] = {}
        shown: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for item in activity.round_items:
            raw = form.get(f"{item.key}.rank", "").strip()
            if not raw:
                continue
            shown[item.key] = raw
            if not INTEGER.match(raw) or int(raw) < 1:
                errors.setdefault(item.key, []).append(_("Choose a place from the list."))
                continue
            places[item.key] = int(raw)
        by_place: dict[int, list[str]] = {}
        for key, place in places.items():
            by_place.setdefault(place, []).append(key)
        general = []
        for place, keys in sorted(by_place.items()):
            if len(keys) > 1:
                for key in keys:
                    errors.setdefault(key, []).append(_("Place %(place)s is given to more than one item.",
                                                        place=place))
        used = sorted(by_place)
        if used and used != list(range(1, len(used) + 1)):
            missing = next(n for n in range(1, used[-1] + 1) if n not in by_place)
            general.append(_("Place %(place)s is empty: number your choices 1, 2, 3… without gaps.", place=missing))
        order = [k for _p, k in sorted((p, k) for k, p in places.items())]
        return Ballot({"ranking": order}, shown, errors, general, empty=not order)

    def shown_from_saved(self, activity: Any, saved: dict[tuple[str, str], int | None]) -> dict[str, Any]:
        return {item_key: "dk" if value is None else str(value) for (item_key, _d), value in saved.items()}

    def form_context(self, activity: Any) -> dict[str, Any]:
        return {"top": self.top(activity)}

    def phone_context(self, activity: Any, shown: dict[str, Any]) -> dict[str, Any]:
        ranked = sorted((int(v), k) for k, v in shown.items() if INTEGER.match(v or ""))
        return {**self.form_context(activity), "order": [k for _p, k in ranked]}

    def empty_message(self) -> str:
        return _("Nothing was saved: %(why)s", why=_("Give place 1 to at least one item."))

    def saved_message(self, saved: int) -> str:
        return _("Your order is saved.") + " " + super().saved_message(saved)

    def standing(self, activity: Any, entries: list[dict[str, Any]], own: dict[tuple[str, str], int | None],
                 room: dict[str, Any], titles: dict[str, str]) -> dict[str, Any] | None:
        """The room's Schulze order with this participant's own places; items a Delphi round left out apart."""
        mine = {key: place for (key, dim), place in own.items() if dim == "rank" and place}
        rows = [{"place": n, "item": key, "title": titles.get(key, key), "own": mine.get(key)}
                for n, key in enumerate(room.get("schulze") or [], 1) if key in titles]
        carried = [{"item": e["item"], "title": titles[e["item"]], "carried": e["converged_in_round"]}
                   for e in entries if e.get("converged_in_round")]
        return {"rows": rows, "carried": carried}

    def previous_summary(self, activity: Any, document: dict[str, Any] | None) -> list[dict[str, str]]:
        """The previous round's Schulze order, with each item's Borda points."""
        if not document:
            return []
        titles = {i.key: i.title for i in activity.items}
        borda = document.get("borda") or {}
        rows = []
        for n, key in enumerate(document.get("schulze") or [], 1):
            points = format(borda[key], ".1f") if isinstance(borda.get(key), int | float) else None
            figure = _("%(points)s Borda points", points=points) if points is not None else ""
            rows.append({"item": titles.get(key, key), "figure": f"#{n}", "detail": figure})
        return rows

    # --- the interface document ----------------------------------------------------------------------------

    def openapi_schemas(self) -> dict[str, dict[str, Any]]:
        return {
            "RankingActivity": {
                "type": "object",
                "description": "Order the items, best first; a ballot may rank a prefix of `top` items.",
                "properties": {"type": {"const": "ranking"},
                               "top": {"type": "integer", "minimum": 1, "description": "Default: every item."}},
                "required": ["type"],
            },
            "RankingResponses": {
                "type": "object",
                "properties": {"ranking": {"type": "array", "items": KEY_SCHEMA, "minItems": 1}},
                "required": ["ranking"],
                "description": "Items best first, no repeats, at most `top`; replaces the previous ballot.",
            },
        }

