"""The rows one engine action reads, as plain records loaded by prebuilt Core statements.

An action touches one instance row, the open `human_task` rows of that instance and appends audit
events. Going through the ORM for that costs more than the engine step itself, so the hot path
uses statements built once here (SQLAlchemy caches their compiled form) and small dataclasses
that remember which columns changed (`writes` stores them). Other queries keep using the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, bindparam, literal, or_, select

from engine.authz import candidate_clause
from engine.models import AuditEvent, FormDefinition, HumanTask, Instance, RoleMembership, Unit

INSTANCE = cast(Table, Instance.__table__)
HUMAN_TASK = cast(Table, HumanTask.__table__)
AUDIT = cast(Table, AuditEvent.__table__)
FORM = cast(Table, FormDefinition.__table__)
MEMBERSHIP = cast(Table, RoleMembership.__table__)
UNIT = cast(Table, Unit.__table__)

# written by the timer sweep's own statements (engine.runtime.timers), never by an action's save
CLAIM_COLUMNS = ("timer_lock_owner", "timer_lock_expires_at")
MUTABLE_INSTANCE_COLUMNS = ("status", "next_fire_at", "last_progress_at", "ended_at", "incident_task",
                            "incident_line", "incident_message", "incident_at")


@dataclass(slots=True)
class InstanceRecord:
    """The instance row as an action sees it; `save` writes the mutable columns back."""

    id: int
    definition_id: int
    definition_key: str
    unit_id: int
    business_key: str | None
    status: str
    state: str
    lock_version: int
    next_fire_at: datetime | None
    last_progress_at: datetime | None
    ended_at: datetime | None
    incident_task: str | None
    incident_line: int | None
    incident_message: str | None
    incident_at: datetime | None


@dataclass(slots=True)
class TaskRow:
    """An open (or the addressed) `human_task` row of the instance, with pending column changes."""

    id: int
    spiff_task_id: str
    name: str
    role_code: str | None
    unit_id: int | None
    assignee_id: int | None
    status: str
    form_key: str | None
    assignee_fixed: bool = False  # only the assignee may act (the task's `assignee` property)
    actor_is_candidate: bool = False  # the acting person holds (role_code, unit_id)
    form_hash: str | None = None  # content hash of the latest version of form_key
    changes: dict[str, Any] = field(default_factory=dict)

    def change(self, **values: Any) -> None:
        """Set columns, to be written on save (the ones this record holds are updated too)."""
        for name, value in values.items():
            if name in ("assignee_id", "status"):
                setattr(self, name, value)
            self.changes[name] = value

_INSTANCE_FIELDS = [INSTANCE.c[name] for name in InstanceRecord.__dataclass_fields__]
_TASK_FIELDS = [HUMAN_TASK.c[name] for name in
                ("id", "spiff_task_id", "name", "role_code", "unit_id", "assignee_id", "status", "form_key",
                 "assignee_fixed")]
_ACTOR_IS_CANDIDATE = candidate_clause(bindparam("actor_id"))
_LATEST_FORM_HASH = select(FORM.c.content_hash).where(FORM.c.key == HUMAN_TASK.c.form_key) \
    .order_by(FORM.c.version.desc()).limit(1).scalar_subquery()
_TASK_COLUMNS = (*_TASK_FIELDS, _ACTOR_IS_CANDIDATE.label("candidate"), _LATEST_FORM_HASH.label("form_hash"))
_OPEN_OR_ADDRESSED = or_(HUMAN_TASK.c.status == literal("ready"), HUMAN_TASK.c.id == bindparam("task_id"))
_INSTANCE_OF_TASK = select(HUMAN_TASK.c.instance_id).where(HUMAN_TASK.c.id == bindparam("task_id")).scalar_subquery()
_WHERE = {"id": INSTANCE.c.id == bindparam("instance_id"), "task": INSTANCE.c.id == _INSTANCE_OF_TASK}

# Instance and task rows come in one statement. SQLite reads one snapshot and has no row locks (the
# version check on write guards). On PostgreSQL the instance row is locked (FOR UPDATE OF instance);
# if that had to wait for another action on the case, the row returned is the newer version but the
# joined task rows are from before it (read committed): `seen_version`, read in the statement's
# snapshot, then differs from `lock_version` and the task rows are read again.
_SEEN = INSTANCE.alias("seen")
_SEEN_VERSION = select(_SEEN.c.lock_version).where(_SEEN.c.id == INSTANCE.c.id).scalar_subquery()


def _instance_with_tasks(where: Any, lock: bool) -> Any:
    statement = select(*_INSTANCE_FIELDS, _SEEN_VERSION.label("seen_version"), *_TASK_COLUMNS) \
        .select_from(INSTANCE.outerjoin(HUMAN_TASK, and_(HUMAN_TASK.c.instance_id == INSTANCE.c.id,
                                                         _OPEN_OR_ADDRESSED))) \
        .where(where).order_by(HUMAN_TASK.c.id)
    return statement.with_for_update(of=INSTANCE) if lock else statement


_WITH_TASKS = {(key, lock): _instance_with_tasks(where, lock)
               for key, where in _WHERE.items() for lock in (False, True)}
_OPEN_TASKS = select(*_TASK_COLUMNS).where(HUMAN_TASK.c.instance_id == bindparam("instance_id"), _OPEN_OR_ADDRESSED) \
    .order_by(HUMAN_TASK.c.id)
_N_INSTANCE = len(_INSTANCE_FIELDS)


def _task_row(values: Any) -> TaskRow:
    return TaskRow(*values[:8], assignee_fixed=bool(values[8]), actor_is_candidate=bool(values[9]),
                   form_hash=values[10])


def load_instance(connection: Connection, *, instance_id: int | None = None, task_id: int | None = None,
                  actor_id: int | None = None, lock: bool) -> tuple[InstanceRecord | None, list[TaskRow]]:
    """The instance (by its id, or by the id of one of its tasks), row-locked when `lock`, and its
    task rows as `load_task_rows` gives them."""
    key = "id" if instance_id is not None else "task"
    params = {"instance_id": instance_id or 0, "task_id": task_id or 0, "actor_id": actor_id or 0}
    rows = connection.execute(_WITH_TASKS[key, lock], params).all()
    if not rows:
        return None, []
    instance = InstanceRecord(*rows[0][:_N_INSTANCE])
    if rows[0][_N_INSTANCE] != instance.lock_version:  # waited for the lock: task rows are older
        return instance, load_task_rows(connection, instance.id, actor_id=actor_id, task_id=task_id)
    return instance, [_task_row(row[_N_INSTANCE + 1:]) for row in rows if row[_N_INSTANCE + 1] is not None]


def load_task_rows(connection: Connection, instance_id: int, *, actor_id: int | None = None,
                   task_id: int | None = None) -> list[TaskRow]:
    """The instance's ready task rows, plus row `task_id` whatever its status, in id order.

    Each row says whether `actor_id` is one of its candidates and which form version is current,
    so completing a task needs no further query to authorize and validate."""
    rows = connection.execute(_OPEN_TASKS, {"instance_id": instance_id, "actor_id": actor_id or 0,
                                            "task_id": task_id or 0})
    return [_task_row(row) for row in rows]
