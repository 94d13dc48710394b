"""The facilitator's templates: the built-in library and her own ones (clone, edit, delete, download, use).

Her own templates are edited in two places: title, description and method note on the template's page, and
the groups, items and activities in the ordinary workshop editor, on a draft workshop made from the template
("Edit contents"); the editor then offers "Save back to template". Every write goes through
`app.services.templates`, which validates a definition exactly as `POST /api/v1/workshops` does.
"""

from __future__ import annotations

import json
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.facilitator import bp
from app.facilitator.forms import ActionForm, attach_errors, strip
from app.facilitator.routes import _me
from app.models import Workshop, WorkshopTemplate
from app.services import templates, workshops
from app.services.database import transaction
from app.services.errors import Problem

Page = str | tuple[str, int] | Response
NEW = "new"


class TemplateDetailsForm(FlaskForm):
    title = StringField(_l("Template title"), [DataRequired(), Length(max=templates.TITLE_LENGTH)], filters=[strip])
    description = TextAreaField(_l("Description"), [Optional(), Length(max=templates.DESCRIPTION_LENGTH)],
                                filters=[strip], description=_l("Shown when you choose a template."))
    method_note = TextAreaField(_l("Method note"), [Optional(), Length(max=templates.METHOD_NOTE_LENGTH)],
                                filters=[strip],
                                description=_l("How the votes are read; workshops made from it print it with "
                                               "the results."))


class SaveAsTemplateForm(FlaskForm):
    target = RadioField(_l("Save as"), [InputRequired(message=_l("Choose where to save."))], default=NEW)
    title = StringField(_l("Template title"), [Optional(), Length(max=templates.TITLE_LENGTH)], filters=[strip],
                        description=_l("For a new template; the workshop's title when left empty."))
    description = TextAreaField(_l("Description"), [Optional(), Length(max=templates.DESCRIPTION_LENGTH)],
                                filters=[strip])

    def set_choices(self, own: list[WorkshopTemplate]) -> None:
        self.target.choices = [SelectChoice(NEW, _("A new template"))] + [
            SelectChoice(t.key, _("Replace the contents of “%(title)s”", title=t.title)) for t in own]


def _run(form: FlaskForm, action: Any) -> tuple[Any, int | None]:
    """A write in a transaction; a 409/422 puts its errors on the form and returns the status to answer."""
    try:
        with transaction():
            return action(), None
    except Problem as problem:
        if problem.status not in (409, 422):
            raise
        attach_errors(form, problem)
        return None, problem.status


# --- the library -----------------------------------------------------------------------------------------

@bp.get("/templates")
@login_required
def template_library() -> str:
    return render_template("facilitator/library/index.html", rows=templates.summaries(_me()),
                           action_form=ActionForm())


@bp.post("/templates/<key>/clone")
@login_required
def template_clone(key: str) -> Page:
    ActionForm().validate_on_submit()  # CSRFProtect has already checked the token
    with transaction():
        created = templates.clone(_me(), key)
    flash(_("Template “%(title)s” created: rename it and edit its contents.", title=created.title), "success")
    return redirect(url_for(".template_edit", key=created.key))


def _details_page(template: WorkshopTemplate, form: TemplateDetailsForm, status: int = 200) -> tuple[str, int]:
    definition = template.definition or {}
    return render_template("facilitator/library/edit.html", template=template, form=form, definition=definition,
                           source=templates.source_label(_me(), template), action_form=ActionForm()), status


@bp.route("/templates/<key>/edit", methods=["GET", "POST"])
@login_required
def template_edit(key: str) -> Page:
    template = templates.get_own(_me(), key)
    if request.method == "GET":
        form = TemplateDetailsForm(data={"title": template.title, "description": template.description,
                                         "method_note": (template.definition or {}).get("method_note", "")})
        return _details_page(template, form)
    form = TemplateDetailsForm()
    if not form.validate():
        return _details_page(template, form, 422)
    _updated, status = _run(form, lambda: templates.update_details(_me(), key, {
        "title": form.title.data, "description": form.description.data or "",
        "method_note": form.method_note.data or ""}))
    if status is not None:
        return _details_page(template, form, status)
    flash(_("Template “%(title)s” saved.", title=template.title), "success")
    return redirect(url_for(".template_edit", key=key))


@bp.post("/templates/<key>/draft")
@login_required
def template_draft(key: str) -> Response:
    """Edit the contents in the workshop editor: a draft workshop made from the template."""
    ActionForm().validate_on_submit()
    with transaction():
        draft = templates.draft_workshop(_me(), key)
    flash(_("This draft workshop holds the template's contents. Edit groups, items and activities, then use "
            "“Save back to template”."), "info")
    return redirect(url_for(".edit", workshop_id=draft.id))


@bp.route("/templates/<key>/delete", methods=["GET", "POST"])
@login_required
def template_delete(key: str) -> Page:
    """GET asks for confirmation (works without JavaScript); POST deletes."""
    template = templates.get_own(_me(), key)
    if request.method == "GET":
        return render_template("facilitator/library/delete.html", template=template, action_form=ActionForm())
    ActionForm().validate_on_submit()
    title = template.title
    with transaction():
        templates.delete(_me(), key)
    flash(_("Template “%(title)s” deleted.", title=title), "success")
    return redirect(url_for(".template_library"))


@bp.get("/templates/<key>.json")
@login_required
def template_download(key: str) -> Response:
    """The definition, ready for `POST /api/v1/workshops` or for another Prioritas."""
    definition = templates.export_definition(_me(), key)
    content = json.dumps(definition, ensure_ascii=False, indent=2)
    return Response(content, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="template-{key}.json"'})


# --- a workshop saved as a template ----------------------------------------------------------------------

def _save_page(workshop: Workshop, form: SaveAsTemplateForm, status: int = 200) -> tuple[str, int]:
    return render_template("facilitator/library/save.html", workshop=workshop, form=form,
                           source=templates.own_template_of(_me(), workshop)), status


@bp.route("/workshops/<int:workshop_id>/save-as-template", methods=["GET", "POST"])
@login_required
def save_as_template(workshop_id: int) -> Page:
    """A new own template from the workshop as it is now, or new contents for one she picks."""
    me = _me()
    workshop = workshops.get_owned(workshop_id, me)
    own = templates.own_templates(me)
    if request.method == "GET":
        source = templates.own_template_of(me, workshop)
        target = request.args.get("target") or (source.key if source else NEW)
        form = SaveAsTemplateForm(data={"target": target, "title": workshop.title})
        form.set_choices(own)
        return _save_page(workshop, form)
    form = SaveAsTemplateForm()
    form.set_choices(own)
    if not form.validate():
        return _save_page(workshop, form, 422)
    if form.target.data == NEW:
        saved, status = _run(form, lambda: templates.save_workshop(me, workshop, form.title.data,
                                                                   form.description.data or ""))
    else:
        saved, status = _run(form, lambda: templates.update_from_workshop(me, form.target.data, workshop))
    if status is not None:
        return _save_page(workshop, form, status)
    flash(_("Template “%(title)s” saved from this workshop.", title=saved.title), "success")
    return redirect(url_for(".template_edit", key=saved.key))
