"""The one place that authorizes: what a person may see and do, by role *and* unit.

A person's scope is every unit where they hold a role, and the units below it. They see cases of
units in their scope and tasks they are candidates for or assigned to; they act on a task only as
its assignee or one of its candidates; `manage` capability in a unit allows case actions
(suspend, resume, terminate, retry, reassign) below it; `design` allows deploying definitions.
Things outside a person's view are reported as not found, so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from engine.errors import Forbidden, NotFound
from engine.models import HumanTask, Instance, Person, Role, RoleMembership
from engine.org import subtree_unit_ids


@dataclass
class Viewer:
    person: Person
    memberships: set[tuple[str, int]] = field(default_factory=set)  # (role code, unit id)
    scope_unit_ids: set[int] = field(default_factory=set)
    manage_unit_ids: set[int] = field(default_factory=set)
    can_design: bool = False

    @property
    def id(self) -> int:
        return self.person.id


def load_viewer(session: Session, person: Person) -> Viewer:
    rows = session.execute(select(RoleMembership.role_code, RoleMembership.unit_id, Role.capabilities)
                           .join(Role, Role.code == RoleMembership.role_code)
                           .where(RoleMembership.person_id == person.id)).all()
    memberships = {(code, unit_id) for code, unit_id, _ in rows}
    managed_roots = {unit_id for _, unit_id, caps in rows if {"manage", "admin"} & set(caps.split())}
    return Viewer(
        person=person,
        memberships=memberships,
        scope_unit_ids=subtree_unit_ids(session, {unit_id for _, unit_id in memberships}),
        manage_unit_ids=subtree_unit_ids(session, managed_roots),
        can_design=any({"design", "admin"} & set(caps.split()) for _, _, caps in rows),
    )


def is_candidate(viewer: Viewer, task: HumanTask) -> bool:
    return task.role_code is not None and task.unit_id is not None and \
        (task.role_code, task.unit_id) in viewer.memberships


def candidate_clause(person_id: Any) -> ColumnElement[bool]:
    """SQL, correlated to `human_task`: the person (an id or a bound parameter) is a candidate.
    (Plain table columns, so Core statements can use it as well as ORM queries.)"""
    membership, task = RoleMembership.__table__.c, HumanTask.__table__.c
    return exists().where(membership.person_id == person_id, membership.role_code == task.role_code,
                          membership.unit_id == task.unit_id)


def may_act_on_task(person_id: int | None, assignee_id: int | None, person_is_candidate: bool,
                    assignee_fixed: bool = False) -> bool:
    """The rule of `require_task_actor` from facts about the task row, without a Viewer: its
    assignee, or one of its candidates while nobody holds it (never for a fixed-assignee task)."""
    if person_id is not None and assignee_id == person_id:
        return True
    return assignee_id is None and person_is_candidate and not assignee_fixed


def _involved_in_instance(viewer: Viewer) -> ColumnElement[bool]:
    """SQL: the instance has a task the viewer is assigned to, completed, or is a candidate for."""
    return exists().where(HumanTask.instance_id == Instance.id, or_(
        HumanTask.assignee_id == viewer.id, HumanTask.completed_by_id == viewer.id, candidate_clause(viewer.id)))


def visible_instances_clause(viewer: Viewer) -> ColumnElement[bool]:
    return or_(Instance.unit_id.in_(viewer.scope_unit_ids), _involved_in_instance(viewer))


def visible_instance(session: Session, viewer: Viewer, instance_id: int) -> Instance:
    instance = session.scalar(select(Instance).where(Instance.id == instance_id, visible_instances_clause(viewer)))
    if instance is None:
        raise NotFound(f"no case {instance_id}")
    return instance


def visible_task(session: Session, viewer: Viewer, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id)
    if task is None or not (task.assignee_id == viewer.id or is_candidate(viewer, task)
                            or task.unit_id in viewer.scope_unit_ids
                            or task.instance.unit_id in viewer.scope_unit_ids):
        raise NotFound(f"no task {task_id}")
    return task


def require_manage(viewer: Viewer, instance: Instance) -> None:
    if instance.unit_id not in viewer.manage_unit_ids:
        raise Forbidden("only a manager of this case's unit may do this")


def require_can_start(viewer: Viewer, unit_id: int) -> None:
    if unit_id not in viewer.scope_unit_ids:
        raise Forbidden("you may only start cases for your own units")


def require_design(viewer: Viewer) -> None:
    if not viewer.can_design:
        raise Forbidden("only process designers may deploy definitions")


def require_task_actor(viewer: Viewer, task: HumanTask) -> None:
    """The viewer may work on the task: its assignee, or a candidate while nobody holds it."""
    if may_act_on_task(viewer.id, task.assignee_id, is_candidate(viewer, task), task.assignee_fixed):
        return
    if task.assignee_fixed:
        raise Forbidden("this task is reserved for one person; nobody else may do it")
    if task.assignee_id is not None and is_candidate(viewer, task):
        raise Forbidden("this task is held by someone else")
    raise Forbidden("you are not a candidate for this task")
