"""Plan milestones in expressions: `milestone('nop_ho_so')`, `milestone_start('nop_ho_so')`.

A case started under a plan (`start_instance(..., plan_id=)`) reads its deadlines from that plan, so a
timer or due date is written once in the BPMN and follows the plan when the Sở moves a milestone:

    <bpmn:timeDate>working_days_before(milestone('nop_ho_so'), 3)</bpmn:timeDate>
    <spiffworkflow:property name="dueDate" value="milestone('nop_ho_so')"/>

Both return an ISO 8601 instant in Asia/Ho_Chi_Minh ("2023-11-11T00:00:00+07:00"), a string because
timer expressions must yield strings. A due is an exclusive end: "Trước ngày 11/11/2023" is
2023-11-11T00:00+07:00, the end of 10/11. The helpers run inside an engine action (they find it
through `engine.runtime.context.current_action()`) and read the milestone in the action's own
transaction, once per action; anywhere else, for a case without a plan, an unknown key or a
milestone without a window start they raise a clear error (in a script: an incident on the case).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, select

from engine.models import Instance, Milestone, Plan
from engine.plans.instants import iso_local
from engine.scripting import register_helper

if TYPE_CHECKING:
    from engine.runtime.context import ActionContext

_INSTANCE = cast(Table, Instance.__table__)
_MILESTONE = cast(Table, Milestone.__table__)
_PLAN = cast(Table, Plan.__table__)
_PLAN_OF_CASE = select(_INSTANCE.c.plan_id).where(_INSTANCE.c.id == bindparam("instance_id"))
_MILESTONE_OF_PLAN = select(_MILESTONE.c.due_at, _MILESTONE.c.window_start).where(
    _MILESTONE.c.plan_id == bindparam("plan_id"), _MILESTONE.c.key == bindparam("key"))
_PLAN_NUMBER = select(_PLAN.c.number).where(_PLAN.c.id == bindparam("plan_id"))


class MilestoneError(ValueError):
    """A milestone the case cannot read (no action, no plan, unknown key, no window start)."""


def _action(helper: str, key: object) -> ActionContext:
    from engine.runtime.context import current_action

    if not isinstance(key, str) or not key:
        raise MilestoneError(f"{helper}(): the milestone key must be a text such as 'nop_ho_so', not {key!r}")
    ctx = current_action()
    if ctx is None:
        raise MilestoneError(f"{helper}({key!r}) is only available while a case runs (it reads the case's plan)")
    return ctx


def case_plan_id(ctx: ActionContext) -> int | None:
    """The plan the action's case was started under (read once per action)."""
    if "plan_id" not in ctx.memo:
        if ctx.new_instance is not None:
            ctx.memo["plan_id"] = ctx.new_instance.get("plan_id")
        else:
            ctx.memo["plan_id"] = ctx.connection.scalar(_PLAN_OF_CASE, {"instance_id": ctx.instance.id})
    return cast(int | None, ctx.memo["plan_id"])


def _instants(helper: str, key: Any) -> tuple[datetime, datetime | None]:
    ctx = _action(helper, key)
    cache_key = ("milestone", key)
    if cache_key not in ctx.memo:
        plan_id = case_plan_id(ctx)
        if plan_id is None:
            raise MilestoneError(f"{helper}({key!r}): this case was not started under a plan; "
                                 "start it with a plan to use its milestones")
        found = ctx.connection.execute(_MILESTONE_OF_PLAN, {"plan_id": plan_id, "key": key}).first()
        if found is None:
            number = ctx.connection.scalar(_PLAN_NUMBER, {"plan_id": plan_id}) or f"#{plan_id}"
            raise MilestoneError(f"{helper}({key!r}): plan {number} has no milestone {key!r}")
        ctx.memo[cache_key] = (found.due_at, found.window_start)
    return cast(tuple[datetime, "datetime | None"], ctx.memo[cache_key])


@register_helper()
def milestone(key: str) -> str:
    """The due instant of milestone `key` of the case's plan (an exclusive end), ISO with +07:00."""
    due, _start = _instants("milestone", key)
    return iso_local(due) or ""


@register_helper()
def milestone_start(key: str) -> str:
    """The window start of milestone `key` of the case's plan, ISO with +07:00."""
    _due, start = _instants("milestone_start", key)
    if start is None:
        raise MilestoneError(f"milestone_start({key!r}): the milestone has a due but no window start")
    return iso_local(start) or ""
