"""Preview a plan year: choose a process and a plan, run them on a throw-away virtual clock with generated
people (engine.preview, in a child process and a temporary database) and read the day-by-day timeline of
tasks opened, reminded, overdue, escalated and closed."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.authz import Viewer
from engine.definitions.repository import latest_definition
from engine.errors import EngineError, InvalidInput
from engine.models import Plan, ProcessDefinition
from engine.plans.instants import parse_instant
from engine.plans.repository import list_plans
from engine.preview import collect_request, run_in_subprocess
from webui.studio import bp, designer_view

COMPLETE_CHOICES = ("0", "1", "3", "5", "never")


def _choices(s: Session) -> dict[str, Any]:
    keys = list(s.scalars(select(ProcessDefinition.key).where(ProcessDefinition.kind == "bpmn")
                          .group_by(ProcessDefinition.key).order_by(ProcessDefinition.key)))
    return {"process_keys": keys, "plans": list_plans(s)}


def _period(plan: Plan) -> tuple[Any, Any]:
    first = min((m.window_start or m.due_at) for m in plan.milestones)
    last = max(m.due_at for m in plan.milestones)
    return first, last + timedelta(days=7)


def _request(s: Session, form: dict[str, str]) -> dict[str, Any]:
    definition = latest_definition(s, form.get("process", ""))
    if definition is None or definition.kind != "bpmn":
        raise InvalidInput("process: choose a deployed process", field="process")
    plan = s.get(Plan, int(form["plan"])) if form.get("plan", "").isdigit() else None
    if plan is None:
        raise InvalidInput("plan: choose a plan", field="plan")
    if not plan.milestones:
        raise InvalidInput("plan: this plan has no milestones", field="plan")
    first, last = _period(plan)
    start = parse_instant(form["start"], "start", end_of_day=False) if form.get("start") else first
    until = parse_instant(form["until"], "until", end_of_day=True) if form.get("until") else last
    after = form.get("complete", "0")
    if after not in COMPLETE_CHOICES:
        raise InvalidInput("complete: choose when the generated people complete their tasks", field="complete")
    try:
        data = json.loads(form.get("data") or "{}")
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"data: line {exc.lineno}: invalid JSON: {exc.msg}", field="data", line=exc.lineno) from None
    if not isinstance(data, dict):
        raise InvalidInput("data: the case's start data must be a JSON object", field="data")
    return collect_request(s, definition, plan, start=start, until=until,
                           complete_after=None if after == "never" else int(after),
                           unit_kind=form.get("unit", "truong"), data=data)


@bp.route("/preview", methods=["GET", "POST"])
@designer_view
def preview(s: Session, viewer: Viewer) -> Any:
    form = {name: request.form.get(name, "").strip()
            for name in ("process", "plan", "start", "until", "complete", "unit", "data")}
    context = {**_choices(s), "form": form, "report": None, "problem": None}
    if request.method == "GET":
        return render_template("studio/preview.html", **context)
    try:
        run = _request(s, form)
    except EngineError as exc:
        context["problem"] = exc.message
        return render_template("studio/preview.html", **context), 400
    try:
        context["report"] = run_in_subprocess(run)
    except EngineError as exc:
        context["problem"] = exc.message
        return render_template("studio/preview.html", **context), exc.status
    return render_template("studio/preview.html", **context)


