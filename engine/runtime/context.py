"""One engine action on one instance, as one transaction with an optimistic lock.

load (row lock on PostgreSQL, version check everywhere) → act → engine steps → serialize →
projections → audit → commit. A lost version race is retried from scratch with fresh state, so a
completion of a *different* task succeeds transparently while a second completion of the *same*
task finds it closed and gets a Conflict. Nothing half-applied is ever stored.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task

from engine import clock
from engine.authz import Viewer, load_viewer
from engine.db import Database
from engine.definitions.repository import load_specs
from engine.errors import Conflict, NotFound
from engine.models import AuditEvent, HumanTask, Instance, Person
from engine.org import role_catalogue
from engine.runtime import incidents, projection
from engine.serialization import dump_workflow, load_workflow

T = TypeVar("T")
MAX_ATTEMPTS = 8


@dataclass
class ActionContext:
    """What an action on an instance works with; `save()` is called by `instance_action`."""

    session: Session
    instance: Instance
    workflow: BpmnWorkflow
    now: datetime
    actor: Person | None
    progressed: bool = False
    _viewer: Viewer | None = None
    _catalogue: dict[str, str] | None = None

    @property
    def viewer(self) -> Viewer:
        if self._viewer is None:
            if self.actor is None:
                raise RuntimeError("this action needs an actor")
            self._viewer = load_viewer(self.session, self.actor)
        return self._viewer

    @property
    def catalogue(self) -> dict[str, str]:
        if self._catalogue is None:
            self._catalogue = role_catalogue(self.session)
        return self._catalogue

    def spiff_task(self, row: HumanTask) -> Task:
        try:
            return self.workflow.get_task_from_id(UUID(row.spiff_task_id))
        except TaskNotFoundException:
            raise Conflict(f"task {row.id} is no longer open") from None

    def advance(self, step: Callable[[], Any]) -> bool:
        """Run engine work; a failure becomes an incident on the instance. True if it succeeded."""
        self.progressed = True
        return incidents.run_guarded(self, step)

    def audit(self, action: str, task_id: int | None = None, **details: Any) -> None:
        audit(self.session, action, actor=self.actor, instance_id=self.instance.id, task_id=task_id,
              at=self.now, **details)

    def save(self) -> None:
        self.instance.state = dump_workflow(self.workflow)
        projection.sync(self)
        if self.progressed:
            self.instance.last_progress_at = self.now


def audit(session: Session, action: str, *, actor: Person | None = None, instance_id: int | None = None,
          task_id: int | None = None, at: datetime | None = None, **details: Any) -> None:
    session.add(AuditEvent(at=at or clock.now(), actor_id=actor.id if actor else None, action=action,
                           instance_id=instance_id, task_id=task_id, details=details))


def lock_instance(session: Session, instance_id: int) -> Instance:
    query = select(Instance).where(Instance.id == instance_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    instance = session.scalar(query)
    if instance is None:
        raise NotFound(f"no case {instance_id}")
    return instance


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, StaleDataError):
        return True
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower()
        return "locked" in text or "busy" in text or "deadlock" in text or "could not serialize" in text
    return False


def instance_action(db: Database, instance_id: int, actor_id: int | None,
                    act: Callable[[ActionContext], T]) -> T:
    """Run `act` on the instance in one transaction, retrying lost races with fresh state."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            with clock.frozen_at() as now, db.transaction() as session:
                instance = lock_instance(session, instance_id)
                actor = session.get(Person, actor_id) if actor_id is not None else None
                load_specs(session, instance.definition)
                ctx = ActionContext(session, instance, load_workflow(instance.state), now, actor)
                result = act(ctx)
                ctx.save()
                session.flush()
                return result
        except Exception as exc:
            if not _retryable(exc) or attempt == MAX_ATTEMPTS - 1:
                if _retryable(exc):
                    raise Conflict("the case is busy with another change; try again") from exc
                raise
            time.sleep(random.uniform(0.002, 0.02) * (attempt + 1))
    raise AssertionError("unreachable")
