"""Plans in the database: create from a checked document, update in place, move a milestone, and load
processes/plans/*.yaml (idempotent: a file whose content has not changed since it was last loaded
leaves the plan as it is, so deadlines moved in the database are not reverted by `tdkt init`).

Other parts of the engine read a milestone's instants with `milestone_due(session, plan_id, key)` or
`get_milestone(session, plan_id, key)`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Literal

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine import clock
from engine.db import Database
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import Milestone, Person, Plan, Unit
from engine.plans.instants import iso_local
from engine.plans.spec import MilestoneSpec, PlanSpec, plan_spec
from engine.plans.timeline import TimelineResult

MAX_PLAN_FILE_BYTES = 1024 * 1024


class Keep(Enum):
    """`move_milestone(..., start=Keep.START)`: leave the window start as it is."""

    START = "keep"


@dataclass(frozen=True)
class PlanLoad:
    """What loading one plan file did."""

    file: str
    number: str
    plan_id: int
    outcome: Literal["created", "updated", "unchanged"]

    def __str__(self) -> str:
        return f"plan {self.number} ({self.file}): {self.outcome}"


# --- reading ------------------------------------------------------------------------------------

def list_plans(session: Session, school_year: str | None = None) -> list[Plan]:
    query = select(Plan).options(selectinload(Plan.milestones), selectinload(Plan.issuing_unit)) \
        .order_by(Plan.school_year.desc(), Plan.number)
    if school_year:
        query = query.where(Plan.school_year == school_year)
    return list(session.scalars(query))


def get_plan(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"no plan {plan_id}", field="plan")
    return plan


def plan_by_number(session: Session, number: str) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.number == number))


def get_milestone(session: Session, plan_id: int, key: str) -> Milestone:
    milestone = session.scalar(select(Milestone).where(Milestone.plan_id == plan_id, Milestone.key == key))
    if milestone is None:
        get_plan(session, plan_id)
        raise NotFound(f"plan {plan_id} has no milestone {key!r}", field="key")
    return milestone


def milestone_due(session: Session, plan_id: int, key: str) -> datetime:
    """The due instant (aware, UTC; an exclusive end) of milestone `key` of plan `plan_id`."""
    return get_milestone(session, plan_id, key).due_at


# --- writing ------------------------------------------------------------------------------------

def create_plan(session: Session, spec: PlanSpec, *, source_name: str | None = None, actor: Person | None = None,
                strict_unit: bool = True, source_hash: str | None = None) -> Plan:
    """A new plan; Conflict when its number exists. An unknown issuing unit is an error when
    `strict_unit`, else the plan is kept without one."""
    from engine.runtime.context import audit

    if plan_by_number(session, spec.number) is not None:
        raise Conflict(f"a plan numbered {spec.number!r} already exists", field="number")
    now = clock.now()
    plan = Plan(number=spec.number, created_at=now, updated_at=now, source_name=source_name,
                source_hash=source_hash, title=spec.title, school_year=spec.school_year)
    _set_fields(session, plan, spec, strict_unit)
    plan.milestones = [_new_milestone(m, i) for i, m in enumerate(spec.milestones)]
    session.add(plan)
    session.flush()
    audit(session, "plan.created", actor=actor, plan_id=plan.id, plan=plan.number, source=source_name,
          milestones=len(plan.milestones))
    return plan


def update_plan(session: Session, plan: Plan, spec: PlanSpec, *, actor: Person | None = None,
                strict_unit: bool = True) -> None:
    """Make `plan` say what `spec` says: milestones matched by key; a changed due or start goes
    through `move_milestone`; milestones no longer listed are removed."""
    from engine.runtime.context import audit

    _set_fields(session, plan, spec, strict_unit)
    existing = {m.key: m for m in plan.milestones}
    for position, wanted in enumerate(spec.milestones):
        milestone = existing.pop(wanted.key, None)
        if milestone is None:
            plan.milestones.append(_new_milestone(wanted, position))
            continue
        if (milestone.due_at, milestone.window_start) != (wanted.due, wanted.start):
            move_milestone(session, plan, wanted.key, wanted.due, wanted.start, actor=actor)
        milestone.title, milestone.unit_kind, milestone.process_key = wanted.title, wanted.kind, wanted.process
        milestone.source_text, milestone.position = wanted.source, position
    for key, milestone in existing.items():
        plan.milestones.remove(milestone)
        audit(session, "plan.milestone_removed", actor=actor, plan_id=plan.id, plan=plan.number, key=key,
              due=iso_local(milestone.due_at))
    plan.updated_at = clock.now()
    session.flush()
    audit(session, "plan.updated", actor=actor, plan_id=plan.id, plan=plan.number)


def move_milestone(session: Session, plan: Plan | int, key: str, due: datetime,
                   start: datetime | None | Keep = Keep.START, *, actor: Person | None = None
                   ) -> tuple[Milestone, datetime]:
    """Move milestone `key` to a new due instant (and window start, unless Keep.START); write an
    audit event. Returns the milestone and its previous due. Only data changes here: rescheduling the
    timers and due dates of live cases is the caller's business."""
    from engine.runtime.context import audit

    plan = plan if isinstance(plan, Plan) else get_plan(session, plan)
    milestone = get_milestone(session, plan.id, key)
    new_start = milestone.window_start if isinstance(start, Keep) else start
    for name, value in (("due", due), ("start", new_start)):
        if value is not None and value.utcoffset() is None:
            raise InvalidInput(f"{name}: {value.isoformat()} has no UTC offset", field=name)
    if new_start is not None and new_start >= due:
        raise InvalidInput(f"start: the window start {iso_local(new_start)} is not before the due {iso_local(due)}",
                           field="start")
    old_due, old_start = milestone.due_at, milestone.window_start
    milestone.due_at, milestone.window_start = due, new_start
    plan.updated_at = clock.now()
    session.flush()
    audit(session, "plan.milestone_moved", actor=actor, plan_id=plan.id, plan=plan.number, key=key,
          old_due=iso_local(old_due), due=iso_local(due), old_start=iso_local(old_start), start=iso_local(new_start))
    return milestone, old_due


