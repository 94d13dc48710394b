"""Delphi rounds on the items that have not reached consensus (as Welphi and Opendelphi do).

Before starting the next round the facilitator picks a threshold and sees which items would be kept and which
dropped (`preview`); `start_round` then opens the next round with only the kept items. Phones, paper ballots
and the API accept only those items in that round (`Activity.round_items`), and each round's results carry the
dropped items' last figures, marked with the round they converged in (`carry_over`). The statistics are in
`app/engine/delphi.py`; the facilitator's explanation in docs/methods.md ("Delphi rounds").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from app import activities as activity_types
from app.engine.delphi import position_histograms, ranking_convergence, rated_convergence
from app.models import Activity, ActivityState, DelphiRound
from app.services import workshops
from app.services.errors import conflict, invalid_field

DEFAULT_CONSENSUS = 0.7
DEFAULT_IQR = 1.0


def criterion_of(activity: Activity) -> str:
    """The type's convergence measure: `iqr` (spread of positions, in places) for rankings, `consensus`
    (Tastle–Wierman) for rated items. A type without one (points) re-asks every item."""
    return activity_types.of(activity).convergence or "consensus"


def _by_spread(activity: Activity) -> bool:
    return criterion_of(activity) == "iqr"


def can_drop_items(activity: Activity) -> bool:
    """Whether a round can leave out the items that converged (a dots ballot shares one budget: no subsets)."""
    return activity_types.of(activity).convergence is not None


def threshold_field(activity: Activity) -> str:
    """The name a threshold is given under (the API's query and body field)."""
    return "max_iqr" if _by_spread(activity) else "min_consensus"


def default_threshold(activity: Activity) -> float:
    return DEFAULT_IQR if _by_spread(activity) else DEFAULT_CONSENSUS


def check_threshold(activity: Activity, raw: Any) -> float:
    """A number: a consensus from 0 to 1, or an IQR from 0 to the number of items minus 1; else a 422."""
    field = threshold_field(activity)
    if raw is None or raw == "":
        return default_threshold(activity)
    if isinstance(raw, str):
        try:
            raw = float(raw.strip())
        except ValueError:
            raise invalid_field(field, _("The threshold is a number.")) from None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != raw:
        raise invalid_field(field, _("The threshold is a number."))
    if _by_spread(activity):
        top = max(1, len(activity.round_items) - 1)
        if not 0 <= raw <= top:
            raise invalid_field(field, _("The largest spread of positions is a number of places from 0 to %(top)s.",
                                         top=top))
    elif not 0 <= raw <= 1:
        raise invalid_field(field, _("The consensus threshold is a number from 0 to 1."))
    return float(raw)


def figures(activity: Activity, round_: int | None = None) -> dict[str, dict[str, Any]]:
    """Per item asked in the round: its consensus (or spread of positions) and whether it converged at the
    default threshold; `figure` is what a threshold is compared with."""
    round_ = activity.round if round_ is None else round_
    data = activity_types.of(activity).engine_data(activity, round_)
    k = activity.workshop.min_group_size
    if _by_spread(activity):
        report = ranking_convergence(position_histograms([b for _, b in data.ballots], list(data.items)),
                                     default_threshold(activity), k)
        return {item: {"figure": entry["iqr"]} for item, entry in report.items()}
    merged: dict[str, dict[str, dict[int, int]]] = {item: {} for item in data.items}
    values = data.values.items()
    for key, hist in values:
        item, dim = (key[0], key[2]) if len(key) == 3 else (key[0], "value")
        target = merged.setdefault(item, {}).setdefault(dim, defaultdict(int))
        for value, n in hist.items():
            target[value] += n
    report = rated_convergence(merged, activity_types.of(activity).scales(activity), default_threshold(activity), k)
    return {item: {"figure": entry["consensus"]} for item, entry in report.items()}


def converged(activity: Activity, figure: float | None, threshold: float) -> bool:
    if figure is None:
        return False  # too few answers to tell: ask again
    if _by_spread(activity):
        return figure <= threshold + 1e-9
    return figure >= threshold - 1e-9


def preview(activity: Activity, threshold: Any = None) -> dict[str, Any]:
    """Which items of the current round would be kept (no consensus) and dropped at `threshold`."""
    if not can_drop_items(activity):
        raise invalid_field("type", _("A %(type)s activity re-asks every item; only matrix, scale, criteria and "
                                      "ranking activities can drop the items that converged.", type=activity.type))
    value = check_threshold(activity, threshold)
    titles = {i.key: i.title for i in activity.items}
    per_item = figures(activity)
    items = [{"item": key, "title": titles.get(key, key), "figure": entry["figure"],
              "converged": converged(activity, entry["figure"], value)} for key, entry in per_item.items()]
    return {"activity": activity.key, "round": activity.round, "criterion": criterion_of(activity),
            "threshold": value, "items": items,
            "kept": [e["item"] for e in items if not e["converged"]],
            "dropped": [e["item"] for e in items if e["converged"]]}


def start_round(activity: Activity, body: Any) -> Activity:
    """`POST .../rounds`: without a body (or `drop_converged` false) every item is asked again, as before;
    with `{"drop_converged": true, "min_consensus": 0.7}` (or `"max_iqr"` for rankings) only the items that
    did not converge on the current round's figures. 409 when none is left to ask."""
    if body is not None and not isinstance(body, dict):
        raise invalid_field("drop_converged", _("Send %(example)s or nothing.",
                                                example='{"drop_converged": true, "min_consensus": 0.7}'))
    body = body or {}
    drop = body.get("drop_converged", False)
    if not isinstance(drop, bool):
        raise invalid_field("drop_converged", _("drop_converged is true or false."))
    if not drop:
        return workshops.next_round(activity)
    if activity.state == ActivityState.pending.value:
        raise conflict(_("The activity '%(key)s' has not been opened yet; open round 1 first.", key=activity.key))
    field = threshold_field(activity)
    other = "min_consensus" if field == "max_iqr" else "max_iqr"
    if other in body:
        raise invalid_field(other, _("A %(type)s activity uses %(field)s.", type=activity.type, field=field))
    plan = preview(activity, body.get(field))
    if not plan["kept"]:
        raise conflict(_("Every item reached consensus at this threshold: there is nothing left to ask. Close the "
                         "activity, or lower the threshold."))
    entry = DelphiRound(round=activity.round + 1, items=plan["kept"], criterion=plan["criterion"],
                        threshold=plan["threshold"])
    activity.delphi_rounds.append(entry)
    workshops.next_round(activity)
    return activity


def rounds_report(activity: Activity) -> list[dict[str, Any]]:
    """Per round: the items asked, the rule that chose them, and the items that converged on its figures
    (those the next round left out)."""
    out = []
    for round_ in range(1, activity.round + 1):
        asked = [i.key for i in activity.items_in_round(round_)]
        rule = next((r for r in activity.delphi_rounds if r.round == round_), None)
        following = next((r for r in activity.delphi_rounds if r.round == round_ + 1), None)
        done = [k for k in asked if following is not None and k not in following.items]
        out.append({"round": round_, "asked": asked, "converged": done,
                    "rule": None if rule is None else {"criterion": rule.criterion, "threshold": rule.threshold}})
    return out


def carry_over(activity: Activity, weighting: str, round_: int, document: dict[str, Any],
               earlier: Callable[[int], dict[str, Any]]) -> None:
    """Add to one round's document: `asked_items`, `converged_items` (converged on this round's figures),
    `round_rule`, and for each item this round did not ask, its entry from the last round that asked it with
    `converged_in_round` (that round). Additive: the asked items' entries are unchanged."""
    report = {r["round"]: r for r in rounds_report(activity)} if round_ <= activity.round else {}
    this = report.get(round_) or {"asked": [i.key for i in activity.items_in_round(round_)], "converged": [],
                                  "rule": None}
    document["asked_items"] = this["asked"]
    document["converged_items"] = this["converged"]
    document["round_rule"] = this["rule"]
    asked = set(this["asked"])
    cache: dict[int, dict[str, Any]] = {}
    for item in activity.items:
        if item.key in asked:
            continue
        last = next((r for r in range(round_ - 1, 0, -1)
                     if item.key in {i.key for i in activity.items_in_round(r)}), None)
        if last is None:
            continue
        if last not in cache:
            cache[last] = earlier(last)
        entry = next((e for e in cache[last].get("items", []) if e.get("item") == item.key), None)
        if entry is not None:
            document.setdefault("items", []).append({**entry, "converged_in_round": last})
