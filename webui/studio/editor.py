"""The studio's editor pages: the list of what can be edited, the BPMN editor (a deployed process, a
draft, or a new process). The page is a shell: webui/assets/bpmn-editor.js (bundled into
static/build/) draws the modeler and talks to the JSON endpoints of editor_api.py and lookups.py."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.authz import Viewer
from engine.definitions.drafts import get_draft
from engine.definitions.repository import latest_definition
from engine.errors import NotFound
from engine.models import DefinitionDraft, ProcessDefinition
from webui.security import CONTENT_SECURITY_POLICY
from webui.studio import bp, designer_view

# bpmn-js, dmn-js and the properties panel set `style` attributes in markup they build (icons, panels);
# the editor pages allow style attributes, nothing else: scripts and style sheets stay 'self' only.
EDITOR_CSP = CONTENT_SECURITY_POLICY + "; style-src-attr 'unsafe-inline'"
# dmn-js's cell editor (CodeMirror) also adds <style> elements, without a nonce: the DMN editor allows them.
DMN_EDITOR_CSP = CONTENT_SECURITY_POLICY + "; style-src-attr 'unsafe-inline'; style-src-elem 'self' 'unsafe-inline'"


def editor_response(html: str, policy: str = EDITOR_CSP) -> Any:
    response = make_response(html)
    response.headers["Content-Security-Policy"] = policy
    return response


def common_messages() -> dict[str, str]:
    """Texts the editors' scripts show, in the reader's language."""
    return {
        "line": _("line %(num)s"), "working": _("Checking…"), "noKey": _("Give the process an ID first."),
        "valid": _("No problem found: it can be deployed."),
        "problemsFound": _("%(count)s problems found: see the marked elements and the list below."),
        "saved": _("Draft saved. Drafts are never run."),
        "savedWithProblems": _("Draft saved with %(count)s problems to fix before deploying."),
        "confirmDeploy": _("Deploy a new version? Running cases keep the version they started with."),
        "deployed": _("Version %(version)s deployed. New cases use it; running cases keep theirs."),
        "unchanged": _("Nothing changed since version %(version)s: no new version."),
        "originDraft": _("Editor draft"), "originNew": _("New process"),
        "originVersion": _("Deployed version %(version)s"),
        "laidOut": _("the file had no drawing: laid out automatically"),
    }


def bpmn_messages() -> dict[str, str]:
    return {
        **common_messages(),
        "groupAssignment": _("Who does it"), "groupDeadline": _("Deadline"),
        "groupInstructions": _("Instructions for the end user"), "groupRole": _("Role of the lane"),
        "groupScript": _("Script task script"), "groupCondition": _("Flow condition"), "groupTimer": _("Timer event"),
        "candidateRole": _("Role (candidateRole)"), "roleFromLane": _("— the lane's role —"),
        "unitScope": _("Unit (unitScope)"),
        "unitScopeHelp": _("Which unit's holders of the role get the task."),
        "scopeDefault": _("— the case's unit (default) —"), "scopeCase": _("the case's unit"),
        "scopeParent": _("the unit above the case's unit"), "scopeKind": _("nearest unit above of kind"),
        "scopeExpression": _("an expression giving a unit code…"), "unitScopeExpression": _("Unit expression"),
        "formKey": _("Form (formKey)"), "noForm": _("— no form —"),
        "dueDate": _("Due date (dueDate)"),
        "dueDateHelp": _("An expression giving an ISO instant, e.g. milestone('nop_ho_so')."),
        "picker": _("Insert a milestone or a working-day helper"), "pickerPlaceholder": _("— choose —"),
        "reminderDays": _("Reminder, working days before (reminderDays)"),
        "reminderDaysHelp": _("Default 3; 0 for no early reminder."),
        "instructions": _("Instructions shown above the form"),
        "laneRole": _("Lane role"), "laneRoleHelp": _("The lane's name is the role's name."),
        "chooseRole": _("— choose a role —"),
        "script": _("Script (Python, restricted)"),
        "scriptHelp": _("No imports, no dunder names, no files; one second at most."),
        "condition": _("Condition (Python expression)"), "conditionHelp": _("e.g. ket_qua == 'dong_y'"),
        "timerKind": _("Timer kind"), "timeDate": _("at a date (timeDate)"),
        "timeDuration": _("after a duration (timeDuration)"), "timeCycle": _("repeating (timeCycle)"),
        "timerValue": _("Timer value (expression)"),
        "timerHelp": _("A quoted ISO string ('P3D') or an expression such as milestone('nop_ho_so')."),
    }


@bp.get("/editor")
@designer_view
def editor_index(s: Session, viewer: Viewer) -> Any:
    """Every process and decision key (latest version) and every draft, each with its editor."""
    latest = select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version")) \
        .group_by(ProcessDefinition.key).subquery()
    definitions = list(s.scalars(select(ProcessDefinition).join(
        latest, (latest.c.key == ProcessDefinition.key) & (latest.c.version == ProcessDefinition.version))
        .order_by(ProcessDefinition.kind, ProcessDefinition.key)))
    drafts = {d.key: d for d in s.scalars(select(DefinitionDraft))}
    rows = [{"key": d.key, "kind": d.kind, "name": d.name, "version": d.version, "draft": drafts.pop(d.key, None)}
            for d in definitions]
    rows += [{"key": d.key, "kind": d.kind, "name": d.key, "version": None, "draft": d} for d in drafts.values()]
    return render_template("studio/editor_index.html", rows=rows)


def _editor_page(key: str | None) -> Any:
    source_key = key or "new"
    return editor_response(render_template(
        "studio/bpmn_editor.html", key=key or "",
        source=url_for("studio.definition_source", collection="processes", key=source_key),
        api=url_for("studio.index") + "api/processes/", lookups=url_for("studio.index") + "api/",
        messages=bpmn_messages()))


@bp.get("/processes/new")
@designer_view
def new_process(s: Session, viewer: Viewer) -> Any:
    return _editor_page(None)


@bp.get("/processes/<key>/edit")
@designer_view
def edit_process(s: Session, viewer: Viewer, key: str) -> Any:
    draft = get_draft(s, key)
    latest = latest_definition(s, key)
    if not ((draft is not None and draft.kind == "bpmn") or (latest is not None and latest.kind == "bpmn")):
        raise NotFound(f"no process '{key}'")
    return _editor_page(key)
