"""A case as its page shows it: header facts, open tasks with their holders, the audit timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from engine.models import AuditEvent, HumanTask, Instance, Person, Role


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    action: str
    actor_name: str | None
    actor_username: str | None
    task_title: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class OpenTask:
    task: HumanTask
    role_name: str | None
    assignee_name: str | None


def timeline(session: Session, instance_id: int) -> list[TimelineEntry]:
    rows = session.execute(
        select(AuditEvent, Person.full_name, Person.username, HumanTask.title)
        .outerjoin(Person, Person.id == AuditEvent.actor_id)
        .outerjoin(HumanTask, HumanTask.id == AuditEvent.task_id)
        .where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)).all()
    return [TimelineEntry(event.at, event.action, name, username, title, dict(event.details or {}))
            for event, name, username, title in rows]


def open_tasks(session: Session, instance: Instance) -> list[OpenTask]:
    assignee = aliased(Person)
    rows = session.execute(
        select(HumanTask, Role.name, assignee.full_name)
        .outerjoin(Role, Role.code == HumanTask.role_code)
        .outerjoin(assignee, assignee.id == HumanTask.assignee_id)
        .where(HumanTask.instance_id == instance.id, HumanTask.status == "ready")
        .order_by(HumanTask.id)).all()
    return [OpenTask(task, role_name, assignee_name) for task, role_name, assignee_name in rows]


def person_name(session: Session, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    return session.scalar(select(Person.full_name).where(Person.id == person_id))
