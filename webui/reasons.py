"""Why a row is on the manager's dashboard, and who holds it, in the reader's words (Vietnamese by default):
"chờ Hiệu trưởng Trường Tiểu học Văn Yên xử lý «Duyệt đăng ký» từ 12/05/2024, quá hạn 3 ngày làm việc"."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from webui.i18n import vn_date, vn_datetime
from webui.views.monitor import MonitorRow, TaskRef
from webui.views.workdays import WorkingDays


def holder_label(task: TaskRef | None) -> str:
    """The assignee's name, else "role @ unit" (the column "Held by")."""
    if task is None:
        return "—"
    if task.assignee_name:
        return task.assignee_name
    role = task.role_name or task.role_code
    if role and task.unit_name:
        return f"{role} @ {task.unit_name}"
    return role or task.unit_name or _("nobody")


def holder_phrase(task: TaskRef) -> str:
    """Who the case waits for, inside a sentence: "Nguyễn Thị Lan" or "Hiệu trưởng Trường TH Văn Yên"."""
    if task.assignee_name:
        return task.assignee_name
    return " ".join(p for p in (task.role_name or task.role_code, task.unit_name) if p) or _("nobody")


def holders(row: MonitorRow) -> str:
    if row.kind == "incidents":
        return _("a manager (retry after the fix)")
    return "; ".join(dict.fromkeys(holder_label(t) for t in row.tasks)) or "—"


def _overdue(task: TaskRef, days: WorkingDays) -> str:
    assert task.due_at is not None
    late = days.past_deadline(task.due_at)
    values = {"holder": holder_phrase(task), "task": task.title, "since": vn_date(task.created_at)}
    if late <= 0:
        return _("waiting for %(holder)s to do “%(task)s” since %(since)s, past its deadline of %(due)s",
                 due=vn_datetime(task.due_at), **values)
    return ngettext("waiting for %(holder)s to do “%(task)s” since %(since)s, %(num)s working day overdue",
                    "waiting for %(holder)s to do “%(task)s” since %(since)s, %(num)s working days overdue",
                    late, **values)


def _stuck(row: MonitorRow, days: WorkingDays) -> str:
    idle = ngettext("no progress for %(num)s working day (since %(since)s)",
                    "no progress for %(num)s working days (since %(since)s)",
                    days.since(row.last_progress_at), since=vn_date(row.last_progress_at))
    task = row.task
    if task is not None:
        waiting = _("waiting for %(holder)s to do “%(task)s”", holder=holder_phrase(task), task=task.title)
    elif row.next_fire_at is not None:
        waiting = _("waiting for a timer due %(when)s", when=vn_datetime(row.next_fire_at))
    else:
        waiting = _("no task is waiting")
    return f"{idle}: {waiting}"


def _orphan(task: TaskRef) -> str:
    if task.assignee_id is not None and not task.assignee_active:
        return _("“%(task)s” is held by %(name)s, whose account is disabled", task=task.title,
                 name=task.assignee_name or "?")
    if task.unit_id is None:
        return _("nobody can take “%(task)s”: the unit that should do it could not be determined", task=task.title)
    if not task.role_code:
        return _("nobody can take “%(task)s”: the step names no role", task=task.title)
    return _("nobody holds the role %(role)s in %(unit)s, so nobody can take “%(task)s” (waiting since %(since)s)",
             role=task.role_name or task.role_code, unit=task.unit_name or "?", task=task.title,
             since=vn_date(task.created_at))


def _incident(row: MonitorRow) -> str:
    return _("step “%(step)s” failed on %(when)s: %(message)s", step=row.incident_task or "?",
             when=vn_datetime(row.incident_at), message=row.incident_message or "?")


def reason(row: MonitorRow, days: WorkingDays) -> str:
    if row.kind == "overdue" and row.task is not None:
        return _overdue(row.task, days)
    if row.kind == "stuck":
        return _stuck(row, days)
    if row.kind == "orphans" and row.task is not None:
        return _orphan(row.task)
    return _incident(row)
