"""The XLSX workbook: every figure of every activity in both weightings, the raw values and the method.

Numbers are written as numbers (unrounded, shown with two decimals); every text cell goes through
`cells.neutralise`, so a title such as "=HYPERLINK(...)" stays text in any spreadsheet program.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app import activities as activity_types
from app.reports.collect import WEIGHTINGS, ActivityReport, WorkshopReport, round_summaries
from app.services.cells import neutralise, timestamp
from app.services.safetext import printable

RESERVED_SHEETS = ("summary", "by group", "raw responses", "participation", "actions", "proposals", "method")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
FLAG_FILL = PatternFill("solid", fgColor="FCE4D6")
NUMBER_FORMAT = "0.00"
#: Top-level fields every results document has; anything else (schulze, borda, sensitivity...) is listed below.
COMMON_FIELDS = ("activity", "weighting", "respondents", "groups", "items", "round", "previous")


def cell(value: Any) -> Any:
    """A value openpyxl can store: numbers as numbers, None empty, lists joined, text neutralised."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return printable(neutralise(", ".join(str(v) for v in value)))
    if isinstance(value, Mapping):
        return printable(neutralise(", ".join(f"{k}: {v}" for k, v in value.items())))
    return printable(neutralise(str(value)))  # XML cannot carry control characters or lone surrogates


def flatten(entry: Mapping[str, Any], prefix: str = "", skip: Iterable[str] = ("by_group",)) -> dict[str, Any]:
    """Nested result fields as dotted columns: x.mean, x.ci95.lo, x.top2.share ...; lists of text joined."""
    out: dict[str, Any] = {}
    for name, value in entry.items():
        if name in skip:
            continue
        column = f"{prefix}{name}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{column}.", ()))
        elif name == "ci95" and isinstance(value, (list, tuple)) and len(value) == 2:
            out[f"{column}.lo"], out[f"{column}.hi"] = value
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Mapping) for v in value):
            for n, inner in enumerate(value):
                out.update(flatten(inner, f"{column}[{n}].", ()))
        else:
            out[column] = value
    return out


def _header(sheet: Worksheet, row: int, names: Iterable[Any]) -> None:
    for col, name in enumerate(names, start=1):
        target = sheet.cell(row=row, column=col, value=cell(name))
        target.font, target.fill = HEADER_FONT, HEADER_FILL


def _row(sheet: Worksheet, row: int, values: Iterable[Any], *, highlight: bool = False) -> None:
    for col, value in enumerate(values, start=1):
        target = sheet.cell(row=row, column=col, value=cell(value))
        if isinstance(value, float):
            target.number_format = NUMBER_FORMAT
        if highlight:
            target.fill = FLAG_FILL


def _widths(sheet: Worksheet, first: int = 28, rest: int = 13) -> None:
    for col in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(col)].width = first if col == 1 else rest


def sheet_name(key: str, used: set[str]) -> str:
    """The activity key as a sheet name (31 characters at most), never clashing with the fixed sheets."""
    name = key[:31]
    if name.lower() in used:
        name = f"activity {key}"[:28]
        n = 2
        while f"{name}-{n}".lower() in used:
            n += 1
        name = f"{name}-{n}"
    used.add(name.lower())
    return name


def _summary(sheet: Worksheet, report: WorkshopReport) -> None:
    doc = report.document
    rows: list[tuple[str, Any]] = [
        ("Workshop", doc["title"]), ("Workshop id", doc["id"]), ("Language", doc["language"]),
        ("Generated (UTC)", timestamp(report.generated_at)), ("Prioritas version", report.app_version),
        ("Participants joined", sum(report.joined.values())), ("Minimum group size (k)", doc["min_group_size"]),
    ]
    for n, (name, value) in enumerate(rows, start=1):
        sheet.cell(row=n, column=1, value=name).font = HEADER_FONT
        sheet.cell(row=n, column=2, value=cell(value))
    start = len(rows) + 2
    _header(sheet, start, ["Activity", "Title", "Type", "State", "Round", "Respondents", "Items", "Results"])
    for n, entry in enumerate(report.activities, start=start + 1):
        equal = entry.equal or {}
        _row(sheet, n, [entry.document["key"], entry.document["title"], entry.document["type"],
                        entry.document["state"], entry.document.get("round", 1), equal.get("respondents"),
                        len(entry.document["items"]), entry.error or "equal_groups and per_head"])
    _widths(sheet, 24, 16)


