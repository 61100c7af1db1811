"""What the editor's properties panel offers to choose from (designers only, JSON): the roles, the
forms and the unit kinds in the database, plan milestones and the working-day helpers."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.authz import Viewer
from engine.models import FormDefinition, Milestone, Plan, Role, Unit
from webui.i18n import vn_datetime
from webui.studio import bp, designer_view

# Calendar helpers a due date or timer may wrap around a milestone (engine/calendar/helpers.py).
HELPERS = [
    {"name": "working_days_before", "template": "working_days_before({expr}, 3)"},
    {"name": "working_days_after", "template": "working_days_after({expr}, 3)"},
    {"name": "add_days", "template": "add_days({expr}, 7)"},
    {"name": "roll_forward", "template": "roll_forward({expr})"},
    {"name": "next_working_day", "template": "next_working_day({expr})"},
]


@bp.get("/api/roles")
@designer_view
def api_roles(s: Session, viewer: Viewer) -> Any:
    return jsonify([{"code": r.code, "name": r.name} for r in s.scalars(select(Role).order_by(Role.name))])


@bp.get("/api/forms")
@designer_view
def api_forms(s: Session, viewer: Viewer) -> Any:
    latest = select(FormDefinition.key, func.max(FormDefinition.version).label("version")) \
        .group_by(FormDefinition.key).subquery()
    rows = s.scalars(select(FormDefinition).join(
        latest, (latest.c.key == FormDefinition.key) & (latest.c.version == FormDefinition.version))
        .order_by(FormDefinition.key))
    return jsonify([{"key": f.key, "title": f.title, "version": f.version} for f in rows])


@bp.get("/api/unit-kinds")
@designer_view
def api_unit_kinds(s: Session, viewer: Viewer) -> Any:
    return jsonify(sorted(set(s.scalars(select(Unit.kind).distinct()))))


@bp.get("/api/milestones")
@designer_view
def api_milestones(s: Session, viewer: Viewer) -> Any:
    """Milestones of every plan (newest school year first) and the helpers that shift a date."""
    rows = s.execute(select(Milestone, Plan).join(Plan, Plan.id == Milestone.plan_id)
                     .order_by(Plan.school_year.desc(), Plan.number, Milestone.position)).all()
    return jsonify({
        "milestones": [{"key": m.key, "title": m.title, "due": vn_datetime(m.due_at), "plan": p.number,
                        "plan_id": p.id, "school_year": p.school_year, "expression": f"milestone('{m.key}')"}
                       for m, p in rows],
        "helpers": HELPERS,
    })
