"""`escalate(...)` and `remind(...)`: helpers for script tasks on deadline boundary timers.

The pattern (README, "Nhắc hạn và leo thang"): a user task with `dueDate` = `milestone('x')` carries
- a non-interrupting boundary timer at `working_days_before(milestone('x'), 3)` → a script task
  `remind(task='nop_ho_so')` (or no timer at all: the deadline sweep reminds by `reminderDays`);
- a non-interrupting boundary timer at `milestone('x')` → a script task
  `escalate(task='nop_ho_so', role='lanh_dao_phong', unit_scope='parent', note='…')`: the holders of
  that role in the resolved unit are told (`messages.task_escalated`) and the task's open rows in this
  case get `escalated_at` (audit `task.escalated`); the task stays with the school;
- or, interrupting: the boundary timer cancels the task and its flow leads to a user task in the lane
  of the supervising unit's role (unitScope `parent`), which takes the work over.

A boundary timer whose instant has passed fires in the same engine step that opens its task, before
the projection has written the task's row. So the helpers check their arguments at once (a wrong
task id, role or unit scope is an incident on the case, to fix and retry) and do their work once
the action's task rows are stored (`ActionContext.after_store`), in the same transaction, on the
rows that were open when they ran plus the rows the action opened for that task.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from engine.assignment import candidate_person_ids, resolve_unit
from engine.models import HumanTask, Unit
from engine.notifications import messages, notify_message, task_info
from engine.org import resolve_role_code, role_catalogue
from engine.runtime.deadlines import active_people, task_holders, working_days_left
from engine.runtime.records import HUMAN_TASK
from engine.scripting import register_helper, running_action

if TYPE_CHECKING:
    from engine.runtime.context import ActionContext

_REQUESTS = "deadline_helper_requests"


class EscalationError(ValueError):
    """A helper call that cannot be carried out as written (unknown task, role or unit)."""


@dataclass(frozen=True)
class _Request:
    kind: str  # "escalate" | "remind"
    task: str
    open_ids: tuple[int, ...]
    note: str | None
    recipients: tuple[int, ...] = ()  # escalate: holders of the role in the unit
    role_code: str | None = None
    unit_code: str | None = None
    unit_name: str | None = None


def _action(helper: str) -> ActionContext:
    return running_action(helper, EscalationError, where="in a script task of a running case")


def _text(helper: str, name: str, value: object, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise EscalationError(f"{helper}(): {name} must be a non-empty text, not {value!r}")
    return value.strip()


def _open_rows(ctx: ActionContext, helper: str, task: str) -> tuple[int, ...]:
    """Ids of the case's open rows of user task `task` (checked to be a user task of the process)."""
    specs = [ctx.workflow.spec, *ctx.workflow.subprocess_specs.values()]
    if not any(getattr(each, "manual", False) and (each.bpmn_id or each.name) == task
               for spec in specs for each in spec.task_specs.values()):
        raise EscalationError(f"{helper}(): {task!r} is not a user task of this process")
    return tuple(row.id for row in ctx.task_rows() if row.name == task and row.status == "ready")


def _defer(ctx: ActionContext, request: _Request) -> None:
    requests: list[_Request] = ctx.memo.setdefault(_REQUESTS, [])
    if not requests:
        ctx.after_store.append(lambda: _carry_out(ctx))
    requests.append(request)


@register_helper()
def escalate(task: str, role: str, unit_scope: str = "parent", note: str | None = None) -> str:
    """Report user task `task` of this case to the holders of `role` (code or label) in the unit that
    `unit_scope` names (`parent`, `case`, `kind:<kind>`); returns that unit's code."""
    ctx = _action("escalate")
    task_name = _text("escalate", "task", task) or ""
    role_name = _text("escalate", "role", role) or ""
    scope = _text("escalate", "unit_scope", unit_scope) or ""
    open_ids = _open_rows(ctx, "escalate", task_name)
    session = ctx.session
    role_code = resolve_role_code(role_catalogue(session), role_name)
    if role_code is None:
        raise EscalationError(f"escalate(): unknown role {role_name!r}")
    case_unit = session.get(Unit, ctx.instance.unit_id)
    assert case_unit is not None, ctx.instance.unit_id  # foreign key
    unit, problem = resolve_unit(session, scope, case_unit, {})
    if unit is None:
        raise EscalationError(f"escalate(): {problem}")
    holders = tuple(active_people(session, candidate_person_ids(session, role_code, unit.id)))
    _defer(ctx, _Request("escalate", task_name, open_ids, _text("escalate", "note", note, optional=True),
                         holders, role_code, unit.code, unit.name))
    return unit.code


@register_helper()
def remind(task: str, note: str | None = None) -> None:
    """Remind the holder of user task `task` of this case now (as the deadline sweep would)."""
    ctx = _action("remind")
    task_name = _text("remind", "task", task) or ""
    _defer(ctx, _Request("remind", task_name, _open_rows(ctx, "remind", task_name),
                         _text("remind", "note", note, optional=True)))


def _with_note(message: messages.Message, note: str | None) -> messages.Message:
    if not note:
        return message
    return dataclasses.replace(message, body=message.body.replace(
        messages.SIGNATURE, f"Ghi chú: {note}\n\n{messages.SIGNATURE}"))


def _carry_out(ctx: ActionContext) -> None:
    from engine.runtime.context import audit

    session = ctx.session
    for request in ctx.memo.pop(_REQUESTS, []):
        ids = sorted({*request.open_ids, *(o.id for o in ctx.opened if o.name == request.task)})
        column = "escalated_at" if request.kind == "escalate" else "reminded_at"
        action = "task.escalated" if request.kind == "escalate" else "task.reminded"
        details: dict[str, Any] = {"note": request.note}
        if request.kind == "escalate":
            details.update(role=request.role_code, unit=request.unit_code)
            if not request.recipients:
                details["problem"] = f"nobody holds role {request.role_code} in {request.unit_code}"
        if ids:
            ctx.connection.execute(update(HUMAN_TASK).where(HUMAN_TASK.c.id.in_(ids)).values({column: ctx.now}))
        tasks = session.scalars(select(HumanTask).where(HumanTask.id.in_(ids)).order_by(HumanTask.id)
                                .execution_options(populate_existing=True)).all() if ids else []
        for each in tasks:
            info = task_info(session, each)
            if request.kind == "escalate":
                message = messages.task_escalated(info, supervising_unit=request.unit_name or "")
                recipients = list(request.recipients)
            else:
                message = messages.task_reminder(info, working_days_left=working_days_left(
                    ctx.now, each.due_at or ctx.now))
                recipients = task_holders(session, each)
            notify_message(session, _with_note(message, request.note), person_ids=recipients)
            audit(session, action, at=ctx.now, instance_id=ctx.instance.id, task_id=each.id,
                  recipients=len(recipients), by="script", **details)
        if not tasks:  # e.g. an interrupting timer cancelled the task in the action that opened it
            details["problem"] = "; ".join(p for p in (details.get("problem"), "no open task") if p)
            audit(session, action, at=ctx.now, instance_id=ctx.instance.id, task=request.task, **details)
