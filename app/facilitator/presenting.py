"""Turning results documents into what the facilitator reads: rows, Copeland scores, sensitivity sentences.

Pure functions over the documents the results service returns (contract shapes plus the shared extensions),
so the page shows exactly the figures the API and the screen show, only laid out for reading.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

STATS = ("mean", "median", "sd", "ci95", "iqr", "consensus", "agreement", "top2", "dont_know")


def number(value: Any, digits: int = 2) -> str:
    """A figure for a table cell; '–' for null (suppressed or not computable)."""
    if isinstance(value, bool) or value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    if isinstance(value, list | tuple) and len(value) == 2:
        return f"{number(value[0], digits)} – {number(value[1], digits)}"
    if isinstance(value, Mapping) and "share" in value:
        share = value.get("share")
        text = f"{share * 100:.0f} %" if isinstance(share, int | float) else "–"
        interval = value.get("ci95")
        if isinstance(interval, list | tuple) and len(interval) == 2 and all(
                isinstance(v, int | float) for v in interval):
            text += f" ({interval[0] * 100:.0f}–{interval[1] * 100:.0f} %)"
        return text
    return str(value)


def percent(value: Any) -> str:
    return f"{value * 100:.0f} %" if isinstance(value, int | float) and not isinstance(value, bool) else "–"


def copeland(pairwise: Mapping[str, Mapping[str, float]] | None, items: Sequence[str]) -> dict[str, int]:
    """Copeland score per item: pairwise wins minus losses (d(a,b) against d(b,a), ties within 1e-9 count 0)."""
    scores = dict.fromkeys(items, 0)
    if not pairwise:
        return scores
    for a in items:
        for b in items:
            if a == b:
                continue
            ab = float((pairwise.get(a) or {}).get(b, 0) or 0)
            ba = float((pairwise.get(b) or {}).get(a, 0) or 0)
            if ab - ba > 1e-9:
                scores[a] += 1
            elif ba - ab > 1e-9:
                scores[a] -= 1
    return scores


def ranking_rows(document: Mapping[str, Any], items: Sequence[str]) -> list[dict[str, Any]]:
    """Schulze order with each item's Schulze place, Borda points, Copeland score and place, mean rank."""
    schulze = list(document.get("schulze") or items)
    borda = document.get("borda") or {}
    cope = copeland(document.get("pairwise"), items)
    by_cope = sorted(items, key=lambda k: (-cope[k], items.index(k)))
    by_borda = sorted(items, key=lambda k: (-(borda.get(k) or 0), items.index(k))) if borda else list(items)
    mean_rank = {e.get("item"): e.get("mean_rank") for e in document.get("items") or []}
    return [{"item": key, "schulze": n, "borda": borda.get(key), "borda_place": by_borda.index(key) + 1,
             "copeland": cope.get(key, 0), "copeland_place": by_cope.index(key) + 1,
             "mean_rank": mean_rank.get(key)}
            for n, key in enumerate(schulze, 1) if key in cope]


def sensitivity_sentences(document: Mapping[str, Any], titles: Mapping[str, str]) -> list[str]:
    """'B overtakes A if employment's weight rises from 0.30 to 0.41' for each critical weight change."""
    labels = {c.get("key"): c.get("label") or c.get("key") for c in document.get("criteria") or []}
    sentences = []
    for change in ((document.get("sensitivity") or {}).get("critical_weights") or []):
        a, b, key = change.get("a"), change.get("b"), change.get("criterion")
        start, end = change.get("from"), change.get("to")
        if not all(isinstance(v, int | float) for v in (start, end)):
            continue
        verb = "rises" if end > start else "falls"
        sentences.append(f"{titles.get(b, b)} overtakes {titles.get(a, a)} if {labels.get(key, key)}'s weight "
                         f"{verb} from {start:.2f} to {end:.2f}.")
    return sentences


def acceptability_rows(document: Mapping[str, Any], items: Sequence[str]) -> list[dict[str, Any]]:
    """Rank acceptability per item: how often it comes first / in the top 3 under random weights."""
    accept = ((document.get("sensitivity") or {}).get("acceptability") or {})
    figures = accept.get("items") or {}
    rows = [{"item": key, "top1": (figures.get(key) or {}).get("top1"), "top3": (figures.get(key) or {}).get("top3"),
             "quadrants": (figures.get(key) or {}).get("quadrants") or {}} for key in items if key in figures]
    rows.sort(key=lambda r: -(r["top1"] or 0))
    return rows


def axes_of(activity_type: str) -> tuple[str, ...]:
    """The rated axes of a results item: matrix x and y, scale value."""
    return {"matrix": ("y", "x"), "scale": ("value",)}.get(activity_type, ())
