"""Which plans a process is used with: plans with cases of it, plans whose milestones its expressions
name (`milestone('key')`, `milestone_start('key')`), and plans whose milestones name the process."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.models import Instance, Milestone, Plan

_QUOTE = r"""(?:&quot;|&apos;|['"])"""
_MILESTONE_CALL = re.compile(rf"\bmilestone(?:_start)?\(\s*{_QUOTE}([a-z][a-z0-9_]*){_QUOTE}")
_DYNAMIC_CALL = re.compile(r"\bmilestone(?:_start)?\(\s*[A-Za-z_]")


def milestone_keys(source: bytes) -> tuple[set[str], bool]:
    """The milestone keys named literally in the file, and whether some call names one through a variable."""
    text = source.decode("utf-8", errors="replace")
    return set(_MILESTONE_CALL.findall(text)), bool(_DYNAMIC_CALL.search(text))


@dataclass
class PlanUse:
    plan: Plan
    cases: int = 0
    milestones: list[str] = field(default_factory=list)  # keys its expressions name that the plan has
    tied: list[str] = field(default_factory=list)  # milestones of the plan that name this process


def plans_using(session: Session, key: str, source: bytes) -> list[PlanUse]:
    keys, _dynamic = milestone_keys(source)
    uses: dict[int, PlanUse] = {}

    def use(plan: Plan) -> PlanUse:
        return uses.setdefault(plan.id, PlanUse(plan))


    for plan, count in session.execute(
            select(Plan, func.count(Instance.id)).join(Instance, Instance.plan_id == Plan.id)
            .where(Instance.definition_key == key).group_by(Plan.id)):
        use(plan).cases = count
    conditions = [Milestone.process_key == key]
    if keys:
        conditions.append(Milestone.key.in_(sorted(keys)))
    for plan_id in session.scalars(select(Milestone.plan_id).distinct().where(or_(*conditions))):
        plan = session.get(Plan, plan_id)
        assert plan is not None
        entry = use(plan)
        entry.milestones = sorted(m.key for m in plan.milestones if m.key in keys)
        entry.tied = sorted(m.key for m in plan.milestones if m.process_key == key)
    return sorted(uses.values(), key=lambda u: (u.plan.school_year, u.plan.number), reverse=True)
