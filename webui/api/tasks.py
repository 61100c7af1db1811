"""Tasks: list (mine / candidate / unit), show with form schema, claim, unclaim, delegate, complete."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request

from engine.authz import visible_task
from engine.definitions.conventions import task_instructions
from engine.runtime import tasks as runtime
from engine.runtime.prefill import task_prefill
from engine.runtime.queries import list_tasks, task_summary
from webui.api import api, authenticated, db, field, json_body, viewer_in
from webui.api.instances import page_args


@api.get("/tasks")
@authenticated
def task_index() -> Any:
    with db().transaction() as session:
        status = request.args.get("status", "ready")
        return jsonify(list_tasks(session, viewer_in(session), scope=request.args.get("scope", "mine"),
                                  status=None if status == "all" else status, page=page_args()))


@api.get("/tasks/<int:task_id>")
@authenticated
def task_show(task_id: int, status: int = 200) -> Any:
    with db().transaction() as session:
        task = visible_task(session, viewer_in(session), task_id)
        body = task_summary(task)
        body["form"] = runtime.task_form_schema(session, task) if task.status == "ready" else None
        body["prefill"] = task_prefill(session, task, body["form"])
        body["assignee_fixed"] = task.assignee_fixed
        body["instance_title"] = task.instance.title
        body["instructions"] = _instructions(session, task)
        return jsonify(body), status


def _instructions(session: Any, task: Any) -> str | None:
    from engine.definitions.repository import load_specs

    specs = load_specs(session, task.instance.definition)
    for spec in (specs[0], *specs[1].values()):
        if task.name in spec.task_specs:
            return task_instructions(spec.task_specs[task.name])
    return None


@api.post("/tasks/<int:task_id>/claim")
@authenticated
def task_claim(task_id: int) -> Any:
    runtime.claim(db(), g.person_id, task_id)
    return task_show(task_id)


@api.post("/tasks/<int:task_id>/unclaim")
@authenticated
def task_unclaim(task_id: int) -> Any:
    runtime.unclaim(db(), g.person_id, task_id)
    return task_show(task_id)


@api.post("/tasks/<int:task_id>/delegate")
@authenticated
def task_delegate(task_id: int) -> Any:
    runtime.delegate(db(), g.person_id, task_id, field(json_body(), "username"))
    return task_show(task_id)


@api.post("/tasks/<int:task_id>/reassign")
@authenticated
def task_reassign(task_id: int) -> Any:
    runtime.delegate(db(), g.person_id, task_id, field(json_body(), "username"), as_manager=True)
    return task_show(task_id)


@api.post("/tasks/<int:task_id>/complete")
@authenticated
def task_complete(task_id: int) -> Any:
    body = json_body()
    data = body.get("data", {})
    runtime.complete(db(), g.person_id, task_id, data)
    return task_show(task_id)
