"""The officer's inbox: my tasks and my roles' unclaimed tasks in my units, filtered, sorted, paged."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from engine.authz import Viewer
from engine.clock import VN_TZ
from engine.models import HumanTask, Instance, Person, ProcessDefinition, RoleMembership, Unit

PAGE_SIZE = 20
DUE_SOON = timedelta(days=3)
VIEWS = ("open", "mine", "unclaimed", "done")
SORTS = ("due", "created", "title", "case")


@dataclass(frozen=True)
class InboxFilters:
    view: str = "open"
    process: str | None = None
    unit: str | None = None
    due_from: date | None = None
    due_to: date | None = None
    sort: str = "due"
    descending: bool = False
    page: int = 1

    def with_page(self, page: int) -> InboxFilters:
        return replace(self, page=page)


@dataclass(frozen=True)
class InboxRow:
    task_id: int
    title: str
    status: str
    instance_id: int
    case_title: str
    process_key: str
    process_name: str
    unit_id: int | None
    unit_name: str | None
    role_code: str | None
    assignee_id: int | None
    assignee_name: str | None
    due_at: datetime | None
    created_at: datetime
    completed_at: datetime | None
    plan_id: int | None
    milestone: str | None  # filled once plans and milestones are linked to tasks
    urgency: str | None  # "overdue", "soon" or None
    can_claim: bool
    can_unclaim: bool
    can_delegate: bool


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    total: int
    page: int
    pages: int


def urgency_of(due_at: datetime | None, status: str, now: datetime) -> str | None:
    if due_at is None or status != "ready":
        return None
    if due_at <= now:
        return "overdue"
    return "soon" if due_at - now <= DUE_SOON else None


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VN_TZ).astimezone(UTC)


def _view_clause(viewer: Viewer, view: str) -> ColumnElement[bool]:
    membership = aliased(RoleMembership)
    candidate = exists().where(membership.person_id == viewer.id, membership.role_code == HumanTask.role_code,
                               membership.unit_id == HumanTask.unit_id)
    unclaimed = and_(HumanTask.assignee_id.is_(None), candidate)
    mine = HumanTask.assignee_id == viewer.id
    if view == "mine":
        return and_(HumanTask.status == "ready", mine)
    if view == "unclaimed":
        return and_(HumanTask.status == "ready", unclaimed)
    if view == "done":
        return and_(HumanTask.status == "completed", HumanTask.completed_by_id == viewer.id)
    return and_(HumanTask.status == "ready", or_(mine, unclaimed))


def _conditions(viewer: Viewer, filters: InboxFilters) -> list[ColumnElement[bool]]:
    conditions = [_view_clause(viewer, filters.view)]
    if filters.process:
        conditions.append(Instance.definition_key == filters.process)
    if filters.unit:
        conditions.append(Unit.code == filters.unit)
    if filters.due_from:
        conditions.append(HumanTask.due_at >= _start_of_day(filters.due_from))
    if filters.due_to:
        conditions.append(HumanTask.due_at < _start_of_day(filters.due_to + timedelta(days=1)))
    return conditions


def _order(filters: InboxFilters) -> list[Any]:
    column: Any = {"created": HumanTask.created_at, "title": HumanTask.title,
                   "case": Instance.title}.get(filters.sort, HumanTask.due_at)
    primary = column.desc() if filters.descending else column.asc()
    keys = [HumanTask.due_at.is_(None), primary] if filters.sort == "due" else [primary]
    return [*keys, HumanTask.id.desc() if filters.descending else HumanTask.id]


def inbox(session: Session, viewer: Viewer, filters: InboxFilters, now: datetime) -> InboxPage:
    assignee = aliased(Person)
    conditions = _conditions(viewer, filters)
    joined = (select(HumanTask.id).join(Instance, Instance.id == HumanTask.instance_id)
              .outerjoin(Unit, Unit.id == HumanTask.unit_id))
    total = session.scalar(select(func.count()).select_from(joined.where(*conditions).subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    query = (select(HumanTask, Instance.title, Instance.definition_key, Instance.plan_id, ProcessDefinition.name,
                    Unit.name, assignee.full_name)
             .join(Instance, Instance.id == HumanTask.instance_id)
             .join(ProcessDefinition, ProcessDefinition.id == Instance.definition_id)
             .outerjoin(Unit, Unit.id == HumanTask.unit_id)
             .outerjoin(assignee, assignee.id == HumanTask.assignee_id)
             .where(*conditions).order_by(*_order(filters)).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    rows = [row_of(viewer, task, case_title, key, plan_id, process_name, unit_name, assignee_name, now)
            for task, case_title, key, plan_id, process_name, unit_name, assignee_name in session.execute(query)]
    return InboxPage(rows, total, page, pages)


def row_of(viewer: Viewer, task: HumanTask, case_title: str, process_key: str, plan_id: int | None,
           process_name: str, unit_name: str | None, assignee_name: str | None, now: datetime) -> InboxRow:
    ready = task.status == "ready" and not task.assignee_fixed  # a fixed task stays with its one person
    candidate = (task.role_code, task.unit_id) in viewer.memberships
    mine = task.assignee_id == viewer.id
    return InboxRow(
        task_id=task.id, title=task.title, status=task.status, instance_id=task.instance_id,
        case_title=case_title, process_key=process_key, process_name=process_name, unit_id=task.unit_id,
        unit_name=unit_name, role_code=task.role_code, assignee_id=task.assignee_id, assignee_name=assignee_name,
        due_at=task.due_at, created_at=task.created_at, completed_at=task.completed_at, plan_id=plan_id,
        milestone=None, urgency=urgency_of(task.due_at, task.status, now),
        can_claim=ready and task.assignee_id is None and candidate,
        can_unclaim=ready and mine,
        can_delegate=ready and task.unit_id is not None and (mine or (task.assignee_id is None and candidate)),
    )


def single_row(session: Session, viewer: Viewer, task_id: int, now: datetime) -> InboxRow | None:
    """One task as an inbox row (after claim/unclaim/delegate), whatever its view."""
    assignee = aliased(Person)
    found = session.execute(
        select(HumanTask, Instance.title, Instance.definition_key, Instance.plan_id, ProcessDefinition.name,
               Unit.name, assignee.full_name)
        .join(Instance, Instance.id == HumanTask.instance_id)
        .join(ProcessDefinition, ProcessDefinition.id == Instance.definition_id)
        .outerjoin(Unit, Unit.id == HumanTask.unit_id)
        .outerjoin(assignee, assignee.id == HumanTask.assignee_id)
        .where(HumanTask.id == task_id)).first()
    return row_of(viewer, *found, now) if found else None


def process_choices(session: Session) -> list[tuple[str, str]]:
    """(key, name of the latest version) of every deployed process."""
    latest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version"))
              .where(ProcessDefinition.kind == "bpmn").group_by(ProcessDefinition.key).subquery())
    rows = session.execute(select(ProcessDefinition.key, ProcessDefinition.name).join(
        latest, and_(latest.c.key == ProcessDefinition.key, latest.c.version == ProcessDefinition.version))
        .order_by(ProcessDefinition.name)).all()
    return [(key, name) for key, name in rows]


def unit_choices(session: Session, viewer: Viewer) -> list[tuple[str, str]]:
    """The units where the viewer holds a role (where their candidate tasks live)."""
    unit_ids = {unit_id for _, unit_id in viewer.memberships}
    if not unit_ids:
        return []
    return [(code, name) for code, name in session.execute(
        select(Unit.code, Unit.name).where(Unit.id.in_(unit_ids)).order_by(Unit.name))]
