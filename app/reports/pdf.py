"""The PDF workshop report (fpdf2, pure Python): cover, method, participation, each activity with its chart.

Only `equal_groups` figures appear as the room's result (what the screen showed, with groups below k hidden);
the per-head mean is printed beside it for comparison: both are shown, so a reader sees what the weighting did.
Text uses the DejaVu Sans font shipped inside matplotlib, so accents, Arabic letters and the like never stop the
export. The wording comes from the gettext catalogues (context "PDF report"), in the workshop's language.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import matplotlib
from flask_babel import force_locale, pgettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.errors import FPDFException
from fpdf.fonts import FontFace

from app import activities as activity_types
from app.i18n import LANGUAGES
from app.reports import charts
from app.reports.collect import ActivityReport, WorkshopReport, display_name, round_summaries
from app.services.safetext import printable

log = logging.getLogger(__name__)
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
#: Arabic letters DejaVu lacks come from Noto Sans Arabic (Debian fonts-noto-core) when it is installed.
ARABIC_FONTS = (Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"),
                Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf"))
ARABIC_FONT = "NotoSansArabic"
#: Scripts whose letters change shape with their neighbours or run right to left (Hebrew, Arabic, Syriac,
#: Thaana, N'Ko, Indic, Thai...): a report containing any of them is set with HarfBuzz shaping and the Unicode
#: bidirectional algorithm, so Arabic letters join and read right to left.
COMPLEX_SCRIPTS = ((0x0590, 0x0EFF), (0x1000, 0x109F), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))
HEAD_FILL = (221, 231, 240)
FLAG_FILL = (252, 228, 214)
#: Share of the scale width from which a gap between group means is highlighted (1 point on a 1-5 scale).
DIVERGENCE_SHARE = 0.25

def strings(language: str) -> dict[str, str]:
    """The report's wording in the workshop's language, from the gettext catalogues (English where a language
    has no translation), whatever language the facilitator's console speaks.

    The messages carry the context "PDF report", so a word the console translates differently keeps the
    report's own wording; "%%" is a literal "%" (every catalogue message is %-formatted, as templates do)."""
    with force_locale(language if language in LANGUAGES else "en"):
        text = {
            "report": pgettext("PDF report", "Workshop report"),
            "generated": pgettext("PDF report", "Generated"),
            "language": pgettext("PDF report", "Language"),
            "version": pgettext("PDF report", "Prioritas version"),
            "joined": pgettext("PDF report", "Participants joined"),
            "activities": pgettext("PDF report", "Activities"),
            "method": pgettext("PDF report", "Method"),
            "method_text": pgettext(
                "PDF report",
                "Participants joined from their phones and chose their stakeholder group. Results shown to the "
                "room use equal_groups weighting: each group's mean counts with the group's weight, and only "
                "groups with at least k = {k} answers on an item are used or shown, so no small group can be "
                "singled out. The per-head mean (everyone counts once) is shown for comparison. Intervals are 95 "
                "%% t-intervals clipped to the scale; consensus is Tastle-Wierman (0 split, 1 unanimous). Treat "
                "the results as the room's perceptions to be checked against data."),
            "weights": pgettext("PDF report", "Group weights"),
            "group": pgettext("PDF report", "Group"),
            "weight": pgettext("PDF report", "Weight"),
            "expected": pgettext("PDF report", "Expected"),
            "participation": pgettext("PDF report", "Participation"),
            "respondents": pgettext("PDF report", "Respondents"),
            "item": pgettext("PDF report", "Item"),
            "axis": pgettext("PDF report", "Axis"),
            "mean": pgettext("PDF report", "Mean"),
            "median": pgettext("PDF report", "Median"),
            "ci": pgettext("PDF report", "95 %% CI"),
            "consensus": pgettext("PDF report", "Consensus"),
            "quadrant": pgettext("PDF report", "Quadrant"),
            "flags": pgettext("PDF report", "Flags"),
            "per_head": pgettext("PDF report", "Mean (per head)"),
            "disagree": pgettext("PDF report", "Where the groups disagree"),
            "no_disagreement": pgettext(
                "PDF report",
                "No item shows a large gap between the groups that may be shown."),
            "not_available": pgettext(
                "PDF report",
                "The results of this activity could not be computed in this version."),
            "no_results": pgettext("PDF report", "No results yet."),
            "score": pgettext("PDF report", "Score"),
            "total": pgettext("PDF report", "Total"),
            "breadth": pgettext("PDF report", "Breadth"),
            "rank": pgettext("PDF report", "Rank"),
            "borda": pgettext("PDF report", "Borda"),
            "mean_rank": pgettext("PDF report", "Mean rank"),
            "criteria": pgettext("PDF report", "Criteria and weights"),
            "criterion": pgettext("PDF report", "Criterion"),
            "direction": pgettext("PDF report", "Direction"),
            "page": pgettext("PDF report", "Page"),
            "note": pgettext("PDF report", "Workshop method note"),
            "hidden": pgettext("PDF report", "groups below k are not shown"),
            "state": pgettext("PDF report", "State"),
            "type": pgettext("PDF report", "Type"),
            "ph": pgettext("PDF report", "per head"),
            "sensitivity": pgettext("PDF report", "Sensitivity to the weights"),
            "overtakes": pgettext(
                "PDF report",
                "{b} overtakes {a} if the weight on '{criterion}' moves from {start} to {end}."),
            "no_critical": pgettext("PDF report", "No weight change within 0 to 1 swaps the leading items."),
            "acceptability": pgettext(
                "PDF report",
                "Share of {draws} random weight draws (seed {seed}) in which each item is first, in the top "
                "three, or in each quadrant."),
            "top1": pgettext("PDF report", "First"),
            "top3": pgettext("PDF report", "Top three"),
            "highlights": pgettext("PDF report", "Highlights (equal_groups)"),
            "leading": pgettext("PDF report", "Leading"),
            "split": pgettext("PDF report", "Groups disagree on"),
            "change": pgettext("PDF report", "Change since round {round}"),
            "before": pgettext("PDF report", "Round {round}"),
            "now": pgettext("PDF report", "Now"),
            "paper": pgettext("PDF report", "Paper ballots"),
            "actions": pgettext("PDF report", "Actions"),
            "owner": pgettext("PDF report", "Owner"),
            "due": pgettext("PDF report", "Due"),
            "next_step": pgettext("PDF report", "Next step"),
            "actions_text": pgettext(
                "PDF report",
                "Next steps agreed for the items of the top quadrant. The quadrant is the item's place in the "
                "results of this report (groups weighted)."),
            "proposals": pgettext("PDF report", "Proposals from participants"),
            "title": pgettext("PDF report", "Title"),
            "kind": pgettext("PDF report", "Kind"),
            "status": pgettext("PDF report", "Status"),
            "became": pgettext("PDF report", "Item (became / merged into)"),
            "kind_constraint": pgettext("PDF report", "Constraint"),
            "kind_sector": pgettext("PDF report", "Sector"),
            "kind_outlier_firm": pgettext("PDF report", "Outlier firm"),
            "status_pending": pgettext("PDF report", "Pending"),
            "status_approved": pgettext("PDF report", "Approved"),
            "status_merged": pgettext("PDF report", "Merged"),
            "status_rejected": pgettext("PDF report", "Rejected"),
            "delphi": pgettext("PDF report", "Delphi rounds"),
            "kendall": pgettext("PDF report", "Kendall's W (agreement on the order, 0 to 1)"),
            "round_line": pgettext("PDF report", "Round {round}: {asked} items asked ({rule}); converged: {converged}"),
            "every_item": pgettext("PDF report", "every item"),
            "none": pgettext("PDF report", "none"),
        }
    return {key: str(value) % {} for key, value in text.items()}


