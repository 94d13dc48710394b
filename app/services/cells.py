"""How values are written into files other programs read (CSV, XLSX, JSON archives): times as ISO 8601 UTC,
and text that a spreadsheet would run as a formula neutralised."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading quote; numbers stay numbers."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_PREFIXES):
        return "'" + cell
    return cell


def timestamp(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")
