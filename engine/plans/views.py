"""Plans and milestones as JSON-ready dicts (API, CLI): instants in ISO 8601 with +07:00 and as
dd/mm/yyyy text; a due reads as the last day it still includes ("start"/"due" are the exact instants)."""

from __future__ import annotations

from typing import Any

from engine.models import Milestone, Plan
from engine.plans.instants import due_text, iso_local, start_text
from engine.plans.timeline import ParsedMilestone, TimelineResult


def milestone_view(milestone: Milestone | ParsedMilestone) -> dict[str, Any]:
    if isinstance(milestone, ParsedMilestone):
        start, due, kind = milestone.window_start, milestone.due_at, milestone.kind
        extra: dict[str, Any] = {"line": milestone.line_no, "source": milestone.source_text}
    else:
        start, due, kind = milestone.window_start, milestone.due_at, milestone.unit_kind
        extra = {"process": milestone.process_key, "source": milestone.source_text, "position": milestone.position}
    return {"key": milestone.key, "title": milestone.title, "start": iso_local(start), "due": iso_local(due),
            "start_text": start_text(start), "due_text": due_text(due), "kind": kind, **extra}


def plan_summary(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id, "number": plan.number, "title": plan.title, "school_year": plan.school_year,
        "issuing_unit": plan.issuing_unit.code if plan.issuing_unit else None, "issuer": plan.issuer,
        "issue_date": plan.issue_date.isoformat() if plan.issue_date else None,
        "issue_date_text": plan.issue_date.strftime("%d/%m/%Y") if plan.issue_date else None,
        "source_name": plan.source_name, "milestone_count": len(plan.milestones),
        "created_at": iso_local(plan.created_at), "updated_at": iso_local(plan.updated_at),
    }


def plan_detail(plan: Plan) -> dict[str, Any]:
    return {**plan_summary(plan), "milestones": [milestone_view(m) for m in plan.milestones]}


def timeline_view(result: TimelineResult) -> dict[str, Any]:
    return {"milestones": [milestone_view(m) for m in result.milestones],
            "unreadable": [{"line": u.line_no, "text": u.text, "reason": u.reason} for u in result.unreadable]}
