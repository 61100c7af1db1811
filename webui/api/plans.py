"""Plans: list, show with milestones, create (designers), move a milestone (designers), and import a
pasted timeline (preview for anyone signed in; `?save=1` creates the plan, designers only)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import jsonify, request

from engine.errors import Forbidden, InvalidInput, PayloadTooLarge
from engine.plans import repository
from engine.plans.instants import iso_local, parse_instant
from engine.plans.spec import plan_spec
from engine.plans.timeline import parse_timeline
from engine.plans.views import milestone_view, plan_detail, plan_summary, timeline_view
from engine.runtime.reschedule import reschedule_plan_milestone
from webui.api import api, authenticated, db, field, json_body, viewer_in
from webui.api.openapi import add_paths, json_body_schema, op

MAX_TIMELINE_BYTES = 200 * 1024  # the pasted text, UTF-8
MAX_PLAN_BODY_BYTES = 1024 * 1024
# a JSON body may spell each character of the text as \uXXXX: allow for that before reading it
MAX_IMPORT_BODY_BYTES = 6 * MAX_TIMELINE_BYTES + 64 * 1024


def _limit_body(limit: int) -> None:
    if (request.content_length or 0) > limit:
        raise PayloadTooLarge(f"request body larger than {limit} bytes")


def _require_designer(session: Any) -> Any:
    viewer = viewer_in(session)
    if not viewer.can_design:
        raise Forbidden("only process designers may change plans")
    return viewer


@api.get("/plans")
@authenticated
def plan_index() -> Any:
    with db().transaction() as session:
        return jsonify([plan_summary(p) for p in repository.list_plans(session, request.args.get("school_year"))])


@api.post("/plans")
@authenticated
def plan_create() -> Any:
    _limit_body(MAX_PLAN_BODY_BYTES)
    with db().transaction() as session:
        viewer = _require_designer(session)
        plan = repository.create_plan(session, plan_spec(json_body()), source_name="api", actor=viewer.person)
        return jsonify(plan_detail(plan)), 201


@api.get("/plans/<int:plan_id>")
@authenticated
def plan_show(plan_id: int) -> Any:
    with db().transaction() as session:
        return jsonify(plan_detail(repository.get_plan(session, plan_id)))


@api.patch("/plans/<int:plan_id>/milestones/<key>")
@authenticated
def milestone_move(plan_id: int, key: str) -> Any:
    with db().transaction() as session:
        viewer = _require_designer(session)
        body = json_body()
        due = parse_instant(field(body, "due"), "due", end_of_day=True)
        start: Any = repository.Keep.START
        if "start" in body:
            raw = field(body, "start", required=False)
            start = None if raw is None else parse_instant(raw, "start", end_of_day=False)
        milestone, old_due = repository.move_milestone(session, plan_id, key, due, start, actor=viewer.person)
        moved = {**milestone_view(milestone), "plan": plan_id, "old_due": iso_local(old_due)}
        actor_id = viewer.person.id
    # after the move committed: each live case of the plan follows it in its own transaction
    counts = reschedule_plan_milestone(db(), plan_id, key, actor_id=actor_id)
    return jsonify({**moved, "rescheduled": counts.rescheduled, "reschedule": asdict(counts)})


def _import_input(save: bool) -> tuple[str, str, dict[str, Any]]:
    body = json_body()
    school_year, text = field(body, "school_year"), field(body, "text")
    if len(text.encode("utf-8")) > MAX_TIMELINE_BYTES:
        raise PayloadTooLarge(f"the timeline text is larger than {MAX_TIMELINE_BYTES} bytes", field="text")
    meta = {name: field(body, name, required=save and name in ("number", "title"))
            for name in ("number", "title", "issuing_unit", "issuer", "issue_date")}
    return school_year, text, meta


@api.post("/plans/import")
@authenticated
def plan_import() -> Any:
    _limit_body(MAX_IMPORT_BODY_BYTES)
    if request.args.get("save", "").lower() not in ("1", "true", "yes"):
        school_year, text, _ = _import_input(save=False)
        return jsonify({"school_year": school_year, **timeline_view(parse_timeline(text, school_year))})
    with db().transaction() as session:
        viewer = _require_designer(session)
        school_year, text, meta = _import_input(save=True)
        result = parse_timeline(text, school_year)
        if result.unreadable:
            first = result.unreadable[0]
            raise InvalidInput(f"not saved: {len(result.unreadable)} line(s) could not be read; line {first.line_no}: "
                               f"{first.reason}", field="text", line=first.line_no,
                               details=timeline_view(result)["unreadable"])
        if not result.milestones:
            raise InvalidInput("not saved: the text holds no milestone", field="text")
        spec = repository.spec_from_timeline(result, school_year=school_year, **meta)
        plan = repository.create_plan(session, spec, source_name="import", actor=viewer.person)
        return jsonify({"school_year": school_year, **timeline_view(result), "plan": plan_detail(plan)}), 201


S = {"type": "string"}
MILESTONE = {"type": "object", "properties": {name: S for name in ("key", "title", "start", "due", "kind", "process",
                                                                   "source")}, "required": ["title", "due"]}
add_paths({
    "/plans": {
        "get": op("List plans (newest school year first)", query=["school_year"], errors=(401,)),
        "post": op("Create a plan with its milestones (designers)", ok="201", errors=(400, 401, 403, 409, 413, 422),
                   body=json_body_schema({"number": S, "title": S, "school_year": S, "issuing_unit": S, "issuer": S,
                                          "issue_date": S, "milestones": {"type": "array", "items": MILESTONE}},
                                         ["number", "title", "school_year"])),
    },
    "/plans/{id}": {"get": op("A plan with its milestones (instants in ISO +07:00 and dd/mm/yyyy)", params=["id"],
                              errors=(401, 404))},
    "/plans/{id}/milestones/{key}": {"patch": op(
        "Move a milestone: new due (and window start) — ISO date-time, YYYY-MM-DD or dd/mm/yyyy (designers); "
        "the waiting timers and due dates of the plan's live cases move with it (`rescheduled`: how many cases "
        "changed; `reschedule`: cases looked at, rescheduled, timers and tasks moved, failed)",
        params=["id", "key"], errors=(400, 401, 403, 404, 422),
        body=json_body_schema({"due": S, "start": S}, ["due"]))},
    "/plans/import": {"post": op(
        "Read a pasted timeline into milestones and report unreadable lines; save=1 creates the plan (designers)",
        query=["save"], errors=(400, 401, 403, 409, 413, 422),
        body=json_body_schema({"school_year": S, "text": S, "number": S, "title": S, "issuing_unit": S, "issuer": S,
                               "issue_date": S}, ["school_year", "text"]))},
})
