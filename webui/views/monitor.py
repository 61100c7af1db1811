"""The manager's lists, read from the projection tables only (never a workflow load).

Scope: the units under the manager (`Viewer.manage_unit_ids`): tasks by the unit that does them (the
holder's unit: `human_task.unit_id`, read through `ix_human_task_unit_status`, so the cost follows the
open work under the manager), cases by the case's unit. The four lists:

- overdue: ready tasks past their `due_at`, of running (or incident) cases;
- stuck: running cases whose `last_progress_at` is N or more working days ago (business calendar),
  unless they have no ready task and only wait for a timer still to come;
- orphans: ready tasks nobody can take: unheld and flagged `is_orphan` at creation or whose role nobody
  active holds in its unit now, or held by a person whose account is disabled (a task whose unit could
  not be resolved is under its case's unit);
- incidents: cases stopped on a failing automatic step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session, aliased

from engine.models import HumanTask, Instance, Person, Role, RoleMembership, Unit
from webui.views.scope import in_units

LISTS = ("overdue", "stuck", "orphans", "incidents")
TASK_LISTS = ("overdue", "orphans")
PAGE_SIZE = 20
OPEN_CASE = ("running", "incident")

_task_unit, _case_unit, _assignee = aliased(Unit), aliased(Unit), aliased(Person)


@dataclass(frozen=True)
class TaskRef:
    """An open task and who holds it: its assignee, else its role in its unit."""

    task_id: int
    title: str
    role_code: str | None
    role_name: str | None
    unit_id: int | None
    unit_name: str | None
    assignee_id: int | None
    assignee_name: str | None
    assignee_active: bool
    due_at: datetime | None
    created_at: datetime
    is_orphan: bool
    assignment_problem: str | None


@dataclass(frozen=True)
class MonitorRow:
    kind: str
    instance_id: int
    case_title: str
    case_unit_name: str
    status: str
    last_progress_at: datetime
    next_fire_at: datetime | None
    incident_task: str | None
    incident_message: str | None
    incident_at: datetime | None
    tasks: tuple[TaskRef, ...]  # the task of a task list; a stuck case's ready tasks

    @property
    def task(self) -> TaskRef | None:
        return self.tasks[0] if self.tasks else None

    @property
    def item_id(self) -> int:
        """What a bulk action works on: the task (overdue, orphans) or the case (stuck, incidents)."""
        return self.tasks[0].task_id if self.kind in TASK_LISTS and self.tasks else self.instance_id


@dataclass(frozen=True)
class ListPage:
    kind: str
    rows: list[MonitorRow]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class MonitorQuery:
    """Everything a list depends on besides the page: who looks, when, and the stuck threshold."""

    unit_ids: frozenset[int]
    now: datetime
    stuck_before: datetime


CASE_COLUMNS = (Instance.id, Instance.title, _case_unit.name, Instance.status, Instance.last_progress_at,
                Instance.next_fire_at, Instance.incident_task, Instance.incident_message, Instance.incident_at)
TASK_COLUMNS = (HumanTask.id, HumanTask.title, HumanTask.role_code, Role.name, HumanTask.unit_id, _task_unit.name,
                HumanTask.assignee_id, _assignee.full_name, _assignee.active, HumanTask.due_at,
                HumanTask.created_at, HumanTask.is_orphan, HumanTask.assignment_problem)


def _with_task_joins(query: Select[Any]) -> Select[Any]:
    return (query.outerjoin(Role, Role.code == HumanTask.role_code)
            .outerjoin(_task_unit, _task_unit.id == HumanTask.unit_id)
            .outerjoin(_assignee, _assignee.id == HumanTask.assignee_id))


def _task_ref(values: Iterable[Any]) -> TaskRef:
    (task_id, title, role_code, role_name, unit_id, unit_name, assignee_id, assignee_name, active, due_at,
     created_at, is_orphan, problem) = values
    return TaskRef(task_id, title, role_code, role_name, unit_id, unit_name, assignee_id, assignee_name,
                   bool(active) if assignee_id is not None else True, due_at, created_at, bool(is_orphan), problem)


def nobody_holds_role() -> ColumnElement[bool]:
    """SQL, correlated to `human_task`: no active person holds the task's role in its unit."""
    member = aliased(RoleMembership)
    person = aliased(Person)
    return not_(exists().where(member.role_code == HumanTask.role_code, member.unit_id == HumanTask.unit_id,
                               person.id == member.person_id, person.active.is_(True)))


def _task_conditions(session: Session, kind: str, q: MonitorQuery) -> list[ColumnElement[bool]]:
    base = [HumanTask.status == "ready", Instance.status.in_(OPEN_CASE)]
    if kind == "overdue":
        return [in_units(session, HumanTask.unit_id, q.unit_ids), *base, HumanTask.due_at < q.now]
    unit_unknown = and_(HumanTask.unit_id.is_(None), in_units(session, Instance.unit_id, q.unit_ids))
    base.append(or_(in_units(session, HumanTask.unit_id, q.unit_ids), unit_unknown))
    holder = aliased(Person)
    holder_disabled = exists().where(holder.id == HumanTask.assignee_id, holder.active.is_(False))
    unheld = and_(HumanTask.assignee_id.is_(None), or_(HumanTask.is_orphan.is_(True), HumanTask.unit_id.is_(None),
                                                       HumanTask.role_code.is_(None), nobody_holds_role()))
    return [*base, or_(unheld, holder_disabled)]


