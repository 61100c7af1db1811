"""Cases: start, list with filters, show with tasks and history, suspend/resume/terminate/retry."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request

from engine.authz import visible_instance
from engine.errors import BadRequest
from engine.runtime import instances as runtime
from engine.runtime.queries import Page, instance_detail, list_instances
from webui.api import api, authenticated, db, field, json_body, viewer_in


def int_arg(name: str, default: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"query parameter {name!r} must be a whole number", field=name) from None


def page_args() -> Page:
    return Page(limit=int_arg("limit", 100) or 100, offset=int_arg("offset", 0) or 0)


@api.post("/instances")
@authenticated
def instance_start() -> Any:
    body = json_body()
    ref = runtime.start_instance(
        db(), g.person_id, field(body, "definition"), field(body, "unit"),
        business_key=field(body, "business_key", required=False), data=body.get("data"),
        title=field(body, "title", required=False), plan_id=field(body, "plan", int, required=False),
        version=field(body, "version", int, required=False))
    return instance_show(ref.id, 201)


@api.get("/instances")
@authenticated
def instance_index() -> Any:
    with db().transaction() as session:
        return jsonify(list_instances(
            session, viewer_in(session), status=request.args.get("status") or None,
            unit=request.args.get("unit") or None, definition=request.args.get("definition") or None,
            plan=int_arg("plan"), page=page_args()))


@api.get("/instances/<int:instance_id>")
@authenticated
def instance_show(instance_id: int, status: int = 200) -> Any:
    with db().transaction() as session:
        instance = visible_instance(session, viewer_in(session), instance_id)
        return jsonify(instance_detail(session, instance)), status


def _reason() -> str | None:
    return field(json_body(required=False), "reason", required=False)


@api.post("/instances/<int:instance_id>/suspend")
@authenticated
def instance_suspend(instance_id: int) -> Any:
    runtime.suspend(db(), g.person_id, instance_id, _reason())
    return instance_show(instance_id)


@api.post("/instances/<int:instance_id>/resume")
@authenticated
def instance_resume(instance_id: int) -> Any:
    runtime.resume(db(), g.person_id, instance_id)
    return instance_show(instance_id)


@api.post("/instances/<int:instance_id>/terminate")
@authenticated
def instance_terminate(instance_id: int) -> Any:
    runtime.terminate(db(), g.person_id, instance_id, _reason())
    return instance_show(instance_id)


@api.post("/instances/<int:instance_id>/retry")
@authenticated
def instance_retry(instance_id: int) -> Any:
    runtime.retry(db(), g.person_id, instance_id, json_body(required=False).get("data"))
    return instance_show(instance_id)
