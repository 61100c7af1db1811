"""Who may do a user task: a role in a unit, resolved from the task spec and the case's unit.

Candidates are the people holding that role in that unit. When the role or unit cannot be
resolved, or nobody holds the role there, the task is an orphan: it still exists (nothing is lost)
and managers see it with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.conventions import (
    UNIT_SCOPE_CASE,
    UNIT_SCOPE_KIND_PREFIX,
    UNIT_SCOPE_PARENT,
    task_role_name,
    task_unit_scope,
)
from engine.models import RoleMembership, Unit
from engine.org import ancestors_and_self, resolve_role_code
from engine.scripting import ScriptError, evaluate_expression


@dataclass(frozen=True)
class Assignment:
    role_code: str | None
    unit_id: int | None
    problem: str | None  # why nobody can take the task, in words; None when candidates exist


def resolve_unit(session: Session, scope: str, case_unit: Unit, data: dict[str, Any]) -> tuple[Unit | None, str | None]:
    """The unit a task belongs to under `scope`, or (None, reason)."""
    if scope == UNIT_SCOPE_CASE:
        return case_unit, None
    if scope == UNIT_SCOPE_PARENT:
        if case_unit.parent is None:
            return None, f"unit {case_unit.code} has no parent unit"
        return case_unit.parent, None
    if scope.startswith(UNIT_SCOPE_KIND_PREFIX):
        kind = scope[len(UNIT_SCOPE_KIND_PREFIX):].strip()
        for unit in ancestors_and_self(case_unit):
            if unit.kind == kind:
                return unit, None
        return None, f"no unit of kind {kind!r} above {case_unit.code}"
    try:
        code = evaluate_expression(scope, {**data, "case_unit": case_unit.code})
    except ScriptError as exc:
        return None, f"unit scope expression failed: {exc.message}"
    unit = session.scalar(select(Unit).where(Unit.code == str(code)))
    if unit is None:
        return None, f"unit scope expression gave unknown unit {code!r}"
    return unit, None


def assign(session: Session, task_spec: Any, case_unit: Unit, data: dict[str, Any],
           catalogue: dict[str, str]) -> Assignment:
    role_name = task_role_name(task_spec)
    role_code = resolve_role_code(catalogue, role_name)
    if role_code is None:
        return Assignment(None, None, f"unknown role {role_name!r}" if role_name else "task names no role")
    unit, problem = resolve_unit(session, task_unit_scope(task_spec), case_unit, data)
    if unit is None:
        return Assignment(role_code, None, problem)
    if not has_candidates(session, role_code, unit.id):
        return Assignment(role_code, unit.id, f"nobody holds role {role_code} in {unit.name}")
    return Assignment(role_code, unit.id, None)


def has_candidates(session: Session, role_code: str, unit_id: int) -> bool:
    return session.scalar(select(RoleMembership.id).where(
        RoleMembership.role_code == role_code, RoleMembership.unit_id == unit_id).limit(1)) is not None


def candidate_person_ids(session: Session, role_code: str | None, unit_id: int | None) -> list[int]:
    if role_code is None or unit_id is None:
        return []
    return list(session.scalars(select(RoleMembership.person_id).where(
        RoleMembership.role_code == role_code, RoleMembership.unit_id == unit_id)))
