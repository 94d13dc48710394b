"""What every activity type provides, and the pieces its modules share.

An activity type is one object (`ActivityType`) that knows its settings, how a ballot of it is read and checked,
how its results are computed (by the pure engine), how a phone or paper form of it is read back, and how an
archived value of it is checked. Callers look the type up in the registry (`app.activities.of`) instead of
branching on its name, so adding a type is adding one module here, its phone template and its tests.

Activities reach the validators either as ORM rows or as the vote path's frozen snapshots
(`app/services/vote_cache.py`): the methods read only `type`, `settings`, `items`, `round_items` and `round`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.engine.criteria import QUADRANTS as ENGINE_QUADRANTS
from app.services.checks import KEY_PATTERN, Collector, is_int
from app.services.errors import FieldError, Problem, invalid, invalid_field

#: (item id, dimension, value) rows of one ballot, as `participation.upsert_values` writes them.
Rows = list[tuple[int, str, int | None]]

#: The quadrants' keys, in the engine's order (it counts items per quadrant for criteria).
QUADRANTS = ENGINE_QUADRANTS
#: The names a matrix's quadrants get when its activity names none, by the kind of its items (docs/methods.md,
#: "The two matrices and their quadrant names"): the templates, the actions board and the screen use these.
DEFAULT_QUADRANT_NAMES: dict[str, dict[str, str]] = {
    "constraint": {"top_right": "Quick wins", "top_left": "Strategic priorities / advocacy",
                   "bottom_right": "Fill-ins", "bottom_left": "Deprioritise / monitor"},
    "sector": {"top_right": "Priority sectors", "top_left": "Strategic bets / long jumps",
               "bottom_right": "Low-hanging fruit", "bottom_left": "Not a priority"},
}

#: A key in the interface document (items, groups, criteria).
KEY_SCHEMA = {"type": "string", "pattern": f"^{KEY_PATTERN.pattern}$"}


def ref(name: str) -> dict[str, str]:
    """A reference to another schema of the interface document."""
    return {"$ref": f"#/components/schemas/{name}"}


#: A phone form's "don't know" choice (sent as JSON null).
DONT_KNOW = "dk"
INTEGER = re.compile(r"^-?\d{1,6}$")
_ENTRY_PATH = re.compile(r"^(ratings|scores|ranking)\[(\d+)\]")
_POINTS_PATH = re.compile(r"^points(?:\.|\[['\"]?)([^'\"\]]+)")


def form_value(raw: str) -> int | str | None:
    """'dk' is don't know (null); anything not a whole number is passed on for the validator to reject."""
    if raw == DONT_KNOW:
        return None
    return int(raw) if INTEGER.match(raw) else raw


@dataclass
class Ballot:
    """A phone or paper form read back: the interface's JSON body, what to show again, and what was found
    wrong before sending (`incomplete`: items only half answered, which wait instead of being sent)."""

    body: dict[str, Any]
    shown: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    empty: bool = False
    incomplete: list[str] = field(default_factory=list)


