"""Facilitator exports beyond CSV/JSON: the XLSX workbook, the PDF workshop report and PNG/SVG matrix charts.

Every figure comes from `app.services.results.compute`, the same call the API answers with, so a number in a
report is the number a client reads from `/results` (rounded only where it is displayed). matplotlib, openpyxl
and fpdf2 are imported on first use, so starting the app (and every phone request) does not pay for them.
"""

from __future__ import annotations

from app.models import Activity, Workshop

CHART_FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"


def xlsx_export(workshop: Workshop, app_version: str) -> bytes:
    """The facilitator's workbook (every vote, both weightings)."""
    from app.reports.collect import collect
    from app.reports.xlsx import workbook

    return workbook(collect(workshop, app_version))


def pdf_export(workshop: Workshop, app_version: str) -> bytes:
    """The workshop report for the room (equal_groups figures, groups below k hidden)."""
    from app.reports.collect import collect
    from app.reports.pdf import report_pdf

    return report_pdf(collect(workshop, app_version))


def activity_chart(activity: Activity, results_document: dict, fmt: str) -> bytes:
    """One activity's chart (PNG or SVG) drawn from the given results document."""
    from app.reports import charts
    from app.reports.collect import display_name
    from app.services.workshops import activity_document

    workshop = activity.workshop
    titles = {item.key: item.title for item in workshop.items}
    groups = {group.key: display_name({"name": group.name, "name_2": group.name_2}, workshop.second_language or "")
              for group in workshop.groups}
    return charts.chart(activity_document(activity), results_document, titles, groups, fmt)
