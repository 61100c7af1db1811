"""Case lifecycle: start, suspend, resume, terminate, retry after an incident, fire due timers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from SpiffWorkflow.util.task import TaskState

from engine import clock
from engine.authz import load_viewer, require_can_start, require_manage, visible_instance
from engine.db import Database
from engine.definitions.repository import get_definition, load_specs
from engine.errors import Conflict, InvalidInput
from engine.models import LIVE_STATUSES, Instance, Person
from engine.org import unit_by_code
from engine.runtime import incidents
from engine.runtime.context import ActionContext, audit, instance_action
from engine.serialization import new_workflow

MAX_INITIAL_DATA_BYTES = 256 * 1024


@dataclass(frozen=True)
class CaseRef:
    id: int
    status: str


def check_variables(data: Any, field: str = "data") -> dict[str, Any]:
    """Variables handed to a workflow: a JSON object with identifier keys, of bounded size."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInput(f"{field} must be a JSON object", field=field)
    for key in data:
        if not isinstance(key, str) or not key.isidentifier() or key.startswith("_"):
            raise InvalidInput(f"invalid variable name {key!r}", field=f"{field}/{key}")
    try:
        size = len(json.dumps(data, ensure_ascii=False).encode())
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{field} is not plain JSON: {exc}", field=field) from None
    if size > MAX_INITIAL_DATA_BYTES:
        raise InvalidInput(f"{field} is larger than {MAX_INITIAL_DATA_BYTES} bytes", field=field)
    return data


def start_instance(db: Database, actor_id: int | None, definition_key: str, unit_code: str, *,
                   business_key: str | None = None, data: Any = None, title: str | None = None,
                   plan_id: int | None = None, version: int | None = None) -> CaseRef:
    """Start a case of `definition_key` for the unit; `actor_id=None` means the system itself."""
    variables = check_variables(data)
    with clock.frozen_at() as now, db.transaction() as session:
        definition = get_definition(session, definition_key, version)
        if definition.kind != "bpmn":
            raise InvalidInput(f"{definition_key} is a decision table, not a process", field="definition")
        unit = unit_by_code(session, unit_code)
        actor = session.get(Person, actor_id) if actor_id is not None else None
        if actor is not None:
            require_can_start(load_viewer(session, actor), unit.id)
        if business_key:
            duplicate = session.scalar(select(Instance.id).where(
                Instance.definition_key == definition.key, Instance.business_key == business_key,
                Instance.status.in_(LIVE_STATUSES)))
            if duplicate is not None:
                raise Conflict(f"case {duplicate} with business key {business_key!r} is already running",
                               field="business_key")
        spec, subprocess_specs = load_specs(session, definition)
        workflow = new_workflow(spec, subprocess_specs)
        workflow.task_tree.data.update(variables)
        workflow.task_tree.data.update(case_unit=unit.code, business_key=business_key)
        instance = Instance(
            definition_id=definition.id, definition_key=definition.key, unit_id=unit.id, unit=unit,
            business_key=business_key, title=(title or f"{definition.name} — {unit.name}")[:500],
            plan_id=plan_id, status="running", state="{}", last_progress_at=now, started_at=now,
            started_by_id=actor.id if actor else None,
        )
        instance.definition = definition
        session.add(instance)
        session.flush()
        ctx = ActionContext(session, instance, workflow, now, actor)
        ctx.audit("case.started", definition=definition.key, version=definition.version, unit=unit.code)
        ctx.advance(workflow.do_engine_steps)
        ctx.save()
        return CaseRef(instance.id, instance.status)


def _managed(ctx: ActionContext) -> None:
    if ctx.actor is not None:
        visible_instance(ctx.session, ctx.viewer, ctx.instance.id)
        require_manage(ctx.viewer, ctx.instance)


