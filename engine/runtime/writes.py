"""Storing what one action changed: the instance row (version-checked), task rows, audit events.

Everywhere: one prebuilt statement per kind of change. On PostgreSQL all of them go in a single
statement (data-modifying CTEs, executed together, one round trip instead of four); such a
statement is built once per shape of action (how many rows of each kind) and cached, so
SQLAlchemy compiles it once and the server can keep it prepared.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, String, bindparam, case, exists, func, insert, not_, select, update
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.elements import BindParameter

from engine.runtime.records import (
    AUDIT,
    CLAIM_COLUMNS,
    HUMAN_TASK,
    INSTANCE,
    MEMBERSHIP,
    MUTABLE_INSTANCE_COLUMNS,
    UNIT,
    InstanceRecord,
    TaskRow,
)

NO_CANDIDATES_PROBLEM = "_no_candidates_problem"  # new task key: (text before, text after) the unit name
_TASK_INSERT_COLUMNS = [c.name for c in HUMAN_TASK.c if not c.primary_key]
_AUDIT_COLUMNS = [c.name for c in AUDIT.c if not c.primary_key]


@dataclass
class Writes:
    """Everything an action stores; `instance.id == 0` with `new_instance` set means a new case."""

    instance: InstanceRecord
    state: str
    task_rows: list[TaskRow]
    new_tasks: list[dict[str, Any]]  # without instance_id
    audits: list[dict[str, Any]]  # without instance_id
    new_instance: dict[str, Any] | None = None


def store(connection: Connection, writes: Writes) -> tuple[int, int, list[tuple[int, bool]]]:
    """Store `writes`; (instance id, its new lock_version, (id, is_orphan) of each new task)."""
    changed = [(row.id, row.changes) for row in writes.task_rows if row.changes]
    if connection.dialect.name == "postgresql":
        result = _store_in_one_statement(connection, writes, changed)
    else:
        result = _store_statement_by_statement(connection, writes, changed)
    for row in writes.task_rows:
        row.changes = {}
    return result


# -- statements, parameterised by a prefix so several can share one statement ------------------------

def _instance_update(p: str) -> Any:
    return update(INSTANCE).where(
        INSTANCE.c.id == bindparam(f"{p}_id"), INSTANCE.c.lock_version == bindparam(f"{p}_version"),
    ).values(state=bindparam(f"{p}state"), lock_version=bindparam(f"{p}_next"),
             **{name: bindparam(f"{p}{name}") for name in MUTABLE_INSTANCE_COLUMNS})


def _instance_update_params(p: str, record: InstanceRecord, state: str) -> dict[str, Any]:
    params = {f"{p}{name}": getattr(record, name) for name in MUTABLE_INSTANCE_COLUMNS}
    params.update({f"{p}_id": record.id, f"{p}_version": record.lock_version, f"{p}_next": record.lock_version + 1,
                   f"{p}state": state})
    return params


def _task_update(p: str, names: tuple[str, ...]) -> Any:
    return update(HUMAN_TASK).where(HUMAN_TASK.c.id == bindparam(f"{p}_id")) \
        .values(**{name: bindparam(f"{p}{name}") for name in names})


def _insert(table: Any, names: list[str], values: list[Any], after: Any) -> Any:
    """INSERT of one row; with `after` (a CTE), as INSERT … SELECT that runs only once `after` has
    (statements in one WITH otherwise run in no promised order, and ids should follow action order)."""
    if after is None and all(isinstance(value, BindParameter) for value in values):
        return insert(table).values(dict(zip(names, values, strict=True)))
    query = select(*values)
    if after is not None:
        query = query.where(exists(select(after.c.id)))
    return insert(table).from_select(names, query)


def _task_insert(p: str, checking: bool, instance_id: ColumnElement[Any] | None = None, after: Any = None) -> Any:
    """INSERT of a task row; `checking`: sets `is_orphan` and the problem from whether anyone holds
    the role in the unit, inside the statement (saves a query per new task)."""
    def param(name: str) -> Any:
        if name == "instance_id" and instance_id is not None:
            return instance_id
        return bindparam(f"{p}{name}", type_=HUMAN_TASK.c[name].type)

    held = exists().where(MEMBERSHIP.c.role_code == param("role_code"), MEMBERSHIP.c.unit_id == param("unit_id"))
    unit_name = select(UNIT.c.name).where(UNIT.c.id == param("unit_id")).scalar_subquery()
    values = []
    for name in _TASK_INSERT_COLUMNS:
        if checking and name == "is_orphan":
            values.append(not_(held))
        elif checking and name == "assignment_problem":
            values.append(case((held, param(name)), else_=bindparam(f"{p}_before", type_=String())
                               + unit_name + bindparam(f"{p}_after", type_=String())))
        else:
            values.append(param(name))
    return _insert(HUMAN_TASK, _TASK_INSERT_COLUMNS, values, after).returning(HUMAN_TASK.c.id, HUMAN_TASK.c.is_orphan)


def _task_insert_params(p: str, row: dict[str, Any], instance_id: int) -> dict[str, Any]:
    params = {f"{p}{name}": value for name, value in row.items() if name != NO_CANDIDATES_PROBLEM}
    params[f"{p}instance_id"] = instance_id
    problem = row.get(NO_CANDIDATES_PROBLEM)
    if problem is not None:
        params[f"{p}_before"], params[f"{p}_after"] = problem
    return params


def _audit_insert(p: str, instance_id: ColumnElement[Any] | None = None, after: Any = None) -> Any:
    return _insert(AUDIT, _AUDIT_COLUMNS, [instance_id if name == "instance_id" and instance_id is not None
                                           else bindparam(f"{p}{name}", type_=AUDIT.c[name].type)
                                           for name in _AUDIT_COLUMNS], after)


def _audit_params(p: str, event: dict[str, Any], instance_id: int) -> dict[str, Any]:
    return {**{f"{p}{name}": value for name, value in event.items()}, f"{p}instance_id": instance_id}


_statements: dict[Any, Any] = {}
_statements_lock = threading.Lock()


def _cached(key: Any, build: Any) -> Any:
    statement = _statements.get(key)
    if statement is None:
        statement = build()
        with _statements_lock:
            _statements[key] = statement
    return statement


# -- one statement per change ---------------------------------------------------------------------------

def _store_statement_by_statement(connection: Connection, writes: Writes, changed: list[tuple[int, dict[str, Any]]],
                                  ) -> tuple[int, int, list[tuple[int, bool]]]:
    record = writes.instance
    if writes.new_instance is not None:
        values = {name: getattr(record, name) for name in MUTABLE_INSTANCE_COLUMNS}
        result = connection.execute(_cached("instance+", lambda: insert(INSTANCE)),
                                    {**writes.new_instance, **values, "state": writes.state, "lock_version": 1})
        instance_id, version = int(result.inserted_primary_key[0]), 1  # type: ignore[index]
    else:
        params = _instance_update_params("", record, writes.state)
        if connection.execute(_cached("instance", lambda: _instance_update("")), params).rowcount != 1:
            raise StaleDataError(f"instance {record.id} was changed by another transaction")
        instance_id, version = record.id, record.lock_version + 1
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for task_id, changes in changed:
        groups.setdefault(tuple(sorted(changes)), []).append({"_id": task_id, **changes})
    for names, rows in groups.items():
        connection.execute(_cached(("task", names), lambda n=names: _task_update("", n)), rows)  # type: ignore[misc]
    stored = []
    for row in writes.new_tasks:
        checking = NO_CANDIDATES_PROBLEM in row
        statement = _cached(("task+", checking), lambda c=checking: _task_insert("", c))  # type: ignore[misc]
        new_id, orphan = connection.execute(statement, _task_insert_params("", row, instance_id)).one()
        stored.append((int(new_id), bool(orphan)))
    if writes.audits:
        connection.execute(_cached("audit+", lambda: _audit_insert("")),
                           [_audit_params("", event, instance_id) for event in writes.audits])
    return instance_id, version, stored


# -- PostgreSQL: one statement for all ------------------------------------------------------------------

def _shape(writes: Writes, changed: list[tuple[int, dict[str, Any]]]) -> tuple[Any, ...]:
    return (writes.new_instance is not None, tuple(tuple(sorted(changes)) for _, changes in changed),
            tuple(NO_CANDIDATES_PROBLEM in row for row in writes.new_tasks), len(writes.audits))


_INSTANCE_INSERT_COLUMNS = [c.name for c in INSTANCE.c if not c.primary_key and c.name not in CLAIM_COLUMNS]


def _combined(shape: tuple[Any, ...]) -> Any:
    """WITH i AS (UPDATE instance … | INSERT INTO instance …), u0 AS (UPDATE human_task …),
    n0 AS (INSERT INTO human_task …), a0 AS (INSERT INTO audit_event …)
    SELECT <instance id>, <rows each changed>, <id and is_orphan of each new task>.
    (A new case's task and audit rows take its id from `i`; all parts run, whatever is selected.)"""
    new_case, updates, inserts, audits = shape
    if new_case:
        instance = insert(INSTANCE).values({name: bindparam(f"i_{name}", type_=INSTANCE.c[name].type)
                                            for name in _INSTANCE_INSERT_COLUMNS}).returning(INSTANCE.c.id).cte("i")
        instance_id: ColumnElement[Any] | None = select(instance.c.id).scalar_subquery()
    else:
        instance = _instance_update("i_").returning(INSTANCE.c.id).cte("i")
        instance_id = None
    columns = [select(func.count()).select_from(instance).scalar_subquery().label("instance_rows"),
               select(instance.c.id).scalar_subquery().label("instance_id")]
    for k, names in enumerate(updates):
        cte = _task_update(f"u{k}_", names).returning(HUMAN_TASK.c.id).cte(f"u{k}")
        columns.append(select(func.count()).select_from(cte).scalar_subquery().label(f"u{k}_rows"))
    previous = None
    for k, checking in enumerate(inserts):
        previous = cte = _task_insert(f"n{k}_", checking, instance_id, after=previous).cte(f"n{k}")
        columns += [select(cte.c.id).scalar_subquery().label(f"n{k}_id"),
                    select(cte.c.is_orphan).scalar_subquery().label(f"n{k}_orphan")]
    previous = None
    for k in range(audits):
        previous = cte = _audit_insert(f"a{k}_", instance_id, after=previous).returning(AUDIT.c.id).cte(f"a{k}")
        columns.append(select(func.count()).select_from(cte).scalar_subquery().label(f"a{k}_rows"))
    return select(*columns)


def _store_in_one_statement(connection: Connection, writes: Writes, changed: list[tuple[int, dict[str, Any]]],
                            ) -> tuple[int, int, list[tuple[int, bool]]]:
    record = writes.instance
    shape = _shape(writes, changed)
    if writes.new_instance is not None:
        values = {**writes.new_instance, **{name: getattr(record, name) for name in MUTABLE_INSTANCE_COLUMNS},
                  "state": writes.state, "lock_version": 1}
        params = {f"i_{name}": value for name, value in values.items()}
    else:
        params = _instance_update_params("i_", record, writes.state)
    for k, (task_id, changes) in enumerate(changed):
        params.update({f"u{k}__id": task_id, **{f"u{k}_{name}": value for name, value in changes.items()}})
    for k, row in enumerate(writes.new_tasks):
        params.update(_task_insert_params(f"n{k}_", row, record.id))
    for k, event in enumerate(writes.audits):
        params.update(_audit_params(f"a{k}_", event, record.id))
    result = connection.execute(_cached(("pg", shape), lambda: _combined(shape)), params).one()._mapping
    if result["instance_rows"] != 1:
        raise StaleDataError(f"instance {record.id} was changed by another transaction")
    stored = [(int(result[f"n{k}_id"]), bool(result[f"n{k}_orphan"])) for k in range(len(writes.new_tasks))]
    version = 1 if writes.new_instance is not None else record.lock_version + 1
    return int(result["instance_id"]), version, stored
