"""One engine action on one instance, as one transaction with an optimistic lock.

load (row lock on PostgreSQL, version check everywhere) → act → engine steps → serialize →
projections → audit → commit. A lost version race is retried from scratch with fresh state, so a
completion of a *different* task succeeds transparently while a second completion of the *same*
task finds it closed and gets a Conflict. Nothing half-applied is ever stored.

The hot path reads and writes plain rows (`records`) rather than ORM objects, loads the workflow
only when the action needs it, and takes it from the live-object cache (`workflow_cache`) when the
cached object is exactly the stored version.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import clock
from engine.authz import Viewer, load_viewer
from engine.db import Database
from engine.definitions.repository import load_specs
from engine.errors import Conflict, NotFound
from engine.models import AuditEvent, Person, ProcessDefinition
from engine.notifications.task_opened import announce_fixed, announce_opened
from engine.runtime import incidents, projection, records, writes
from engine.runtime.records import InstanceRecord, TaskRow
from engine.runtime.workflow_cache import WORKFLOWS, CacheKey
from engine.serialization import SPEC_CACHE, dump_workflow, load_workflow

T = TypeVar("T")
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class OpenedTask:
    """A task row an action opened (what the caller needs to go on without another query)."""

    id: int
    name: str
    title: str
    role_code: str | None
    unit_id: int | None
    form_key: str | None
    is_orphan: bool


class TransactionScope:
    """One database transaction on a connection; an ORM session joins it only when something asks.

    Most actions need nothing but the prebuilt statements of `records`, and a Session costs more
    to set up and commit than the statements themselves."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(bind=self.connection, expire_on_commit=False)
        return self._session

    def flush(self) -> None:
        if self._session is not None:
            self._session.flush()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


@contextmanager
def transaction_scope(db: Database) -> Iterator[TransactionScope]:
    """Commit on success (after flushing the session, if one joined), roll back on any exception."""
    with db.engine.begin() as connection:
        scope = TransactionScope(connection)
        try:
            yield scope
            scope.flush()
        finally:
            scope.close()


@dataclass
class ActionContext:
    """What an action on an instance works with; `save()` is called by `instance_action`.

    `instance` has id 0 until a new case is stored (`new_instance` then holds its insert values)."""

    scope: TransactionScope
    instance: InstanceRecord
    now: datetime
    actor_id: int | None
    cache_key: CacheKey | None = None
    task_id: int | None = None  # the task the action addresses, if any
    progressed: bool = False
    unchanged: bool = False  # set by an action that found nothing to do: nothing is stored, no new version
    new_instance: dict[str, Any] | None = None
    new_tasks: list[dict[str, Any]] = field(default_factory=list)  # filled by the projection
    opened: list[OpenedTask] = field(default_factory=list)  # the new task rows, after save()
    _workflow: BpmnWorkflow | None = None
    _viewer: Viewer | None = None
    _task_rows: list[TaskRow] | None = None
    _audits: list[dict[str, Any]] = field(default_factory=list)
    memo: dict[Any, Any] = field(default_factory=dict)  # what helpers read once per action (plan, milestones)
    after_store: list[Callable[[], None]] = field(default_factory=list)  # run by save() once task rows have ids

    @property
    def session(self) -> Session:
        return self.scope.session

    @property
    def connection(self) -> Connection:
        return self.scope.connection

    @property
    def workflow(self) -> BpmnWorkflow:
        if self._workflow is None:
            self._workflow = self._load_workflow()
        return self._workflow

    @workflow.setter
    def workflow(self, workflow: BpmnWorkflow) -> None:
        self._workflow = workflow

    def _load_workflow(self) -> BpmnWorkflow:
        if SPEC_CACHE.bundle(self.instance.definition_id) is None:
            definition = self.session.get(ProcessDefinition, self.instance.definition_id)
            assert definition is not None, self.instance.definition_id  # foreign key
            load_specs(self.session, definition)
        if self.cache_key is not None:
            cached = WORKFLOWS.take(self.cache_key, self.instance.lock_version, self.instance.state)
            if cached is not None:
                return cached
        return load_workflow(self.instance.state)

    @property
    def actor(self) -> Person | None:
        return self.session.get(Person, self.actor_id) if self.actor_id is not None else None

    @property
    def viewer(self) -> Viewer:
        if self._viewer is None:
            if self.actor_id is None:
                raise RuntimeError("this action needs an actor")
            person = self.actor
            if person is None:
                raise NotFound("unknown user")
            self._viewer = load_viewer(self.session, person)
        return self._viewer

    def task_rows(self) -> list[TaskRow]:
        """The instance's open task rows and the addressed one (read once; `records.load_task_rows`)."""
        if self._task_rows is None:
            self._task_rows = [] if self.instance.id == 0 else records.load_task_rows(
                self.connection, self.instance.id, actor_id=self.actor_id, task_id=self.task_id)
        return self._task_rows

    def spiff_task(self, row: TaskRow) -> Task:
        try:
            return self.workflow.get_task_from_id(UUID(row.spiff_task_id))
        except TaskNotFoundException:
            raise Conflict(f"task {row.id} is no longer open") from None

    def advance(self, step: Callable[[], Any]) -> bool:
        """Run engine work; a failure becomes an incident on the instance. True if it succeeded."""
        self.progressed = True
        with acting(self):
            return incidents.run_guarded(self, step)

    def audit(self, action: str, task_id: int | None = None, **details: Any) -> None:
        self._audits.append({"at": self.now, "actor_id": self.actor_id, "action": action,
                             "task_id": task_id, "details": details})

    def save(self) -> str:
        """Serialize, project and write everything of this action; returns the stored state."""
        state = dump_workflow(self.workflow)
        with acting(self):  # due-date and unit-scope expressions may call helpers such as milestone()
            projection.sync(self)
        instance = self.instance
        if self.progressed:
            instance.last_progress_at = self.now
        instance.id, instance.lock_version, stored = writes.store(self.connection, writes.Writes(
            instance, state, self._task_rows or [], self.new_tasks, self._audits, self.new_instance))
        instance.state = state
        self.opened = [OpenedTask(id, row["name"], row["title"], row["role_code"], row["unit_id"], row["form_key"],
                                  orphan) for (id, orphan), row in zip(stored, self.new_tasks, strict=True)]
        self._audits = []
        announce_opened(self.connection, instance.id, self.actor_id, self.now,
                        [(id, row) for (id, orphan), row in zip(stored, self.new_tasks, strict=True) if not orphan])
        if any(row.get("assignee_fixed") for row in self.new_tasks):
            announce_fixed(self.session, self.actor_id,
                           [(id, row) for (id, _orphan), row in zip(stored, self.new_tasks, strict=True)])
        hooks, self.after_store = self.after_store, []
        for hook in hooks:
            hook()
        return state

    def keep_workflow(self, db: Database) -> None:
        """After commit: offer the workflow object for the next action on this instance."""
        if self._workflow is not None:
            WORKFLOWS.put((db.url, self.instance.id), self.instance.lock_version, self.instance.state,
                          self._workflow)