def spec_from_timeline(result: TimelineResult, *, number: str, title: str, school_year: str,
                       issuing_unit: str | None = None, issuer: str | None = None,
                       issue_date: Any = None) -> PlanSpec:
    """The plan document an imported timeline makes (checked like any other)."""
    return plan_spec({
        "number": number, "title": title, "school_year": school_year, "issuing_unit": issuing_unit,
        "issuer": issuer, "issue_date": issue_date,
        "milestones": [{"key": m.key, "title": m.title, "start": m.window_start, "due": m.due_at, "kind": m.kind,
                        "source": m.source_text} for m in result.milestones],
    })


def _set_fields(session: Session, plan: Plan, spec: PlanSpec, strict_unit: bool) -> None:
    unit = None
    if spec.issuing_unit:
        unit = session.scalar(select(Unit).where(Unit.code == spec.issuing_unit))
        if unit is None and strict_unit:
            raise InvalidInput(f"issuing_unit: unknown unit {spec.issuing_unit!r}", field="issuing_unit")
    plan.number, plan.title, plan.school_year = spec.number, spec.title, spec.school_year
    plan.issuer, plan.issue_date, plan.issuing_unit = spec.issuer, spec.issue_date, unit


def _new_milestone(spec: MilestoneSpec, position: int) -> Milestone:
    return Milestone(key=spec.key, title=spec.title, window_start=spec.start, due_at=spec.due,
                     unit_kind=spec.kind, process_key=spec.process, source_text=spec.source, position=position)


# --- plan files ---------------------------------------------------------------------------------

class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML that refuses a mapping with the same key twice (PyYAML keeps the last silently) and
    leaves dates as text."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# dates stay text, checked by plan_spec with the field's name (PyYAML would fail on 2024-13-01 itself)
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def read_plan_file(path: Path) -> tuple[PlanSpec, str]:
    """The checked document of a plan file and the SHA-256 of its bytes."""
    if path.stat().st_size > MAX_PLAN_FILE_BYTES:
        raise InvalidInput(f"{path.name}: larger than {MAX_PLAN_FILE_BYTES} bytes", file=path.name)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path.name}: not UTF-8 text", file=path.name) from None
    try:
        document = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = re.sub(r"\s+", " ", str(getattr(exc, "problem", None) or exc)).strip()
        raise InvalidInput(f"{path.name}:{line or ''}: {problem}", file=path.name, line=line) from None
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"{path.name}: cannot be read: {exc}", file=path.name) from None
    return plan_spec(document, origin=path.name), hashlib.sha256(data).hexdigest()


def load_plan_file(session: Session, path: Path, *, actor: Person | None = None) -> PlanLoad:
    spec, digest = read_plan_file(path)
    plan = plan_by_number(session, spec.number)
    if plan is None:
        plan = create_plan(session, spec, source_name=path.name, actor=actor, strict_unit=False, source_hash=digest)
        return PlanLoad(path.name, spec.number, plan.id, "created")
    if plan.source_hash == digest:
        if plan.issuing_unit is None and spec.issuing_unit:  # the unit may exist by now (tdkt demo)
            plan.issuing_unit = session.scalar(select(Unit).where(Unit.code == spec.issuing_unit))
        return PlanLoad(path.name, spec.number, plan.id, "unchanged")
    update_plan(session, plan, spec, actor=actor, strict_unit=False)
    plan.source_name, plan.source_hash = path.name, digest
    return PlanLoad(path.name, spec.number, plan.id, "updated")


def load_plans(db: Database, directory: Path) -> list[PlanLoad]:
    """`tdkt init`: load processes/plans/*.yaml in one transaction (all or nothing)."""
    with db.transaction() as session:
        return load_plan_files(session, directory)


def load_plan_files(session: Session, directory: Path) -> list[PlanLoad]:
    """Load every processes/plans/*.yaml (and *.yml), in name order; a bad file stops with its error."""
    if not directory.is_dir():
        return []
    paths = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    numbers: dict[str, str] = {}
    loads = []
    for path in paths:
        load = load_plan_file(session, path)
        if load.number in numbers:
            raise InvalidInput(f"{path.name}: number: {load.number!r} is also the number of {numbers[load.number]}",
                               file=path.name, field="number")
        numbers[load.number] = path.name
        loads.append(load)
    return loads
