"""Tell the candidates of newly opened tasks (`messages.task_assigned`), in the action's own transaction.

This runs on the hot path, after every action that opened tasks, so it costs one statement per action
(executed once for all its new tasks) and none when the new tasks are orphans. The statement is an
INSERT … SELECT that reads the recipients (active holders of the task's role in its unit, except the person
acting, who knows already), their addresses, and the parts of the text that live in other rows (the
case title, the role label, the unit name): nothing is queried to build the message first. The text
is `messages.task_assigned` written with markers where those parts go. One row per person, stored
once per task like `notify` does (`ON CONFLICT DO NOTHING` on the dedupe key).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, String, Table, bindparam, case, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from engine.models import Instance, Notification, Person, Role, RoleMembership, Unit
from engine.models.base import UTCDateTime
from engine.notifications import messages
from engine.notifications.outbox import MAX_SUBJECT

_NOTIFICATION = cast(Table, Notification.__table__)
_INSTANCE = cast(Table, Instance.__table__)
_PERSON = cast(Table, Person.__table__)
_ROLE = cast(Table, Role.__table__)
_UNIT = cast(Table, Unit.__table__)
_MEMBERSHIP = cast(Table, RoleMembership.__table__)

CASE_TITLE = "\x00case_title\x00"
HOLDER = "\x00holder\x00"
_MARKER = re.compile("(\x00[a-z_]+\x00)")


def _text(name: str) -> Any:
    return bindparam(name, type_=String())


def _marker_sql(marker: str) -> ColumnElement[Any]:
    if marker == CASE_TITLE:
        return select(_INSTANCE.c.title).where(_INSTANCE.c.id == bindparam("instance_id")).scalar_subquery()
    role = select(_ROLE.c.name).where(_ROLE.c.code == bindparam("role_code")).scalar_subquery()
    unit = select(_UNIT.c.name).where(_UNIT.c.id == bindparam("unit_id")).scalar_subquery()
    return func.coalesce(role, _text("role_code")) + literal(" — ", String()) \
        + func.coalesce(unit, literal("", String()))


def _statement(dialect: str, shape: tuple[str, ...]) -> Any:
    """INSERT INTO notification (…) SELECT … FROM role_membership JOIN person …; the body is the
    bound text pieces `b0, b1, …` joined with the SQL for the markers in `shape`."""
    body: Any = _text("b0")
    for index, marker in enumerate(shape, start=1):
        body = body + _marker_sql(marker) + _text(f"b{index}")
    address = func.nullif(func.trim(_PERSON.c.email), "")
    wants_email = address.isnot(None)
    now = bindparam("now", type_=UTCDateTime())
    values = {
        "person_id": _MEMBERSHIP.c.person_id, "kind": literal(messages.TASK_ASSIGNED, String()),
        "subject": _text("subject"), "body": body, "instance_id": bindparam("instance_id"),
        "task_id": bindparam("task_id"), "dedupe_key": _text("dedupe_key"), "created_at": now,
        "email_status": case((wants_email, "pending"), else_="skipped"), "email_to": address,
        "email_attempts": literal(0), "email_next_attempt_at": case((wants_email, now), else_=None),
    }
    recipients = select(*values.values()) \
        .select_from(_MEMBERSHIP.join(_PERSON, _PERSON.c.id == _MEMBERSHIP.c.person_id)) \
        .where(_MEMBERSHIP.c.role_code == bindparam("role_code"), _MEMBERSHIP.c.unit_id == bindparam("unit_id"),
               _MEMBERSHIP.c.person_id != bindparam("actor_id"), _PERSON.c.active.is_(True))
    insert: Any = (postgresql if dialect == "postgresql" else sqlite).insert(_NOTIFICATION)
    return insert.from_select(list(values), recipients) \
        .on_conflict_do_nothing(index_elements=["person_id", "dedupe_key"])


_statements: dict[tuple[str, tuple[str, ...]], Any] = {}
_lock = threading.Lock()


def _cached(dialect: str, shape: tuple[str, ...]) -> Any:
    statement = _statements.get((dialect, shape))
    if statement is None:
        statement = _statement(dialect, shape)
        with _lock:
            _statements[(dialect, shape)] = statement
    return statement


def _params(instance_id: int, actor_id: int | None, now: datetime, task_id: int,
            row: dict[str, Any]) -> tuple[tuple[str, ...], dict[str, Any]]:
    info = messages.TaskInfo(task_id=task_id, task_title=row["title"], case_id=instance_id, case_title=CASE_TITLE,
                             due_at=row["due_at"], holder=HOLDER)
    message = messages.task_assigned(info, to_role=True)
    if _MARKER.search(message.subject):  # pragma: no cover - the subject names no row-held text
        raise AssertionError("task_assigned subject with a marker")
    pieces = _MARKER.split(message.body)
    shape = tuple(pieces[1::2])
    params = {"instance_id": instance_id, "task_id": task_id, "role_code": row["role_code"],
              "unit_id": row["unit_id"], "actor_id": actor_id or 0, "now": now,
              "subject": " ".join(message.subject.split())[:MAX_SUBJECT], "dedupe_key": message.dedupe_key,
              **{f"b{i}": text for i, text in enumerate(pieces[0::2])}}
    return shape, params


def announce_opened(connection: Connection, instance_id: int, actor_id: int | None, now: datetime,
                    opened: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Record a `task_assigned` notification for every candidate of each (task id, task row values)."""
    batches: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for task_id, row in opened:
        if row.get("role_code") is None or row.get("unit_id") is None or row.get("assignee_id") is not None:
            continue
        shape, params = _params(instance_id, actor_id, now, task_id, row)
        batches.setdefault(shape, []).append(params)
    for shape, rows in batches.items():
        connection.execute(_cached(connection.dialect.name, shape), rows)


def announce_fixed(session: Session, actor_id: int | None, opened: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Tell the one person a task with a fixed assignee (e.g. a council member's ballot) was opened for."""
    from engine.models import HumanTask
    from engine.notifications.outbox import notify_message

    for task_id, row in opened:
        person_id = row.get("assignee_id")
        if not row.get("assignee_fixed") or person_id is None or person_id == actor_id:
            continue
        task = session.get(HumanTask, task_id)
        if task is not None:
            notify_message(session, messages.task_assigned(messages.task_info(session, task), to_role=False),
                           person_ids=[person_id])
