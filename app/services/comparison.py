"""Comparing workshops run from the same template: each item's position and rank per workshop, and pooled.

Workshops are comparable when one facilitator created them from the same template (`Workshop.template_key`,
a library template or one of her own). Items are matched by key. Every workshop column is that workshop's own
results document (`results.compute`), so its small-group suppression applies unchanged.

The pooled column is computed by the engine on everyone's data at once, with each (workshop, group) pair as a
stratum of its own that keeps its workshop's weight and must reach k by itself (k being the largest k of the
selected workshops): under `equal_groups` each workshop's groups count as they did in their workshop, so a
workshop with a bigger turnout does not outweigh a smaller one, and a group too small to be used in its own
workshop is not used in the pool either (its votes still count in the per-head figures). docs/methods.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import activities as activity_types
from app import library
from app.engine import GroupSpec
from app.extensions import db
from app.models import Activity, User, Workshop, WorkshopTemplate
from app.services import results
from app.services.errors import FieldError, forbidden, invalid, invalid_field, not_found

#: Values closer than this are the same value (the contract's rule for orders).
EPSILON = 1e-9
#: Settings that must be equal for the pooled figures to mean anything.


@dataclasses.dataclass
class Template:
    key: str
    title: str
    workshops: list[Workshop]


def templates_for(user: User) -> list[Template]:
    """The facilitator's templates that have at least one workshop, with those workshops (oldest first)."""
    rows = db.session.scalars(
        sa.select(Workshop).where(Workshop.owner_id == user.id, Workshop.template_key.is_not(None))
        .order_by(Workshop.created_at, Workshop.id))
    grouped: dict[str, list[Workshop]] = {}
    for workshop in rows:
        grouped.setdefault(workshop.template_key or "", []).append(workshop)
    return [Template(key, template_title(key, user), found) for key, found in grouped.items() if key]


def template_title(key: str, user: User) -> str:
    own = db.session.scalar(sa.select(WorkshopTemplate).where(WorkshopTemplate.key == key,
                                                              WorkshopTemplate.owner_id == user.id))
    if own is not None:
        return own.title
    definition = library.get_template(key)
    return str(definition.get("title", key)) if definition else key


def activity_keys(workshops: Sequence[Workshop]) -> list[tuple[str, str]]:
    """(key, title) of every activity in the workshops, in the first workshop's order, then any new ones."""
    seen: dict[str, str] = {}
    for workshop in workshops:
        for activity in workshop.activities:
            seen.setdefault(activity.key, activity.title)
    return list(seen.items())


def parse_ids(value: Any) -> list[int] | None:
    """`workshops=1,2` (or a list of ids from a form); None when absent (all of the template's workshops)."""
    if value is None or value == "" or value == []:
        return None
    parts = value.split(",") if isinstance(value, str) else list(value)
    ids = []
    for part in parts:
        text = str(part).strip()
        if not text.isascii() or not text.isdigit():
            raise invalid_field("workshops", _("List workshop ids separated by commas, such as 3,7."))
        ids.append(int(text))
    return list(dict.fromkeys(ids))


def select(user: User, template: Any, activity_key: Any, workshop_ids: list[int] | None) -> tuple[
        list[Activity], list[dict[str, Any]]]:
    """The activities to compare (oldest workshop first) and the workshops left out, with the reason.

    422 without a template or activity key; 404 for an unknown workshop id or a template none of the
    facilitator's workshops used; 403 for someone else's workshop; 422 for a workshop of another template.
    """
    errors = []
    if not isinstance(template, str) or not template:
        errors.append(FieldError("template", _("Name the template the workshops were created from.")))
    if not isinstance(activity_key, str) or not activity_key:
        errors.append(FieldError("activity", _("Name the activity (its key) to compare.")))
    if errors:
        raise invalid(errors)
    if workshop_ids is None:
        chosen = next((t.workshops for t in templates_for(user) if t.key == template), None)
        if chosen is None:
            raise not_found(_("None of your workshops was created from the template '%(template)s'.",
                              template=template))
    else:
        chosen = []
        for workshop_id in workshop_ids:
            workshop = db.session.get(Workshop, workshop_id)
            if workshop is None:
                raise not_found(_("There is no workshop %(id)s.", id=workshop_id))
            chosen.append(workshop)
        from app.services import access

        if any(not access.allows(w, user, "read") for w in chosen):
            raise forbidden(_("You can compare only your own workshops."))
        other = [w.id for w in chosen if w.template_key != template]
        if other:
            raise invalid_field("workshops", _("Workshops %(ids)s were not created from the template "
                                               "'%(template)s'.", ids=", ".join(map(str, other)), template=template))
        chosen.sort(key=lambda w: (w.created_at, w.id))
    activities: list[Activity] = []
    skipped: list[dict[str, Any]] = []
    for workshop in chosen:
        activity = workshop.activity(activity_key)
        if activity is None:
            skipped.append({"workshop": workshop.id, "reason": "no such activity"})
        elif activities and activity.type != activities[0].type:
            skipped.append({"workshop": workshop.id, "reason": f"a {activity.type} activity"})
        else:
            activities.append(activity)
    if not activities:
        raise not_found(_("None of the selected workshops has an activity '%(key)s'.", key=activity_key))
    return activities, skipped


