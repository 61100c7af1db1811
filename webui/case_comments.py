"""Comments on the case page: a form under the case's history (htmx appends the new comment to the history
in place; without JavaScript the page is shown again). Append-only: there is no edit or delete route."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.comments import MAX_COMMENT, add_comment
from engine.errors import InvalidInput
from webui.auth import db, is_htmx, login_required
from webui.views.cases import TimelineEntry

bp = Blueprint("case_comments", __name__)


def comment_problem(body: str) -> str | None:
    text = body.strip()
    if not text:
        return _("Write the comment before sending it.")
    if len(text) > MAX_COMMENT:
        return _("A comment may have at most %(count)s characters (this one has %(length)s).",
                 count=MAX_COMMENT, length=len(text))
    return None


@bp.post("/cases/<int:instance_id>/comments")
@login_required
def add(instance_id: int) -> Any:
    body = request.form.get("body", "")
    problem = comment_problem(body)
    added = None
    if problem is None:
        try:
            added = add_comment(db(), g.person_id, instance_id, body)  # an invisible case is a 404
        except InvalidInput as exc:
            problem = exc.message
    if is_htmx():
        entry = TimelineEntry(added.created_at, "case.commented", added.author_name, added.author_username, None,
                              {"comment_id": added.id, "text": added.body}) if added else None
        return render_template("cases/_comment_form.html", instance_id=instance_id, entry=entry,
                               comment_error=problem, comment_body=body if problem else ""), 422 if problem else 200
    flash(problem or _("Your comment has been added to the case's history."), "error" if problem else "success")
    return redirect(url_for("cases.show", instance_id=instance_id) + ("#case-comments" if problem else "#h-history"))