def fmt(value: Any, digits: int = 2) -> str:
    """How a number is displayed in the report: two decimals, an en dash for 'no value'."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def fmt_ci(ci: Any) -> str:
    if isinstance(ci, (list, tuple)) and len(ci) == 2 and None not in ci:
        return f"{fmt(ci[0])}–{fmt(ci[1])}"
    return "–"


class Report(FPDF):
    def __init__(self, text: Mapping[str, str], title: str, shaping: bool = False) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.text, self.report_title = text, title
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        if shaping:
            self._shape()

    def _shape(self) -> None:
        """HarfBuzz shaping (uharfbuzz) and bidi; without uharfbuzz the text is still printed, unjoined."""
        if all(path.exists() for path in ARABIC_FONTS):
            self.add_font(ARABIC_FONT, "", str(ARABIC_FONTS[0]))
            self.add_font(ARABIC_FONT, "B", str(ARABIC_FONTS[1]))
            self.set_fallback_fonts([ARABIC_FONT], exact_match=False)
        try:
            self.set_text_shaping(True)
        except (ImportError, FPDFException):
            log.warning("uharfbuzz is missing: Arabic and other joined scripts are printed without shaping")
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(15, 15, 15)

    def normalize_text(self, text: str) -> str:
        """Every string fpdf2 prints passes here: characters no font draws (stored before the input checks, or
        by another path) become U+FFFD instead of breaking the report."""
        return super().normalize_text(printable(text, strict=True))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, f"{self.report_title} · {self.text['page']} {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: int = 14) -> None:
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)
        self.set_font(FONT, "", 9)

    def paragraph(self, text: str, size: int = 9) -> None:
        self.set_font(FONT, "", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def grid(self, header: Sequence[str] | None, rows: Sequence[tuple[Sequence[str], bool]],
             widths: Sequence[float] | None = None, size: int = 8) -> None:
        """A table; rows marked True are shaded (items with a flag); no heading row when `header` is None."""
        self.set_font(FONT, "", size)
        head = FontFace(emphasis="BOLD", fill_color=HEAD_FILL)
        flagged = FontFace(fill_color=FLAG_FILL)
        with self.table(col_widths=widths, headings_style=head, line_height=size * 0.5,
                        text_align="LEFT", first_row_as_headings=header is not None) as table:
            if header is not None:
                row = table.row()
                for name in header:
                    row.cell(_fits(name))
            for values, highlight in rows:
                row = table.row()
                for value in values:
                    row.cell(_fits(value), style=flagged if highlight else None)
        self.ln(3)


#: A table cell's text stops here: a row must fit on one page (the full text is in the workbook).
MAX_CELL_CHARS = 600


def _fits(value: str) -> str:
    return value if len(value) <= MAX_CELL_CHARS else value[:MAX_CELL_CHARS - 1] + "…"


def _flags(item: Mapping[str, Any]) -> str:
    return ", ".join(flag.replace("_", " ") for flag in item.get("flags") or [])


def _per_head_items(entry: ActivityReport) -> dict[str, Mapping[str, Any]]:
    return {item["item"]: item for item in (entry.per_head or {}).get("items", [])}


def _rated_rows(entry: ActivityReport, axes: Sequence[str], titles: Mapping[str, str],
                quadrants: Mapping[str, str]) -> list[tuple[list[str], bool]]:
    per_head = _per_head_items(entry)
    rows = []
    for item in (entry.equal or {}).get("items", []):
        for n, axis in enumerate(axes):
            figures = item.get(axis) or {}
            other = (per_head.get(item["item"], {}).get(axis) or {})
            first = n == 0
            rows.append(([
                titles.get(item["item"], item["item"]) if first else "",
                fmt(item.get("n")) if first else "",
                axis,
                fmt(figures.get("mean")), fmt(other.get("mean")), fmt(figures.get("median")),
                fmt_ci(figures.get("ci95")), fmt(figures.get("consensus")),
                quadrants.get(item.get("quadrant") or "", item.get("quadrant") or "–") if first else "",
                _flags(item) if first else "",
            ], bool(item.get("flags"))))
    return rows


def _change(pdf: Report, entry: ActivityReport, axes: Sequence[str], titles: Mapping[str, str]) -> None:
    """Delphi: each item's mean and consensus in the previous round and now (equal_groups, suppressed alike)."""
    previous = (entry.equal or {}).get("previous")
    if not isinstance(previous, Mapping):
        return
    text = pdf.text
    before = text["before"].format(round=previous.get("round"))
    rows = []
    for item in (entry.equal or {}).get("items", []):
        old = (previous.get("items") or {}).get(item["item"]) or {}
        for n, axis in enumerate(axes):
            then, now = old.get(axis) or {}, item.get(axis) or {}
            rows.append(([titles.get(item["item"], item["item"]) if n == 0 else "", axis,
                          fmt(then.get("mean")), fmt(now.get("mean")), fmt(then.get("consensus")),
                          fmt(now.get("consensus"))], False))
    pdf.heading(text["change"].format(round=previous.get("round")), 11)
    pdf.grid([text["item"], text["axis"], f"{text['mean']} ({before})", f"{text['mean']} ({text['now']})",
              f"{text['consensus']} ({before})", f"{text['consensus']} ({text['now']})"], rows,
             (60, 12, 27, 27, 27, 27))


