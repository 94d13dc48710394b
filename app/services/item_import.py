"""Importing a workshop's items from a CSV or XLSX file: parse, preview row by row, then save all or nothing.

Rows are validated with `definitions.clean_item`, the rule the API and the editor forms use, so an imported
item can never be one the editor would refuse. Cells are read as text (an XLSX formula arrives as its text,
never evaluated). A file with any error imports nothing: `import_rows` re-validates and raises before writing.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Item, Workshop
from app.services.checks import Collector
from app.services.definitions import clean_item, slug, unique_key
from app.services.errors import FieldError, invalid

MAX_ROWS = 500
REQUIRED = ("title", "kind")
#: Columns the Item model stores: `title_2` is the title in the workshop's second language, `evidence` short
#: facts (and a link) shown on phones before rating.
STORED = ("key", "title", "kind", "description", "category", "locus", "title_2", "evidence")
#: Recognised columns without a field to store them in (none since items have title_2 and evidence).
NOT_STORED: tuple[str, ...] = ()
KNOWN = STORED + NOT_STORED
UTF8_MESSAGE = _l("The file is not valid UTF-8 text. Save it as 'CSV UTF-8' (or as .xlsx) and upload it again.")


class ImportRefused(Exception):
    """The file as a whole cannot be read (empty, wrong encoding, too many rows, missing columns)."""


@dataclass
class Row:
    """One data row of the file, as text, with its line number in the file (the header is line 1)."""

    line: int
    cells: dict[str, str]


@dataclass
class RowResult:
    line: int
    cells: dict[str, str]
    clean: dict[str, Any] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)
    derived_key: bool = False


@dataclass
class Preview:
    rows: list[RowResult]
    ignored_columns: list[str]
    not_stored: list[str]

    @property
    def error_count(self) -> int:
        return sum(len(r.errors) for r in self.rows)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.error_count


# --- reading the file --------------------------------------------------------------------------------------

def _cell_text(value: Any) -> str:
    """Every cell becomes text: 3.0 -> '3', a date -> ISO; nothing is evaluated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def _delimiter(text: str) -> str:
    """Comma, or the semicolon/tab a European spreadsheet writes: whichever splits the header into our columns."""
    header = text.lstrip("\r\n").split("\n", 1)[0]
    for delimiter in (",", ";", "\t"):
        if set(REQUIRED) <= {c.strip().strip('"').lower() for c in header.split(delimiter)}:
            return delimiter
    return ","


def _table_from_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(UTF8_MESSAGE) from None
    if "\x00" in text:
        raise ImportRefused(UTF8_MESSAGE)
    table: list[list[str]] = []
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)):
            table.append(cells)
            if len(table) > MAX_ROWS + 1 and any(c.strip() for c in cells):
                break
    except csv.Error as error:
        raise ImportRefused(_("The CSV file could not be read (line %(line)s: %(error)s).",
                              line=len(table) + 1, error=error)) from None
    return table


def _table_from_xlsx(data: bytes) -> list[list[str]]:
    import openpyxl  # a heavy import, only needed here

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                sheet = book.worksheets[0]
                table: list[list[str]] = []
                for values in sheet.iter_rows(values_only=True):
                    cells = [_cell_text(v) for v in values]
                    table.append(cells)
                    if len(table) > MAX_ROWS + 1 and any(c.strip() for c in cells):
                        break
            finally:
                book.close()
    except Exception:  # any failure inside a corrupt workbook means the same to the user
        raise ImportRefused(_("The XLSX file could not be read. Open it in a spreadsheet program, save it again "
                              "as .xlsx (or as CSV UTF-8) and upload it again.")) from None
    return table


