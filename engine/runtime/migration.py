"""Move live cases of one process version to a newer version of the same process.

For each case, in its own transaction (`instance_action`, serialized with every other action on it):
the library's spec diff (`SpiffWorkflow.bpmn.util.diff`) aligns the case's tasks with the new version's
steps by BPMN id, `migrate_workflow` points them at the new steps and resets the open ones (ready user
tasks, waiting events) so they are predicted again along the new flow. A case is refused, with the
reason, when the engine cannot map it:
- it is not running or suspended (an incident must be resolved first; an ended case stays as it ended);
- one of its open steps does not exist in the new version (a ready task whose step was removed);
- it went through a step the new version removed (its history could not be stored against the new
  version), or it is inside a subprocess the new version does not have;
- the migrated state does not survive a save-and-load round trip.
Timers waiting on a step whose timer definition did not change keep their instant (a duration keeps
counting from when it started); a changed timer is computed again from now. Open task rows get the new
version's title, role, unit, form and due date; `next_fire_at` and new tasks follow from the usual
projection. Each moved case gets one `case.migrated` audit event.

`check_migration` is the dry run: the same work on a copy, nothing stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update

from engine.assignment import has_candidates
from engine.db import Database
from engine.definitions.repository import load_specs
from engine.errors import EngineError, InvalidInput, NotFound
from engine.models import ProcessDefinition, Unit
from engine.runtime.context import ActionContext, acting, instance_action
from engine.runtime.projection import _new_row
from engine.runtime.records import HUMAN_TASK as _TASK
from engine.runtime.records import INSTANCE
from engine.runtime.writes import NO_CANDIDATES_PROBLEM
from engine.serialization import _full_serializer, dump_workflow, load_workflow

MIGRATABLE_STATUSES = ("running", "suspended")
_LIVE_MASK = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
_ROW_FIELDS = ("name", "title", "role_code", "unit_id", "form_key", "due_at", "remind_at", "is_orphan",
               "assignment_problem")


@dataclass
class CaseMigration:
    """What migrating one case does (or would do): `refusals` empty means it can move."""

    instance_id: int
    from_version: int | None = None
    to_version: int | None = None
    refusals: list[str] = field(default_factory=list)
    open_steps: list[str] = field(default_factory=list)  # ids of the steps the case waits at (kept)
    changed_steps: list[str] = field(default_factory=list)  # of those, the ones the new version changed
    moved: bool = False

    @property
    def movable(self) -> bool:
        return not self.refusals


def _target(ctx: ActionContext, target_id: int) -> ProcessDefinition:
    target = ctx.session.get(ProcessDefinition, target_id)
    if target is None:
        raise NotFound(f"no definition version {target_id}", field="target")
    return target


def _step_label(task: Any) -> str:
    spec = task.task_spec
    name = getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or spec.name
    return f"{name} ({getattr(spec, 'bpmn_id', None) or spec.name})"


def _timer_signature(spec: Any) -> Any:
    definition = getattr(spec, "event_definition", None)
    expression = getattr(definition, "expression", None)
    return (type(definition).__name__, expression) if expression is not None else None


def _migrate(ctx: ActionContext, target_id: int, outcome: CaseMigration, *, apply: bool) -> None:
    """Migrate the case's workflow in memory; with `apply`, keep it (the action stores it)."""
    source = ctx.session.get(ProcessDefinition, ctx.instance.definition_id)
    target = _target(ctx, target_id)
    assert source is not None
    outcome.from_version, outcome.to_version = source.version, target.version
    if target.key != source.key or target.kind != "bpmn":
        raise InvalidInput(f"version {target.version} of {target.key!r} is not a version of {source.key!r}",
                           field="target")
    if target.version <= source.version:
        outcome.refusals.append(f"the case already runs version {source.version}; choose a newer version")
        return
    if ctx.instance.status not in MIGRATABLE_STATUSES:
        outcome.refusals.append(f"the case is {ctx.instance.status}: only running or suspended cases can move"
                                + (" (retry or resolve the incident first)" if ctx.instance.status == "incident"
                                   else ""))
        return
    new_spec, new_subprocess_specs = load_specs(ctx.session, target)
    # a fresh object, never the cached one: a refused or dry-run migration must leave nothing behind
    workflow = load_workflow(ctx.instance.state)
    top_diff, subprocess_diffs = diff_workflow(_full_serializer.registry, workflow, new_spec, new_subprocess_specs)
    outcome.open_steps = [_step_label(t) for t in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING,
                                                                     skip_subprocesses=True)
                          if getattr(t.task_spec, "bpmn_id", None)]
    outcome.changed_steps = [_step_label(t) for t in top_diff.changed if t.has_state(_LIVE_MASK)
                             and getattr(t.task_spec, "bpmn_id", None)]
    for task in top_diff.removed:
        if task.has_state(_LIVE_MASK):
            outcome.refusals.append(f"the case waits at step {_step_label(task)}, which version {target.version} "
                                    f"does not have")
    for subprocess_id, sub_diff in subprocess_diffs.items():
        if sub_diff is None or any(t.has_state(_LIVE_MASK) for t in sub_diff.removed):
            name = workflow.subprocesses[subprocess_id].spec.name
            outcome.refusals.append(f"the case is inside subprocess {name!r}, which version {target.version} "
                                    f"cannot continue")
    if outcome.refusals:
        return
    kept_timers = {task.id: (dict(task.internal_data), _timer_signature(task.task_spec))
                   for task in workflow.get_tasks(state=TaskState.WAITING) if _timer_signature(task.task_spec)}
    with acting(ctx):  # timer expressions may call milestone() and the calendar helpers
        try:
            workflow.subprocess_specs = new_subprocess_specs
            migrate_workflow(top_diff, workflow, new_spec)
            for subprocess_id, sub_diff in subprocess_diffs.items():
                subprocess = workflow.subprocesses[subprocess_id]
                migrate_workflow(sub_diff, subprocess, new_subprocess_specs[subprocess.spec.name])
        except Exception as exc:  # an expression of the new version fails on this case
            outcome.refusals.append(f"the new version cannot be applied to this case: {exc}")
            return
    for task_id, (internal, signature) in kept_timers.items():
        task = workflow.tasks.get(task_id)
        if task is not None and task.has_state(TaskState.WAITING) and _timer_signature(task.task_spec) == signature:
            task.internal_data = internal  # same timer definition: keep its instant
    known = {id(spec) for s in (new_spec, *new_subprocess_specs.values()) for spec in s.task_specs.values()}
    for each in (workflow, *workflow.subprocesses.values()):
        for task in each.tasks.values():
            if id(task.task_spec) not in known:
                outcome.refusals.append(f"the case went through step {_step_label(task)}, which version "
                                        f"{target.version} removed, so its history cannot be kept")
    if outcome.refusals:
        return
    try:
        load_workflow(dump_workflow(workflow))
    except Exception as exc:
        outcome.refusals.append(f"the migrated case could not be saved: {exc}")
        return
    if apply:
        ctx.workflow = workflow
        ctx.connection.execute(update(INSTANCE).where(INSTANCE.c.id == ctx.instance.id)
                               .values(definition_id=target.id))
        ctx.instance.definition_id = target.id
        if ctx.instance.status == "running":
            ctx.advance(workflow.do_engine_steps)  # a reset event that is due now runs at once
        _refresh_open_rows(ctx)
        ctx.audit("case.migrated", from_version=source.version, to_version=target.version,
                  from_definition=source.id, to_definition=target.id, steps=outcome.open_steps,
                  changed=outcome.changed_steps)
        outcome.moved = True