def _disagreements(entry: ActivityReport, axes: Mapping[str, tuple[int, int]], titles: Mapping[str, str],
                   group_names: Mapping[str, str]) -> list[str]:
    """Items flagged divergent/polarised, or whose shown group means differ by a quarter of the scale width."""
    lines = []
    for item in (entry.equal or {}).get("items", []):
        flags = set(item.get("flags") or [])
        gaps = []
        for axis, (low, high) in axes.items():
            means = {g: (v.get(axis) or {}).get("mean") for g, v in (item.get("by_group") or {}).items()
                     if isinstance(v, Mapping)}
            shown = {g: m for g, m in means.items() if m is not None}
            if len(shown) >= 2 and max(shown.values()) - min(shown.values()) >= DIVERGENCE_SHARE * (high - low):
                gaps.append(f"{axis}: " + ", ".join(f"{group_names.get(g, g)} {fmt(m)}" for g, m in shown.items()))
        if gaps or flags & {"divergent", "polarised"}:
            label = titles.get(item["item"], item["item"])
            tag = f" [{', '.join(sorted(flags & {'divergent', 'polarised'}))}]" if flags else ""
            lines.append(f"• {label}{tag}: " + ("; ".join(gaps) if gaps else "–"))
    return lines


def _chart(pdf: Report, entry: ActivityReport, report: WorkshopReport) -> None:
    kind = activity_types.get(entry.document["type"])
    if entry.equal is None or kind is None or kind.chart is None:
        return  # no figures yet, or a type drawn nowhere but on its own page
    with matplotlib.rc_context(charts.RC):
        figure = charts.figure_for(entry.document, entry.equal, report.item_titles, report.group_names)
    image = io.BytesIO(charts.render(figure, "png"))
    width = pdf.epw if kind.chart == "matrix" else pdf.epw * 0.9
    pdf.image(image, w=width)
    pdf.ln(2)


