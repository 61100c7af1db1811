"""Mirror what queries need out of the workflow into plain indexed tables.

After every action: READY user tasks become `human_task` rows (assigned to a role in a unit),
rows whose task the library completed, cancelled or deleted are closed, and the instance gets its
status, `next_fire_at` (earliest waiting timer) and end time. Inbox, dashboards and the timer sweep
read these tables and never deserialize workflows.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Table, bindparam, select

from engine.assignment import assign, no_candidates_problem_parts
from engine.calendar import OutOfRange, current
from engine.definitions.conventions import (
    task_assignee_expression,
    task_due_expression,
    task_form_key,
    task_reminder_days,
)
from engine.models import Person
from engine.runtime import writes
from engine.scripting import ScriptError, evaluate_expression
from engine.serialization import SPEC_CACHE

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn import BpmnWorkflow

    from engine.runtime.context import ActionContext


def sync(ctx: ActionContext) -> None:
    _sync_tasks(ctx)
    instance, workflow = ctx.instance, ctx.workflow
    if instance.status in ("running", "incident", "suspended") and workflow.completed:
        instance.status = "completed"
        instance.ended_at = ctx.now
    live = instance.status in ("running", "incident", "suspended")
    try:
        instance.next_fire_at = next_fire_at(workflow) if live else None
    except InvalidTimerValue as exc:  # the expression gave no instant: a visible incident, not a crash
        from engine.runtime import incidents

        incidents.record(ctx, exc)
        instance.next_fire_at = None


class InvalidTimerValue(ValueError):
    """A waiting timer whose evaluated value is not an ISO 8601 instant, duration or cycle."""

    def __init__(self, task: Any, value: Any) -> None:
        super().__init__(f"timer {task.task_spec.bpmn_id!r}: {value!r} is not a valid ISO 8601 date-time "
                         "(e.g. '2025-05-20T17:00:00+07:00')")
        self.task = task
        self.task_spec = task.task_spec


def _sync_tasks(ctx: ActionContext) -> None:
    instance, workflow = ctx.instance, ctx.workflow
    open_rows = {row.spiff_task_id: row for row in ctx.task_rows() if row.status == "ready"}
    ready = workflow.get_tasks(state=TaskState.READY, manual=True) if instance.status != "terminated" else []
    ready_ids = set()
    for task in ready:
        key = str(task.id)
        ready_ids.add(key)
        if key not in open_rows:
            ctx.new_tasks.append(_new_row(ctx, task))
    for key, row in open_rows.items():
        if key in ready_ids:
            continue
        state = _state_of(workflow, key)
        if state == TaskState.ERROR:
            continue  # failed in its post-script: stays open until the incident is retried
        status = "completed" if state == TaskState.COMPLETED else "cancelled"
        row.change(status=status, completed_at=ctx.now)
        if status == "cancelled":
            row.change(completed_by_id=None)


def _state_of(workflow: BpmnWorkflow, task_id: str) -> int | None:
    try:
        return workflow.get_task_from_id(UUID(task_id)).state
    except TaskNotFoundException:
        return None  # the library deleted it (e.g. a cancelled branch)


def _new_row(ctx: ActionContext, task: Any) -> dict[str, Any]:
    """Insert values of the task row for a newly ready user task (the instance id is added on save)."""
    spec = task.task_spec
    assignment = assign(ctx.connection, lambda: ctx.session, spec, ctx.instance.unit_id, task.data,
                        check_candidates=False)
    due_at, remind_at, due_problem = deadline_of(spec, task.data)
    fixed = task_assignee_expression(spec) is not None
    assignee_id, assignee_problem = fixed_assignee(ctx, spec, task.data) if fixed else (None, None)
    problems = [p for p in (assignment.problem, assignee_problem, due_problem) if p]
    row = {
        "spiff_task_id": str(task.id), "name": spec.bpmn_id or spec.name,
        "title": (spec.bpmn_name or spec.bpmn_id or spec.name)[:500], "role_code": assignment.role_code,
        "unit_id": assignment.unit_id, "assignee_id": assignee_id, "assignee_fixed": fixed, "status": "ready",
        "is_orphan": assignment.problem is not None or (fixed and assignee_id is None),
        "assignment_problem": "; ".join(problems) or None,
        "form_key": task_form_key(spec), "due_at": due_at, "milestone_key": due_milestone(spec) if due_at else None,
        "remind_at": remind_at, "reminded_at": None,
        "overdue_notified_at": None, "escalated_at": None, "created_at": ctx.now, "completed_at": None,
        "completed_by_id": None,
    }
    if fixed:
        return row  # whether others hold the role does not matter: only the fixed assignee may do it
    if assignment.candidates_unchecked and assignment.role_code is not None:
        # the INSERT checks whether anyone holds the role there (one statement instead of two)
        prefix, suffix = no_candidates_problem_parts(assignment.role_code)
        row[writes.NO_CANDIDATES_PROBLEM] = (prefix, suffix + "".join(f"; {p}" for p in problems))
    return row


_PERSON = cast(Table, Person.__table__)
_ACTIVE_PERSON_BY_USERNAME = select(_PERSON.c.id).where(_PERSON.c.username == bindparam("username"),
                                                        _PERSON.c.active.is_(True))


def fixed_assignee(ctx: ActionContext, spec: Any, data: dict[str, Any]) -> tuple[int | None, str | None]:
    """(person id, None) of the task's `assignee` expression, or (None, why it names nobody)."""
    expression = task_assignee_expression(spec) or ""
    try:
        username = evaluate_expression(expression, dict(data))
    except ScriptError as exc:
        return None, f"assignee {expression!r} could not be computed: {exc.message}"
    if not isinstance(username, str) or not username:
        return None, f"assignee {expression!r} gave {username!r}, not a username"
    person_id = ctx.connection.scalar(_ACTIVE_PERSON_BY_USERNAME, {"username": username})
    if person_id is None:
        return None, f"assignee {username!r} is not an active user"
    return int(person_id), None