def _refresh_open_rows(ctx: ActionContext) -> None:
    """Open task rows whose task is still ready take the new version's title, role, unit, form, due."""
    for row in ctx.task_rows():
        if row.status != "ready":
            continue
        task = next((t for t in ctx.workflow.get_tasks(state=TaskState.READY, manual=True)
                     if str(t.id) == row.spiff_task_id), None)
        if task is None:
            continue  # closed by the projection on save
        with acting(ctx):
            fresh = _new_row(ctx, task)
        unchecked = fresh.pop(NO_CANDIDATES_PROBLEM, None)
        if unchecked is not None and not has_candidates(ctx.connection, fresh["role_code"], fresh["unit_id"]):
            fresh["is_orphan"] = True
            fresh["assignment_problem"] = unchecked[0] + _unit_name(ctx, fresh) + unchecked[1]
        current = ctx.connection.execute(select(*(getattr(_TASK.c, name) for name in _ROW_FIELDS))
                                         .where(_TASK.c.id == row.id)).one()._mapping
        changes = {name: fresh[name] for name in _ROW_FIELDS if current[name] != fresh[name]}
        if changes.get("role_code", row.role_code) != row.role_code or \
                changes.get("unit_id", row.unit_id) != row.unit_id:
            changes["assignee_id"] = None  # the holder may not hold the new role there
        if "due_at" in changes:
            changes.update(reminded_at=None, overdue_notified_at=None)
        if changes:
            row.change(**changes)


def _unit_name(ctx: ActionContext, fresh: dict[str, Any]) -> str:
    unit = ctx.session.get(Unit, fresh["unit_id"])
    return unit.name if unit else "?"


def _run(db: Database, instance_id: int, target_id: int, actor_id: int | None, *, apply: bool) -> CaseMigration:
    outcome = CaseMigration(instance_id)

    def act(ctx: ActionContext) -> CaseMigration:
        _migrate(ctx, target_id, outcome, apply=apply)
        if not outcome.moved:
            ctx.unchanged = True
            ctx._workflow = None  # nothing of this attempt is kept or cached
        return outcome

    try:
        return instance_action(db, instance_id, actor_id, act)
    except (NotFound, InvalidInput):
        raise
    except EngineError as exc:
        outcome.refusals.append(str(exc))
        return outcome


def check_migration(db: Database, instance_ids: list[int], target_id: int) -> list[CaseMigration]:
    """The dry run: what migrating each case to definition version `target_id` would do."""
    return [_run(db, instance_id, target_id, None, apply=False) for instance_id in instance_ids]


def migrate_instances(db: Database, instance_ids: list[int], target_id: int, *, actor_id: int | None
                      ) -> list[CaseMigration]:
    """Move each case that can move, one transaction per case; the others are refused with the reason."""
    return [_run(db, instance_id, target_id, actor_id, apply=True) for instance_id in instance_ids]

