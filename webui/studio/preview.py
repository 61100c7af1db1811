"""Preview a plan year: choose a process and a plan, run them on a throw-away virtual clock with generated
people (engine.preview, in a child process and a temporary database) and read the day-by-day timeline of
tasks opened, reminded, overdue, escalated and closed."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.authz import Viewer
from engine.definitions.repository import latest_definition
from engine.errors import EngineError, InvalidInput
from engine.models import Plan, ProcessDefinition
from engine.plans.instants import parse_instant
from engine.plans.repository import list_plans
from engine.preview import collect_request, run_in_subprocess
from webui.ids import id_or_none
from webui.studio import bp, designer_view

COMPLETE_CHOICES = ("0", "1", "3", "5", "never")
# `milestone(moc_han)`: the process reads the milestone's key from a start-data variable
MILESTONE_VARIABLE = re.compile(r"\bmilestone(?:_start)?\(\s*([A-Za-z_]\w*)\s*\)")


def _choices(s: Session) -> dict[str, Any]:
    keys = list(s.scalars(select(ProcessDefinition.key).where(ProcessDefinition.kind == "bpmn")
                          .group_by(ProcessDefinition.key).order_by(ProcessDefinition.key)))
    return {"process_keys": keys, "plans": list_plans(s)}


def _period(plan: Plan) -> tuple[Any, Any]:
    first = min((m.window_start or m.due_at) for m in plan.milestones)
    last = max(m.due_at for m in plan.milestones)
    return first, last + timedelta(days=7)


def suggested_data(definition: ProcessDefinition | None, plan: Plan | None) -> dict[str, str]:
    """The start data the process needs when it can be told: each variable it passes to `milestone(...)`
    (the escalation pattern's `moc_han`) set to a milestone key of the plan, the one planned for this
    process when there is one."""
    if definition is None or plan is None or not plan.milestones:
        return {}
    names = sorted(set(MILESTONE_VARIABLE.findall(definition.source.decode("utf-8", "replace"))))
    ordered = sorted(plan.milestones, key=lambda m: m.due_at)
    chosen = next((m for m in ordered if m.process_key == definition.key), ordered[0])
    return {name: chosen.key for name in names}


def _suggest(s: Session, form: dict[str, str], choices: dict[str, Any], *, first_visit: bool) -> None:
    """Fill the empty start data with what the chosen process needs (on the first visit, the process
    and plan shown first)."""
    if first_visit:
        form["process"] = form["process"] or next(iter(choices["process_keys"]), "")
        form["plan"] = form["plan"] or (str(choices["plans"][0].id) if choices["plans"] else "")
    if not form["data"]:
        plan_id = id_or_none(form["plan"])
        data = suggested_data(latest_definition(s, form["process"]) if form["process"] else None,
                              s.get(Plan, plan_id) if plan_id is not None else None)
        form["data"] = json.dumps(data, ensure_ascii=False) if data else ""


def _start_data(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text or "{}")
    except json.JSONDecodeError as exc:
        raise InvalidInput(_("Start data of the case: line %(line)s, column %(column)s is not valid JSON "
                             "(write an object such as {\"moc_han\": \"nop_ho_so\"}).",
                             line=exc.lineno, column=exc.colno), field="data", line=exc.lineno) from None
    if not isinstance(data, dict):
        raise InvalidInput(_("Start data of the case must be a JSON object, such as {\"moc_han\": \"nop_ho_so\"}."),
                           field="data")
    return data


def _request(s: Session, form: dict[str, str]) -> dict[str, Any]:
    definition = latest_definition(s, form.get("process", ""))
    if definition is None or definition.kind != "bpmn":
        raise InvalidInput("process: choose a deployed process", field="process")
    plan_id = id_or_none(form.get("plan"))
    plan = s.get(Plan, plan_id) if plan_id is not None else None
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
    data = _start_data(form.get("data", ""))
    return collect_request(s, definition, plan, start=start, until=until,
                           complete_after=None if after == "never" else int(after),
                           unit_kind=form.get("unit", "truong"), data=data)


@bp.route("/preview", methods=["GET", "POST"])
@designer_view
def preview(s: Session, viewer: Viewer) -> Any:
    form = {name: request.form.get(name, "").strip()
            for name in ("process", "plan", "start", "until", "complete", "unit", "data")}
    choices = _choices(s)
    _suggest(s, form, choices, first_visit=request.method == "GET")
    context = {**choices, "form": form, "report": None, "problem": None}
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


