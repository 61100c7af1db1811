"""The plan editor: a plan's milestones (title, window start, due in dd/mm/yyyy, unit kind) on its timeline;
a pasted timeline text read into a new plan (with the importer's report of unreadable lines); moving a
milestone first shows how many live cases it reschedules (a dry run), then moves them once confirmed."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from engine import clock
from engine.authz import Viewer
from engine.errors import EngineError, InvalidInput
from engine.models import Milestone, Plan
from engine.plans import repository
from engine.plans.instants import due_text, parse_instant, start_text
from engine.plans.school_year import SchoolYear
from engine.plans.timeline import parse_timeline
from engine.runtime.context import audit
from engine.runtime.reschedule import reschedule_plan_milestone
from engine.runtime.reschedule_preview import preview_reschedule
from webui.auth import db
from webui.charts import gantt
from webui.studio import bp, designer_view

MAX_TIMELINE_BYTES = 256 * 1024
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _plan_page(s: Session, plan: Plan, status: int = 200, **extra: Any) -> Any:
    milestones = list(plan.milestones)
    context = {"plan": plan, "milestones": milestones, "chart": gantt(milestones, clock.now()), "now": clock.now(),
               "confirm": None, "problem": None, "problem_key": None, "form": {}}
    context.update(extra)
    return render_template("studio/plan.html", **context), status


@bp.get("/plans")
@designer_view
def plans(s: Session, viewer: Viewer) -> Any:
    return render_template("studio/plans.html", plans=repository.list_plans(s), result=None, form={}, problem=None)


@bp.get("/plans/<int:plan_id>")
@designer_view
def plan(s: Session, viewer: Viewer, plan_id: int) -> Any:
    return _plan_page(s, repository.get_plan(s, plan_id))


def _form_instants(milestone: Milestone) -> tuple[datetime, datetime | None]:
    due = parse_instant(request.form.get("due", ""), "due", end_of_day=True)
    raw_start = request.form.get("start", "").strip()
    start = parse_instant(raw_start, "start", end_of_day=False) if raw_start else None
    if start is not None and start >= due:
        raise InvalidInput(f"start: the window start {start_text(start)} is not before the due {due_text(due)}",
                           field="start")
    return due, start


@bp.post("/plans/<int:plan_id>/milestones/<key>")
@designer_view
def edit_milestone(s: Session, viewer: Viewer, plan_id: int, key: str) -> Any:
    plan = repository.get_plan(s, plan_id)
    milestone = repository.get_milestone(s, plan_id, key)
    form = dict(request.form)
    try:
        title = request.form.get("title", "").strip()
        if not title or len(title) > 4000:
            raise InvalidInput("title: write the milestone's title (at most 4000 characters)", field="title")
        kind = request.form.get("kind", "").strip() or None
        if kind is not None and not _KIND.match(kind):
            raise InvalidInput(f"kind: {kind!r} must be a unit kind code such as truong, phong or so", field="kind")
        due, start = _form_instants(milestone)
    except InvalidInput as exc:
        return _plan_page(s, plan, 400, problem=exc.message, problem_key=key, form=form)
    moves = (due, start) != (milestone.due_at, milestone.window_start)
    if moves and request.form.get("confirm") != "1":
        counts = preview_reschedule(db(), plan.id, key, due, start)
        return _plan_page(s, plan, confirm={"key": key, "title": title, "kind": kind or "", "counts": counts,
                                            "due": due_text(due), "start": start_text(start) or "",
                                            "old_due": due_text(milestone.due_at)}, form=form)
    with db().transaction() as w:  # its own transaction: the cases are rescheduled after it commits
        plan, milestone = repository.get_plan(w, plan_id), repository.get_milestone(w, plan_id, key)
        actor = viewer.person  # only its id is written
        if (title, kind) != (milestone.title, milestone.unit_kind):
            audit(w, "plan.milestone_edited", actor=actor, plan_id=plan.id, plan=plan.number, key=key,
                  old_title=milestone.title, title=title, old_kind=milestone.unit_kind, kind=kind)
            milestone.title, milestone.unit_kind = title, kind
            plan.updated_at = clock.now()
        if moves:
            repository.move_milestone(w, plan, key, due, start, actor=actor)
    if not moves:
        return redirect(url_for("studio.plan", plan_id=plan_id, saved=key))
    counts = reschedule_plan_milestone(db(), plan_id, key, actor_id=viewer.id)
    return redirect(url_for("studio.plan", plan_id=plan_id, saved=key, rescheduled=counts.rescheduled,
                            failed=counts.failed))


def _import_fields() -> dict[str, str]:
    return {name: request.form.get(name, "").strip() for name in ("number", "title", "school_year", "text")}


@bp.post("/plans/import")
@designer_view
def import_plan(s: Session, viewer: Viewer) -> Any:
    form = _import_fields()
    all_plans = repository.list_plans(s)
    try:
        if len(form["text"].encode("utf-8")) > MAX_TIMELINE_BYTES:
            raise InvalidInput(f"text: the timeline text is larger than {MAX_TIMELINE_BYTES} bytes", field="text")
        if not form["text"]:
            raise InvalidInput("text: paste the timeline of the plan", field="text")
        school_year = str(SchoolYear.parse(form["school_year"]))
        result = parse_timeline(form["text"], school_year)
    except InvalidInput as exc:
        return render_template("studio/plans.html", plans=all_plans, result=None, form=form, problem=exc.message), 400
    if request.form.get("action") != "save":
        return render_template("studio/plans.html", plans=all_plans, result=result, form=form, problem=None)
    try:
        if result.unreadable:
            raise InvalidInput(f"text: not saved: {len(result.unreadable)} line(s) could not be read; correct or "
                               f"remove them first", field="text")
        if not result.milestones:
            raise InvalidInput("text: not saved: the text holds no milestone", field="text")
        spec = repository.spec_from_timeline(result, number=form["number"], title=form["title"],
                                             school_year=school_year)
        created = repository.create_plan(s, spec, source_name="studio import", actor=viewer.person)
    except EngineError as exc:  # raised before anything was written
        return render_template("studio/plans.html", plans=all_plans, result=result, form=form,
                               problem=exc.message), exc.status
    return redirect(url_for("studio.plan", plan_id=created.id))
