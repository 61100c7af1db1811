"""A manager's "send a reminder": a notification (in-app, and e-mail through the outbox) to whoever holds
a task, i.e. its assignee, else every active person holding its role in its unit.

The texts are the engine's Vietnamese messages (`task_overdue` once the deadline has passed,
`task_reminder` before it); at most one manual reminder per task and day reaches a person (dedupe key),
and each reminder is audited on the case as `task.reminded`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import calendar, clock
from engine.authz import Viewer, load_viewer, require_manage, visible_instance, visible_task
from engine.db import Database
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import HumanTask, Person, RoleMembership
from engine.notifications import Message, notify_message, task_info
from engine.notifications.messages import (
    GREETING,
    PREFIX,
    SIGNATURE,
    TASK_REMINDER,
    TaskInfo,
    task_overdue,
    task_reminder,
)
from engine.runtime.context import audit


class NobodyToRemind(InvalidInput):
    """Nobody active holds the task (an orphan): reassign it instead."""


def _viewer(session: Session, actor_id: int) -> Viewer:
    person = session.get(Person, actor_id)
    if person is None:
        raise NotFound("unknown user")
    return load_viewer(session, person)


def recipients(session: Session, task: HumanTask) -> list[int]:
    if task.assignee_id is not None:
        person = session.get(Person, task.assignee_id)
        return [person.id] if person is not None and person.active else []
    if task.role_code is None or task.unit_id is None:
        return []
    return list(session.scalars(select(Person.id).join(RoleMembership, RoleMembership.person_id == Person.id).where(
        RoleMembership.role_code == task.role_code, RoleMembership.unit_id == task.unit_id,
        Person.active.is_(True)).distinct()))


def _no_deadline(info: TaskInfo) -> Message:
    lines = [f"Nhiệm vụ: {info.task_title}", f"Hồ sơ: {info.case_title} (mã hồ sơ #{info.case_id})",
             f"Người đang xử lý: {info.holder}"]
    body = "\n\n".join([GREETING, "Lãnh đạo đơn vị nhắc thầy/cô xử lý nhiệm vụ dưới đây, hồ sơ đang chờ.",
                        "\n".join(lines), "Vui lòng đăng nhập TĐKT Flow, mục \"Việc của tôi\", để xử lý.", SIGNATURE])
    return Message(TASK_REMINDER, f"{PREFIX} Nhắc việc: {info.task_title} — hồ sơ #{info.case_id}", body,
                   f"{TASK_REMINDER}:{info.task_id}:manual", instance_id=info.case_id, task_id=info.task_id)


def message_for(session: Session, task: HumanTask) -> Message:
    info = task_info(session, task)
    now = clock.now()
    if task.due_at is None:
        return _no_deadline(info)
    if task.due_at <= now:
        return task_overdue(info)
    return task_reminder(info, working_days_left=max(0, calendar.current().working_days_between(now, task.due_at)))


def _remind(session: Session, viewer: Viewer, task: HumanTask) -> int:
    if task.status != "ready":
        raise Conflict(f"task {task.id} is already {task.status}")
    people = recipients(session, task)
    if not people:
        raise NobodyToRemind(f"nobody holds task {task.id}", field="reminder")
    day = clock.now_local().strftime("%Y%m%d")
    created = notify_message(session, message_for(session, task), person_ids=people,
                             dedupe_key=f"manual_reminder:{task.id}:{day}")
    audit(session, "task.reminded", actor=viewer.person, instance_id=task.instance_id, task_id=task.id,
          recipients=len(people), new=len(created), by_manager=True)
    return len(created)


def remind_task(db: Database, actor_id: int, task_id: int) -> int:
    """Remind whoever holds the task; returns how many notifications were new (0: already reminded today)."""
    with db.transaction() as session:
        viewer = _viewer(session, actor_id)
        task = visible_task(session, viewer, task_id)
        require_manage(viewer, task.instance)
        return _remind(session, viewer, task)


def remind_case(db: Database, actor_id: int, instance_id: int) -> int:
    """Remind the holders of every ready task of the case (a stuck case)."""
    with db.transaction() as session:
        viewer = _viewer(session, actor_id)
        instance = visible_instance(session, viewer, instance_id)
        require_manage(viewer, instance)
        tasks = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                             HumanTask.status == "ready").order_by(HumanTask.id)))
        if not tasks:
            raise NobodyToRemind(f"case {instance_id} has no task waiting", field="reminder")
        return sum(_remind(session, viewer, task) for task in tasks)