def _activity_sheet(sheet: Worksheet, entry: ActivityReport, titles: Mapping[str, str]) -> None:
    doc = entry.document
    sheet.cell(row=1, column=1, value=cell(doc["title"])).font = Font(bold=True, size=13)
    sheet.cell(row=2, column=1, value=cell(f"{doc['type']} activity '{doc['key']}', round {doc.get('round', 1)}"))
    row = 4
    if entry.error:
        sheet.cell(row=row, column=1, value=cell(entry.error))
        return
    for weighting in WEIGHTINGS:
        results = entry.results[weighting] or {}
        sheet.cell(row=row, column=1, value=f"Weighting: {weighting}").font = Font(bold=True, size=12)
        sheet.cell(row=row, column=2, value="respondents")
        sheet.cell(row=row, column=3, value=results.get("respondents"))
        if results.get("previous"):
            sheet.cell(row=row, column=4, value="previous round")
            sheet.cell(row=row, column=5, value=results["previous"].get("round"))
        row += 1
        previous = (results.get("previous") or {}).get("items") or {}
        flat = [{**flatten(item), **flatten(previous.get(item["item"]) or {}, "previous.")}
                for item in results.get("items", [])]
        columns: list[str] = ["item"]
        for entry_flat in flat:
            columns += [c for c in entry_flat if c not in columns]
        _header(sheet, row, ["title", *columns])
        row += 1
        for values in flat:
            flags = values.get("flags")
            _row(sheet, row, [titles.get(values["item"], values["item"]), *(values.get(c) for c in columns)],
                 highlight=bool(flags))
            row += 1
        extra = {k: v for k, v in results.items() if k not in COMMON_FIELDS}
        if extra:
            row += 1
            sheet.cell(row=row, column=1, value="Other figures").font = HEADER_FONT
            row += 1
            for name, value in flatten(extra, "", ()).items():
                _row(sheet, row, [name, value])
                row += 1
        row += 2
    _widths(sheet)


def _group_figures(entry: Any) -> dict[str, Any]:
    return flatten(entry, "", ()) if isinstance(entry, Mapping) else {}


def _by_group(sheet: Worksheet, report: WorkshopReport) -> None:
    rows: list[list[Any]] = []
    columns: list[str] = []
    for entry in report.activities:
        for weighting in WEIGHTINGS:
            for item in (entry.results.get(weighting) or {}).get("items", []):
                for group, figures in (item.get("by_group") or {}).items():
                    flat = _group_figures(figures)
                    columns += [c for c in flat if c not in columns]
                    rows.append([entry.document["key"], weighting, item["item"], group, figures is None, flat])
    _header(sheet, 1, ["activity", "weighting", "item", "group", "shown", *columns])
    for n, (activity, weighting, item, group, hidden, flat) in enumerate(rows, start=2):
        _row(sheet, n, [activity, weighting, item, group, "no (fewer than k)" if hidden else "yes",
                        *(flat.get(c) for c in columns)])
    _widths(sheet, 18, 12)


def _raw(sheet: Worksheet, report: WorkshopReport) -> None:
    _header(sheet, 1, ["workshop_id", "activity", "round", "item", "group", "participant", "axis", "value",
                       "submitted_at", "channel"])
    wid = report.document["id"]
    for n, raw in enumerate(report.raw, start=2):
        for col, value in enumerate([wid, raw.activity, raw.round, raw.item, raw.group, raw.participant, raw.axis,
                                     raw.value, timestamp(raw.submitted_at), raw.channel], start=1):
            sheet.cell(row=n, column=col, value=cell(value))
    _widths(sheet, 12, 14)


def _participation(sheet: Worksheet, report: WorkshopReport) -> None:
    keys = [a.document["key"] for a in report.activities]
    _header(sheet, 1, ["group", "name", "weight", "observer", "expected", "joined", "paper ballots",
                       *(f"respondents: {k}" for k in keys), "name_2"])
    for n, group in enumerate(report.document["groups"], start=2):
        _row(sheet, n, [group["key"], group["name"], group["weight"], bool(group.get("observer")),
                        group.get("expected"), report.joined.get(group["key"], 0),
                        report.paper.get(group["key"], 0),
                        *(report.respondents.get(k, {}).get(group["key"], 0) for k in keys),
                        group.get("name_2") or ""])
    _widths(sheet, 14, 16)


def _actions(sheet: Worksheet, report: WorkshopReport) -> None:
    """Who does what by when, per item; the quadrant is the item's place in the equal_groups results."""
    _header(sheet, 1, ["activity", "item", "title", "quadrant", "quadrant name", "owner", "due date", "note"])
    for n, action in enumerate(report.actions, start=2):
        _row(sheet, n, [action.activity, action.item, action.item_title, action.quadrant, action.quadrant_name,
                        action.owner, action.due_date.isoformat() if action.due_date else None, action.note])
    _widths(sheet, 16, 22)


def _proposals(sheet: Worksheet, report: WorkshopReport) -> None:
    """Participants' proposals with the facilitator's decision; the group only, never who proposed."""
    _header(sheet, 1, ["title", "kind", "group", "status", "item (became / merged into)", "description",
                       "created (UTC)", "decided (UTC)"])
    for n, proposal in enumerate(report.proposals, start=2):
        _row(sheet, n, [proposal.title, proposal.kind, proposal.group, proposal.status, proposal.item,
                        proposal.description, timestamp(proposal.created_at),
                        timestamp(proposal.decided_at) if proposal.decided_at else None])
    _widths(sheet, 30, 18)


