"""Progress of units against a plan's milestones, and completions per day (read-only, projections only).

The rule (shown on the dashboard too). A milestone is measured when it names a process
(`Milestone.process_key`); the cases that carry it out for a unit are that unit's cases of that
process started for the plan (`Instance.plan_id`), terminated ones left out. Until tasks carry their
own milestone key, the tasks tied to the milestone are all the human tasks of those cases, so:

- a case has *done* the milestone when it is completed (every task of it completed);
- done *on time* when it ended by the milestone's due instant and none of its tasks was completed
  after that task's own `due_at`; otherwise done *late*;
- an open case is *overdue* once the milestone's due instant has passed, or earlier when one of its
  ready tasks is past its own `due_at`; otherwise it is *pending*.

A unit's cell: overdue if any case is overdue, else pending if any is open, else late if any was late,
else on time. The units (rows): those under both the viewer and the plan's issuing unit whose kind is
the `unit_kind` of a measured milestone (or, without an issuer or kinds, the units having cases for
the plan). A unit of the milestone's kind without any case is pending before the due instant and
overdue after it; a unit of another kind without a case: not applicable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, cast, exists, func, not_, select
from sqlalchemy.orm import Session

from engine.calendar import local_date
from engine.clock import VN_TZ
from engine.models import LIVE_STATUSES, HumanTask, Instance, Milestone, Plan, Unit
from engine.org import subtree_unit_ids
from webui.views.scope import in_units

UNITS_PER_PAGE = 30
CHART_DAYS = 30


@dataclass(frozen=True)
class Cell:
    state: str  # on_time, late, pending, overdue, na
    total: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def finished(self) -> bool:
        return self.state in ("on_time", "late")


NOT_APPLICABLE = Cell("na")


@dataclass(frozen=True)
class UnitRow:
    unit_id: int
    name: str
    kind: str
    bound: bool  # under the plan's issuing unit: expected to do the milestones of its kind


@dataclass(frozen=True)
class HeatMap:
    plan: Plan
    milestones: list[Milestone]
    units: list[UnitRow]
    cells: dict[tuple[int, int], Cell]  # (unit id, milestone id)
    total_units: int
    page: int
    pages: int


def measured(plan: Plan) -> list[Milestone]:
    return [m for m in plan.milestones if m.process_key]


def _counts(session: Session, milestone: Milestone, unit_ids: Iterable[int],
            now: datetime) -> dict[int, tuple[int, int, int, int]]:
    """unit id → (cases, done on time, done late, open and overdue) for one milestone."""
    late_step = exists().where(HumanTask.instance_id == Instance.id, HumanTask.status == "completed",
                               HumanTask.completed_at > HumanTask.due_at)
    done = Instance.status == "completed"
    on_time = and_(done, Instance.ended_at <= milestone.due_at, not_(late_step))
    is_open = Instance.status.in_(LIVE_STATUSES)
    if now >= milestone.due_at:
        overdue: ColumnElement[bool] = is_open
    else:
        overdue = and_(is_open, exists().where(HumanTask.instance_id == Instance.id, HumanTask.status == "ready",
                                               HumanTask.due_at < now))
    query = (select(Instance.unit_id, func.count(), func.sum(case((on_time, 1), else_=0)),
                    func.sum(case((done, 1), else_=0)), func.sum(case((overdue, 1), else_=0)))
             .where(Instance.plan_id == milestone.plan_id, Instance.definition_key == milestone.process_key,
                    Instance.status != "terminated", in_units(session, Instance.unit_id, unit_ids))
             .group_by(Instance.unit_id))
    return {unit_id: (int(n), int(a or 0), int(d or 0) - int(a or 0), int(c or 0))
            for unit_id, n, a, d, c in session.execute(query)}


def cell_of(milestone: Milestone, unit: UnitRow, counts: tuple[int, int, int, int] | None, now: datetime) -> Cell:
    if counts is None or counts[0] == 0:
        if not unit.bound or unit.kind != milestone.unit_kind:
            return NOT_APPLICABLE
        return Cell("overdue" if now >= milestone.due_at else "pending")
    total, on_time, late, overdue = counts
    if overdue:
        state = "overdue"
    elif on_time + late < total:
        state = "pending"
    else:
        state = "late" if late else "on_time"
    return Cell(state, total, on_time, late, overdue)


def _units(session: Session, plan: Plan, milestones: list[Milestone], scope: Iterable[int]) -> list[UnitRow]:
    """Units under the viewer expected to do a measured milestone: of the milestone's kind and under the
    plan's issuing unit (a plan binds the units below its issuer). A plan without a known issuer, or
    whose measured milestones name no kind of unit: the units that have cases for it."""
    scope = set(scope)
    kinds = {m.unit_kind for m in milestones if m.unit_kind}
    if plan.issuing_unit_id is not None and kinds:
        bound = scope & subtree_unit_ids(session, {plan.issuing_unit_id})
        wanted: ColumnElement[bool] = and_(in_units(session, Unit.id, bound), Unit.kind.in_(kinds))
    else:
        bound = set()
        keys = sorted({m.process_key for m in milestones if m.process_key})
        wanted = and_(in_units(session, Unit.id, scope), exists().where(
            Instance.unit_id == Unit.id, Instance.plan_id == plan.id, Instance.definition_key.in_(keys)))
    found = session.execute(select(Unit.id, Unit.name, Unit.kind).where(wanted).order_by(Unit.name, Unit.id))
    return [UnitRow(unit_id, name, kind, unit_id in bound) for unit_id, name, kind in found]


def heat_map(session: Session, plan: Plan, scope: Iterable[int], now: datetime, page: int = 1) -> HeatMap:
    milestones = measured(plan)
    units = _units(session, plan, milestones, scope) if milestones else []
    pages = max(1, -(-len(units) // UNITS_PER_PAGE))
    page = min(max(1, page), pages)
    shown = units[(page - 1) * UNITS_PER_PAGE: page * UNITS_PER_PAGE]
    cells: dict[tuple[int, int], Cell] = {}
    for milestone in milestones:
        counts = _counts(session, milestone, [u.unit_id for u in shown], now) if shown else {}
        for unit in shown:
            cells[(unit.unit_id, milestone.id)] = cell_of(milestone, unit, counts.get(unit.unit_id), now)
    return HeatMap(plan, milestones, shown, cells, len(units), page, pages)


@dataclass(frozen=True)
class Share:
    done: int
    expected: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.expected) if self.expected else 0


def shares(session: Session, plan: Plan, scope: Iterable[int], now: datetime) -> dict[int, Share]:
    """Milestone id → units (among `scope`) that have done it / units it applies to."""
    milestones = measured(plan)
    if not milestones:
        return {}
    units = _units(session, plan, milestones, scope)
    unit_ids = [u.unit_id for u in units]
    out: dict[int, Share] = {}
    for milestone in milestones:
        counts = _counts(session, milestone, unit_ids, now)
        cells = [cell_of(milestone, u, counts.get(u.unit_id), now) for u in units]
        applicable = [c for c in cells if c.state != "na"]
        out[milestone.id] = Share(sum(c.finished for c in applicable), len(applicable))
    return out


def plan_choices(session: Session, scope: Iterable[int]) -> tuple[list[tuple[int, str]], int | None]:
    """Plans with measured milestones (newest school year first), and the default: the newest that has
    cases in the viewer's units."""
    plans = session.execute(select(Plan.id, Plan.number, Plan.school_year).where(
        exists().where(Milestone.plan_id == Plan.id, Milestone.process_key.is_not(None)))
        .order_by(Plan.school_year.desc(), Plan.id.desc())).all()
    scope = set(scope)
    default = next((pid for pid, _, _ in plans if session.scalar(select(Instance.id).where(
        Instance.plan_id == pid, in_units(session, Instance.unit_id, scope)).limit(1)) is not None),
        plans[0][0] if plans else None)
    return [(pid, f"{number} ({year})") for pid, number, year in plans], default


def _local_day(session: Session) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("Asia/Ho_Chi_Minh", HumanTask.completed_at), Date)
    return func.date(HumanTask.completed_at, "+7 hours")  # Vietnam keeps UTC+7 all year


def completions_per_day(session: Session, scope: Iterable[int], now: datetime,
                        days: int = CHART_DAYS) -> list[tuple[date, int]]:
    """Tasks completed in the viewer's units on each of the last `days` local days (today included)."""
    today = local_date(now)
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time.min, tzinfo=VN_TZ)
    day = _local_day(session)
    query = (select(day, func.count()).select_from(HumanTask)
             .where(in_units(session, HumanTask.unit_id, scope), HumanTask.status == "completed",
                    HumanTask.completed_at >= start).group_by(day))
    found = {d if isinstance(d, date) else date.fromisoformat(str(d)): int(n) for d, n in session.execute(query)}
    return [(first + timedelta(days=i), found.get(first + timedelta(days=i), 0)) for i in range(days)]
