"""What every page's layout needs: the signed-in person's header and the words for engine codes
(statuses, audit actions, BPMN element kinds) in the reader's language."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, session
from flask_babel import gettext as _

from webui.notify import unread_count_in
from webui.views.cases import TimelineEntry
from webui.views.people import active_person, header_info


def status_label(status: str) -> str:
    labels = {
        "running": _("In progress"), "suspended": _("Suspended"), "incident": _("Incident"),
        "completed": _("Completed"), "terminated": _("Terminated"), "ready": _("Waiting"),
        "cancelled": _("Cancelled"),
    }
    return labels.get(status, status)


def kind_label(tag: str) -> str:
    if tag.endswith("Gateway"):
        return _("Decision")
    if tag.endswith("Event"):
        return _("Event")
    labels = {"userTask": _("Task for a person"), "scriptTask": _("Automatic step"),
              "serviceTask": _("Automatic step"), "businessRuleTask": _("Decision table"),
              "callActivity": _("Sub-process"), "subProcess": _("Sub-process")}
    return labels.get(tag, _("Step"))


def describe_event(entry: TimelineEntry) -> str:
    d = entry.details
    task = entry.task_title or str(d.get("task") or "")
    texts = {
        "case.started": lambda: _("Started the case (version %(version)s).", version=d.get("version", "?")),
        "case.suspended": lambda: _("Suspended the case."),
        "case.resumed": lambda: _("Resumed the case."),
        "case.terminated": lambda: _("Terminated the case."),
        "case.retried": lambda: _("Ran the failed step again."),
        "task.claimed": lambda: _("Took the task “%(task)s”.", task=task),
        "task.unclaimed": lambda: _("Released the task “%(task)s”.", task=task),
        "task.delegated": lambda: _("Handed the task “%(task)s” to %(to)s.", task=task, to=d.get("to", "?")),
        "task.reassigned": lambda: _("Reassigned the task “%(task)s” to %(to)s.", task=task, to=d.get("to", "?")),
        "task.reminded": lambda: _("Sent a reminder about the task “%(task)s”.", task=task),
        "task.completed": lambda: _("Completed the task “%(task)s”.", task=task),
        "task.overdue": lambda: _("The task “%(task)s” is overdue: its holders were told.", task=task),
        "task.escalated": lambda: (
            _("Reported the task “%(task)s” to the level above: %(note)s", task=task, note=d["note"])
            if d.get("note") else _("Reported the task “%(task)s” to the level above.", task=task)),
        "case.rescheduled": lambda: _("The plan's dates changed: the case's deadlines were computed again."),
        "case.migrated": lambda: _("Moved the case to version %(version)s.", version=d.get("to_version", "?")),
        "task.handed_back": lambda: (
            _("Handed the task “%(task)s” back to %(to)s.", task=task, to=d["to"]) if d.get("to")
            else _("Handed the task “%(task)s” back to its role.", task=task)),
        "case.commented": lambda: _("Commented: %(text)s", text=d.get("text", "")),
        "case.document_added": lambda: _("Added the document “%(name)s”.", name=d.get("name", "?")),
        "timers.fired": lambda: _("A deadline or timer was reached."),
        "incident": lambda: _("A step failed: %(message)s", message=d.get("message", "")),
    }
    make = texts.get(entry.action)
    return make() if make else entry.action


def _header() -> dict[str, Any]:
    person_id = session.get("person_id")
    if not isinstance(person_id, int):
        return {"me": None}
    with current_app.extensions["tdkt_db"].transaction() as s:
        person = active_person(s, person_id)
        me = header_info(s, person) if person else None
        unread = unread_count_in(s, person_id) if me else 0
    return {"me": me, "unread": unread}


def init_layout(app: Flask) -> None:
    app.context_processor(_header)
    from webui.uploads import size_text

    app.jinja_env.globals.update(status_label=status_label, kind_label=kind_label, describe_event=describe_event,
                                 size_text=size_text)