def suspend(db: Database, actor_id: int | None, instance_id: int, reason: str | None = None) -> CaseRef:
    def act(ctx: ActionContext) -> CaseRef:
        _managed(ctx)
        if ctx.instance.status not in ("running", "incident"):
            raise Conflict(f"a {ctx.instance.status} case cannot be suspended")
        ctx.instance.status = "suspended"
        ctx.audit("case.suspended", reason=reason)
        return CaseRef(ctx.instance.id, ctx.instance.status)
    return instance_action(db, instance_id, actor_id, act)


def resume(db: Database, actor_id: int | None, instance_id: int) -> CaseRef:
    def act(ctx: ActionContext) -> CaseRef:
        _managed(ctx)
        if ctx.instance.status != "suspended":
            raise Conflict(f"a {ctx.instance.status} case cannot be resumed")
        ctx.instance.status = "incident" if ctx.instance.incident_message else "running"
        ctx.audit("case.resumed")
        return CaseRef(ctx.instance.id, ctx.instance.status)
    return instance_action(db, instance_id, actor_id, act)


def terminate(db: Database, actor_id: int | None, instance_id: int, reason: str | None = None) -> CaseRef:
    def act(ctx: ActionContext) -> CaseRef:
        _managed(ctx)
        if ctx.instance.status not in LIVE_STATUSES:
            raise Conflict(f"a {ctx.instance.status} case cannot be terminated")
        ctx.workflow.cancel()
        ctx.instance.status = "terminated"
        ctx.instance.ended_at = ctx.now
        ctx.audit("case.terminated", reason=reason)
        return CaseRef(ctx.instance.id, ctx.instance.status)
    return instance_action(db, instance_id, actor_id, act)


def retry(db: Database, actor_id: int | None, instance_id: int, data: Any = None) -> CaseRef:
    """Run the failed steps again, optionally after correcting variables of the failed task."""
    fixes = check_variables(data)

    def act(ctx: ActionContext) -> CaseRef:
        _managed(ctx)
        if ctx.instance.status != "incident":
            raise Conflict(f"case {ctx.instance.id} has no incident to retry")
        failed = incidents.error_tasks(ctx)
        incidents.clear(ctx)
        ctx.instance.status = "running"
        ctx.audit("case.retried", tasks=[t.task_spec.bpmn_id for t in failed], fixed=sorted(fixes))

        def rerun() -> None:
            for task in failed:
                task.data.update(fixes)
                task._set_state(TaskState.READY)  # the library's own recovery path (notes §4)
                if task.task_spec.manual:
                    task.run()
            ctx.workflow.do_engine_steps()

        ctx.advance(rerun)
        return CaseRef(ctx.instance.id, ctx.instance.status)
    return instance_action(db, instance_id, actor_id, act)


def fire_timers(db: Database, instance_id: int) -> CaseRef:
    """Fire whatever timers of the instance are due now (system action)."""
    def act(ctx: ActionContext) -> CaseRef:
        if ctx.instance.status != "running":
            return CaseRef(ctx.instance.id, ctx.instance.status)
        before = ctx.instance.next_fire_at

        def step() -> None:
            ctx.workflow.refresh_timers()
            ctx.workflow.do_engine_steps()

        ctx.advance(step)
        ctx.audit("timers.fired", due=before.isoformat() if before else None)
        return CaseRef(ctx.instance.id, ctx.instance.status)
    return instance_action(db, instance_id, None, act)


def due_instance_ids(db: Database, limit: int = 500) -> list[int]:
    with db.transaction() as session:
        return list(session.scalars(select(Instance.id).where(
            Instance.status == "running", Instance.next_fire_at <= clock.now())
            .order_by(Instance.next_fire_at).limit(limit)))


def tick(db: Database, limit: int = 500) -> int:
    """Fire due timers of running cases; returns how many cases were advanced."""
    fired = 0
    for instance_id in due_instance_ids(db, limit):
        fire_timers(db, instance_id)
        fired += 1
    return fired


def record_system_event(db: Database, action: str, **details: Any) -> None:
    with db.transaction() as session:
        audit(session, action, **details)