def _activity(pdf: Report, entry: ActivityReport, report: WorkshopReport) -> None:
    text, doc = pdf.text, entry.document
    titles, groups = report.item_titles, report.group_names
    pdf.add_page()
    pdf.heading(doc["title"])
    equal = entry.equal or {}
    delphi = f" · Round {doc['round']}" if doc.get("round", 1) > 1 else ""
    pdf.paragraph(f"{text['type']}: {doc['type']} · {text['state']}: {doc['state']}{delphi} · "
                  f"{text['respondents']}: {fmt(equal.get('respondents'))}")
    if entry.error:
        pdf.paragraph(text["not_available"])
        return
    if not equal.get("respondents"):
        pdf.paragraph(text["no_results"])
    _chart(pdf, entry, report)
    kind = doc["type"]
    quadrants = doc.get("quadrants") or {}
    header = [text["item"], "n", text["axis"], text["mean"], text["per_head"], text["median"], text["ci"],
              text["consensus"], text["quadrant"], text["flags"]]
    widths = (32, 8, 10, 12, 15, 14, 21, 19, 25, 24)
    if kind in ("matrix", "scale"):
        axes = ("x", "y") if kind == "matrix" else ("value",)
        if kind == "scale":
            header, widths = header[:8] + header[9:], (50, 10, 12, 17, 19, 17, 25, 20, 20)
        pdf.paragraph(" · ".join(f"{a} = {doc[a].get('label', a)} ({doc[a]['min']}–{doc[a]['max']})"
                                 for a in axes if isinstance(doc.get(a), Mapping)), 8)
        rows = _rated_rows(entry, axes, titles, quadrants)
        if kind == "scale":
            rows = [(values[:8] + values[9:], flag) for values, flag in rows]
        pdf.grid(header, rows, widths)
        scales = {a: (int(doc[a]["min"]), int(doc[a]["max"])) for a in axes if a in doc}
        _change(pdf, entry, axes, titles)
        pdf.heading(text["disagree"], 11)
        lines = _disagreements(entry, scales, titles, groups)
        pdf.paragraph("\n".join(lines) if lines else text["no_disagreement"])
        pdf.paragraph(f"({text['hidden']})", 7)
    elif kind == "criteria":
        per_head = _per_head_items(entry)
        rows = []
        for item in equal.get("items", []):
            other = per_head.get(item["item"], {})
            rows.append(([titles.get(item["item"], item["item"]), fmt((item.get("x") or {}).get("score")),
                          fmt((item.get("y") or {}).get("score")), fmt((other.get("x") or {}).get("score")),
                          fmt((other.get("y") or {}).get("score")),
                          quadrants.get(item.get("quadrant") or "", item.get("quadrant") or "–"), _flags(item)],
                         bool(item.get("flags"))))
        labels = {a: (doc.get(a) or {}).get("label", a) for a in ("x", "y")}
        pdf.grid([text["item"], labels["x"], labels["y"], f"{labels['x']} ({text['ph']})",
                  f"{labels['y']} ({text['ph']})", text["quadrant"], text["flags"]], rows,
                 (44, 20, 20, 24, 24, 26, 22))
        pdf.heading(text["criteria"], 11)
        weights = equal.get("criteria") or doc.get("criteria") or []
        pdf.grid([text["criterion"], text["axis"], text["direction"], text["weight"]],
                 [([c.get("label", c.get("key", "")), c.get("axis", ""), fmt(c.get("direction")),
                    fmt(float(c.get("weight", 0)))], False) for c in weights], (90, 20, 30, 40))
        _sensitivity(pdf, equal, doc, titles)
    elif kind == "points":
        per_head = _per_head_items(entry)
        rows = [([titles.get(i["item"], i["item"]), fmt(i.get("total")), fmt(i.get("breadth")), fmt(i.get("score")),
                  fmt(per_head.get(i["item"], {}).get("score"))], False) for i in equal.get("items", [])]
        pdf.grid([text["item"], text["total"], text["breadth"], text["score"], f"{text['score']} ({text['ph']})"],
                 rows, (70, 25, 25, 25, 35))
    elif kind == "ranking":
        borda = equal.get("borda") or {}
        mean_rank = {i["item"]: i.get("mean_rank") for i in equal.get("items", [])}
        order = equal.get("schulze") or list(mean_rank)
        rows = [([str(n), titles.get(k, k), fmt(borda.get(k)), fmt(mean_rank.get(k))], False)
                for n, k in enumerate(order, start=1)]
        pdf.grid([text["rank"], text["item"], text["borda"], text["mean_rank"]], rows, (15, 95, 35, 35))


