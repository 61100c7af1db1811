"""The deadline sweep: a reminder before an open task's due date, an overdue notice once it has passed.

Each user task with a `dueDate` gets `due_at` and `remind_at` (due minus `reminderDays` working days)
when it opens. `send_due_reminders(db)` — a scheduler job, e.g. every minute — then:
- tasks still open whose `remind_at` has passed and that were not reminded: `messages.task_reminder`
  to the holder (the assignee, else every candidate); `reminded_at` set; audit `task.reminded`;
- tasks still open whose `due_at` has passed and that got no overdue notice: `messages.task_overdue`
  to the holder and the managers of the case's unit (people holding a role with the `manage`
  capability there, else in the nearest unit above that has any); `overdue_notified_at` set (and
  `reminded_at`, so a task found overdue is not reminded afterwards); audit `task.overdue`.
Tasks of suspended cases wait until the case resumes.

Claim-safe with several workers: rows are taken by one conditional `UPDATE … WHERE <mark> IS NULL …
RETURNING id` (on PostgreSQL choosing through `FOR UPDATE SKIP LOCKED`, so workers split the work
instead of queueing), and notifications and audit are written in that same transaction: a row is
notified exactly when its mark commits, and the notification dedupe keys (task, due) make a repeat
harmless. Both selections read partial indexes holding only unsent rows of open tasks, so a sweep
costs in proportion to what is due. `reminded_at` is reset when a plan milestone moves the due later
(engine.runtime.reschedule), so the new deadline is reminded again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, func, literal_column, select, update
from sqlalchemy.orm import Session, selectinload

from engine import clock
from engine.assignment import candidate_person_ids
from engine.calendar import OutOfRange, current, local_date
from engine.clock import VN_TZ
from engine.db import Database
from engine.models import HumanTask, Person, Role, RoleMembership, Unit
from engine.models.base import UTCDateTime
from engine.notifications import messages, notify_message, task_info
from engine.org import ancestors_and_self
from engine.runtime.context import audit
from engine.runtime.records import HUMAN_TASK, INSTANCE

log = logging.getLogger(__name__)

BATCH = 50  # task rows claimed per transaction
_NOW = bindparam("now", type_=UTCDateTime())
_LIVE_CASE = exists().where(INSTANCE.c.id == HUMAN_TASK.c.instance_id,  # not suspended (nor ended)
                            INSTANCE.c.status.in_([literal_column("'running'"), literal_column("'incident'")]))
_READY = HUMAN_TASK.c.status == literal_column("'ready'")  # a literal, so the partial indexes match


@dataclass(frozen=True)
class DeadlineCounts:
    """What one sweep sent: tasks reminded, tasks reported overdue."""

    reminded: int = 0
    overdue: int = 0


def _claim(mark: Any, instant: Any, postgres: bool, *extra: Any) -> Any:
    chosen = select(HUMAN_TASK.c.id).where(_READY, mark.is_(None), instant.is_not(None), instant <= _NOW,
                                           _LIVE_CASE, *extra) \
        .order_by(instant, HUMAN_TASK.c.id).limit(bindparam("limit"))
    if postgres:
        chosen = chosen.with_for_update(of=HUMAN_TASK, skip_locked=True)
    values = {mark.key: _NOW}
    if mark is HUMAN_TASK.c.overdue_notified_at:
        values["reminded_at"] = func.coalesce(HUMAN_TASK.c.reminded_at, _NOW)
    return update(HUMAN_TASK).where(HUMAN_TASK.c.id.in_(chosen.scalar_subquery()), mark.is_(None)) \
        .values(values).returning(HUMAN_TASK.c.id)


_CLAIMS = {(kind, postgres): _claim(mark, instant, postgres, *extra)
           for kind, mark, instant, extra in (
               ("overdue", HUMAN_TASK.c.overdue_notified_at, HUMAN_TASK.c.due_at, ()),
               ("reminder", HUMAN_TASK.c.reminded_at, HUMAN_TASK.c.remind_at, (HUMAN_TASK.c.due_at > _NOW,)))
           for postgres in (False, True)}


def send_due_reminders(db: Database, now: datetime | None = None, limit: int = 500) -> DeadlineCounts:
    """Send what is due at `now` (default: the engine clock): up to `limit` overdue notices and up to
    `limit` reminders, in transactions of at most BATCH tasks. Call it again for more."""
    now = now or clock.now()
    return DeadlineCounts(overdue=_sweep(db, "overdue", now, limit), reminded=_sweep(db, "reminder", now, limit))


def _sweep(db: Database, kind: str, now: datetime, limit: int) -> int:
    done = 0
    while done < limit:
        size = min(BATCH, limit - done)
        with db.transaction() as session:
            ids = list(session.scalars(_CLAIMS[kind, db.is_postgres], {"now": now, "limit": size}))
            if ids:
                tasks = session.scalars(select(HumanTask).where(HumanTask.id.in_(ids))
                                        .options(selectinload(HumanTask.instance)).order_by(HumanTask.id))
                for task in tasks:
                    _send(session, kind, task, now)
        done += len(ids)
        if len(ids) < size:
            break
    return done


def _send(session: Session, kind: str, task: HumanTask, now: datetime) -> None:
    holders = task_holders(session, task)
    try:
        info = task_info(session, task)
        if kind == "reminder":
            message = messages.task_reminder(info, working_days_left=working_days_left(now, task.due_at or now))
            recipients = holders
        else:
            message = messages.task_overdue(info)
            recipients = sorted({*holders, *unit_managers(session, task.instance.unit_id)})
    except Exception:  # a text that cannot be built must not hold the rest of the batch back
        log.exception("deadline %s for task %s could not be written", kind, task.id)
        return
    notify_message(session, message, person_ids=recipients)
    audit(session, "task.reminded" if kind == "reminder" else "task.overdue", instance_id=task.instance_id,
          task_id=task.id, at=now, due=task.due_at.isoformat() if task.due_at else None, recipients=len(recipients))


def task_holders(session: Session, task: HumanTask) -> list[int]:
    """Who has the task in hand: its assignee, else every candidate (holders of its role in its unit);
    active people only."""
    if task.assignee_id is not None:
        return active_people(session, [task.assignee_id])
    return active_people(session, candidate_person_ids(session, task.role_code, task.unit_id))


def active_people(session: Session, person_ids: list[int]) -> list[int]:
    if not person_ids:
        return []
    return sorted(session.scalars(select(Person.id).where(Person.id.in_(person_ids), Person.active.is_(True))))


def unit_managers(session: Session, unit_id: int) -> list[int]:
    """People holding a role with the `manage` capability in the unit, else in the nearest unit above it
    that has any (a school without a principal on record reports to its Phòng)."""
    unit = session.get(Unit, unit_id)
    for each in ancestors_and_self(unit) if unit is not None else []:
        rows = session.execute(select(RoleMembership.person_id, Role.capabilities)
                               .join(Role, Role.code == RoleMembership.role_code)
                               .join(Person, Person.id == RoleMembership.person_id)
                               .where(RoleMembership.unit_id == each.id, Person.active.is_(True))).all()
        managers = sorted({person_id for person_id, caps in rows if "manage" in caps.split()})
        if managers:
            return managers
    return []


def last_day(due: datetime) -> date:
    """The last local day a due leaves for the work: a due at 00:00 is the end of the day before."""
    local = due.astimezone(VN_TZ)
    return local.date() - timedelta(days=1) if local.time() == time(0) else local.date()


def working_days_left(now: datetime, due: datetime) -> int:
    """Working days from today to the due's last day, both counted (0 once that day has passed)."""
    today, end = local_date(now), last_day(due)
    if end < today:
        return 0
    try:
        return current().working_days_between(today - timedelta(days=1), end)
    except OutOfRange:
        return (end - today).days + 1
