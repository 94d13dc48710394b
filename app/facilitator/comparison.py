"""The "Compare workshops" page and its CSV/XLSX downloads (a GET form: the choice is in the address, so a
comparison can be bookmarked or sent to a colleague who owns the same workshops)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from app.facilitator import bp
from app.facilitator.routes import _me
from app.models import Workshop
from app.services import comparison
from app.services.errors import Problem, not_found

Page = str | tuple[str, int] | Response


def _choice() -> tuple[str, str, list[int] | None, str]:
    ids = [v for v in request.args.getlist("workshops") if v]
    return (request.args.get("template", ""), request.args.get("activity", ""),
            comparison.parse_ids(",".join(ids)) if ids else None,
            request.args.get("weighting") or "equal_groups")


@bp.get("/comparison")
@login_required
def compare() -> Page:
    """Pick a template, its workshops and an activity; the table appears once all three are chosen."""
    me = _me()
    templates = comparison.templates_for(me)
    template_key, activity_key, ids, weighting = "", "", None, "equal_groups"
    document: dict[str, Any] | None = None
    error, status = None, 200
    try:
        template_key, activity_key, ids, weighting = _choice()
        if not template_key and len(templates) == 1:
            template_key = templates[0].key
        chosen = next((t for t in templates if t.key == template_key), None)
        workshops: list[Workshop] = chosen.workshops if chosen else []
        picked = [w for w in workshops if ids is None or w.id in ids]
        keys = comparison.activity_keys(picked or workshops)
        if chosen and not activity_key and keys:
            activity_key = keys[0][0]
        if template_key and activity_key:
            document = comparison.compare(me, template_key, activity_key, ids, weighting)
    except Problem as problem:
        if problem.status not in (403, 404, 422):
            raise
        error, status = problem.detail or problem.title, problem.status
        chosen, workshops, keys = None, [], []
    return render_template("facilitator/comparison/compare.html", templates=templates, template_key=template_key,
                           workshops=workshops, ids=ids, activity_key=activity_key, activities=keys,
                           weighting=weighting, document=document, error=error), status


@bp.get("/comparison.<fmt>")
@login_required
def compare_file(fmt: str) -> Response:
    """The table of the page as CSV or XLSX, with the same choice in the address."""
    if fmt not in ("csv", "xlsx"):
        raise not_found(_("There is no comparison file in that format; use csv or xlsx."))
    template_key, activity_key, ids, weighting = _choice()
    document = comparison.compare(_me(), template_key, activity_key, ids, weighting)
    name = f"prioritas-comparison-{template_key}-{activity_key}.{fmt}"
    if fmt == "csv":
        return Response(comparison.csv_bytes(document), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    from app import reports

    return Response(comparison.xlsx_bytes(document), mimetype=reports.XLSX_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