def _delphi(pdf: Report, entry: ActivityReport, report: WorkshopReport) -> None:
    """Which items each round asked and which converged; for a ranking, Kendall's W per round (room, and the
    groups shown from k ballots)."""
    activity = entry.activity
    concordance = activity_types.of(activity).concordance  # a ranking's Kendall's W, worth a page from round 1
    if entry.error or (activity.round <= 1 and not concordance):
        return
    text, titles, groups = pdf.text, report.item_titles, report.group_names
    rows = round_summaries(activity)
    pdf.heading(text["delphi"] if activity.round > 1 else text["kendall"], 11)
    lines = []
    for row in rows:
        rule = row["rule"]
        rule_text = text["every_item"] if not rule else (
            f"consensus >= {rule['threshold']:g}" if rule["criterion"] == "consensus"
            else f"IQR <= {rule['threshold']:g}")
        line = text["round_line"].format(round=row["round"], asked=len(row["asked"]), rule=rule_text,
                                         converged=", ".join(titles.get(k, k) for k in row["converged"])
                                         or text["none"])
        if concordance:
            by_group = ", ".join(f"{groups.get(g, g)} {fmt(w)}" for g, w in row["kendall_w_by_group"].items())
            line += f" · W = {fmt(row['kendall_w'])}" + (f" ({by_group})" if by_group else "")
        lines.append(line)
    pdf.paragraph("\n".join(lines), 8)


