"""The officer's inbox: my tasks and my roles' unclaimed tasks in my units, filtered, sorted, paged."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, literal_column, or_, select
from sqlalchemy.orm import Session, aliased

from engine import calendar
from engine.authz import Viewer
from engine.calendar import OutOfRange
from engine.clock import VN_TZ
from engine.models import HumanTask, Instance, Milestone, Person, Plan, ProcessDefinition, Unit
from webui.views.workdays import JUST_BEFORE

PAGE_SIZE = 20
MAX_COUNTED = 1000  # the total shown is exact up to here, then "more than 1000" (no COUNT over everything)
DUE_SOON_WORKING_DAYS = 3
VIEWS = ("open", "mine", "unclaimed", "done")
SORTS = ("due", "created", "title", "case")
READY = literal_column("'ready'")  # literals, so partial indexes on the status match the statements
COMPLETED = literal_column("'completed'")


@dataclass(frozen=True)
class InboxFilters:
    view: str = "open"
    process: str | None = None
    unit: str | None = None
    plan: int | None = None
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
    plan_number: str | None
    milestone: str | None  # the title of the plan milestone the due date comes from
    urgency: str | None  # "overdue", "soon" (within DUE_SOON_WORKING_DAYS working days) or None
    can_claim: bool
    can_unclaim: bool
    can_delegate: bool


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    total: int
    page: int
    pages: int
    more: bool = False  # more than MAX_COUNTED tasks match: `total` is MAX_COUNTED


def urgency_of(due_at: datetime | None, status: str, now: datetime) -> str | None:
    """Overdue once the due has passed; due soon while at most DUE_SOON_WORKING_DAYS working days are left
    (business calendar; a due at local midnight is the end of the day before)."""
    if due_at is None or status != "ready":
        return None
    if due_at <= now:
        return "overdue"
    try:
        left = calendar.current().working_days_between(now, due_at - JUST_BEFORE)
    except OutOfRange:  # beyond the years the holiday tables cover: count calendar days
        left = (due_at - now).days
    return "soon" if left <= DUE_SOON_WORKING_DAYS else None


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VN_TZ).astimezone(UTC)


def _queue_clause(viewer: Viewer) -> ColumnElement[bool]:
    """Unclaimed open tasks of the viewer's (role, unit) pairs, spelled out so the queue index is used."""
    pairs = sorted(viewer.memberships)
    if not pairs:
        return false()
    return and_(HumanTask.status == READY, HumanTask.assignee_id.is_(None),
                or_(*(and_(HumanTask.role_code == role, HumanTask.unit_id == unit) for role, unit in pairs)))


def _view_clause(viewer: Viewer, view: str) -> ColumnElement[bool]:
    mine = and_(HumanTask.status == READY, HumanTask.assignee_id == viewer.id)
    if view == "mine":
        return mine
    if view == "unclaimed":
        return _queue_clause(viewer)
    if view == "done":
        return and_(HumanTask.status == COMPLETED, HumanTask.completed_by_id == viewer.id)
    return or_(mine, _queue_clause(viewer))


def _unit_id(session: Session, code: str) -> int:
    return session.scalar(select(Unit.id).where(Unit.code == code)) or 0


def _conditions(session: Session, viewer: Viewer, filters: InboxFilters) -> list[ColumnElement[bool]]:
    conditions = [_view_clause(viewer, filters.view)]
    if filters.unit:
        conditions.append(HumanTask.unit_id == _unit_id(session, filters.unit))
    if filters.due_from:
        conditions.append(HumanTask.due_at >= _start_of_day(filters.due_from))
    if filters.due_to:
        conditions.append(HumanTask.due_at < _start_of_day(filters.due_to + timedelta(days=1)))
    return conditions