def read_file(filename: str, data: bytes) -> tuple[list[Row], list[str], list[str]]:
    """Return the data rows, the ignored column names and the not-stored columns present; raise ImportRefused."""
    if not data or not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportRefused(_("The file is empty."))
    name = (filename or "").lower()
    if zipfile.is_zipfile(io.BytesIO(data)) or name.endswith((".xlsx", ".xlsm")):
        table = _table_from_xlsx(data)
    elif name.endswith(".xls"):
        raise ImportRefused(_("Old .xls workbooks are not supported: save the file as .xlsx or CSV UTF-8."))
    else:
        table = _table_from_csv(data)
    while table and not any(c.strip() for c in table[0]):
        table.pop(0)
    if not table:
        raise ImportRefused(_("The file is empty."))
    header = [c.strip().lower() for c in table[0]]
    data_rows = [(n, cells) for n, cells in enumerate(table[1:], start=2) if any(c.strip() for c in cells)]
    if len(data_rows) > MAX_ROWS:
        raise ImportRefused(_("The file has more than %(n)s items; import at most %(n)s rows at a time.", n=MAX_ROWS))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportRefused(_("The header row (line 1) lacks the required column(s): %(missing)s. Expected "
                              "columns: %(known)s.", missing=", ".join(missing), known=", ".join(KNOWN)))
    doubled = sorted({c for c in header if c and header.count(c) > 1})
    if doubled:
        raise ImportRefused(_("The header row names these columns twice: %(columns)s.", columns=", ".join(doubled)))
    if not data_rows:
        raise ImportRefused(_("The file has a header row but no items."))
    ignored = [c for c in header if c and c not in KNOWN]
    rows = [Row(n, {c: (cells[i] if i < len(cells) else "") for i, c in enumerate(header) if c in KNOWN})
            for n, cells in data_rows]
    present = [c for c in NOT_STORED if any(r.cells.get(c, "").strip() for r in rows)]
    return rows, ignored, present


# --- validating --------------------------------------------------------------------------------------------

def validate(workshop: Workshop, rows: list[Row]) -> list[RowResult]:
    """Check every row with the editor's rules, plus required kind and keys unique in the file and workshop."""
    existing = {item.key for item in workshop.items}
    explicit = {r.cells.get("key", "").strip() for r in rows} - {""}
    taken = existing | explicit
    seen: set[str] = set()
    results: list[RowResult] = []
    for row in rows:
        result = RowResult(row.line, row.cells)
        data: dict[str, Any] = {c: row.cells.get(c, "") for c in ("title", "description", "category", "title_2",
                                                                 "evidence")}
        data["kind"] = row.cells.get("kind", "").strip().lower()
        data["locus"] = row.cells.get("locus", "").strip().lower()
        key = row.cells.get("key", "").strip()
        if not key:
            key = unique_key(slug(data["title"].strip(), "item"), taken.__contains__)
            taken.add(key)
            result.derived_key = True
        data["key"] = key
        errors = Collector()
        if not data["kind"]:
            errors.add("kind", _("Required: 'constraint' or 'sector'."))
        result.clean = clean_item(data, "", errors, seen)
        if key in existing and not result.derived_key:
            errors.add("key", _("An item of this workshop already uses the key '%(key)s'.", key=key))
        result.errors = [e for e in errors.errors if not (e.field == "kind" and not data["kind"]
                                                         and e.message == _("The kind is 'constraint' or 'sector'."))]
        results.append(result)
    return results


def preview(workshop: Workshop, filename: str, data: bytes) -> Preview:
    rows, ignored, not_stored = read_file(filename, data)
    return Preview(validate(workshop, rows), ignored, not_stored)


def rows_payload(rows: list[RowResult]) -> list[dict[str, Any]]:
    """What travels in the signed confirmation field: the raw cells, re-validated on confirmation."""
    return [{"line": r.line, "cells": r.cells} for r in rows]


def rows_from_payload(payload: Any) -> list[Row]:
    if not isinstance(payload, list) or not payload or len(payload) > MAX_ROWS:
        raise ImportRefused(_("The import could not be confirmed; upload the file again."))
    rows: list[Row] = []
    for entry in payload:
        if (not isinstance(entry, dict) or not isinstance(entry.get("line"), int)
                or not isinstance(entry.get("cells"), dict)
                or not all(isinstance(k, str) and isinstance(v, str) for k, v in entry["cells"].items())):
            raise ImportRefused(_("The import could not be confirmed; upload the file again."))
        rows.append(Row(entry["line"], entry["cells"]))
    return rows


# --- saving ------------------------------------------------------------------------------------------------

def import_rows(workshop: Workshop, rows: list[Row]) -> list[Item]:
    """Create every item or none: re-validate against the workshop as it is now. Call inside `transaction()`."""
    results = validate(workshop, rows)
    problems = [FieldError(f"line {r.line}: {e.field}", e.message) for r in results for e in r.errors]
    if problems:
        raise invalid(problems, _("The file has %(n)s problem(s); nothing was imported.", n=len(problems)))
    start = len(workshop.items)
    items = [Item(position=start + n, **r.clean) for n, r in enumerate(results)]
    workshop.items.extend(items)
    db.session.flush()
    return items
