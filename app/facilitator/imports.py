"""Importing items from a CSV/XLSX file: upload, preview every row, confirm; the owner only.

The preview carries the parsed rows to the confirmation in a hidden field signed with the app's SECRET_KEY,
so nobody can smuggle other rows in; confirmation re-validates them against the workshop as it is then and
saves all of them in one transaction, or none.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response
from wtforms import HiddenField

from app.facilitator import bp
from app.facilitator.routes import _owned
from app.models import Workshop
from app.services import item_import
from app.services.database import transaction
from app.services.errors import Problem

Page = str | tuple[str, int] | Response
SALT = "prioritas.item-import"
MAX_AGE = 3600
#: Flask refuses form fields above MAX_FORM_MEMORY_SIZE (500 kB by default); stay well below.
MAX_TOKEN = 400_000


class UploadForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a CSV or XLSX file."))])


class ConfirmForm(FlaskForm):
    rows = HiddenField()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _upload_page(workshop: Workshop, form: UploadForm, error: str = "", status: int = 200) -> tuple[str, int]:
    return render_template("facilitator/imports/upload.html", workshop=workshop, form=form, error=error,
                           max_rows=item_import.MAX_ROWS, columns=item_import.KNOWN,
                           not_stored=item_import.NOT_STORED), status


def _preview_page(workshop: Workshop, preview: item_import.Preview, error: str = "") -> tuple[str, int]:
    confirm = ConfirmForm()
    token = ""
    if preview.ok:
        token = _serializer().dumps({"workshop": workshop.id, "rows": item_import.rows_payload(preview.rows)})
        if len(token) > MAX_TOKEN:
            token = ""
            error = error or gettext("The file is too large to confirm in one go; split it into smaller files.")
    confirm.rows.data = token
    status = 200 if preview.ok and not error else 422
    return render_template("facilitator/imports/preview.html", workshop=workshop, preview=preview,
                           confirm=confirm, can_import=bool(token), error=error), status


@bp.route("/workshops/<int:workshop_id>/import-items", methods=["GET", "POST"])
@login_required
def import_items(workshop_id: int) -> Page:
    """GET: the upload form. POST: parse the file and preview every row; nothing is saved here."""
    workshop = _owned(workshop_id)
    form = UploadForm()
    if not form.is_submitted():
        return _upload_page(workshop, form)
    if not form.validate():
        return _upload_page(workshop, form, status=422 if "csrf_token" not in form.errors else 400)
    upload = form.file.data
    data = upload.read(current_app.config.get("MAX_CONTENT_LENGTH") or 8 * 1024 * 1024)
    try:
        preview = item_import.preview(workshop, upload.filename or "", data)
    except item_import.ImportRefused as refused:
        return _upload_page(workshop, form, str(refused), 422)
    return _preview_page(workshop, preview)


@bp.post("/workshops/<int:workshop_id>/import-items/confirm")
@login_required
def confirm_import(workshop_id: int) -> Page:
    """Save the previewed rows in one transaction, after checking the signature and re-validating."""
    workshop = _owned(workshop_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _upload_page(workshop, UploadForm(formdata=None),
                            gettext("The form expired; upload the file again."), 400)
    try:
        payload = _serializer().loads(form.rows.data or "", max_age=MAX_AGE)
        if not isinstance(payload, dict) or payload.get("workshop") != workshop.id:
            raise BadSignature("another workshop")
        rows = item_import.rows_from_payload(payload.get("rows"))
    except (BadSignature, item_import.ImportRefused):
        return _upload_page(workshop, UploadForm(formdata=None),
                            gettext("The import could not be confirmed (it expired or was changed); "
                                    "upload the file again."),
                            400)
    try:
        with transaction():
            items = item_import.import_rows(workshop, rows)
    except Problem as problem:
        if problem.status != 422:
            raise
        preview = item_import.Preview(item_import.validate(workshop, rows), [], [])
        return _preview_page(workshop, preview,
                             gettext("The workshop changed since the preview; nothing was imported."))
    flash(gettext("Imported %(n)s item(s).", n=len(items)), "success")
    return redirect(url_for(".edit", workshop_id=workshop.id, _anchor="items"))