def _case_conditions(filters: InboxFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.process:
        conditions.append(Instance.definition_key == filters.process)
    if filters.plan is not None:
        conditions.append(Instance.plan_id == filters.plan)
    return conditions


def _order(filters: InboxFilters) -> list[Any]:
    column: Any = {"created": HumanTask.created_at, "title": HumanTask.title,
                   "case": Instance.title}.get(filters.sort, HumanTask.due_at)
    primary = column.desc() if filters.descending else column.asc()
    keys = [HumanTask.due_at.is_(None), primary] if filters.sort == "due" else [primary]
    return [*keys, HumanTask.id.desc() if filters.descending else HumanTask.id]


def _matching(session: Session, viewer: Viewer, filters: InboxFilters) -> Select[Any]:
    """The ids of the viewer's matching tasks, read from the task projection's indexes (the case row is
    joined only when a filter or the sort needs it)."""
    query = select(HumanTask.id).where(*_conditions(session, viewer, filters))
    case_conditions = _case_conditions(filters)
    if case_conditions or filters.sort == "case":
        query = query.join(Instance, Instance.id == HumanTask.instance_id).where(*case_conditions)
    return query


def _row_query() -> Select[Any]:
    assignee = aliased(Person)
    return (select(HumanTask, Instance.title, Instance.definition_key, Instance.plan_id, ProcessDefinition.name,
                   Unit.name, assignee.full_name, Plan.number, Milestone.title)
            .join(Instance, Instance.id == HumanTask.instance_id)
            .join(ProcessDefinition, ProcessDefinition.id == Instance.definition_id)
            .outerjoin(Unit, Unit.id == HumanTask.unit_id)
            .outerjoin(assignee, assignee.id == HumanTask.assignee_id)
            .outerjoin(Plan, Plan.id == Instance.plan_id)
            .outerjoin(Milestone, and_(Milestone.plan_id == Instance.plan_id,
                                       Milestone.key == HumanTask.milestone_key)))


def inbox(session: Session, viewer: Viewer, filters: InboxFilters, now: datetime) -> InboxPage:
    matching = _matching(session, viewer, filters)
    ordered = matching.order_by(*_order(filters))
    ids: list[int] | None = None
    if filters.page <= 1:  # most people have less than a page: then the page itself is the count
        ids = list(session.scalars(ordered.limit(PAGE_SIZE)))
        total, more = len(ids), False
    if ids is None or len(ids) == PAGE_SIZE:
        counted = session.scalar(select(func.count()).select_from(matching.limit(MAX_COUNTED + 1).subquery())) or 0
        total, more = min(counted, MAX_COUNTED), counted > MAX_COUNTED
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    if ids is None or page != 1:
        ids = list(session.scalars(ordered.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    found = {row[0].id: row for row in session.execute(_row_query().where(HumanTask.id.in_(ids)))} if ids else {}
    rows = [row_of(viewer, *found[task_id], now) for task_id in ids if task_id in found]
    return InboxPage(rows, total, page, pages, more)


def row_of(viewer: Viewer, task: HumanTask, case_title: str, process_key: str, plan_id: int | None,
           process_name: str, unit_name: str | None, assignee_name: str | None, plan_number: str | None,
           milestone: str | None, now: datetime) -> InboxRow:
    ready = task.status == "ready" and not task.assignee_fixed  # a fixed task stays with its one person
    candidate = (task.role_code, task.unit_id) in viewer.memberships
    mine = task.assignee_id == viewer.id
    return InboxRow(
        task_id=task.id, title=task.title, status=task.status, instance_id=task.instance_id,
        case_title=case_title, process_key=process_key, process_name=process_name, unit_id=task.unit_id,
        unit_name=unit_name, role_code=task.role_code, assignee_id=task.assignee_id, assignee_name=assignee_name,
        due_at=task.due_at, created_at=task.created_at, completed_at=task.completed_at, plan_id=plan_id,
        plan_number=plan_number, milestone=milestone, urgency=urgency_of(task.due_at, task.status, now),
        can_claim=ready and task.assignee_id is None and candidate,
        can_unclaim=ready and mine,
        can_delegate=ready and task.unit_id is not None and (mine or (task.assignee_id is None and candidate)),
    )


def single_row(session: Session, viewer: Viewer, task_id: int, now: datetime) -> InboxRow | None:
    """One task as an inbox row (after claim/unclaim/delegate), whatever its view."""
    found = session.execute(_row_query().where(HumanTask.id == task_id)).first()
    return row_of(viewer, *found, now) if found else None


def plan_choices(session: Session) -> list[tuple[int, str]]:
    """(id, number) of every plan, newest first, for the inbox's plan filter."""
    return [(plan_id, number) for plan_id, number in
            session.execute(select(Plan.id, Plan.number).order_by(Plan.id.desc()))]


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
