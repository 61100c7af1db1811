"""Rows for the officers' and managers' pages (sign-in, inbox, tasks, cases, dashboard, plans, notifications)."""

from __future__ import annotations

import io

from tests.authz_rows import Row
from tests.authz_rows.scene import PDF

ROWS = [
    # public and account pages
    Row("GET", "/healthz", "/healthz", officer=200, manager=200, designer=200, outsider=200, anonymous=200),
    Row("GET", "/about", "/about", officer=200, manager=200, designer=200, outsider=200, anonymous=200),
    Row("GET", "/static/<path:filename>", "/static/css/app.css",
        officer=200, manager=200, designer=200, outsider=200, anonymous=200),
    Row("GET", "/login", "/login", officer=200, manager=200, designer=200, outsider=200, anonymous=200),
    Row("POST", "/login", "/login", data={"username": "gv_a1", "password": "sai mật khẩu"},
        officer=401, manager=401, designer=401, outsider=401, anonymous=401),
    Row("POST", "/logout", "/logout", officer=302, manager=302, designer=302, outsider=302),
    Row("POST", "/language", "/language", data={"locale": "en", "next": "/inbox"},
        officer=302, manager=302, designer=302, outsider=302),
    Row("GET", "/account/password", "/account/password", officer=200, manager=200, designer=200, outsider=200),
    Row("POST", "/account/password", "/account/password", data={"current": "sai", "new": "x", "repeat": "y"},
        officer=422, manager=422, designer=422, outsider=422),
    Row("GET", "/", "/", officer=302, manager=302, designer=302, outsider=302),
    # inbox and one-click actions (htmx: a refusal is the status of the swapped row)
    Row("GET", "/inbox", "/inbox", officer=200, manager=200, designer=200, outsider=200),
    Row("POST", "/tasks/<int:task_id>/claim", lambda s: f"/tasks/{s.task}/claim", htmx=True,
        officer=200, manager=403, designer=403, outsider=404),
    Row("POST", "/tasks/<int:task_id>/unclaim", lambda s: f"/tasks/{s.held_task}/unclaim", htmx=True,
        officer=200, manager=200, designer=403, outsider=404),  # the principal manages the case's unit
    Row("POST", "/tasks/<int:task_id>/delegate", lambda s: f"/tasks/{s.held_task}/delegate", htmx=True,
        data={"username": "gv_a2"}, officer=200, manager=403, designer=403, outsider=404),
    # the task page
    Row("GET", "/tasks/<int:task_id>", lambda s: f"/tasks/{s.task}",
        officer=200, manager=200, designer=200, outsider=404),
    Row("POST", "/tasks/<int:task_id>", lambda s: f"/tasks/{s.held_task}", data={"action": "save"},
        officer=302, manager=403, designer=403, outsider=404),
    Row("POST", "/tasks/<int:task_id>/hand-back", lambda s: f"/tasks/{s.held_task}/hand-back",
        data={"reason": "Bảng phân quyền"}, officer=302, manager=403, designer=403, outsider=404),
    # the case page
    Row("GET", "/cases/<int:instance_id>", lambda s: f"/cases/{s.case}",
        officer=200, manager=200, designer=200, outsider=404),
    Row("GET", "/cases/<int:instance_id>/diagram.bpmn", lambda s: f"/cases/{s.case}/diagram.bpmn",
        officer=200, manager=200, designer=200, outsider=404),
    Row("GET", "/cases/<int:instance_id>/attachments/<int:attachment_id>",
        lambda s: f"/cases/{s.case}/attachments/{s.attachment}", officer=200, manager=200, designer=200,
        outsider=404),
    Row("POST", "/cases/<int:instance_id>/<any(suspend, resume, terminate, retry):action>",
        lambda s: f"/cases/{s.case}/suspend", officer=403, manager=302, designer=403, outsider=404),
    Row("POST", "/cases/<int:instance_id>/comments", lambda s: f"/cases/{s.case}/comments", htmx=True,
        data={"body": "Ý kiến trong bảng phân quyền"}, officer=200, manager=200, designer=200, outsider=404),
    Row("POST", "/cases/<int:instance_id>/documents", lambda s: f"/cases/{s.case}/documents",
        files=lambda: {"document": (io.BytesIO(PDF), "them.pdf")},
        officer=302, manager=302, designer=302, outsider=404),
    # notifications (one's own only)
    Row("GET", "/notifications", "/notifications", officer=200, manager=200, designer=200, outsider=200),
    Row("POST", "/notifications/<int:notification_id>/open", lambda s: f"/notifications/{s.notification}/open",
        officer=302, manager=404, designer=404, outsider=404),
    Row("POST", "/notifications/read-all", "/notifications/read-all",
        officer=302, manager=302, designer=302, outsider=302),
    # the manager's dashboard and exports
    Row("GET", "/dashboard", "/dashboard", officer=403, manager=200, designer=403, outsider=403),
    Row("GET", "/dashboard/lists/<any(overdue, stuck, orphans, incidents):kind>", "/dashboard/lists/overdue",
        htmx=True, officer=403, manager=200, designer=403, outsider=403),
    Row("GET", "/dashboard/heatmap", lambda s: f"/dashboard/heatmap?plan={s.plan}", htmx=True,
        officer=403, manager=200, designer=403, outsider=403),
    Row("GET", "/dashboard/export/<any(overdue, stuck, orphans, incidents, heatmap):kind>.xlsx",
        "/dashboard/export/overdue.xlsx", officer=403, manager=200, designer=403, outsider=403),
    Row("POST", "/dashboard/actions", "/dashboard/actions",
        data=lambda s: {"list": "overdue", "action": "remind", "ids": str(s.task)},
        officer=403, manager=302, designer=403, outsider=403),
    # plans
    Row("GET", "/plans", "/plans", officer=200, manager=200, designer=200, outsider=200),
    Row("GET", "/plans/<int:plan_id>", lambda s: f"/plans/{s.plan}",
        officer=200, manager=200, designer=200, outsider=200),
]