def _sensitivity(pdf: Report, results: Mapping[str, Any], activity: Mapping[str, Any],
                 titles: Mapping[str, str]) -> None:
    """Critical weight changes (the smallest move of one weight that swaps two items) and rank acceptability
    (how often each item leads under random weights), when the results carry them."""
    sensitivity = results.get("sensitivity")
    if not isinstance(sensitivity, Mapping):
        return
    text = pdf.text
    labels = {c["key"]: c.get("label", c["key"]) for c in activity.get("criteria", [])}
    pdf.heading(text["sensitivity"], 11)
    lines = [text["overtakes"].format(a=titles.get(c["a"], c["a"]), b=titles.get(c["b"], c["b"]),
                                      criterion=labels.get(c["criterion"], c["criterion"]),
                                      start=fmt(c["from"]), end=fmt(c["to"]))
             for c in sensitivity.get("critical_weights") or []]
    pdf.paragraph("\n".join(lines) if lines else text["no_critical"])
    acceptability = sensitivity.get("acceptability")
    if isinstance(acceptability, Mapping) and acceptability.get("items"):
        pdf.paragraph(text["acceptability"].format(draws=acceptability.get("draws"), seed=acceptability.get("seed")),
                      8)
        names = {**charts.DEFAULT_QUADRANTS, **(activity.get("quadrants") or {})}
        order = ("top_right", "top_left", "bottom_right", "bottom_left")
        rows = [([titles.get(key, key), fmt(entry.get("top1")), fmt(entry.get("top3")),
                  *(fmt((entry.get("quadrants") or {}).get(q)) for q in order)], False)
                for key, entry in acceptability["items"].items()]
        pdf.grid([text["item"], text["top1"], text["top3"], *(names[q] for q in order)], rows,
                 (48, 18, 20, 24, 24, 23, 23))


