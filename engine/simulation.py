"""Walk the virtual clock through a plan: step by step, run what the workers would run, report changes.

Each step moves the virtual clock, then runs the scheduler's work once (`scheduler.run_due_work`:
every due timer fires, pending e-mails are dispatched) and reports what happened to the plan's cases
in that step: every audit event (timers fired, reminders, escalations, … — whatever action other
parts of the engine record), task rows opened and closed, case status changes, notifications
created. Rows are told apart by id watermarks taken before the step, so a step reports exactly what
was written during it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, func, select

from engine import clock
from engine.db import Database
from engine.errors import InvalidInput
from engine.models import LIVE_STATUSES, AuditEvent, HumanTask, Instance, Notification, Person, Unit
from engine.plans.instants import last_day

_INSTANCE = cast(Table, Instance.__table__)
_TASK = cast(Table, HumanTask.__table__)
_AUDIT = cast(Table, AuditEvent.__table__)
_NOTIFICATION = cast(Table, Notification.__table__)
_PERSON = cast(Table, Person.__table__)
_UNIT = cast(Table, Unit.__table__)
_STEP = re.compile(r"^\s*(\d+)\s*([wdhm])\s*$", re.IGNORECASE)
_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
MAX_STEPS = 3660


@dataclass(frozen=True)
class StepReport:
    at: datetime  # the virtual instant the step moved to (UTC)
    label: str  # dd/mm/yyyy (with the time when steps are shorter than a day or the step is partial)
    lines: tuple[str, ...]  # what happened to the plan's cases, in the order recorded
    timers_fired: int  # cases whose timers fired (all plans)
    emails_sent: int


@dataclass(frozen=True)
class _Marks:
    audit: int
    task: int
    notification: int
    instance: int
    open_tasks: dict[int, str]  # id → title
    statuses: dict[int, str]  # live case id → status


def parse_step(text: str) -> timedelta:
    """'1d', '12h', '30m', '2w' → a positive timedelta."""
    match = _STEP.match(text)
    if not match or int(match.group(1)) == 0:
        raise InvalidInput(f"--step: {text!r} is not a step such as 1d, 12h, 30m or 1w", field="step")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def instants(start: datetime, until: datetime, step: timedelta) -> list[datetime]:
    """start + step, start + 2·step, … while before `until`, and `until` itself last."""
    if until <= start:
        raise InvalidInput(f"--until must be after the current virtual time "
                           f"{start.astimezone(clock.VN_TZ):%d/%m/%Y %H:%M}", field="until")
    count = -(-(until - start) // step)  # ceiling
    if count > MAX_STEPS:
        raise InvalidInput(f"{count} steps is too many (at most {MAX_STEPS}); use a longer --step", field="step")
    return [min(start + k * step, until) for k in range(1, count + 1)]


def label(instant: datetime, step: timedelta, previous: datetime) -> str:
    """dd/mm/yyyy of the day a step ends (midnight counts for the day before), with the time when the
    step is not a whole number of days (a partial last step to the end of a day: "24:00")."""
    local = instant.astimezone(clock.VN_TZ)
    if step % timedelta(days=1) == timedelta(0) and instant - previous == step:
        return f"{last_day(instant):%d/%m/%Y}"
    if local.hour == local.minute == 0:
        return f"{last_day(instant):%d/%m/%Y} 24:00"  # the end of a day, as "hết ngày" reads
    return f"{local:%d/%m/%Y %H:%M}"


def run(db: Database, plan_id: int, until: datetime, step: timedelta, worker_id: str) -> Iterator[StepReport]:
    """Move the virtual clock step by step to `until`, yielding one report per step."""
    from engine.scheduler import run_due_work

    if clock.mode() != "virtual":
        raise InvalidInput("the simulation moves the virtual clock: set TDKT_CLOCK=virtual", field="clock")
    previous = clock.now()
    for instant in instants(previous, until, step):
        marks = _marks(db, plan_id)
        clock.set_virtual(db, instant)
        fired, sent = run_due_work(db, worker_id)
        yield StepReport(instant, label(instant, step, previous), tuple(_changes(db, plan_id, marks)), fired, sent)
        previous = instant


def _max_id(connection: Connection, table: Table) -> int:
    return int(connection.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)


def _plan_cases(plan_id: int) -> Any:
    return select(_INSTANCE.c.id).where(_INSTANCE.c.plan_id == plan_id)


def _marks(db: Database, plan_id: int) -> _Marks:
    with db.engine.connect() as connection:
        open_tasks = dict(connection.execute(select(_TASK.c.id, _TASK.c.title).where(
            _TASK.c.status == "ready", _TASK.c.instance_id.in_(_plan_cases(plan_id)))).all())
        statuses = dict(connection.execute(select(_INSTANCE.c.id, _INSTANCE.c.status).where(
            _INSTANCE.c.plan_id == plan_id, _INSTANCE.c.status.in_(LIVE_STATUSES))).all())
        return _Marks(_max_id(connection, _AUDIT), _max_id(connection, _TASK), _max_id(connection, _NOTIFICATION),
                      _max_id(connection, _INSTANCE), open_tasks, statuses)


def _changes(db: Database, plan_id: int, marks: _Marks) -> list[str]:
    lines: list[str] = []
    cases = _plan_cases(plan_id)
    with db.engine.connect() as connection:
        for row in connection.execute(
                select(_AUDIT.c.action, _AUDIT.c.instance_id, _AUDIT.c.task_id, _AUDIT.c.details, _PERSON.c.username)
                .select_from(_AUDIT.outerjoin(_PERSON, _PERSON.c.id == _AUDIT.c.actor_id))
                .where(_AUDIT.c.id > marks.audit, _AUDIT.c.instance_id.in_(cases)).order_by(_AUDIT.c.id)):
            task = f" task {row.task_id}" if row.task_id is not None else ""
            actor = f" by {row.username}" if row.username else ""
            lines.append(f"case {row.instance_id}{task}: {row.action}{actor}{_details(row.details)}")
        for row in connection.execute(
                select(_TASK.c.id, _TASK.c.instance_id, _TASK.c.title, _TASK.c.role_code, _UNIT.c.code,
                       _TASK.c.is_orphan)
                .select_from(_TASK.outerjoin(_UNIT, _UNIT.c.id == _TASK.c.unit_id))
                .where(_TASK.c.id > marks.task, _TASK.c.instance_id.in_(cases)).order_by(_TASK.c.id)):
            orphan = " — no candidate!" if row.is_orphan else ""
            lines.append(f"case {row.instance_id}: task {row.id} opened: {row.title} "
                         f"({row.role_code or '?'} @ {row.code or '?'}){orphan}")
        if marks.open_tasks:
            for row in connection.execute(
                    select(_TASK.c.id, _TASK.c.instance_id, _TASK.c.status)
                    .where(_TASK.c.id.in_(list(marks.open_tasks)), _TASK.c.status != "ready").order_by(_TASK.c.id)):
                lines.append(f"case {row.instance_id}: task {row.id} {row.status}: {marks.open_tasks[row.id]}")
        for row in connection.execute(
                select(_INSTANCE.c.id, _INSTANCE.c.status).where(
                    _INSTANCE.c.plan_id == plan_id,
                    (_INSTANCE.c.id > marks.instance) | _INSTANCE.c.id.in_(list(marks.statuses) or [0]))
                .order_by(_INSTANCE.c.id)):
            before = marks.statuses.get(row.id, "new")
            if before != row.status:
                lines.append(f"case {row.id}: {before} → {row.status}")
        for row in connection.execute(
                select(_NOTIFICATION.c.id, _NOTIFICATION.c.instance_id, _NOTIFICATION.c.kind,
                       _NOTIFICATION.c.subject, _NOTIFICATION.c.email_status, _PERSON.c.username)
                .select_from(_NOTIFICATION.join(_PERSON, _PERSON.c.id == _NOTIFICATION.c.person_id))
                .where(_NOTIFICATION.c.id > marks.notification, _NOTIFICATION.c.instance_id.in_(cases))
                .order_by(_NOTIFICATION.c.id)):
            lines.append(f"case {row.instance_id}: notification {row.id} ({row.kind}) → {row.username}: "
                         f"{row.subject} [e-mail {row.email_status}]")
    return lines


def _details(details: Any) -> str:
    if not isinstance(details, dict) or not details:
        return ""
    parts = []
    for key, value in details.items():
        if value is None or value == [] or value == {}:
            continue
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append(f"{key}={text if len(text) <= 60 else text[:57] + '…'}")
    return f" ({'; '.join(parts)})" if parts else ""