def _case_conditions(session: Session, kind: str, q: MonitorQuery) -> list[ColumnElement[bool]]:
    scope = in_units(session, Instance.unit_id, q.unit_ids)
    if kind == "incidents":
        return [Instance.status == "incident", scope]
    has_ready = exists().where(HumanTask.instance_id == Instance.id, HumanTask.status == "ready")
    not_just_waiting_for_timer = or_(Instance.next_fire_at.is_(None), Instance.next_fire_at <= q.now, has_ready)
    return [Instance.status == "running", scope, Instance.last_progress_at < q.stuck_before, not_just_waiting_for_timer]


def _task_order(kind: str) -> list[Any]:
    return [HumanTask.due_at, HumanTask.id] if kind == "overdue" else [HumanTask.created_at, HumanTask.id]


def _case_order(kind: str) -> list[Any]:
    return [Instance.incident_at, Instance.id] if kind == "incidents" else [Instance.last_progress_at, Instance.id]


def _selection(session: Session, kind: str, q: MonitorQuery, *columns: Any) -> Select[Any]:
    if kind in TASK_LISTS:
        return select(*columns).select_from(HumanTask).join(Instance, Instance.id == HumanTask.instance_id) \
            .where(*_task_conditions(session, kind, q))
    return select(*columns).select_from(Instance).where(*_case_conditions(session, kind, q))


def count(session: Session, kind: str, q: MonitorQuery) -> int:
    return session.scalar(_selection(session, kind, q, func.count())) or 0


def _keys(session: Session, kind: str, q: MonitorQuery, limit: int, offset: int) -> tuple[list[int], int | None]:
    """The ids of one page (tasks or cases) and, in the same scan, how many there are in all (None when the
    page is past the end)."""
    key = HumanTask.id if kind in TASK_LISTS else Instance.id
    order = _task_order(kind) if kind in TASK_LISTS else _case_order(kind)
    found = session.execute(_selection(session, kind, q, key, func.count().over())
                            .order_by(*order).limit(limit).offset(offset)).all()
    return [r[0] for r in found], (found[0][1] if found else None)


def _details(session: Session, kind: str, keys: list[int]) -> list[MonitorRow]:
    """The rows of these tasks or cases, in the order given, with names and holders."""
    if not keys:
        return []
    if kind in TASK_LISTS:
        query = _with_task_joins(select(*CASE_COLUMNS, *TASK_COLUMNS).select_from(HumanTask)
                                 .join(Instance, Instance.id == HumanTask.instance_id)
                                 .join(_case_unit, _case_unit.id == Instance.unit_id)).where(HumanTask.id.in_(keys))
        width = len(CASE_COLUMNS)
        by_key = {r[width]: _row(kind, r[:width], (_task_ref(r[width:]),)) for r in session.execute(query)}
    else:
        query = select(*CASE_COLUMNS).select_from(Instance).join(_case_unit, _case_unit.id == Instance.unit_id) \
            .where(Instance.id.in_(keys))
        found = session.execute(query).all()
        waiting = ready_tasks(session, [r[0] for r in found])
        by_key = {r[0]: _row(kind, r, tuple(waiting.get(r[0], ()))) for r in found}
    return [by_key[k] for k in keys if k in by_key]


def rows(session: Session, kind: str, q: MonitorQuery, *, limit: int, offset: int = 0) -> list[MonitorRow]:
    if kind not in LISTS:
        raise ValueError(f"unknown list {kind!r}")
    return _details(session, kind, _keys(session, kind, q, limit, offset)[0])


def _row(kind: str, case: Any, tasks: tuple[TaskRef, ...]) -> MonitorRow:
    instance_id, title, unit_name, status, progress, next_fire, incident_task, message, incident_at = case
    return MonitorRow(kind, instance_id, title, unit_name, status, progress, next_fire, incident_task, message,
                      incident_at, tasks)


def ready_tasks(session: Session, instance_ids: list[int]) -> dict[int, list[TaskRef]]:
    """The ready tasks of these cases (oldest first), with who holds them."""
    if not instance_ids:
        return {}
    query = _with_task_joins(select(HumanTask.instance_id, *TASK_COLUMNS).select_from(HumanTask)) \
        .where(HumanTask.instance_id.in_(instance_ids), HumanTask.status == "ready").order_by(HumanTask.id)
    out: dict[int, list[TaskRef]] = {}
    for instance_id, *rest in session.execute(query):
        out.setdefault(instance_id, []).append(_task_ref(rest))
    return out


def page_of(session: Session, kind: str, q: MonitorQuery, page: int) -> ListPage:
    page = max(1, page)
    keys, total = _keys(session, kind, q, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    if total is None:  # empty, or a page past the end: show the last one
        total = count(session, kind, q) if page > 1 else 0
        page = max(1, -(-total // PAGE_SIZE))
        keys = _keys(session, kind, q, PAGE_SIZE, (page - 1) * PAGE_SIZE)[0] if total else []
    return ListPage(kind, _details(session, kind, keys), total, page, max(1, -(-total // PAGE_SIZE)))


def case_counts(session: Session, unit_ids: Iterable[int]) -> dict[str, int]:
    """Cases of the units by status."""
    query = select(Instance.status, func.count()).where(in_units(session, Instance.unit_id, unit_ids)) \
        .group_by(Instance.status)
    return {status: n for status, n in session.execute(query)}
