"""Facilitator pages for the data's whole life: delete a workshop (archive first), retention and consent notice,
and the audit trail.

Archive-then-delete: the delete page offers the JSON archive (the `format=json` export, which
`POST /api/v1/workshops/import` reads back) as step 1. Downloading it from there notes the moment in the
facilitator's session; step 2 deletes only if that download happened in this session within the last hour, or if
the facilitator ticks "delete without keeping an archive". Either way she types the workshop's title again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from app.facilitator import bp
from app.facilitator.forms import ActionForm
from app.facilitator.routes import _me, _owned
from app.models import Workshop, utcnow
from app.services import audit, exports, lifecycle, workshops
from app.services.database import transaction
from app.services.errors import Problem

Page = str | tuple[str, int] | Response
ARCHIVE_SESSION_KEY = "archived_for_deletion"
#: A downloaded archive counts for the deletion this long (a stale download may miss later votes).
ARCHIVE_VALID = timedelta(hours=1)


@bp.context_processor
def _retention_helpers() -> dict[str, object]:
    return {"purge_at": lifecycle.purge_at, "effective_days": lifecycle.effective_days}


def archive_fetched(workshop: Workshop) -> bool:
    stamp = (session.get(ARCHIVE_SESSION_KEY) or {}).get(str(workshop.id))
    if not isinstance(stamp, str):
        return False
    try:
        return utcnow() - datetime.fromisoformat(stamp) <= ARCHIVE_VALID
    except ValueError:
        return False


def _owner_only(workshop_id: int) -> Workshop:
    """Co-facilitators run a workshop; only its owner deletes it."""
    workshop = workshops.find(workshop_id)
    workshops.check_owner(workshop, _me(), "own")
    return workshop


def _delete_page(workshop: Workshop, error: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("facilitator/lifecycle/delete.html", workshop=workshop, error=error,
                           counts=lifecycle.counts(workshop.id), archived=archive_fetched(workshop),
                           action_form=ActionForm()), status


@bp.get("/workshops/<int:workshop_id>/delete/archive.json")
@login_required
def delete_archive(workshop_id: int) -> Response:
    """Step 1: the JSON archive, remembered in the session so step 2 may proceed."""
    workshop = _owner_only(workshop_id)
    file = exports.build(workshop, "json", current_app.config["APP_VERSION"])
    fetched = dict(session.get(ARCHIVE_SESSION_KEY) or {})
    fetched[str(workshop.id)] = utcnow().isoformat()
    session[ARCHIVE_SESSION_KEY] = fetched
    return Response(file.content, mimetype=file.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{file.filename}"'})


@bp.route("/workshops/<int:workshop_id>/delete", methods=["GET", "POST"])
@login_required
def delete_workshop(workshop_id: int) -> Page:
    """GET asks for confirmation (works without JavaScript); POST deletes, once the title is typed again."""
    workshop = _owner_only(workshop_id)
    if request.method == "GET":
        return _delete_page(workshop)
    ActionForm().validate_on_submit()  # CSRFProtect has already checked the token
    if not lifecycle.title_matches(workshop, request.form.get("confirm_title")):
        return _delete_page(workshop, _("Type the workshop's title exactly to confirm; nothing was deleted."), 422)
    is_draft = bool(workshop.draft_of)
    if not is_draft and not archive_fetched(workshop) and not request.form.get("without_archive"):
        return _delete_page(workshop, _("Download the archive first (step 1), or tick “Delete without keeping an "
                                        "archive”; nothing was deleted."), 409)
    title = workshop.title
    with transaction():
        lifecycle.delete_workshop(workshop, _me(), action="draft_deleted" if is_draft else "workshop_deleted",
                                  archived=archive_fetched(workshop))
    fetched = dict(session.get(ARCHIVE_SESSION_KEY) or {})
    fetched.pop(str(workshop_id), None)
    session[ARCHIVE_SESSION_KEY] = fetched
    flash(_("Workshop “%(title)s” and all its data were deleted.", title=title), "success")
    return redirect(url_for(".index"))


@bp.post("/workshops/<int:workshop_id>/data-settings")
@login_required
def data_settings(workshop_id: int) -> Page:
    """Retention and the phones' consent notice, from the editor."""
    workshop = _owned(workshop_id)
    ActionForm().validate_on_submit()
    data = {"retention_days": request.form.get("retention_days", "").strip(),
            "consent_text": request.form.get("consent_text", ""),
            "consent_required": request.form.get("consent_required") == "1"}
    try:
        with transaction():
            lifecycle.set_data_settings(workshop, _me(), data)
    except Problem as problem:
        if problem.status != 422:
            raise
        for error in problem.errors:
            flash(error.message, "error")
        return redirect(url_for(".edit", workshop_id=workshop_id) + "#data-settings")
    flash(_("Data settings saved."), "success")
    return redirect(url_for(".edit", workshop_id=workshop_id) + "#data-settings")


@bp.get("/audit")
@login_required
def audit_log() -> str:
    """Newest first, 50 a page; `?workshop=` narrows to one workshop (deleted ones included)."""
    number = request.args.get("page", "1")
    workshop = request.args.get("workshop", "")
    workshop_id = int(workshop) if workshop.isdigit() else None
    found = audit.page(_me(), int(number) if number.isdigit() else 1, workshop_id)
    return render_template("facilitator/lifecycle/audit.html", found=found, workshop_id=workshop_id,
                           describe=audit.describe)


@bp.get("/audit.csv")
@login_required
def audit_csv() -> Response:
    workshop = request.args.get("workshop", "")
    content = audit.export_csv(_me(), int(workshop) if workshop.isdigit() else None)
    return Response(content, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="prioritas-audit.csv"'})
