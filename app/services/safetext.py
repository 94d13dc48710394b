"""Printable text in, printable text out.

Stored text must be printable: control characters (C0 except tab, newline and carriage return, DEL, C1)
and lone UTF-16 surrogates are refused where text enters. Exports still clean what they write, because old
data, a database console or another path may have stored such characters, and one of them must never make a
workbook or report unreadable (or its download fail).
"""

from __future__ import annotations

import re
from typing import Any

#: Characters no stored text may hold: C0 controls except \t \n \r, DEL, C1 controls, lone surrogates.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: What XLSX (XML 1.0) and PDF text cannot carry at all: C0 controls except \t \n \r, and lone surrogates.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def forbidden_character(text: str) -> str | None:
    """A short description of the first forbidden character in `text`, or None when the text is clean."""
    found = FORBIDDEN.search(text)
    if found is None:
        return None
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        return "a broken character (lone UTF-16 surrogate)"
    return f"a control character (U+{ord(char):04X})"


def printable(value: Any, *, strict: bool = False) -> Any:
    """`value` with unwritable characters replaced by U+FFFD (strings only; anything else as it is).

    `strict` also replaces DEL and C1 controls (for drawn text: charts, which have no glyph for them)."""
    pattern = FORBIDDEN if strict else _UNWRITABLE
    if isinstance(value, str) and pattern.search(value):
        return pattern.sub("\ufffd", value)
    return value


def printable_tree(value: Any, *, strict: bool = False) -> Any:
    """A copy of a JSON-like document (dicts, lists, strings) with every string made printable."""
    if isinstance(value, str):
        return printable(value, strict=strict)
    if isinstance(value, dict):
        return {k: printable_tree(v, strict=strict) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_tree(v, strict=strict) for v in value]
    return value
