"""The notifications page: the signed-in person's in-app notifications (newest first, unread marked),
opening one marks it read and goes to its task or case; "mark all read". Only ever one's own rows."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.notifications import list_notifications, mark_all_read, mark_read
from webui.auth import db, login_required

bp = Blueprint("notifications", __name__)
PAGE_SIZE = 30


@bp.get("/notifications")
@login_required
def index() -> Any:
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    unread_only = request.args.get("show") == "unread"
    with db().transaction() as s:
        rows = list_notifications(s, g.person_id, unread_only=unread_only, limit=PAGE_SIZE + 1,
                                  offset=(page - 1) * PAGE_SIZE)
        items = [{"id": n.id, "subject": n.subject, "body": n.body, "created_at": n.created_at, "read": n.read_at
                  is not None, "task_id": n.task_id, "instance_id": n.instance_id} for n in rows[:PAGE_SIZE]]
    return render_template("notifications/index.html", items=items, page=page, has_next=len(rows) > PAGE_SIZE,
                           unread_only=unread_only)


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_one(notification_id: int) -> Any:
    with db().transaction() as s:
        row = mark_read(s, g.person_id, notification_id)  # someone else's is a 404
        task_id, instance_id = row.task_id, row.instance_id
    if task_id is not None:
        return redirect(url_for("taskform.show", task_id=task_id))
    if instance_id is not None:
        return redirect(url_for("cases.show", instance_id=instance_id))
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/read-all")
@login_required
def read_all() -> Any:
    with db().transaction() as s:
        count = mark_all_read(s, g.person_id)
    flash(_("%(count)s notifications marked as read.", count=count), "success")
    return redirect(url_for("notifications.index"))