def _cover(pdf: Report, report: WorkshopReport) -> None:
    text, doc = pdf.text, report.document
    pdf.add_page()
    pdf.ln(30)
    pdf.set_font(FONT, "", 12)
    pdf.set_text_color(80, 80, 80)
    pdf.cell(0, 8, text["report"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.heading(doc["title"], 22)
    pdf.ln(6)
    facts = [
        (text["generated"], _when(report.generated_at)),
        (text["language"], doc["language"]),
        (text["joined"], str(sum(report.joined.values()))),
        (text["activities"], ", ".join(a["title"] for a in doc["activities"])),
        (text["version"], report.app_version),
    ]
    pdf.grid(None, [([name, value], False) for name, value in facts], (55, 125), size=9)
    lines = _highlights(report)
    if lines:
        pdf.heading(text["highlights"], 11)
        pdf.grid(None, [([title, line], False) for title, line in lines], (55, 125), size=9)
    pdf.heading(text["weights"], 11)
    pdf.grid([text["group"], text["weight"]],
             [([display_name(g, doc.get("second_language") or ""), fmt(float(g["weight"]))], False)
              for g in doc["groups"]], (120, 60), size=9)


def _titles(keys: Sequence[str], titles: Mapping[str, str]) -> str:
    return ", ".join(titles.get(key, key) for key in keys) or "–"


def _highlights(report: WorkshopReport) -> list[tuple[str, str]]:
    """One line per activity for the cover: the top quadrants, the leading items, where the groups disagree."""
    titles, out = report.item_titles, []
    text = strings(report.document["language"])
    for entry in report.activities:
        equal, doc = entry.equal, entry.document
        if not equal or not equal.get("respondents"):
            continue
        items = equal.get("items", [])
        kind = doc["type"]
        parts = []
        if kind in ("matrix", "criteria"):
            names = {**charts.DEFAULT_QUADRANTS, **(doc.get("quadrants") or {})}
            for quadrant in ("top_right", "top_left"):
                keys = [i["item"] for i in items if i.get("quadrant") == quadrant]
                parts.append(f"{names[quadrant]}: {_titles(keys, titles)}")
        elif kind in ("scale", "points"):
            parts.append(f"{text['leading']}: {_titles([i['item'] for i in items[:3]], titles)}")
        elif kind == "ranking":
            parts.append(f"{text['leading']}: {_titles((equal.get('schulze') or [])[:3], titles)}")
        split = [i["item"] for i in items if {"divergent", "polarised"} & set(i.get("flags") or [])]
        if split:
            parts.append(f"{text['split']}: {_titles(split, titles)}")
        out.append((doc["title"], "\n".join(parts)))
    return out


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _method(pdf: Report, report: WorkshopReport) -> None:
    text, doc = pdf.text, report.document
    pdf.add_page()
    pdf.heading(text["method"])
    pdf.paragraph(text["method_text"].format(k=doc["min_group_size"]))
    if doc.get("method_note"):
        pdf.heading(text["note"], 11)
        pdf.paragraph(doc["method_note"])
    pdf.heading(text["participation"], 11)
    keys = [a.document["key"] for a in report.activities]
    header = [text["group"], text["weight"], text["expected"], text["joined"], text["paper"], *keys]
    second = doc.get("second_language") or ""
    rows = [([display_name(g, second), fmt(float(g["weight"])), fmt(g.get("expected")),
              str(report.joined.get(g["key"], 0)),
              str(report.paper.get(g["key"], 0)),
              *(str(report.respondents.get(k, {}).get(g["key"], 0)) for k in keys)], False)
            for g in doc["groups"]]
    first = 45.0
    rest = (pdf.epw - first) / (len(header) - 1)
    pdf.grid(header, rows, (first, *([rest] * (len(header) - 1))))


def _actions(pdf: Report, report: WorkshopReport) -> None:
    """Who does what by when, grouped by activity; only when the facilitator recorded actions."""
    if not report.actions:
        return
    text = pdf.text
    pdf.add_page()
    pdf.heading(text["actions"])
    pdf.paragraph(text["actions_text"])
    activity = None
    rows: list[tuple[list[str], bool]] = []
    for action in report.actions:
        if action.activity != activity:
            if rows:
                pdf.grid([text["item"], text["quadrant"], text["owner"], text["due"], text["next_step"]], rows,
                         (40, 28, 32, 20, 60))
                rows = []
            activity = action.activity
            pdf.heading(action.activity_title, 11)
        rows.append(([action.item_title, action.quadrant_name or "–", action.owner,
                      action.due_date.isoformat() if action.due_date else "–", action.note or ""], False))
    pdf.grid([text["item"], text["quadrant"], text["owner"], text["due"], text["next_step"]], rows,
             (40, 28, 32, 20, 60))


def _proposals(pdf: Report, report: WorkshopReport) -> None:
    """What participants said was missing, and what became of it; the group only, never the person."""
    if not report.proposals:
        return
    text = pdf.text
    kinds = {key[len("kind_"):]: label for key, label in text.items() if key.startswith("kind_")}
    statuses = {key[len("status_"):]: label for key, label in text.items() if key.startswith("status_")}
    pdf.heading(text["proposals"])
    rows = [([p.title, kinds.get(p.kind, p.kind), p.group or "–", statuses.get(p.status, p.status), p.item or "–"],
             False) for p in report.proposals]
    pdf.grid([text["title"], text["kind"], text["group"], text["status"], text["became"]], rows,
             (60, 25, 35, 22, 38))


def needs_shaping(report: WorkshopReport) -> bool:
    """Whether any text of the report is in a script that needs shaping or runs right to left."""
    words = [json.dumps(report.document, ensure_ascii=False)]
    words += [f"{a.owner} {a.note} {a.item_title} {a.activity_title} {a.quadrant_name or ''}" for a in report.actions]
    words += [f"{p.title} {p.group} {p.item}" for p in report.proposals]
    return any(low <= ord(ch) <= high for chunk in words for ch in chunk for low, high in COMPLEX_SCRIPTS)


def report_pdf(report: WorkshopReport) -> bytes:
    """The whole report as PDF bytes."""
    text = strings(report.document["language"])
    pdf = Report(text, report.document["title"], shaping=needs_shaping(report))
    pdf.set_title(report.document["title"])
    pdf.set_creator(f"Prioritas {report.app_version}")
    pdf.set_creation_date(report.generated_at)
    _cover(pdf, report)
    _method(pdf, report)
    for entry in report.activities:
        _activity(pdf, entry, report)
        _delphi(pdf, entry, report)
    _actions(pdf, report)
    if report.proposals and not report.actions:
        pdf.add_page()
    _proposals(pdf, report)
    return bytes(pdf.output())
