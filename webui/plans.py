"""Plans (kế hoạch) as timelines: `/plans` lists them, `/plans/<id>` draws the milestones on a Gantt-style
timeline with today's line and, for milestones tied to a process, the share of units that have done it.

Plans are public documents, so every signed-in person may read them; the shares count the units the
reader can see (a teacher: their school; a Phòng leader: the schools under the Phòng).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, render_template

from engine import clock
from engine.plans.instants import due_text, start_text
from engine.plans.repository import get_plan, list_plans
from webui.auth import login_required, viewer_transaction
from webui.charts import gantt
from webui.views import progress
from webui.views.scope import without_jit

bp = Blueprint("plans", __name__)


@bp.app_template_filter("duetext")
def _due_text(value: datetime | None) -> str:
    return due_text(value) or ""


@bp.app_template_filter("starttext")
def _start_text(value: datetime | None) -> str:
    return start_text(value) or ""


@bp.get("/plans")
@login_required
def index() -> Any:
    with viewer_transaction() as (s, _viewer):
        plans = list_plans(s)
        periods = {p.id: (min(m.window_start or m.due_at for m in p.milestones), max(m.due_at for m in p.milestones))
                   for p in plans if p.milestones}
        return render_template("plans/index.html", plans=plans, periods=periods)


@bp.get("/plans/<int:plan_id>")
@login_required
def show(plan_id: int) -> Any:
    now = clock.now()
    with viewer_transaction() as (s, viewer):
        plan = get_plan(s, plan_id)  # NotFound → the 404 page
        without_jit(s)
        milestones = list(plan.milestones)
        return render_template("plans/show.html", plan=plan, chart=gantt(milestones, now), now=now,
                               shares=progress.shares(s, plan, viewer.scope_unit_ids, now),
                               manager=bool(viewer.manage_unit_ids))
