"""Who may do a user task: a role in a unit, resolved from the task spec and the case's unit.

Candidates are the people holding that role in that unit. When the role or unit cannot be
resolved, or nobody holds the role there, the task is an orphan: it still exists (nothing is lost)
and managers see it with the reason.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, select
from sqlalchemy.orm import Session

from engine.definitions.conventions import (
    UNIT_SCOPE_CASE,
    UNIT_SCOPE_KIND_PREFIX,
    UNIT_SCOPE_PARENT,
    task_role_name,
    task_unit_scope,
)
from engine.models import RoleMembership, Unit
from engine.org import ancestors_and_self, resolve_role_code, role_catalogue
from engine.scripting import ScriptError, evaluate_expression
from engine.serialization import SPEC_CACHE


@dataclass(frozen=True)
class Assignment:
    role_code: str | None
    unit_id: int | None
    problem: str | None  # why nobody can take the task, in words; None when candidates exist
    candidates_unchecked: bool = False  # role and unit known; whether anyone holds it is not checked yet


def no_candidates_problem(role_code: str, unit_name: str) -> str:
    prefix, suffix = no_candidates_problem_parts(role_code)
    return prefix + unit_name + suffix


def no_candidates_problem_parts(role_code: str) -> tuple[str, str]:
    """The problem text around the unit's name (for a check done inside an INSERT)."""
    return f"nobody holds role {role_code} in ", ""


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


# Role code of each task spec (lane or candidateRole → catalogue code), resolved once per parsed spec:
# roles are checked against the catalogue at deploy time. Keyed by the spec object's id, holding the
# object itself so a recycled id can never match; dropped with the spec cache.
_role_codes: dict[int, tuple[Any, str]] = {}
_role_codes_lock = threading.Lock()
SPEC_CACHE.on_clear(_role_codes.clear)


def task_role_code(session: Callable[[], Session], task_spec: Any) -> str | None:
    cached = _role_codes.get(id(task_spec))
    if cached is not None and cached[0] is task_spec:
        return cached[1]
    code = resolve_role_code(role_catalogue(session()), task_role_name(task_spec))
    if code is not None:
        with _role_codes_lock:
            _role_codes[id(task_spec)] = (task_spec, code)
    return code


def assign(connection: Connection, session: Callable[[], Session], task_spec: Any, case_unit_id: int,
           data: dict[str, Any], *, check_candidates: bool = True) -> Assignment:
    """Role and unit of a new task of a case of unit `case_unit_id`, or why nobody can take it.

    The common case (role known, unit scope `case`) runs one query on `connection`, none without
    `check_candidates` (the caller checks when it stores the task); `session` gives an ORM
    session for the rest (catalogue, unit rows)."""
    role_code = task_role_code(session, task_spec)
    if role_code is None:
        role_name = task_role_name(task_spec)
        return Assignment(None, None, f"unknown role {role_name!r}" if role_name else "task names no role")
    scope = task_unit_scope(task_spec)
    if scope == UNIT_SCOPE_CASE:
        unit_id = case_unit_id  # the common case needs no unit row unless nobody can take the task
    else:
        unit, problem = resolve_unit(session(), scope, _unit(session(), case_unit_id), data)
        if unit is None:
            return Assignment(role_code, None, problem)
        unit_id = unit.id
    if not check_candidates:
        return Assignment(role_code, unit_id, None, candidates_unchecked=True)
    if not has_candidates(connection, role_code, unit_id):
        return Assignment(role_code, unit_id, no_candidates_problem(role_code, _unit(session(), unit_id).name))
    return Assignment(role_code, unit_id, None)


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    assert unit is not None, unit_id  # foreign keys guarantee it
    return unit


_MEMBERSHIP = cast(Table, RoleMembership.__table__)
_HAS_CANDIDATES = select(_MEMBERSHIP.c.id).where(
    _MEMBERSHIP.c.role_code == bindparam("role_code"), _MEMBERSHIP.c.unit_id == bindparam("unit_id")).limit(1)


def has_candidates(connection: Connection, role_code: str, unit_id: int) -> bool:
    return connection.execute(_HAS_CANDIDATES, {"role_code": role_code, "unit_id": unit_id}).first() is not None


def candidate_person_ids(session: Session, role_code: str | None, unit_id: int | None) -> list[int]:
    if role_code is None or unit_id is None:
        return []
    return list(session.scalars(select(RoleMembership.person_id).where(
        RoleMembership.role_code == role_code, RoleMembership.unit_id == unit_id)))
