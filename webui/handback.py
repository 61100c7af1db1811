"""Hand back with a reason, from the task page: the holder returns the task to who delegated it to them,
or to the role's candidates (engine.runtime.handback); an empty reason is explained next to the field."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from engine.authz import visible_task
from engine.errors import EngineError, InvalidInput
from engine.runtime.handback import MAX_REASON, hand_back
from webui.auth import db, login_required, viewer_transaction
from webui.errors import error_text
from webui.taskform import initial_values, render_task, task_view

bp = Blueprint("handback", __name__)


def _reason_problem(reason: str) -> str | None:
    if not reason.strip():
        return _("Give the reason for handing the task back.")
    if len(reason.strip()) > MAX_REASON:
        return _("The reason is too long: at most %(count)s characters.", count=MAX_REASON)
    return None


def _page_again(task_id: int, reason: str, message: str, status: int) -> Any:
    with viewer_transaction() as (s, viewer):
        view = task_view(s, viewer, visible_task(s, viewer, task_id))
        return render_task(view, initial_values(view), status=status, hand_back_error=message,
                           hand_back_reason=reason)


@bp.post("/tasks/<int:task_id>/hand-back")
@login_required
def submit(task_id: int) -> Any:
    reason = request.form.get("reason", "")
    problem = _reason_problem(reason)
    if problem:
        return _page_again(task_id, reason, problem, 422)
    try:
        done = hand_back(db(), g.person_id, task_id, reason)
    except InvalidInput as exc:
        return _page_again(task_id, reason, error_text(exc), 422)
    except EngineError as exc:
        if exc.status == 404:
            raise
        return _page_again(task_id, reason, error_text(exc), exc.status)
    flash(_("The task has been handed back to the person who delegated it.") if done.to_person_id
          else _("The task has been handed back to the candidates of its role."), "success")
    return redirect(url_for("inbox.index"))