def deadline_of(spec: Any, data: dict[str, Any]) -> tuple[datetime | None, datetime | None, str | None]:
    """(due, reminder instant, why the due could not be computed) of a user task with this task data.

    The reminder is `reminderDays` working days (business calendar) before the due, same local time of
    day: a due at 00:00 (the end of the day before) is reminded at 00:00 of the N-th working day before,
    so exactly N working days are left."""
    due_at, problem = _due_at(spec, data)
    if due_at is None:
        return None, None, problem
    return due_at, reminder_instant(due_at, task_reminder_days(spec)), problem


_MILESTONE_CALL = re.compile(r"""\bmilestone(?:_start)?\(\s*(['"])([^'"]{1,64})\1\s*\)""")


def due_milestone(spec: Any) -> str | None:
    return milestone_of(task_due_expression(spec))


def milestone_of(expression: str | None) -> str | None:
    """The plan milestone a `dueDate` expression is computed from (`milestone('nop_ho_so')`, possibly
    moved by working days), when it names exactly one; else None."""
    keys = {found.group(2) for found in _MILESTONE_CALL.finditer(expression or "")}
    return keys.pop() if len(keys) == 1 else None


def reminder_instant(due_at: datetime, reminder_days: int) -> datetime | None:
    if reminder_days <= 0:
        return None
    try:
        return current().add_working_days(due_at, -reminder_days).astimezone(UTC)
    except OutOfRange:
        return None  # beyond the years the holiday tables cover: no early reminder, the overdue notice stays


def _due_at(spec: Any, data: dict[str, Any]) -> tuple[datetime | None, str | None]:
    expression = task_due_expression(spec)
    if not expression:
        return None, None
    try:
        value = evaluate_expression(expression, dict(data))
        if value is None or value == "":
            return None, None  # the expression says "no deadline" (e.g. due() for a case without a plan)
        due = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except (ScriptError, ValueError, TypeError) as exc:
        return None, f"due date {expression!r} could not be computed: {getattr(exc, 'message', exc)}"
    if due.tzinfo is None:
        from engine.clock import VN_TZ

        due = due.replace(tzinfo=VN_TZ)
    return due.astimezone(UTC), None


# Whether a process (with its subprocess specs) has any timer at all, per parsed spec object: most
# have none, and then no action needs to walk the task tree for waiting timers.
_has_timers: dict[int, tuple[Any, bool]] = {}
SPEC_CACHE.on_clear(_has_timers.clear)


def _may_have_timers(workflow: BpmnWorkflow) -> bool:
    cached = _has_timers.get(id(workflow.spec))
    if cached is not None and cached[0] is workflow.spec:
        return cached[1]
    found = any(isinstance(getattr(task_spec, "event_definition", None), TimerEventDefinition)
                for spec in (workflow.spec, *workflow.subprocess_specs.values())
                for task_spec in spec.task_specs.values())
    _has_timers[id(workflow.spec)] = (workflow.spec, found)
    return found


def timer_fire_times(workflow: BpmnWorkflow) -> list[tuple[str, str, datetime | None]]:
    """(task id, element id, fire instant) of every waiting timer, subprocesses included."""
    out: list[tuple[str, str, datetime | None]] = []
    if not _may_have_timers(workflow):
        return out
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition):
            continue
        value = task.internal_data.get("event_value")
        at: datetime | None
        try:
            if value is None:
                at = None
            elif isinstance(definition, CycleTimerEventDefinition):
                at = datetime.fromisoformat(value["next"]) if value["cycles"] != 0 else None
            else:
                at = TimerEventDefinition.get_datetime(value)
        except (ValueError, TypeError, KeyError, AttributeError):
            raise InvalidTimerValue(task, value) from None
        out.append((str(task.id), task.task_spec.bpmn_id, at.astimezone(UTC) if at else None))
    return out


def next_fire_at(workflow: BpmnWorkflow) -> datetime | None:
    times = timer_fire_times(workflow)
    if any(at is None for _, _, at in times):
        from engine import clock

        return clock.now()  # a timer waiting for one more refresh (exhausted cycle): look again soon
    return min((at for _, _, at in times if at is not None), default=None)