def _scale_text(activity: Mapping[str, Any]) -> str:
    parts = []
    for name in ("x", "y", "scale"):
        axis = activity.get(name)
        if isinstance(axis, Mapping) and "min" in axis:
            parts.append(f"{name}: {axis.get('label', '')} {axis['min']}..{axis['max']}".replace("  ", " "))
    if activity.get("type") == "points":
        parts.append(f"budget {activity.get('budget')}, at most {activity.get('max_per_item')} per item")
    if activity.get("type") == "criteria":
        parts += [f"{c['key']} ({c['axis']}, direction {c['direction']}, weight {c['weight']})"
                  for c in activity.get("criteria", [])]
    return "; ".join(parts)


def _method(sheet: Worksheet, report: WorkshopReport) -> None:
    doc = report.document
    rows: list[tuple[str, Any]] = [
        ("Weighting shown to the room", "equal_groups: weighted mean of the group means over groups with at "
                                        "least k values; per_head: everyone counts once"),
        ("Minimum group size (k)", doc["min_group_size"]),
        ("Interval", "95 % t-interval, clipped to the scale (stratified under equal_groups)"),
        ("Consensus", "Tastle-Wierman, 0 (split) to 1 (unanimous)"),
        ("Prioritas version", report.app_version),
        ("Generated (UTC)", timestamp(report.generated_at)),
        ("Method note", doc.get("method_note") or ""),
    ]
    rows += [(f"Group weight: {g['key']}", g["weight"]) for g in doc["groups"]]
    rows += [(f"Scale: {a['key']}", _scale_text(a)) for a in doc["activities"]]
    if report.actions:
        rows.append(("Actions", "the quadrant beside each action is the item's place in the equal_groups results "
                                "when the workbook was made; actions are kept if the item moves"))
    _header(sheet, 1, ["setting", "value"])
    for n, (name, value) in enumerate(rows, start=2):
        _row(sheet, n, [name, value])
    _widths(sheet, 30, 90)


def _delphi_rounds(sheet: Worksheet, report: WorkshopReport) -> None:
    """Per activity and round: the items asked, the rule that chose them, the items that converged on that
    round's figures (left out of the next), and for rankings Kendall's W (room; groups shown only from k)."""

    groups = report.group_names
    _header(sheet, 1, ["activity", "round", "asked", "rule", "threshold", "converged (left out of the next round)",
                       "Kendall's W", "Kendall's W by group"])
    n = 2
    for entry in report.activities:
        if entry.error:
            continue
        for row in round_summaries(entry.activity):
            rule = row["rule"] or {}
            by_group = "; ".join(f"{groups.get(g, g)} {w:.3f}"
                                 for g, w in (row.get("kendall_w_by_group") or {}).items())
            _row(sheet, n, [entry.document["key"], row["round"], ", ".join(row["asked"]),
                            rule.get("criterion", "every item"), rule.get("threshold"),
                            ", ".join(row["converged"]), row.get("kendall_w"), by_group or None])
            n += 1
    _widths(sheet, 16, 22)


def workbook(report: WorkshopReport) -> bytes:
    """The whole workbook as XLSX bytes."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    _summary(summary, report)
    used = set(RESERVED_SHEETS)
    titles = report.item_titles
    for entry in report.activities:
        _activity_sheet(book.create_sheet(sheet_name(entry.document["key"], used)), entry, titles)
    _by_group(book.create_sheet("By group"), report)
    _raw(book.create_sheet("Raw responses"), report)
    _participation(book.create_sheet("Participation"), report)
    _actions(book.create_sheet("Actions"), report)
    _proposals(book.create_sheet("Proposals"), report)
    _method(book.create_sheet("Method"), report)
    if any(e.activity.round > 1 or activity_types.of(e.activity).concordance for e in report.activities):
        _delphi_rounds(book.create_sheet("Delphi rounds"), report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def comparison_workbook(document: Mapping[str, Any], flat: tuple[list[str], list[list[Any]]]) -> bytes:
    """The comparison of workshops: the table as on the page, the workshops compared, and what pooled means."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Comparison"
    header, rows = flat
    _header(sheet, 1, header)
    for n, values in enumerate(rows, start=2):
        _row(sheet, n, values)
    _widths(sheet, 18, 12)
    about = book.create_sheet("Workshops")
    _header(about, 1, ["workshop", "title", "created (UTC)", "k", "respondents"])
    for n, workshop in enumerate(document["workshops"], start=2):
        _row(about, n, [workshop["id"], workshop["title"], workshop["created_at"], workshop["min_group_size"],
                        workshop["respondents"]])
    pooled = document.get("pooled") or {}
    facts = [("Template", document["template"]), ("Activity", document["activity"]), ("Type", document["type"]),
             ("Weighting", document["weighting"]),
             ("Pooled", pooled.get("rule") or "not computed: the workshops' scales differ"),
             ("Pooled k", pooled.get("min_group_size")), ("Pooled respondents", pooled.get("respondents")),
             ("Rank", "1 = first; matrix and criteria: mean of x and y put on 0..1; ranking: Schulze order"),
             ("Rank change", "rank in the first workshop minus rank in the last (positive: moved up)")]
    start = len(document["workshops"]) + 3
    for n, (name, value) in enumerate(facts, start=start):
        about.cell(row=n, column=1, value=name).font = HEADER_FONT
        about.cell(row=n, column=2, value=cell(value))
    _widths(about, 20, 30)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
