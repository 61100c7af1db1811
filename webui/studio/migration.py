"""Moving live cases of one version of a process to a newer version: choose the cases and the version,
see what would move and what cannot (a dry run), then apply (one transaction per case, audited)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.authz import Viewer
from engine.errors import InvalidInput
from engine.models import LIVE_STATUSES, HumanTask, Instance, ProcessDefinition, Unit
from engine.runtime.migration import CaseMigration, check_migration, migrate_instances
from webui.auth import db
from webui.studio import bp, designer_view
from webui.studio.library import versions_of

MAX_CASES = 200


def _live_cases(s: Session, viewer: Viewer, definition: ProcessDefinition) -> list[Instance]:
    return list(s.scalars(select(Instance).where(
        Instance.definition_id == definition.id, Instance.status.in_(LIVE_STATUSES),
        Instance.unit_id.in_(viewer.scope_unit_ids or {0})).order_by(Instance.id).limit(MAX_CASES)))


def _open_steps(s: Session, cases: list[Instance]) -> dict[int, list[str]]:
    """Case id → titles of its open tasks; key 0 → unit names by id."""
    steps: dict[Any, Any] = {0: dict(s.execute(select(Unit.id, Unit.name).where(
        Unit.id.in_({c.unit_id for c in cases} or {0}))).all())}
    if cases:
        for instance_id, title in s.execute(select(HumanTask.instance_id, HumanTask.title).where(
                HumanTask.instance_id.in_([c.id for c in cases]), HumanTask.status == "ready")):
            steps.setdefault(instance_id, []).append(title)
    return steps


def _choice(name: str, versions: list[ProcessDefinition], raw: str | None) -> ProcessDefinition | None:
    if raw in (None, ""):
        return None
    found = next((v for v in versions if str(v.version) == str(raw).strip()), None)
    if found is None:
        raise InvalidInput(f"{name}: {raw!r} is not a deployed version", field=name)
    return found


@bp.route("/processes/<key>/migrate", methods=["GET", "POST"])
@designer_view
def migrate(s: Session, viewer: Viewer, key: str) -> Any:
    versions = [v for v in versions_of(s, key) if v.kind == "bpmn"]
    source_arg = request.values.get("from")
    context: dict[str, Any] = {"key": key, "versions": versions, "results": None, "applied": False,
                               "problem": None, "selected": set()}
    try:
        source = _choice("from", versions, source_arg) or (versions[-1] if versions else None)
        target = _choice("to", versions, request.values.get("to"))
    except InvalidInput as exc:
        source, target = versions[-1] if versions else None, None
        context["problem"] = exc.message
    cases = _live_cases(s, viewer, source) if source else []
    newer = [v for v in versions if source and v.version > source.version]
    context.update(source=source, target=target or (newer[0] if newer else None), newer=newer, cases=cases,
                   steps=_open_steps(s, cases))
    if context["problem"]:
        return render_template("studio/migrate.html", **context), 400
    if request.method == "GET":
        return render_template("studio/migrate.html", **context)
    try:
        if target is None or source is None or target.version <= source.version:
            raise InvalidInput("to: choose a version newer than the cases' version", field="to")
        ids = _chosen_cases(cases)
    except InvalidInput as exc:
        context["problem"] = exc.message
        return render_template("studio/migrate.html", **context), 400
    context["selected"] = set(ids)
    action = request.form.get("action")
    if action not in ("preview", "apply"):
        context["problem"] = "action: expected preview or apply"
        return render_template("studio/migrate.html", **context), 400
    database = db()  # the engine works in its own transactions, one per case
    results: list[CaseMigration] = (check_migration(database, ids, target.id) if action == "preview"
                                    else migrate_instances(database, ids, target.id, actor_id=viewer.id))
    context.update(results=results, applied=action == "apply")
    if action == "apply":
        with database.transaction() as fresh:  # this request's own session still reads its first snapshot
            context["cases"] = cases = _live_cases(fresh, viewer, source)
            context["steps"] = _open_steps(fresh, cases)
            fresh.expunge_all()
    return render_template("studio/migrate.html", **context)


def _chosen_cases(cases: list[Instance]) -> list[int]:
    allowed = {c.id for c in cases}
    ids: list[int] = []
    for raw in request.form.getlist("case"):
        if not raw.strip().isdigit() or int(raw) not in allowed:
            raise InvalidInput(f"case: {raw!r} is not a live case of this version that you can see", field="case")
        ids.append(int(raw))
    if not ids:
        raise InvalidInput("case: choose at least one case", field="case")
    return ids

