"""The case page: header, the BPMN diagram (laid out in the browser when the file has no diagram
interchange), the list of steps, the timeline of who did what, and the actions the viewer may take."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from engine.attachments import attachment_path, case_attachment, case_attachments
from engine.authz import is_candidate, visible_instance
from engine.definitions.problems import DefinitionError
from engine.errors import EngineError
from engine.models import LIVE_STATUSES, Plan
from engine.runtime import instances as lifecycle
from webui.auth import db, login_required, viewer_transaction
from webui.errors import error_text
from webui.formschema import DEFAULT_ACCEPT, DEFAULT_MAX_BYTES
from webui.uploads import attachments_dir
from webui.views.cases import open_tasks, person_name, timeline
from webui.views.diagram import case_progress, has_diagram, parse_source, steps_in_flow_order

bp = Blueprint("cases", __name__)
MAX_REASON = 500


@bp.get("/cases/<int:instance_id>")
@login_required
def show(instance_id: int) -> Any:
    with viewer_transaction() as (s, viewer):
        instance = visible_instance(s, viewer, instance_id)
        definition = instance.definition
        progress = case_progress(s, instance)
        try:
            root = parse_source(definition.source, definition.source_name)
        except DefinitionError:
            root = None
        steps = steps_in_flow_order(root, definition.key, progress, instance.status == "completed") \
            if root is not None else []
        markers = {"done": [st.element_id for st in steps if st.state == "done"],
                   "current": progress.current, "incident": progress.incident}
        tasks = open_tasks(s, instance)
        manager = instance.unit_id in viewer.manage_unit_ids
        context = {
            "instance": instance, "definition": definition, "unit": instance.unit,
            "plan": s.get(Plan, instance.plan_id) if instance.plan_id else None,
            "started_by": person_name(s, instance.started_by_id), "steps": steps,
            "show_diagram": root is not None, "has_drawing": root is not None and has_diagram(root),
            "markers": json.dumps(markers),
            "tasks": tasks, "claimable": {t.task.id for t in tasks if t.task.assignee_id is None
                                          and is_candidate(viewer, t.task)},
            "workable": {t.task.id for t in tasks if t.task.assignee_id == viewer.id or
                         (t.task.assignee_id is None and is_candidate(viewer, t.task))},
            "events": timeline(s, instance.id), "can_manage": manager,
            "attachments": case_attachments(s, instance.id),
            "can_suspend": manager and instance.status in ("running", "incident"),
            "can_resume": manager and instance.status == "suspended",
            "can_terminate": manager and instance.status in LIVE_STATUSES,
            "can_retry": manager and instance.status == "incident",
            "can_add_document": instance.status in LIVE_STATUSES,
            "document_accept": DEFAULT_ACCEPT, "document_max_bytes": DEFAULT_MAX_BYTES,
        }
        return render_template("cases/show.html", **context)


@bp.get("/cases/<int:instance_id>/diagram.bpmn")
@login_required
def diagram_source(instance_id: int) -> Any:
    """The BPMN XML of the case's own definition version, for the diagram viewer."""
    with viewer_transaction() as (s, viewer):
        source = visible_instance(s, viewer, instance_id).definition.source
    # fetched by the viewer script only: never rendered as a document (an XML file could carry XHTML script)
    return Response(source, mimetype="application/xml", headers={
        "Cache-Control": "private, max-age=300",
        "Content-Disposition": f'attachment; filename="case-{instance_id}.bpmn"',
        "Content-Security-Policy": "default-src 'none'; sandbox"})


@bp.get("/cases/<int:instance_id>/attachments/<int:attachment_id>")
@login_required
def attachment(instance_id: int, attachment_id: int) -> Any:
    """A document of the case, for those who may see the case (404 for everyone else)."""
    with viewer_transaction() as (s, viewer):
        visible_instance(s, viewer, instance_id)
        found = case_attachment(s, instance_id, attachment_id)
    path = attachment_path(attachments_dir(), found) if found else None
    if found is None or path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=found.content_type, as_attachment=True, download_name=found.original_name,
                         conditional=False, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _reason() -> str | None:
    text = request.form.get("reason", "").strip()
    return text[:MAX_REASON] or None


ACTIONS = {
    "suspend": lambda actor, case_id: lifecycle.suspend(db(), actor, case_id, _reason()),
    "resume": lambda actor, case_id: lifecycle.resume(db(), actor, case_id),
    "terminate": lambda actor, case_id: lifecycle.terminate(db(), actor, case_id, _reason()),
    "retry": lambda actor, case_id: lifecycle.retry(db(), actor, case_id),
}


def _done_message(action: str) -> str:
    return {"suspend": _("The case is suspended."), "resume": _("The case is running again."),
            "terminate": _("The case is terminated."), "retry": _("The failed step was run again.")}[action]


@bp.post("/cases/<int:instance_id>/<any(suspend, resume, terminate, retry):action>")
@login_required
def act(instance_id: int, action: str) -> Any:
    with viewer_transaction() as (s, viewer):
        visible_instance(s, viewer, instance_id)  # others get 404, as for the page itself
    try:
        ACTIONS[action](g.person_id, instance_id)
    except EngineError as exc:
        if exc.status in (403, 404):
            raise
        flash(error_text(exc), "error")
    else:
        flash(_done_message(action), "success")
    return redirect(url_for("cases.show", instance_id=instance_id))