class ActivityType(ABC):
    """The interface of an activity type: a subclass sets the class attributes, implements the abstract
    methods (parsing, dimensions, engine input and results, reading its form) and overrides what differs."""

    #: The `type` of the activity in definitions, the API and archives.
    name: ClassVar[str]
    #: What the type keeps in `Activity.settings` (everything else of a definition is dropped).
    settings_keys: ClassVar[tuple[str, ...]] = ()
    #: How the editor names the type (translated lazily).
    label: ClassVar[Any] = ""
    #: The editor's form for the type (`app/activities/forms.BaseActivityForm`); None: defined through the API.
    editor_form: ClassVar[type | None] = None
    #: The body field that carries a ballot's entries (`{"ratings": [...]}`), sized against `ballot_entries`.
    entries: ClassVar[str]
    #: A new ballot replaces the participant's whole previous one (points, ranking), instead of only the
    #: values it carries (ratings and scores).
    replaces_ballot: ClassVar[bool] = False
    #: Under item pace the room is walked one item at a time (each item is a ballot of its own); the others are
    #: one ballot over all items (a shared budget, a whole order).
    asked_item_by_item: ClassVar[bool] = False
    #: Results place items in the four quadrants of a matrix (the projector's matrix, the actions board).
    has_quadrants: ClassVar[bool] = False
    #: Settings that must be the same for the comparison across workshops to pool their answers.
    pooled_settings: ClassVar[tuple[str, ...]] = ()
    #: How an item of this type is judged to have converged between Delphi rounds: "consensus" (rated items),
    #: "iqr" (spread of positions), or None when items cannot be dropped one by one (a shared budget).
    convergence: ClassVar[str | None] = None
    #: Whether the results carry Kendall's W (concordance of whole orders).
    concordance: ClassVar[bool] = False
    #: The interface document's schema names for this type's settings, ballot and results document.
    settings_schema: ClassVar[str] = ""
    ballot_schema: ClassVar[str] = ""
    results_schema: ClassVar[str] = ""

    # --- settings -----------------------------------------------------------------------------------------

    def clean_settings(self, data: dict[str, Any], path: str, errors: Collector, items: list[str]) -> dict[str, Any]:
        """The type's settings from a definition (`items`: the activity's item keys), errors collected."""
        return {}

    def settings(self, clean: dict[str, Any]) -> dict[str, Any]:
        return {k: clean[k] for k in self.settings_keys if k in clean}

    def answered_settings(self, settings: dict[str, Any]) -> dict[str, Any]:
        """What answers depend on, field path -> value: frozen once anyone has answered. Labels, hints,
        quadrant names and criterion weights stay editable (weights are a reading of the scores, not part of
        the question); scales, budgets, places asked and the criteria themselves are not."""
        return {}

    # --- ballots --------------------------------------------------------------------------------------------

    @abstractmethod
    def parse(self, activity: Any, body: Any) -> Rows:
        """Validate a whole submission; the rows to save, or one 422 listing every problem."""

    def saved_count(self, rows: Rows) -> int:
        """What a saved ballot reports as `saved`: values for ratings and scores, 1 for a whole ballot."""
        return 1 if self.replaces_ballot else len(rows)

    def ballot_entries(self, activity: Any) -> int:
        """The most entries one ballot can carry (one per item)."""
        return len(activity.items)

    @abstractmethod
    def dimensions(self, activity: Any) -> tuple[str, ...]:
        """The dimensions a value of this type is saved under."""

    def scales(self, activity: Any) -> dict[str, tuple[int, int]]:
        """Each rated dimension's scale (low, high), for the consensus of rated types."""
        return {}

    def check_value(self, activity: Any, dimension: Any, value: Any) -> list[tuple[str, str]]:
        """An archived or imported value's problems as (field, message); none when it could have been voted."""
        return []

    def check_ballot(self, activity: Any, values: list[int | None]) -> str | None:
        """A whole archived ballot's problem (its values in any order), if the type has whole-ballot rules."""
        return None

    # --- results --------------------------------------------------------------------------------------------

    @abstractmethod
    def engine_data(self, activity: Any, round_: int | None = None, *, room: bool = False) -> Any:
        """The engine's input for one round (`room`: the released answers, each group kept only from k)."""

    @abstractmethod
    def results(self, data: Any, weighting: str) -> dict[str, Any]:
        """The engine's results document for that input in a weighting."""

    def comparison_row(self, activity: Any, entry: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
        """An item's figures in the comparison across workshops, with the `score` that ranks it (0..1 or the
        type's own figure; None when there is too little to rank on) and `n`."""
        return {"n": entry.get("n"), "score": None}

    def comparison_order(self, document: dict[str, Any]) -> list[str] | None:
        """The type's own order of the items (ranking: Schulze), else None: ranked by `score`."""
        return None

    #: How the reports and `chart.<fmt>` draw its results: "matrix" (the 2x2), "bars", or None (no chart).
    chart: ClassVar[str | None] = None

    def bar_values(self, activity: Mapping[str, Any], results: Mapping[str, Any]) -> tuple[
            str, list[tuple[str, float | None]], tuple[float, float]]:
        """For a "bars" chart: the axis label, (item, figure) in the results' order, and the axis limits. By
        default each item's `score` on 0..1; a type drawn as bars with another figure says which."""
        return (str(self.label or self.name), [(i["item"], number(i, "score")) for i in results.get("items", [])],
                (0.0, 1.0))

    # --- phone and paper forms ------------------------------------------------------------------------------

    #: The phone's page for this type, under templates/participant/.
    @property
    def phone_template(self) -> str:
        return f"vote_{self.name}.html"

    @abstractmethod
    def read_form(self, activity: Any, form: MultiDict[str, str]) -> Ballot:
        """A phone or paper form read back into the interface's body (`incomplete`: half-answered items)."""

    def form_context(self, activity: Any) -> dict[str, Any]:
        """What the type's inputs need to be drawn (on the phone and on the paper-ballot form)."""
        return {}

    def phone_context(self, activity: Any, shown: dict[str, Any]) -> dict[str, Any]:
        """`form_context` plus what depends on the values shown (points left, the current order)."""
        return self.form_context(activity)

    def shown_from_saved(self, activity: Any, saved: dict[tuple[str, str], int | None]) -> dict[str, Any]:
        """Saved rows as form values: {item: {dimension: "3"|"dk"}} (whole-ballot types: {item: "n"})."""
        shown: dict[str, Any] = {}
        for (item_key, dimension), value in saved.items():
            shown.setdefault(item_key, {})[dimension] = DONT_KNOW if value is None else str(value)
        return shown

    def merge_shown(self, saved: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
        """What the page shows after a post: the form as sent over what was saved (a whole ballot: the form)."""
        return dict(sent) if self.replaces_ballot else {**saved, **sent}

    def answered(self, activity: Any, saved: dict[tuple[str, str], int | None]) -> set[str]:
        """Items this phone has saved something for."""
        return {k for (k, _dimension) in saved}

    def problem_errors(self, activity: Any, problem: Problem, body: dict[str, Any]) -> tuple[
            dict[str, list[str]], list[str]]:
        """The validator's messages next to the items their paths name (`ratings[2].value`, `scores[0].value`,
        `ranking[1]`, `points.finance`), and the rest; the phone words them for people (`service_message`)."""
        by_item: dict[str, list[str]] = {}
        general: list[str] = []
        keys = {i.key for i in activity.items}
        for error in problem.errors:
            item_key = None
            match = _ENTRY_PATH.match(error.field)
            if match:
                entries = body.get(match.group(1)) or []
                n = int(match.group(2))
                if n < len(entries):
                    entry = entries[n]
                    item_key = entry if isinstance(entry, str) else entry.get("item")
            else:
                points = _POINTS_PATH.match(error.field)
                if points:
                    item_key = points.group(1)
            if item_key in keys:
                by_item.setdefault(item_key, []).append(error.message)
            else:
                general.append(error.message)
        return by_item, general

    def empty_message(self) -> str:
        return _("Nothing was saved: %(why)s", why=_("Answer at least one item first."))

    def saved_message(self, saved: int) -> str:
        return _("You can change your answers until the facilitator closes this activity.")

    # --- the interface document -----------------------------------------------------------------------------

    def openapi_schemas(self) -> dict[str, dict[str, Any]]:
        """The type's schemas in the interface document: at least `settings_schema` and `ballot_schema`
        (and `results_schema` where the document does not already describe it)."""
        return {}

    # --- where a participant stands -----------------------------------------------------------------------

    def standing(self, activity: Any, entries: list[dict[str, Any]], own: dict[tuple[str, str], int | None],
                 room: dict[str, Any], titles: dict[str, str]) -> dict[str, Any] | None:
        """The phone's "where you stand" figures: the room's pooled figures per item (`entries`, from the
        screen's view) beside this participant's own answers; None where the type has no such page."""
        return None

    # --- Delphi feedback ------------------------------------------------------------------------------------

    def summary_line(self, activity: Any, entry: dict[str, Any]) -> tuple[str, str]:
        """One item's figure and detail from a results document, as the phone shows the previous round."""
        return "–", ""

    def previous_summary(self, activity: Any, document: dict[str, Any] | None) -> list[dict[str, str]]:
        """One line per item from the previous round's room results: what the room said last time."""
        if not document:
            return []
        titles = {i.key: i.title for i in activity.items}
        rows = []
        for entry in document.get("items") or []:
            key = entry.get("item")
            if key in titles:
                figure, detail = self.summary_line(activity, entry)
                rows.append({"item": titles[key], "figure": figure, "detail": detail})
        return rows


# --- shared pieces of the types' settings ------------------------------------------------------------------

def clean_quadrants(data: dict[str, Any], path: str, errors: Collector) -> dict[str, Any]:
    """Optional quadrant names and notes of the two types drawn as a matrix (matrix, criteria)."""
    clean: dict[str, Any] = {}
    quadrants = data.get("quadrants")
    if quadrants is not None:
        if not isinstance(quadrants, dict) or not all(
            isinstance(quadrants.get(q), str) and quadrants.get(q, "").strip() for q in QUADRANTS
        ):
            errors.add(f"{path}quadrants", _("Name all four quadrants: %(quadrants)s.",
                                             quadrants=", ".join(QUADRANTS)))
        else:
            clean["quadrants"] = {q: quadrants[q].strip()[:80] for q in QUADRANTS}
    notes = data.get("quadrant_notes")
    if isinstance(notes, dict) and all(isinstance(notes.get(q), str) for q in QUADRANTS):
        clean["quadrant_notes"] = {q: notes[q].strip()[:200] for q in QUADRANTS}
    return clean


def clean_scale_labels(data: dict[str, Any], path: str, errors: Collector) -> dict[str, Any]:
    """Optional words for scale points ({"1": "Not at all", ...}) of the types rated on a scale."""
    labels = data.get("scale_labels")
    if labels is None:
        return {}
    if not isinstance(labels, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
        errors.add(f"{path}scale_labels", _("Scale labels map a scale point to its words."))
        return {}
    return {"scale_labels": {k: v.strip()[:60] for k, v in labels.items()}}


# --- shared pieces of ballot validation ---------------------------------------------------------------------

def rated_item(rating: dict[str, Any], path: str, items: dict[str, Any], seen: set[str],
               errors: list[FieldError]) -> Any:
    """The item a rating names, once per request; None (with the error recorded) otherwise."""
    key = rating.get("item")
    item = items.get(key) if isinstance(key, str) else None
    if item is None:
        errors.append(FieldError(f"{path}.item", _("'%(key)s' is not an item of this activity.", key=key)))
        return None
    if key in seen:
        errors.append(FieldError(f"{path}.item", _("'%(key)s' appears more than once.", key=key)))
        return None
    seen.add(key)
    return item


def entry_list(body: Any, name: str, example: str) -> list[Any]:
    """The body's list of entries, non-empty, or a 422 showing the expected shape."""
    if not isinstance(body, dict) or not isinstance(body.get(name), list):
        raise invalid_field(name, _("Send %(example)s.", example=example))
    if not body[name]:
        raise invalid_field(name, _("Send at least one value."))
    return body[name]


def check_scale_value(value: Any, low: int, high: int, path: str, errors: list[FieldError]) -> bool:
    """A JSON integer within the scale, or null for don't know."""
    if value is not None and (not is_int(value) or not low <= value <= high):
        errors.append(FieldError(path, _("The value must be a whole number from %(low)s to %(high)s, or null.",
                                         low=low, high=high)))
        return False
    return True


def raise_if(errors: list[FieldError], detail: str) -> None:
    if errors:
        raise invalid(errors, detail)


def number(entry: Any, field: str) -> float | None:
    """A figure of a results entry as a float, or None where it is missing (too few answers)."""
    if not isinstance(entry, Mapping):
        return None
    value = entry.get(field)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def unit(value: float | None, low: float, high: float) -> float | None:
    """A figure put on 0..1 of its scale."""
    return None if value is None or high == low else (value - low) / (high - low)


def on_scale(value: Any, low: int, high: int) -> list[tuple[str, str]]:
    """An archived value on a scale: a whole number within it, or null (don't know)."""
    if value is not None and (not is_int(value) or not low <= value <= high):
        return [("value", _("The value is a whole number on the activity's scale, or null."))]
    return []


def scale_of(activity: Any, name: str = "scale") -> dict[str, Any]:
    """A scale setting with the phone's choices ("1".."5")."""
    scale = (activity.settings or {}).get(name) or {}
    low, high = int(scale.get("min", 1)), int(scale.get("max", 5))
    return {"label": scale.get("label", ""), "min": low, "max": high,
            "values": [str(v) for v in range(low, high + 1)]}
