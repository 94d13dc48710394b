"""The export tests' votes (on `builders.exports_definition`) and reading their spreadsheets back."""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

#: Final ratings per participant (group, finance, skills, power) as (x, y); None = don't know.
VOTES: list[tuple[str, tuple[Any, Any], tuple[Any, Any], tuple[Any, Any]]] = [
    ("gov", (2, 5), (1, 4), (-2, 2)),
    ("gov", (1, 5), (0, 4), (-1, 1)),
    ("gov", (2, 4), (None, 3), (-2, 1)),
    ("gov", (1, 5), (1, 5), (-1, 2)),
    ("firms", (-2, 2), (2, 5), (0, 3)),
    ("firms", (-1, 1), (1, 4), (1, 3)),
    ("firms", (-2, 2), (2, 5), (0, 4)),
    ("firms", (-1, 1), (2, None), (1, 3)),
    ("firms", (-2, 1), (1, 4), (0, 3)),
    ("workers", (0, 3), (-1, 2), (2, 5)),
    ("workers", (0, 4), (-2, 3), (2, 5)),
    ("workers", (1, 3), (-1, 2), (1, 4)),
    ("academia", (0, 3), (0, 3), (0, 3)),  # one observer: below k, never shown on its own
]


def blocks(sheet: Worksheet) -> dict[str, list[dict[str, Any]]]:
    """The item tables of an activity sheet, by weighting, as dicts keyed by the header row."""
    out: dict[str, list[dict[str, Any]]] = {}
    rows = list(sheet.iter_rows(values_only=True))
    n = 0
    while n < len(rows):
        first = rows[n][0]
        if isinstance(first, str) and first.startswith("Weighting: "):
            header = [h for h in rows[n + 1] if h is not None]
            table = []
            n += 2
            while n < len(rows) and rows[n][0] is not None:
                table.append(dict(zip(header, rows[n], strict=False)))
                n += 1
            out[first.removeprefix("Weighting: ")] = table
        n += 1
    return out