# --- positions and ranks ------------------------------------------------------------------------------------

def positions(activity: Activity, document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per item: the figures the comparison shows (x/y or score, quadrant, n) and `score`, which ranks it.

    matrix: x and y means; the rank follows the mean of both axes put on 0..1 (towards the top right).
    criteria: the x and y scores, ranked the same way. scale: the mean; points: the score; ranking: Borda points,
    ranked by the Schulze order. An item with nothing to rank on (too few answers) has no rank.
    """
    kind = activity_types.of(activity)
    out = {entry["item"]: kind.comparison_row(activity, entry, document) for entry in document.get("items", [])}
    order = kind.comparison_order(document)
    if order is not None:
        ranked = [k for k in order if k in out and out[k]["score"] is not None]
        for place, key in enumerate(ranked, start=1):
            out[key]["rank"] = place
    else:
        _rank(out)
    return out


def _rank(rows: dict[str, dict[str, Any]]) -> None:
    """Rank 1 = highest score; equal scores (within EPSILON) share the better rank; no score, no rank."""
    scored = sorted((row["score"] for row in rows.values() if row.get("score") is not None), reverse=True)
    for row in rows.values():
        score = row.get("score")
        row["rank"] = None if score is None else 1 + sum(1 for s in scored if s > score + EPSILON)


# --- pooling ------------------------------------------------------------------------------------------------

def _stratum(workshop_id: int, group: str) -> str:
    return f"{workshop_id}:{group}"


def _rename(key: Any, workshop_id: int) -> Any:
    """(item, group[, dimension]) keys with the group made a (workshop, group) stratum."""
    if isinstance(key, tuple) and len(key) >= 2:
        return (key[0], _stratum(workshop_id, key[1]), *key[2:])
    return key


def pool_data(parts: Sequence[tuple[int, Any]], items: Sequence[str]) -> Any:
    """One engine data object holding every workshop's data, each (workshop, group) a stratum of its own."""
    first = parts[0][1]
    fields = {f.name for f in dataclasses.fields(first)}
    merged: dict[str, Any] = {name: getattr(first, name) for name in fields}
    merged["items"] = list(items)
    merged["groups"] = [GroupSpec(_stratum(wid, g.key), g.weight) for wid, data in parts for g in data.groups]
    merged["min_group_size"] = max(data.min_group_size for _, data in parts)
    if "respondents" in fields:
        merged["respondents"] = {_stratum(wid, g): n for wid, data in parts for g, n in data.respondents.items()}
    for name in ("item_n", "values"):
        if name in fields:
            merged[name] = {_rename(k, wid): v for wid, data in parts for k, v in getattr(data, name).items()}
    if "dont_know" in fields:
        total: dict[Any, int] = {}
        for _, data in parts:
            for key, n in data.dont_know.items():
                total[key] = total.get(key, 0) + n
        merged["dont_know"] = total
    if "ballots" in fields:
        merged["ballots"] = [(_stratum(wid, group), ballot) for wid, data in parts for group, ballot in data.ballots]
    return type(first)(**merged)


def _poolable(activities: Sequence[Activity]) -> bool:
    names = activity_types.of(activities[0]).pooled_settings
    first = activities[0].settings or {}
    return all(_same(first.get(n), (a.settings or {}).get(n), n) for a in activities[1:] for n in names)


def _same(a: Any, b: Any, name: str) -> bool:
    if name in ("x", "y", "scale"):
        return (a or {}).get("min") == (b or {}).get("min") and (a or {}).get("max") == (b or {}).get("max")
    if name == "criteria":  # same criteria on the same axes and directions; the first workshop's weights apply
        def shape(c: Any) -> list[tuple[Any, ...]]:
            return [(x.get("key"), x.get("axis"), x.get("direction", 1)) for x in (c or [])]
        return shape(a) == shape(b)
    return bool(a == b)


def pooled_document(activities: Sequence[Activity], items: Sequence[str], weighting: str) -> dict[str, Any] | None:
    """The engine's results document over everyone in the selected workshops; None if the scales differ."""
    if not _poolable(activities):
        return None
    build, results_of = results.method(activities[0].type)
    parts = [(a.workshop_id, build(a, None)) for a in activities]
    return results_of(pool_data(parts, items), weighting)


# --- the comparison document --------------------------------------------------------------------------------

def compare(user: User, template: Any, activity_key: Any, workshop_ids: list[int] | None = None,
            weighting: Any = None) -> dict[str, Any]:
    """The comparison table as a JSON document (the API's answer; the page and the files render it)."""
    activities, skipped = select(user, template, activity_key, workshop_ids)
    weighting = results.check_weighting(weighting)  # after the lookups: 404 and 403 come before 422
    items: list[str] = []
    titles: dict[str, str] = {}
    for activity in activities:
        for item in activity.items:
            if item.key not in titles:
                items.append(item.key)
                titles[item.key] = item.title
    columns = []
    for activity in activities:
        document = results.compute(activity, weighting)
        columns.append((activity, document, positions(activity, document)))
    pooled = pooled_document(activities, items, weighting)
    pooled_rows = positions(activities[0], pooled) if pooled is not None else {}
    rows = []
    for key in items:
        cells = [{"workshop": a.workshop_id, **found[key]} if key in found else None for a, _, found in columns]
        ranks = [c.get("rank") if c else None for c in cells]
        first, last = ranks[0], ranks[-1]
        rows.append({"item": key, "title": titles[key], "workshops": cells,
                     "pooled": pooled_rows.get(key),
                     "rank_change": first - last if len(cells) > 1 and first and last else None})
    first_activity = activities[0]
    return {
        "template": template, "activity": activity_key, "type": first_activity.type, "weighting": weighting,
        "title": first_activity.title, "quadrants": _quadrant_names(first_activity),
        "workshops": [{"id": a.workshop_id, "title": a.workshop.title,
                       "created_at": a.workshop.created_at.isoformat() + "Z",
                       "min_group_size": a.workshop.min_group_size, "respondents": d.get("respondents")}
                      for a, d, _ in columns],
        "skipped": skipped,
        "pooled": None if pooled is None else {
            "respondents": pooled.get("respondents"),
            "min_group_size": max(a.workshop.min_group_size for a in activities),
            "rule": "each (workshop, group) pair is a stratum with its workshop's weight" if weighting ==
                    "equal_groups" else "everyone counts once"},
        "items": rows,
    }


def _quadrant_names(activity: Activity) -> dict[str, str] | None:
    if not activity_types.of(activity).has_quadrants:
        return None
    from app.services.actions import quadrant_names

    return quadrant_names(activity)


# --- files --------------------------------------------------------------------------------------------------

def table(document: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The comparison as one flat table (CSV and XLSX): per item, each workshop's figures, pooled, change."""
    xy = document["type"] in ("matrix", "criteria")
    fields = ["x", "y", "quadrant", "n", "rank"] if xy else ["score", "n", "rank"]
    header = ["item", "title"]
    for workshop in document["workshops"]:
        header += [f"{workshop['id']}: {name}" for name in fields]
    header += [f"pooled: {name}" for name in fields] + ["rank change"]
    rows = []
    for row in document["items"]:
        values: list[Any] = [row["item"], row["title"]]
        for cell in row["workshops"]:
            values += [(cell or {}).get(name) for name in fields]
        values += [(row["pooled"] or {}).get(name) for name in fields]
        values.append(row["rank_change"])
        rows.append(values)
    return header, rows


def csv_bytes(document: dict[str, Any]) -> bytes:
    import csv
    import io

    from app.services.cells import neutralise

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header, rows = table(document)
    writer.writerow([neutralise(h) for h in header])
    for values in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in values])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(document: dict[str, Any]) -> bytes:
    from app.reports.xlsx import comparison_workbook

    return comparison_workbook(document, table(document))
