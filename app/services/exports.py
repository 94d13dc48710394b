"""One place that turns a workshop into a downloadable file, for the API and the facilitator's pages alike."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import gettext as _

from app import reports
from app.models import Workshop
from app.services import archive
from app.services.errors import invalid_field

FORMATS = ("csv", "json", "xlsx", "pdf")


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    mimetype: str
    filename: str


def build(workshop: Workshop, fmt: str | None, app_version: str) -> ExportFile:
    """The file for `format=csv|json|xlsx|pdf`; any other value is a 422 naming the formats."""
    name = f"prioritas-workshop-{workshop.id}"
    if fmt == "csv":
        content = archive.export_csv(workshop).encode("utf-8")
        return ExportFile(content, "text/csv; charset=utf-8", f"{name}.csv")
    if fmt == "json":
        document = archive.export_json(workshop, app_version)
        return ExportFile(json.dumps(document, ensure_ascii=False).encode("utf-8"), "application/json",
                          f"{name}.json")
    if fmt == "xlsx":
        return ExportFile(reports.xlsx_export(workshop, app_version), reports.XLSX_TYPE, f"{name}.xlsx")
    if fmt == "pdf":
        return ExportFile(reports.pdf_export(workshop, app_version), reports.PDF_TYPE, f"{name}.pdf")
    raise invalid_field("format", _("The format is csv, json, xlsx or pdf."))
