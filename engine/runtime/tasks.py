"""Work on user tasks: claim, unclaim, delegate, reassign, complete with validated form data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.authz import (
    Viewer,
    is_candidate,
    load_viewer,
    may_act_on_task,
    require_manage,
    require_task_actor,
    visible_task,
)
from engine.council.ballots import cast_ballot, is_ballot
from engine.db import Database
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.forms import CompiledForm, compiled_form, latest_form, validate_form_data
from engine.models import HumanTask, Person, RoleMembership
from engine.org import person_by_username
from engine.runtime.context import ActionContext, OpenedTask, audit, instance_action
from engine.runtime.readonly import without_read_only
from engine.runtime.records import TaskRow


def _open_task(session: Session, viewer: Viewer, task_id: int) -> HumanTask:
    task = visible_task(session, viewer, task_id)
    if task.status != "ready":
        raise Conflict(f"task {task_id} is already {task.status}")
    return task


def _viewer(session: Session, actor_id: int) -> Viewer:
    person = session.get(Person, actor_id)
    if person is None:
        raise NotFound("unknown user")
    return load_viewer(session, person)


def _set_assignee(session: Session, task: HumanTask, new: int | None, expected: int | None) -> None:
    """Compare-and-set on the task row, so two people claiming at once cannot both win."""
    result = session.execute(update(HumanTask).where(
        HumanTask.id == task.id, HumanTask.status == "ready",
        HumanTask.assignee_id.is_(None) if expected is None else HumanTask.assignee_id == expected,
    ).values(assignee_id=new).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(f"task {task.id} was changed by someone else; reload it")
    session.refresh(task)


def _refuse_if_fixed(task: HumanTask) -> None:
    if task.assignee_fixed:
        raise Forbidden("this task is reserved for one person: it cannot be claimed, handed back, "
                        "delegated or reassigned")


def claim(db: Database, actor_id: int, task_id: int) -> HumanTask:
    with db.transaction() as session:
        viewer = _viewer(session, actor_id)
        task = _open_task(session, viewer, task_id)
        _refuse_if_fixed(task)
        if not is_candidate(viewer, task):
            raise Forbidden("you are not a candidate for this task")
        if task.assignee_id == actor_id:
            return task
        if task.assignee_id is not None:
            raise Conflict(f"task {task_id} is already held by someone else")
        _set_assignee(session, task, actor_id, None)
        audit(session, "task.claimed", actor=viewer.person, instance_id=task.instance_id, task_id=task.id)
        return task


def unclaim(db: Database, actor_id: int, task_id: int) -> HumanTask:
    with db.transaction() as session:
        viewer = _viewer(session, actor_id)
        task = _open_task(session, viewer, task_id)
        _refuse_if_fixed(task)
        if task.assignee_id is None:
            return task
        if task.assignee_id != actor_id:
            require_manage(viewer, task.instance)
        _set_assignee(session, task, None, task.assignee_id)
        audit(session, "task.unclaimed", actor=viewer.person, instance_id=task.instance_id, task_id=task.id)
        return task


def _member_of_task_unit(session: Session, task: HumanTask, person: Person) -> bool:
    return session.scalar(select(RoleMembership.id).where(
        RoleMembership.person_id == person.id, RoleMembership.unit_id == task.unit_id).limit(1)) is not None


def delegate(db: Database, actor_id: int, task_id: int, username: str, *, as_manager: bool = False) -> HumanTask:
    """Hand the task to a colleague of the task's unit: by its holder (or a candidate while unheld),
    or, with `as_manager`, by a manager of the case's unit (reassignment)."""
    with db.transaction() as session:
        viewer = _viewer(session, actor_id)
        task = _open_task(session, viewer, task_id)
        _refuse_if_fixed(task)
        if as_manager:
            require_manage(viewer, task.instance)
        else:
            require_task_actor(viewer, task)
        try:
            target = person_by_username(session, username)
        except NotFound:
            raise InvalidInput(f"unknown user {username!r}", field="username") from None
        if task.unit_id is None or not _member_of_task_unit(session, task, target) or not target.active:
            raise InvalidInput(f"{username} does not work in the unit of this task", field="username")
        _set_assignee(session, task, target.id, task.assignee_id)
        audit(session, "task.reassigned" if as_manager else "task.delegated", actor=viewer.person,
              instance_id=task.instance_id, task_id=task.id, to=target.username)
        return task


def task_form_schema(session: Session, task: HumanTask) -> dict[str, Any] | None:
    if task.form_key is None:
        return None
    form = latest_form(session, task.form_key)
    if form is None:
        raise Conflict(f"form {task.form_key!r} of this task is not deployed")
    return form.schema


@dataclass(frozen=True)
class Completion:
    """The outcome of completing a task: the case's status and the task rows that opened next."""

    task_id: int
    instance_id: int
    instance_status: str
    opened: tuple[OpenedTask, ...]


def _authorize_completion(ctx: ActionContext, row: TaskRow) -> None:
    """Raise what a refused completion gets; the common case (assignee or candidate) needs no query.

    Only a refusal loads the person's whole view, so an outsider still gets NotFound (ids cannot
    be probed) and a candidate of a task held by someone else gets Forbidden."""
    if may_act_on_task(ctx.actor_id, row.assignee_id, row.actor_is_candidate, row.assignee_fixed):
        return
    task = _open_task(ctx.session, ctx.viewer, row.id)
    if ctx.instance.status != "running":
        raise Conflict(f"the case is {ctx.instance.status}; its tasks cannot be completed now")
    require_task_actor(ctx.viewer, task)


def _form_of(ctx: ActionContext, row: TaskRow) -> CompiledForm | None:
    if row.form_key is None:
        return None
    form = compiled_form(ctx.session, row.form_key, row.form_hash) if row.form_hash else None
    if form is None:
        raise Conflict(f"form {row.form_key!r} of this task is not deployed")
    return form


def complete(db: Database, actor_id: int, task_id: int, data: Any) -> Completion:
    """Complete a task with form data validated against its schema; the engine then moves on."""

    def act(ctx: ActionContext) -> ActionContext:
        row = next((r for r in ctx.task_rows() if r.id == task_id), None)
        if row is None:
            raise NotFound(f"no task {task_id}")
        _authorize_completion(ctx, row)
        if row.status != "ready":
            raise Conflict(f"task {task_id} is already {row.status}")
        if ctx.instance.status != "running":
            raise Conflict(f"the case is {ctx.instance.status}; its tasks cannot be completed now")
        form = _form_of(ctx, row)
        values = validate_form_data(form.schema if form else None, data, form.validator if form else None)
        spiff_task = ctx.spiff_task(row)
        values = without_read_only(form.schema if form else None, values, spiff_task.data)
        if spiff_task.state != TaskState.READY:  # the row and the workflow disagree: never run it twice
            raise Conflict(f"task {task_id} is no longer open")
        if is_ballot(spiff_task.task_spec):  # the values go into the ballot box, not (all) into the case
            values = cast_ballot(ctx, spiff_task, values)
        spiff_task.data.update(values)
        row.change(assignee_id=actor_id, completed_by_id=actor_id)

        def step() -> None:
            spiff_task.run()
            ctx.workflow.do_engine_steps()

        ctx.advance(step)
        ctx.audit("task.completed", task_id=row.id, task=row.name, fields=sorted(values))
        return ctx

    done = instance_action(db, None, actor_id, act, task_id=task_id)
    return Completion(task_id, done.instance.id, done.instance.status, tuple(done.opened))
