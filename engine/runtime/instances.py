"""Case lifecycle: start, suspend, resume, terminate, retry after an incident (timers: `engine.runtime.timers`)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any, cast

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Table, bindparam, exists, select, true

from engine import clock
from engine.authz import require_manage, visible_instance
from engine.db import Database
from engine.definitions.repository import load_specs
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import LIVE_STATUSES, Instance, Person, Plan, ProcessDefinition, RoleMembership, Unit
from engine.runtime import incidents
from engine.runtime.context import ActionContext, OpenedTask, instance_action, transaction_scope
from engine.runtime.records import InstanceRecord
from engine.runtime.timers import due_instance_ids, fire_timers, tick  # noqa: F401  (callers of this module)
from engine.serialization import SPEC_CACHE, new_workflow

MAX_INITIAL_DATA_BYTES = 256 * 1024


@dataclass(frozen=True)
class CaseRef:
    id: int
    status: str
    opened: tuple[OpenedTask, ...] = dataclasses.field(default=(), compare=False)  # task rows the start opened


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


_DEFINITION = cast(Table, ProcessDefinition.__table__)
_UNIT = cast(Table, Unit.__table__)
_MEMBERSHIP = cast(Table, RoleMembership.__table__)
_PERSON = cast(Table, Person.__table__)
_DEFINITION_FIELDS = (_DEFINITION.c.id, _DEFINITION.c.kind, _DEFINITION.c.key, _DEFINITION.c.version,
                      _DEFINITION.c.name)
_LATEST_DEFINITION = select(*_DEFINITION_FIELDS).where(_DEFINITION.c.key == bindparam("key")) \
    .order_by(_DEFINITION.c.version.desc()).limit(1)
_DEFINITION_VERSION = select(*_DEFINITION_FIELDS).where(
    _DEFINITION.c.key == bindparam("key"), _DEFINITION.c.version == bindparam("version"))


def _unit_for_starter() -> Any:
    """The unit by code, whether the actor exists, and whether the unit is in the actor's scope
    (the actor holds a role in it or in a unit above it), in one statement."""
    above = select(_UNIT.c.id, _UNIT.c.parent_id).where(_UNIT.c.code == bindparam("code")) \
        .cte("above", recursive=True)
    above = above.union(select(_UNIT.c.id, _UNIT.c.parent_id).join(above, _UNIT.c.id == above.c.parent_id))
    in_scope = exists().where(_MEMBERSHIP.c.person_id == bindparam("actor_id"),
                              _MEMBERSHIP.c.unit_id.in_(select(above.c.id)))
    actor_exists = exists().where(_PERSON.c.id == bindparam("actor_id"))
    return select(_UNIT.c.id, _UNIT.c.code, _UNIT.c.name, actor_exists.label("actor_exists"),
                  in_scope.label("in_scope")).where(_UNIT.c.code == bindparam("code"))


def _case_lookup(definition: Any) -> Any:
    """Definition and unit of a new case in one round trip (the unit's columns are NULL if unknown)."""
    d, u = definition.subquery("d"), _unit_for_starter().subquery("u")
    return select(*d.c, u.c.id.label("unit_id"), u.c.code.label("unit_code"), u.c.name.label("unit_name"),
                  u.c.actor_exists, u.c.in_scope).select_from(d.outerjoin(u, true()))


_LOOKUPS = {False: _case_lookup(_LATEST_DEFINITION), True: _case_lookup(_DEFINITION_VERSION)}


def start_instance(db: Database, actor_id: int | None, definition_key: str, unit_code: str, *,
                   business_key: str | None = None, data: Any = None, title: str | None = None,
                   plan_id: int | None = None, version: int | None = None) -> CaseRef:
    """Start a case of `definition_key` for the unit; `actor_id=None` means the system itself."""
    variables = check_variables(data)
    with clock.frozen_at() as now, transaction_scope(db) as scope:
        connection = scope.connection
        found = connection.execute(_LOOKUPS[version is not None], {
            "key": definition_key, "version": version, "code": unit_code, "actor_id": actor_id or 0}).first()
        if found is None:
            raise NotFound(f"no deployed definition {definition_key!r}" + (f" version {version}" if version else ""))
        definition = found
        if definition.kind != "bpmn":
            raise InvalidInput(f"{definition_key} is a decision table, not a process", field="definition")
        if found.unit_id is None:
            raise NotFound(f"unknown unit {unit_code!r}", field="unit")
        if actor_id is not None and not found.actor_exists:
            actor_id = None  # as before: an unknown person starts nothing in their own name
        if actor_id is not None and not found.in_scope:
            raise Forbidden("you may only start cases for your own units")
        if plan_id is not None and connection.scalar(select(Plan.id).where(Plan.id == plan_id)) is None:
            raise NotFound(f"no plan {plan_id}", field="plan")  # its milestones are the case's deadlines
        if business_key:
            duplicate = connection.scalar(select(Instance.id).where(
                Instance.definition_key == definition.key, Instance.business_key == business_key,
                Instance.status.in_(LIVE_STATUSES)))
            if duplicate is not None:
                raise Conflict(f"case {duplicate} with business key {business_key!r} is already running",
                               field="business_key")
        spec, subprocess_specs = SPEC_CACHE.bundle(definition.id) or load_specs(
            scope.session, scope.session.get_one(ProcessDefinition, definition.id))
        workflow = new_workflow(spec, subprocess_specs)
        workflow.task_tree.data.update(variables)
        workflow.task_tree.data.update(case_unit=found.unit_code, business_key=business_key)
        record = InstanceRecord(
            id=0, definition_id=definition.id, definition_key=definition.key, unit_id=found.unit_id,
            business_key=business_key, status="running", state="{}", lock_version=1, next_fire_at=None,
            last_progress_at=now, ended_at=None, incident_task=None, incident_line=None, incident_message=None,
            incident_at=None)
        ctx = ActionContext(scope, record, now, actor_id, new_instance={
            "definition_id": definition.id, "definition_key": definition.key, "unit_id": found.unit_id,
            "business_key": business_key, "title": (title or f"{definition.name} — {found.unit_name}")[:500],
            "plan_id": plan_id, "started_at": now, "started_by_id": actor_id})
        ctx.workflow = workflow
        ctx.audit("case.started", definition=definition.key, version=definition.version, unit=found.unit_code)
        ctx.advance(workflow.do_engine_steps)
        ctx.save()
    ctx.keep_workflow(db)
    return CaseRef(record.id, record.status, tuple(ctx.opened))


def _managed(ctx: ActionContext) -> None:
    if ctx.actor_id is not None:
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

