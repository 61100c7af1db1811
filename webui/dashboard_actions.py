"""Bulk actions of the dashboard on the selected rows: reassign tasks to a person of the task's unit,
send a reminder to whoever holds a task (or a stuck case's tasks), retry incident cases.

Every item is its own engine action (its own transaction and authorization: a manager of the case's
unit); one refused item does not stop the others, and the summary says which were refused and why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from engine.errors import EngineError
from engine.runtime import instances as lifecycle
from engine.runtime import tasks as runtime
from webui.auth import db, login_required, safe_next, viewer_transaction
from webui.dashboard import not_manager_page
from webui.errors import error_text
from webui.ids import id_or_none
from webui.reminders import NobodyToRemind, remind_case, remind_task
from webui.views.monitor import LISTS

bp = Blueprint("dashboard_actions", __name__)
MAX_ITEMS = 200
ACTIONS_OF_LIST = {"overdue": ("reassign", "remind"), "orphans": ("reassign",), "stuck": ("remind",),
                   "incidents": ("retry",)}


def _ids() -> list[int]:
    ids = (id_or_none(v) for v in request.form.getlist("ids"))
    return list(dict.fromkeys(i for i in ids if i is not None))[:MAX_ITEMS]


def _runner(action: str, kind: str) -> Callable[[int], Any] | None:
    actor = g.person_id
    if action == "reassign":
        username = request.form.get("username", "").strip()
        if not username:
            return None
        return lambda task_id: runtime.delegate(db(), actor, task_id, username, as_manager=True)
    if action == "remind":
        return (lambda case_id: remind_case(db(), actor, case_id)) if kind == "stuck" else \
            (lambda task_id: remind_task(db(), actor, task_id))
    return lambda case_id: _retry(actor, case_id)


class FailedAgain(EngineError):
    status = 409


def _retry(actor: int, case_id: int) -> None:
    if lifecycle.retry(db(), actor, case_id).status == "incident":
        raise FailedAgain(f"case {case_id} failed again")


def _done_message(action: str, done: int) -> str:
    if action == "reassign":
        return ngettext("%(num)s task reassigned.", "%(num)s tasks reassigned.", done)
    if action == "remind":
        return ngettext("Reminder sent for %(num)s item.", "Reminders sent for %(num)s items.", done)
    return ngettext("%(num)s case run again.", "%(num)s cases run again.", done)


def _refusal(exc: EngineError) -> str:
    if isinstance(exc, FailedAgain):
        return _("the step failed again; fix the cause first")
    if isinstance(exc, NobodyToRemind):
        return _("nobody holds it, so nobody can be reminded (reassign it instead)")
    return error_text(exc)


@bp.post("/dashboard/actions")
@login_required
def run() -> Any:
    with viewer_transaction() as (_s, viewer):
        if not viewer.manage_unit_ids:
            return not_manager_page()
    kind, action = request.form.get("list", ""), request.form.get("action", "")
    back = safe_next(request.form.get("next")) or url_for("dashboard.index", _anchor=kind if kind in LISTS else None)
    if action not in ACTIONS_OF_LIST.get(kind, ()):
        flash(_("This action is not available for this list."), "error")
        return redirect(back)
    ids = _ids()
    runner = _runner(action, kind)
    if not ids or runner is None:
        flash(_("Select at least one row (and, to reassign, the person to give the tasks to)."), "error")
        return redirect(back)
    done, refused = 0, []
    for item in ids:
        try:
            runner(item)
        except EngineError as exc:
            refused.append(f"#{item}: {_refusal(exc)}")
        else:
            done += 1
    if done:
        flash(_done_message(action, done), "success")
    if refused:
        flash(_("Refused: %(items)s", items="; ".join(refused)), "error")
    return redirect(back)
