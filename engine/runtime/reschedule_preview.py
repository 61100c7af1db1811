"""The dry run of moving a plan milestone: how many live cases of the plan would be rescheduled, and how
many of their waiting timers and open tasks' due dates would move — nothing is stored.

Each case is looked at as `reschedule_plan_milestone` would (same functions, same transaction shape),
with `milestone(key)` answering the proposed instants instead of the stored ones, on a fresh copy of the
workflow; the action then stores nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine.db import Database
from engine.errors import EngineError
from engine.models import LIVE_STATUSES, Instance
from engine.runtime.context import ActionContext, acting, instance_action
from engine.runtime.reschedule import RescheduleCounts, _move_due_dates, _move_timers
from engine.serialization import load_workflow

MAX_CASES = 10_000


def preview_reschedule(db: Database, plan_id: int, key: str, due: datetime, start: datetime | None
                       ) -> RescheduleCounts:
    """What moving milestone `key` of plan `plan_id` to (`start`, `due`) would change in its live cases."""
    with db.transaction() as session:
        ids = list(session.scalars(select(Instance.id).where(
            Instance.plan_id == plan_id, Instance.status.in_(LIVE_STATUSES)).order_by(Instance.id).limit(MAX_CASES)))
    rescheduled = timers = tasks = failed = 0

    def look(ctx: ActionContext) -> tuple[int, int]:
        ctx.unchanged = True
        if ctx.instance.status not in LIVE_STATUSES:
            return 0, 0
        ctx.memo[("milestone", key)] = (due, start)
        ctx.workflow = load_workflow(ctx.instance.state)  # never the cached object: nothing here is kept
        problems: list[str] = []
        try:
            with acting(ctx):
                return len(_move_timers(ctx, problems)), len(_move_due_dates(ctx, problems))
        finally:
            ctx._workflow = None

    for instance_id in ids:
        try:
            moved_timers, moved_tasks = instance_action(db, instance_id, None, look)
        except EngineError:
            failed += 1
            continue
        if moved_timers or moved_tasks:
            rescheduled, timers, tasks = rescheduled + 1, timers + moved_timers, tasks + moved_tasks
    return RescheduleCounts(len(ids), rescheduled, timers, tasks, failed)
