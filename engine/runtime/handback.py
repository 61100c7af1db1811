"""Hand a task back, with a reason: the person holding a task returns it to whoever delegated it to
them, or, when they took it themselves (or the delegator can no longer hold it), to the candidates of
its role in its unit. The reason is recorded in the audit trail (so in the case's history), and the new
holder or the candidates are told through the notifications outbox, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.db import Database
from engine.errors import Forbidden, InvalidInput
from engine.models import AuditEvent, HumanTask, Person, RoleMembership
from engine.notifications import notify_message, task_info
from engine.notifications.messages import task_handed_back
from engine.runtime.tasks import _member_of_task_unit, _open_task, _refuse_if_fixed, _set_assignee, _viewer

MAX_REASON = 1000
HOLDER_EVENTS = ("task.claimed", "task.unclaimed", "task.delegated", "task.reassigned", "task.handed_back")


@dataclass(frozen=True)
class HandBack:
    task_id: int
    to_person_id: int | None  # None: back with the role's candidates
    notified: tuple[int, ...]


def clean_reason(reason: object) -> str:
    if reason is not None and not isinstance(reason, str):
        raise InvalidInput("reason must be text", field="reason")
    text = " ".join((reason or "").split())
    if not text:
        raise InvalidInput("a reason is required to hand a task back", field="reason")
    if len(text) > MAX_REASON:
        raise InvalidInput(f"the reason is longer than {MAX_REASON} characters", field="reason")
    return text


def _delegator(session: Session, task: HumanTask) -> Person | None:
    """Who delegated the task to its holder (the task's last change of holder), if they can hold it now."""
    last = session.scalar(select(AuditEvent).where(
        AuditEvent.task_id == task.id, AuditEvent.instance_id == task.instance_id,
        AuditEvent.action.in_(HOLDER_EVENTS)).order_by(AuditEvent.id.desc()).limit(1))
    if last is None or last.action != "task.delegated" or last.actor_id in (None, task.assignee_id):
        return None
    holder = session.get(Person, task.assignee_id)
    if holder is None or (last.details or {}).get("to") != holder.username:
        return None
    delegator = session.get(Person, last.actor_id)
    if delegator is None or not delegator.active or not _member_of_task_unit(session, task, delegator):
        return None
    return delegator


def _candidates(session: Session, task: HumanTask, except_id: int) -> list[int]:
    if task.role_code is None or task.unit_id is None:
        return []
    return sorted(set(session.scalars(select(Person.id).join(RoleMembership, RoleMembership.person_id == Person.id)
                                      .where(RoleMembership.role_code == task.role_code,
                                             RoleMembership.unit_id == task.unit_id,
                                             Person.active.is_(True), Person.id != except_id))))


def hand_back(db: Database, actor_id: int, task_id: int, reason: object) -> HandBack:
    text = clean_reason(reason)
    with db.transaction() as session:
        viewer = _viewer(session, actor_id)
        task = _open_task(session, viewer, task_id)
        if task.assignee_id != actor_id:
            raise Forbidden("only the person holding a task can hand it back")
        _refuse_if_fixed(task)
        delegator = _delegator(session, task)
        _set_assignee(session, task, delegator.id if delegator else None, actor_id)
        event = AuditEvent(at=clock.now(), actor_id=actor_id, action="task.handed_back", instance_id=task.instance_id,
                           task_id=task.id, details={"reason": text, "to": delegator.username if delegator else None})
        session.add(event)
        session.flush()
        recipients = [delegator.id] if delegator else _candidates(session, task, actor_id)
        message = task_handed_back(task_info(session, task), by=viewer.person.full_name, reason=text,
                                   to_role=delegator is None, event_id=event.id)
        notify_message(session, message, person_ids=recipients)
        return HandBack(task.id, delegator.id if delegator else None, tuple(recipients))


def delegated_by(session: Session, task: HumanTask) -> Person | None:
    """For the task page: the person a hand back would return the task to (None: the role's candidates)."""
    return _delegator(session, task) if task.assignee_id is not None else None

