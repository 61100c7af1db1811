"""Filtering by a set of units (a manager's subtree): `IN (…)` on SQLite, `= ANY(:array)` on PostgreSQL,
where one array parameter keeps the statement small and cacheable however many units a Sở manages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Integer, any_, false, literal, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session


def in_units(session: Session, column: Any, unit_ids: Iterable[int]) -> ColumnElement[bool]:
    ids = sorted(set(unit_ids))
    if not ids:
        return false()
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(ids, ARRAY(Integer)))
    return column.in_(ids)


def without_jit(session: Session) -> None:
    """PostgreSQL: no JIT compilation in this transaction. The dashboard's queries read little but can be
    estimated expensive (correlated EXISTS over many units); compiling them costs ~1 s of LLVM time
    for a ~100 ms query. (`jit = off` in postgresql.conf does the same for every query.)"""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
