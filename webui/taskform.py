"""The task page: instructions, the form drawn from the task's JSON Schema, save draft, complete.

Drafts live in the signed session cookie (one per task, the few most recent), so they need no
table; a draft too large for a cookie is refused with a message rather than silently dropped.
"Hand back with a reason" is `webui.handback` (its form is drawn on this page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine import clock
from engine.authz import Viewer, is_candidate, visible_task
from engine.errors import EngineError, InvalidInput
from engine.models import HumanTask
from engine.runtime import tasks as runtime
from engine.runtime.handback import delegated_by
from engine.runtime.prefill import task_prefill
from webui.auth import db, login_required, viewer_transaction
from webui.errors import error_text
from webui.form_errors import FORM_LEVEL, explain
from webui.formschema import (
    FormField,
    FormValues,
    add_row,
    fields_of,
    parse,
    remove_row,
    values_from_data,
    values_from_request,
)
from webui.uploads import attachment_names, has_attachments, take_uploads
from webui.views.cases import person_name
from webui.views.inbox import urgency_of
from webui.views.task_specs import task_instructions_for

bp = Blueprint("taskform", __name__)
DRAFTS_KEY = "drafts"
MAX_DRAFTS = 5
MAX_COOKIE_BYTES = 3800


@dataclass
class TaskView:
    task: HumanTask
    case_title: str
    unit_name: str | None
    assignee_name: str | None
    completed_by_name: str | None
    instructions: str | None
    schema: dict[str, Any] | None
    schema_problem: str | None
    fields: list[FormField]
    can_work: bool
    can_claim: bool
    can_unclaim: bool
    urgency: str | None
    can_hand_back: bool = False
    hand_back_to: str | None = None  # who delegated the task to its holder (None: the role's candidates)


def task_view(s: Session, viewer: Viewer, task: HumanTask) -> TaskView:
    ready = task.status == "ready"
    schema, problem = None, None
    if ready:
        try:
            schema = runtime.task_form_schema(s, task)
        except EngineError:
            problem = _("The form of this task is not deployed; ask the process designer.")
    mine = task.assignee_id == viewer.id
    candidate = is_candidate(viewer, task)
    delegator = delegated_by(s, task) if ready and mine else None
    return TaskView(
        task=task, case_title=task.instance.title, unit_name=task.unit.name if task.unit else None,
        assignee_name=person_name(s, task.assignee_id), completed_by_name=person_name(s, task.completed_by_id),
        instructions=task_instructions_for(s, task), schema=schema, schema_problem=problem,
        fields=fields_of(schema),
        can_work=ready and problem is None and (mine or (task.assignee_id is None and candidate)),
        can_claim=ready and task.assignee_id is None and candidate and not task.assignee_fixed,
        can_unclaim=ready and mine and not task.assignee_fixed,
        urgency=urgency_of(task.due_at, task.status, clock.now()),
        can_hand_back=ready and mine and not task.assignee_fixed,
        hand_back_to=delegator.full_name if delegator else None,
    )


def _draft(task_id: int) -> FormValues | None:
    stored = (session.get(DRAFTS_KEY) or {}).get(str(task_id))
    if not isinstance(stored, dict):
        return None
    return FormValues(values=dict(stored.get("values") or {}), rows=dict(stored.get("rows") or {}))


def _cookie_size() -> int:
    serializer = current_app.session_interface.get_signing_serializer(current_app)  # type: ignore[attr-defined]
    return len(serializer.dumps(dict(session))) if serializer else 0


def _store_draft(task_id: int, values: FormValues) -> bool:
    drafts = dict(session.get(DRAFTS_KEY) or {})
    previous = dict(drafts)
    drafts.pop(str(task_id), None)
    drafts[str(task_id)] = {"values": values.values, "rows": values.rows}
    while len(drafts) > MAX_DRAFTS:
        drafts.pop(next(iter(drafts)))
    session[DRAFTS_KEY] = drafts
    if _cookie_size() > MAX_COOKIE_BYTES:
        session[DRAFTS_KEY] = previous
        return False
    return True


def _drop_draft(task_id: int) -> None:
    drafts = dict(session.get(DRAFTS_KEY) or {})
    if drafts.pop(str(task_id), None) is not None:
        session[DRAFTS_KEY] = drafts


def render_task(view: TaskView, values: FormValues, errors: dict[str, list[str]] | None = None,
                status: int = 200, problem: str | None = None, **extra: Any) -> Any:
    errors = errors or {}
    page_problem = problem or ("; ".join(errors.get(FORM_LEVEL, [])) or None)
    if errors and not page_problem:
        page_problem = _("Some fields need attention: see the messages next to them.")
    attached = attachment_names(view.task.instance_id) if has_attachments(view.fields) else {}
    return render_template("taskform/page.html", view=view, values=values, errors=errors, attached=attached,
                           problem=page_problem, has_draft=_draft(view.task.id) is not None, **extra), status


def initial_values(view: TaskView) -> FormValues:
    return _draft(view.task.id) or FormValues(rows={f.name: 1 for f in view.fields if f.kind == "table"})


@bp.get("/tasks/<int:task_id>")
@login_required
def show(task_id: int) -> Any:
    with viewer_transaction() as (s, viewer):
        view = task_view(s, viewer, visible_task(s, viewer, task_id))
        return render_task(view, _draft(task_id) or _prefilled(s, view))


def _prefilled(s: Session, view: TaskView) -> FormValues:
    """The form as the process pre-fills it (engine.runtime.prefill), one empty row per other table."""
    values = values_from_data(view.fields, task_prefill(s, view.task, view.schema)) if view.can_work else FormValues()
    for f in view.fields:
        if f.kind == "table":
            values.rows.setdefault(f.name, 1)
    return values


def _table(view: TaskView, name: str) -> FormField | None:
    return next((f for f in view.fields if f.kind == "table" and f.name == name), None)


@bp.post("/tasks/<int:task_id>")
@login_required
def submit(task_id: int) -> Any:
    action = request.form.get("action", "complete")
    with viewer_transaction() as (s, viewer):
        view = task_view(s, viewer, visible_task(s, viewer, task_id))
    if not view.can_work:
        return render_task(view, FormValues(), status=403 if view.task.status == "ready" else 409,
                           problem=_("You cannot work on this task now."))
    values = values_from_request(view.fields, request.form)
    if action.startswith(("add_row:", "remove_row:")):
        kind, _sep, rest = action.partition(":")
        name, _sep, index = rest.partition(":")
        table = _table(view, name)
        if table is not None and table.attrs.get("fixed_rows"):
            table = None  # the process gave these rows: none is added or removed
        if table is not None and kind == "add_row":
            add_row(values, name)
        elif table is not None and index.isdigit():
            remove_row(values, table, int(index))
        return render_task(view, values)
    upload_errors = take_uploads(view.task, view.fields, values)
    if upload_errors:
        return render_task(view, values, upload_errors, status=422)
    if action == "save":
        if not _store_draft(task_id, values):
            return render_task(view, values, status=413, problem=_(
                "This draft is too long to keep between visits; complete the task or shorten the text."))
        flash(_("Draft saved. It is kept in this browser session until you complete the task."), "success")
        return redirect(url_for("taskform.show", task_id=task_id))
    return _complete(view, values)


def _complete(view: TaskView, values: FormValues) -> Any:
    parsed = parse(view.fields, values)
    if parsed.errors:
        return render_task(view, values, parsed.errors, status=422)
    try:
        runtime.complete(db(), g.person_id, view.task.id, parsed.data)
    except InvalidInput as exc:
        errors = explain(view.schema, parsed.data, parsed.row_index) if view.schema else {}
        return render_task(view, values, errors or {FORM_LEVEL: [error_text(exc)]}, status=422)
    except EngineError as exc:
        if exc.status == 404:
            raise
        return render_task(view, values, status=exc.status, problem=error_text(exc))
    _drop_draft(view.task.id)
    flash(_("Task “%(title)s” completed.", title=view.task.title), "success")
    return redirect(url_for("cases.show", instance_id=view.task.instance_id))
