"""Read models for lists and detail views: plain queries on projections, never a workflow load."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from engine.authz import Viewer, visible_instances_clause
from engine.errors import InvalidInput
from engine.models import AuditEvent, HumanTask, Instance, Person, RoleMembership, Unit

MAX_PAGE = 500


@dataclass(frozen=True)
class Page:
    limit: int = 100
    offset: int = 0

    def __post_init__(self) -> None:
        if not (1 <= self.limit <= MAX_PAGE) or self.offset < 0:
            raise InvalidInput(f"limit must be 1..{MAX_PAGE} and offset ≥ 0", field="limit")


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def instance_summary(instance: Instance) -> dict[str, Any]:
    return {
        "id": instance.id, "definition": instance.definition_key, "version": instance.definition.version,
        "unit": instance.unit.code, "business_key": instance.business_key, "title": instance.title,
        "plan": instance.plan_id, "status": instance.status, "started_at": iso(instance.started_at),
        "ended_at": iso(instance.ended_at), "next_fire_at": iso(instance.next_fire_at),
        "last_progress_at": iso(instance.last_progress_at),
        "incident": None if not instance.incident_message else {
            "task": instance.incident_task, "line": instance.incident_line,
            "message": instance.incident_message, "at": iso(instance.incident_at)},
    }


def list_instances(session: Session, viewer: Viewer, *, status: str | None = None, unit: str | None = None,
                   definition: str | None = None, plan: int | None = None, page: Page = Page()) -> list[dict[str, Any]]:
    query = select(Instance).where(visible_instances_clause(viewer))
    if status:
        query = query.where(Instance.status == status)
    if unit:
        query = query.join(Unit, Unit.id == Instance.unit_id).where(Unit.code == unit)
    if definition:
        query = query.where(Instance.definition_key == definition)
    if plan is not None:
        query = query.where(Instance.plan_id == plan)
    query = query.order_by(Instance.id.desc()).limit(page.limit).offset(page.offset)
    return [instance_summary(i) for i in session.scalars(query)]


def task_summary(task: HumanTask, people: dict[int, str] | None = None) -> dict[str, Any]:
    assignee = None
    if task.assignee_id is not None:
        assignee = (people or {}).get(task.assignee_id) or task_assignee_name(task)
    return {
        "id": task.id, "instance_id": task.instance_id, "name": task.name, "title": task.title,
        "role": task.role_code, "unit": task.unit.code if task.unit else None, "assignee": assignee,
        "status": task.status, "due_at": iso(task.due_at), "milestone": task.milestone_key, "form_key": task.form_key,
        "orphan": task.is_orphan, "problem": task.assignment_problem, "created_at": iso(task.created_at),
        "completed_at": iso(task.completed_at),
    }


def task_assignee_name(task: HumanTask) -> str | None:
    from sqlalchemy.orm import object_session

    session = object_session(task)
    person = session.get(Person, task.assignee_id) if session and task.assignee_id else None
    return person.username if person else None


def list_tasks(session: Session, viewer: Viewer, *, scope: str = "mine", status: str | None = "ready",
               page: Page = Page()) -> list[dict[str, Any]]:
    """`mine`: held by me; `candidate`: unheld, for a role I hold in its unit; `unit`: in my units."""
    query = select(HumanTask)
    if scope == "mine":
        query = query.where(HumanTask.assignee_id == viewer.id)
    elif scope == "candidate":
        membership = aliased(RoleMembership)
        query = query.where(HumanTask.assignee_id.is_(None), exists().where(and_(
            membership.person_id == viewer.id, membership.role_code == HumanTask.role_code,
            membership.unit_id == HumanTask.unit_id)))
    elif scope == "unit":
        query = query.where(HumanTask.unit_id.in_(viewer.scope_unit_ids))
    else:
        raise InvalidInput("scope must be mine, candidate or unit", field="scope")
    if status:
        if status not in ("ready", "completed", "cancelled"):
            raise InvalidInput("status must be ready, completed or cancelled", field="status")
        query = query.where(HumanTask.status == status)
    query = query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id).limit(page.limit) \
        .offset(page.offset)
    tasks = list(session.scalars(query))
    ids = {t.assignee_id for t in tasks if t.assignee_id}
    people = {pid: name for pid, name in session.execute(
        select(Person.id, Person.username).where(Person.id.in_(ids)))} if ids else {}
    return [task_summary(t, people) for t in tasks]


def instance_detail(session: Session, instance: Instance) -> dict[str, Any]:
    tasks = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)
                                 .order_by(HumanTask.id)))
    events = session.execute(select(AuditEvent, Person.username).outerjoin(Person, Person.id == AuditEvent.actor_id)
                             .where(AuditEvent.instance_id == instance.id).order_by(AuditEvent.id)).all()
    return {
        **instance_summary(instance),
        "tasks": [task_summary(t) for t in tasks if t.status == "ready"],
        "completed_tasks": [task_summary(t) for t in tasks if t.status != "ready"],
        "history": [{"at": iso(e.at), "actor": username, "action": e.action, "task_id": e.task_id,
                     "details": e.details} for e, username in events],
    }
