"""The manager's dashboard (`/dashboard`): cases by state in the units under the manager; the overdue,
stuck, orphaned and incident lists with the reason in words and who holds each; the units × milestones
heat map of a plan; completions per day. Managers only (a `manage`/`admin` role): others get 403.

Lists and the heat map page with htmx (`/dashboard/lists/<kind>`, `/dashboard/heatmap`), falling back to
plain links; bulk actions are in `dashboard_actions.py`, Excel exports in `export.py`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine import calendar, clock
from engine.authz import Viewer
from engine.models import Plan
from webui.auth import is_htmx, login_required, viewer_transaction
from webui.charts import bar_chart
from webui.errors import error_page
from webui.ids import id_or_none
from webui.reasons import holder_label, holders, reason
from webui.views import monitor, progress
from webui.views.people import colleagues_by_unit
from webui.views.scope import without_jit
from webui.views.workdays import WorkingDays, stuck_cutoff

bp = Blueprint("dashboard", __name__)
DEFAULT_STUCK_WORKING_DAYS = 5


class NotManager(Exception):
    """The signed-in person manages no unit."""


def stuck_working_days() -> int:
    """TDKT_STUCK_WORKING_DAYS (or the app's STUCK_WORKING_DAYS setting), 5 by default."""
    configured = current_app.config.get("STUCK_WORKING_DAYS") or os.environ.get("TDKT_STUCK_WORKING_DAYS")
    try:
        return max(1, int(configured)) if configured else DEFAULT_STUCK_WORKING_DAYS
    except ValueError:
        return DEFAULT_STUCK_WORKING_DAYS


@dataclass(frozen=True)
class Context:
    """What every part of the dashboard needs: the manager, the instant, the working-day counter."""

    session: Session
    viewer: Viewer
    now: datetime
    query: monitor.MonitorQuery
    days: WorkingDays


def context_for(session: Session, viewer: Viewer) -> Context:
    if not viewer.manage_unit_ids:
        raise NotManager
    without_jit(session)
    now = clock.now()
    cal = calendar.current()
    query = monitor.MonitorQuery(frozenset(viewer.manage_unit_ids), now,
                                 stuck_cutoff(cal, now, stuck_working_days()))
    return Context(session, viewer, now, query, WorkingDays(cal, now))


def not_manager_page() -> Any:
    return error_page(403, _("The dashboard is for managers (leaders of a school, a Phòng or the Sở)."))


def page_arg(name: str) -> int:
    try:
        return max(1, int(request.args.get(name, "1")))
    except ValueError:
        return 1


def list_context(ctx: Context, kind: str, page: int) -> dict[str, Any]:
    listing = monitor.page_of(ctx.session, kind, ctx.query, page)
    task_units = {t.unit_id for r in listing.rows for t in r.tasks if t.unit_id is not None}
    people = colleagues_by_unit(ctx.session, task_units, ctx.viewer.id) if kind in monitor.TASK_LISTS else {}
    unit_names = {t.unit_id: t.unit_name for r in listing.rows for t in r.tasks if t.unit_id is not None}
    return {"listing": listing, "reasons": {r.item_id: reason(r, ctx.days) for r in listing.rows},
            "holders": {r.item_id: holders(r) for r in listing.rows}, "people": people, "unit_names": unit_names}


def heat_context(ctx: Context, plan_id: int | None, page: int) -> dict[str, Any]:
    choices, default = progress.plan_choices(ctx.session, ctx.query.unit_ids)
    chosen = plan_id if plan_id in {pid for pid, _ in choices} else default
    plan = ctx.session.get(Plan, chosen) if chosen is not None else None
    heat = progress.heat_map(ctx.session, plan, ctx.query.unit_ids, ctx.now, page) if plan else None
    return {"plans": choices, "heat": heat}


def _plan_arg() -> int | None:
    return id_or_none(request.args.get("plan"))


def manager_view(view: Any) -> Any:
    """Sign-in, then the manager's context in one transaction; people who manage nothing get the 403 page."""
    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with viewer_transaction() as (s, viewer):
            try:
                ctx = context_for(s, viewer)
            except NotManager:
                return not_manager_page()
            return view(s, ctx, *args, **kwargs)
    return wrapper


@bp.get("/dashboard")
@manager_view
def index(s: Session, ctx: Context) -> Any:
    lists = {kind: list_context(ctx, kind, page_arg(f"{kind}_page")) for kind in monitor.LISTS}
    chart = bar_chart(progress.completions_per_day(s, ctx.query.unit_ids, ctx.now))
    return render_template(
        "dashboard/index.html", counts=monitor.case_counts(s, ctx.query.unit_ids), lists=lists, chart=chart,
        stuck_days=stuck_working_days(), now=ctx.now, holder_label=holder_label,
        **heat_context(ctx, _plan_arg(), page_arg("heat_page")))


@bp.get("/dashboard/lists/<any(overdue, stuck, orphans, incidents):kind>")
@manager_view
def one_list(s: Session, ctx: Context, kind: str) -> Any:
    if not is_htmx():
        return redirect(url_for("dashboard.index", **{f"{kind}_page": page_arg("page")}, _anchor=kind))
    return render_template("dashboard/_list.html", kind=kind, stuck_days=stuck_working_days(),
                           **list_context(ctx, kind, page_arg("page")))


@bp.get("/dashboard/heatmap")
@manager_view
def heatmap(s: Session, ctx: Context) -> Any:
    if not is_htmx():
        return redirect(url_for("dashboard.index", plan=_plan_arg(), heat_page=page_arg("page"), _anchor="heatmap"))
    return render_template("dashboard/_heatmap.html", **heat_context(ctx, _plan_arg(), page_arg("page")))
