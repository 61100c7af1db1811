"""The form editor: a form's JSON Schema with a live preview drawn by the officers' task-page renderer
(`webui.formschema` and the `taskform/_fields.html` macros), every problem of the schema listed with its
JSON path (metaschema, our conventions, fields the task page cannot draw), and saving as a new version
(identical content keeps its version), audited."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.authz import Viewer
from engine.errors import InvalidInput
from engine.form_check import SchemaProblem, schema_problems
from engine.forms import MAX_FORM_BYTES, deploy_form, latest_form
from engine.models import FormDefinition
from engine.runtime.context import audit
from webui.formschema import FormField, fields_of, values_from_data
from webui.studio import bp, designer_view

KEY = re.compile(r"^[a-z][a-z0-9_]{0,127}$")
NEW_FORM = {"type": "object", "title": "", "required": [], "properties": {
    "ho_ten": {"type": "string", "title": "Họ và tên", "maxLength": 200}}}


def renderer_problems(fields: list[FormField], prefix: str = "properties") -> list[SchemaProblem]:
    """Fields the task page would show as "cannot be filled in here"."""
    problems = []
    for f in fields:
        if f.kind in ("unsupported", "file"):
            problems.append(SchemaProblem(f"{prefix}/{f.name}", _(
                "the task page cannot show this field (supported: text, number, integer, boolean, date, "
                "choice lists, attachments and tables of rows)")))
        problems.extend(renderer_problems(f.columns, f"{prefix}/{f.name}/items/properties"))
    return problems


def check(text: str) -> tuple[dict[str, Any] | None, list[SchemaProblem], list[FormField]]:
    schema, problems = schema_problems(text)
    fields: list[FormField] = []
    if schema is not None and not problems:
        fields = fields_of(schema)
        problems = renderer_problems(fields)
    return schema, problems, fields


def _key(key: str) -> str:
    if not KEY.match(key):
        abort(404)
    return key


@bp.get("/forms")
@designer_view
def forms(s: Session, viewer: Viewer) -> Any:
    rows = s.execute(select(FormDefinition.key, func.max(FormDefinition.version), func.count(FormDefinition.id))
                     .group_by(FormDefinition.key).order_by(FormDefinition.key)).all()
    titles = {f.key: f.title for f in (latest_form(s, key) for key, _v, _c in rows) if f}
    return render_template("studio/forms.html", rows=rows, titles=titles)


@bp.get("/forms/new")
@designer_view
def new_form(s: Session, viewer: Viewer) -> Any:
    key = request.args.get("key", "").strip()
    if not KEY.match(key):
        return render_template("error.html", status=400, title=_("Request refused"), message=_(
            "A form key is lower-case letters, digits and underscores, starting with a letter (e.g. "
            "dang_ky_danh_hieu).")), 400
    return redirect(url_for("studio.form", key=key))


def _editor(s: Session, key: str, text: str, status: int = 200, saved: int | None = None) -> Any:
    versions = list(s.scalars(select(FormDefinition).where(FormDefinition.key == key)
                              .order_by(FormDefinition.version.desc())))
    schema, problems, fields = check(text)
    return render_template("studio/form.html", key=key, text=text, versions=versions, schema=schema,
                           problems=problems, fields=fields, values=values_from_data(fields, None), errors={},
                           attached={}, saved=saved), status


@bp.get("/forms/<key>")
@designer_view
def form(s: Session, viewer: Viewer, key: str) -> Any:
    latest = latest_form(s, _key(key))
    text = latest.source_text if latest else json.dumps(NEW_FORM, ensure_ascii=False, indent=2)
    saved = request.args.get("saved", type=int)
    return _editor(s, key, text, saved=saved)


def _posted_text() -> str:
    text = request.form.get("schema", "")
    if len(text.encode("utf-8")) > MAX_FORM_BYTES:
        raise InvalidInput(f"schema: the form is larger than {MAX_FORM_BYTES} bytes", field="schema")
    return text


@bp.post("/forms/<key>/preview")
@designer_view
def form_preview(s: Session, viewer: Viewer, key: str) -> Any:
    _key(key)
    try:
        text = _posted_text()
    except InvalidInput as exc:
        return render_template("studio/_form_preview.html", schema=None, fields=[], values=None, errors={},
                               attached={}, problems=[SchemaProblem("(text)", exc.message)]), 413
    schema, problems, fields = check(text)
    return render_template("studio/_form_preview.html", schema=schema, problems=problems, fields=fields,
                           values=values_from_data(fields, None), errors={}, attached={})


@bp.post("/forms/<key>")
@designer_view
def save_form(s: Session, viewer: Viewer, key: str) -> Any:
    _key(key)
    try:
        text = _posted_text()
    except InvalidInput as exc:
        return render_template("error.html", status=413, title=_("Request refused"), message=exc.message), 413
    _schema, problems, _fields = check(text)
    if problems:
        return _editor(s, key, text, status=422)
    form_row, created = deploy_form(s, key, text)
    if created:
        audit(s, "form.deployed", actor=viewer.person, key=key, version=form_row.version, title=form_row.title)
    return redirect(url_for("studio.form", key=key, saved=form_row.version))
