"""When a plan milestone moves (the Sở extends a deadline), live cases of that plan move with it.

`reschedule_plan_milestone(db, plan_id, key, actor_id=…)` walks the live cases started under the plan
(`instance.plan_id`) in batches of ids and, for each one, runs one `instance_action` — its own
transaction, serialized with every other action on the case, so each case is rescheduled exactly
once and a failure leaves the others done. Inside it, with `milestone()` now reading the new due:
- every WAITING timeDate timer's expression is evaluated again and its fire instant
  (`internal_data['event_value']`) replaced if it changed; saving recomputes `next_fire_at`, so a
  deadline brought forward past now fires on the next timer sweep and one pushed back waits;
- timeDuration timers are left alone (a duration counts from when the timer began waiting, not from
  the plan), and so are timeCycle timers (their repetitions are counted from when they began; model
  plan-relative reminders as timeDate timers or with `reminderDays`); timers not reached yet need
  nothing: they evaluate `milestone()` when their task opens;
- every open task with a `dueDate` gets `due_at` and `remind_at` computed again; a reminder already
  sent is forgotten if the new reminder instant is later (the new deadline is reminded in its turn),
  and an overdue notice already sent if the due moved later.
A case where something changed gets one audit event `case.rescheduled` with the old and new values;
a case where nothing changed stores nothing. Running it again is harmless (nothing changes twice).
Every timeDate timer and due date of the case is re-evaluated, not only those naming `key`: they are
expressions of the plan, which is the state the case must follow.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select

from engine.db import Database
from engine.definitions.conventions import task_due_expression
from engine.errors import EngineError
from engine.models import LIVE_STATUSES, Instance
from engine.plans.instants import iso_local
from engine.runtime.context import ActionContext, acting, instance_action
from engine.runtime.projection import deadline_of
from engine.runtime.records import HUMAN_TASK

log = logging.getLogger(__name__)

_DEADLINES = select(HUMAN_TASK.c.id, HUMAN_TASK.c.due_at, HUMAN_TASK.c.remind_at, HUMAN_TASK.c.reminded_at,
                    HUMAN_TASK.c.overdue_notified_at) \
    .where(HUMAN_TASK.c.instance_id == bindparam("instance_id"), HUMAN_TASK.c.status == "ready")


@dataclass(frozen=True)
class RescheduleCounts:
    """Live cases of the plan looked at; cases changed; timers and task due dates moved; cases that
    could not be rescheduled (logged; run the move again to retry them)."""

    cases: int = 0
    rescheduled: int = 0
    timers: int = 0
    tasks: int = 0
    failed: int = 0


@dataclass(frozen=True)
class _CaseChange:
    timers: int
    tasks: int


def reschedule_plan_milestone(db: Database, plan_id: int, key: str, *, actor_id: int | None,
                              batch_size: int = 200) -> RescheduleCounts:
    """Bring the timers and due dates of every live case of plan `plan_id` in line with its milestones
    (after milestone `key` moved); one transaction per case."""
    cases = rescheduled = timers = tasks = failed = 0
    after = 0
    while True:
        with db.transaction() as session:
            ids = list(session.scalars(select(Instance.id).where(
                Instance.plan_id == plan_id, Instance.status.in_(LIVE_STATUSES), Instance.id > after)
                .order_by(Instance.id).limit(batch_size)))
        for instance_id in ids:
            cases += 1
            try:
                change = instance_action(db, instance_id, actor_id, partial(_reschedule, plan_id=plan_id, key=key))
            except EngineError as exc:  # gone, or busy past the retries: the others still move
                log.warning("case %s not rescheduled: %s", instance_id, exc)
                failed += 1
                continue
            if change is not None:
                rescheduled, timers, tasks = rescheduled + 1, timers + change.timers, tasks + change.tasks
        if len(ids) < batch_size:
            return RescheduleCounts(cases, rescheduled, timers, tasks, failed)
        after = ids[-1]


def _reschedule(ctx: ActionContext, plan_id: int, key: str) -> _CaseChange | None:
    if ctx.instance.status not in LIVE_STATUSES:  # ended since the batch was read
        ctx.unchanged = True
        return None
    problems: list[str] = []
    with acting(ctx):  # milestone() reads the plan in this transaction
        timers = _move_timers(ctx, problems)
        tasks = _move_due_dates(ctx, problems)
    if not timers and not tasks:
        ctx.unchanged = True
        for problem in problems:
            log.warning("case %s: %s", ctx.instance.id, problem)
        return None
    ctx.audit("case.rescheduled", plan_id=plan_id, milestone=key, timers=timers, tasks=tasks,
              problems=problems or None)
    return _CaseChange(len(timers), len(tasks))


def _move_timers(ctx: ActionContext, problems: list[str]) -> list[dict[str, Any]]:
    moved = []
    workflow = ctx.workflow
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        old = task.internal_data.get("event_value")
        if not isinstance(definition, TimeDateEventDefinition) or old is None:
            continue
        element = task.task_spec.bpmn_id or task.task_spec.name
        try:
            new = workflow.script_engine.evaluate(task, definition.expression)
            TimerEventDefinition.get_datetime(new)  # what firing will parse: refuse a value it cannot read
        except Exception as exc:  # the expression fails now: keep the old instant, say why
            problems.append(f"timer {element}: {exc}")
            continue
        if new != old:
            task.internal_data["event_value"] = new
            moved.append({"element": element, "old": old, "new": new})
    return moved


def _move_due_dates(ctx: ActionContext, problems: list[str]) -> list[dict[str, Any]]:
    rows = [row for row in ctx.task_rows() if row.status == "ready"]
    if not rows:
        return []
    stored = {r.id: r for r in ctx.connection.execute(_DEADLINES, {"instance_id": ctx.instance.id})}
    moved = []
    for row in rows:
        try:
            task = ctx.workflow.get_task_from_id(UUID(row.spiff_task_id))
        except TaskNotFoundException:
            continue
        before = stored.get(row.id)
        if before is None or task_due_expression(task.task_spec) is None:
            continue
        due, remind, problem = deadline_of(task.task_spec, task.data)
        if due is None:
            problems.append(f"task {row.name}: {problem}")
            continue
        if (due, remind) == (before.due_at, before.remind_at):
            continue
        changes: dict[str, Any] = {"due_at": due, "remind_at": remind}
        if before.reminded_at is not None and remind is not None and \
                (before.remind_at is None or remind > before.remind_at):
            changes["reminded_at"] = None
        if before.overdue_notified_at is not None and (before.due_at is None or due > before.due_at):
            changes["overdue_notified_at"] = None
        row.change(**changes)
        moved.append({"task_id": row.id, "name": row.name, "old_due": iso_local(before.due_at),
                      "due": iso_local(due), "reminder_reset": "reminded_at" in changes})
    return moved