_CURRENT: ContextVar[ActionContext | None] = ContextVar("tdkt_current_action", default=None)


def current_action() -> ActionContext | None:
    """The action whose engine work (scripts, timer and due-date expressions) is running now, if any:
    how helpers called from scripts, which get no session, reach the case and its transaction."""
    return _CURRENT.get()


@contextmanager
def acting(ctx: ActionContext) -> Iterator[None]:
    token = _CURRENT.set(ctx)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def audit(session: Session, action: str, *, actor: Person | None = None, instance_id: int | None = None,
          task_id: int | None = None, at: datetime | None = None, **details: Any) -> None:
    session.add(AuditEvent(at=at or clock.now(), actor_id=actor.id if actor else None, action=action,
                           instance_id=instance_id, task_id=task_id, details=details))


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, StaleDataError):
        return True
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower()
        return "locked" in text or "busy" in text or "deadlock" in text or "could not serialize" in text
    return False


def instance_action(db: Database, instance_id: int | None, actor_id: int | None,
                    act: Callable[[ActionContext], T], *, task_id: int | None = None) -> T:
    """Run `act` on the instance (or on the instance of task `task_id`) in one transaction,
    retrying lost races with fresh state."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            with clock.frozen_at() as now, transaction_scope(db) as scope:
                instance, task_rows = records.load_instance(
                    scope.connection, instance_id=instance_id, task_id=task_id, actor_id=actor_id, lock=db.is_postgres)
                if instance is None:
                    raise NotFound(f"no case {instance_id}" if instance_id is not None else f"no task {task_id}")
                ctx = ActionContext(scope, instance, now, actor_id, cache_key=(db.url, instance.id), task_id=task_id,
                                    _task_rows=task_rows)
                result = act(ctx)
                if not ctx.unchanged:
                    ctx.save()
            ctx.keep_workflow(db)  # only now: the object matches what was committed
            return result
        except Exception as exc:
            if not _retryable(exc) or attempt == MAX_ATTEMPTS - 1:
                if _retryable(exc):
                    raise Conflict("the case is busy with another change; try again") from exc
                raise
            time.sleep(random.uniform(0.002, 0.02) * (attempt + 1))
    raise AssertionError("unreachable")
