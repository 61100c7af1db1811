""""Việc của tôi": the inbox page, and claim / unclaim / delegate in one click (htmx swaps the row)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import clock
from engine.authz import visible_task
from engine.errors import EngineError
from engine.runtime import tasks as runtime
from webui.auth import db, is_htmx, login_required, safe_next, viewer_transaction
from webui.errors import error_text
from webui.formschema import parse_vn_date
from webui.views.inbox import (
    SORTS,
    VIEWS,
    InboxFilters,
    inbox,
    plan_choices,
    process_choices,
    single_row,
    unit_choices,
)
from webui.views.people import colleagues_by_unit

bp = Blueprint("inbox", __name__)


def row_labels() -> dict[str, str]:
    """The words every inbox row repeats, translated once per page rather than once per row."""
    return {"claim": _("Claim"), "colleague": _("Colleague"), "due_soon": _("Due soon"), "hand_over": _("Hand over"),
            "no_deadline": _("No deadline"), "not_claimed": _("Not claimed yet"), "overdue": _("Overdue"),
            "release": _("Release"), "case": _("Case"), "due": _("Due"), "held_by": _("Held by"),
            "plan_milestone": _("Plan / milestone"), "task": _("Task"), "unit": _("Unit")}


def filters_from_args(args: Any) -> tuple[InboxFilters, list[str]]:
    problems: list[str] = []
    dates = {}
    for name in ("due_from", "due_to"):
        text = (args.get(name) or "").strip()
        dates[name] = parse_vn_date(text) if text else None
        if text and dates[name] is None:
            problems.append(_("“%(value)s” is not a date (dd/mm/yyyy).", value=text))
    try:
        page = max(1, int(args.get("page", "1")))
    except ValueError:
        page = 1
    view, sort = args.get("view", "open"), args.get("sort", "due")
    plan = (args.get("plan") or "").strip()
    return InboxFilters(
        view=view if view in VIEWS else "open", process=args.get("process") or None, unit=args.get("unit") or None,
        plan=int(plan) if plan.isdigit() and len(plan) < 10 else None,
        due_from=dates["due_from"], due_to=dates["due_to"], sort=sort if sort in SORTS else "due",
        descending=args.get("dir") == "desc", page=page,
    ), problems


def filter_args(filters: InboxFilters, **changes: Any) -> dict[str, Any]:
    """Query arguments that reproduce `filters` (with `changes`), for sort and paging links."""
    args: dict[str, Any] = {
        "view": filters.view, "process": filters.process, "unit": filters.unit, "plan": filters.plan,
        "due_from": filters.due_from.strftime("%d/%m/%Y") if filters.due_from else None,
        "due_to": filters.due_to.strftime("%d/%m/%Y") if filters.due_to else None,
        "sort": filters.sort, "dir": "desc" if filters.descending else None, "page": filters.page,
    }
    args.update(changes)
    defaults = {"view": "open", "sort": "due", "page": 1}
    return {k: v for k, v in args.items() if v not in (None, "") and defaults.get(k) != v}


@bp.get("/")
def home() -> Any:
    return redirect(url_for("inbox.index"))


@bp.get("/inbox")
@login_required
def index() -> Any:
    filters, problems = filters_from_args(request.args)
    with viewer_transaction() as (s, viewer):
        page = inbox(s, viewer, filters, clock.now())
        colleagues = colleagues_by_unit(s, {r.unit_id for r in page.rows if r.can_delegate and r.unit_id},
                                        viewer.id)
        context = {"page": page, "filters": filters, "problems": problems, "colleagues": colleagues,
                   "processes": process_choices(s), "units": unit_choices(s, viewer), "plans": plan_choices(s),
                   "filter_args": filter_args, "labels": row_labels()}
    if is_htmx() and request.headers.get("HX-Target") == "inbox-results":
        return render_template("inbox/_results.html", **context)
    return render_template("inbox/index.html", **context)


def _row_response(task_id: int, error: str | None = None, status: int = 200) -> Any:
    with viewer_transaction() as (s, viewer):
        visible_task(s, viewer, task_id)
        row = single_row(s, viewer, task_id, clock.now())
        colleagues = colleagues_by_unit(s, {row.unit_id} if row and row.unit_id else set(), viewer.id)
    return render_template("inbox/_row.html", row=row, colleagues=colleagues, error=error,
                           labels=row_labels()), status


def _act(task_id: int, action: Any, done_message: str) -> Any:
    error, status = None, 200
    try:
        action()
    except EngineError as exc:
        if exc.status == 404:
            raise
        error, status = error_text(exc), exc.status
    if is_htmx():
        return _row_response(task_id, error, status)
    flash(error or done_message, "error" if error else "success")
    return redirect(safe_next(request.form.get("next")) or url_for("inbox.index"))


@bp.post("/tasks/<int:task_id>/claim")
@login_required
def claim(task_id: int) -> Any:
    return _act(task_id, lambda: runtime.claim(db(), g.person_id, task_id), _("The task is now yours."))


@bp.post("/tasks/<int:task_id>/unclaim")
@login_required
def unclaim(task_id: int) -> Any:
    return _act(task_id, lambda: runtime.unclaim(db(), g.person_id, task_id),
                _("The task is back with the role's candidates."))


@bp.post("/tasks/<int:task_id>/delegate")
@login_required
def delegate(task_id: int) -> Any:
    username = request.form.get("username", "").strip()
    return _act(task_id, lambda: runtime.delegate(db(), g.person_id, task_id, username),
                _("The task has been handed to %(name)s.", name=username))

