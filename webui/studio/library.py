"""The process library: every process and decision key with its versions (who deployed, when, live cases
per version), each version's file, a comparison of two versions (lists and diagram markers) and the
plans the process is used with."""

from __future__ import annotations

import io
import json
from typing import Any

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.authz import Viewer
from engine.definitions.diff import diff_process
from engine.definitions.usage import milestone_keys, plans_using
from engine.definitions.xml_safety import parse_xml
from engine.errors import InvalidInput
from engine.models import Person, ProcessDefinition
from webui.studio import bp, designer_view
from webui.views.diagram import has_diagram


def aspect_label(aspect: str) -> str:
    """A compared aspect of an element (engine.definitions.diff) in words."""
    labels = {"name": _("name"), "type": _("type"), "lane": _("lane (role)"), "condition": _("condition"),
              "timer": _("timer"), "script": _("script"), "documentation": _("documentation"),
              "source": _("from"), "target": _("to"), "event": _("event"), "loop": _("repetition"),
              "preScript": _("script before"), "postScript": _("script after"),
              "instructionsForEndUser": _("instructions"), "calledElement": _("called process"),
              "calledDecisionId": _("decision table"), "attachedToRef": _("attached to"),
              "cancelActivity": _("interrupting"), "default": _("default flow")}
    if aspect.startswith("property:"):
        return _("property %(name)s", name=aspect.removeprefix("property:"))
    return labels.get(aspect, aspect)


def versions_of(s: Session, key: str) -> list[ProcessDefinition]:
    rows = list(s.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key)
                          .order_by(ProcessDefinition.version.desc())))
    if not rows:
        abort(404)
    return rows


def version_of(s: Session, key: str, version: int) -> ProcessDefinition:
    row = s.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key, ProcessDefinition.version == version))
    if row is None:
        abort(404)
    return row


@bp.get("/processes")
@designer_view
def processes(s: Session, viewer: Viewer) -> Any:
    from engine.definitions.repository import live_instance_counts

    latest = s.execute(select(ProcessDefinition.key, func.max(ProcessDefinition.version))
                       .group_by(ProcessDefinition.key).order_by(ProcessDefinition.key)).all()
    rows = []
    for key, version in latest:
        definition = version_of(s, key, version)
        rows.append({"definition": definition, "live": sum(live_instance_counts(s, key).values())})
    return render_template("studio/processes.html", rows=rows)


@bp.get("/processes/<key>")
@designer_view
def process(s: Session, viewer: Viewer, key: str) -> Any:
    from engine.definitions.repository import live_instance_counts

    versions = versions_of(s, key)
    live = live_instance_counts(s, key)
    people = dict(s.execute(select(Person.id, Person.full_name).where(
        Person.id.in_([v.deployed_by_id for v in versions if v.deployed_by_id]))).all())
    latest = versions[0]
    keys, dynamic = milestone_keys(latest.source)
    return render_template("studio/process.html", key=key, versions=versions, latest=latest, live=live,
                           people=people, uses=plans_using(s, key, latest.source), milestone_keys=sorted(keys),
                           dynamic_milestones=dynamic)


@bp.get("/processes/<key>/versions/<int:version>/file")
@designer_view
def download(s: Session, viewer: Viewer, key: str, version: int) -> Any:
    definition = version_of(s, key, version)
    stem, _, extension = definition.source_name.rpartition(".")
    name = f"{stem or definition.key}.v{definition.version}.{extension or definition.kind}"
    return send_file(io.BytesIO(definition.source), mimetype="application/xml", download_name=name,
                     as_attachment=request.args.get("inline") != "1", max_age=0)


def _version_arg(name: str, versions: list[ProcessDefinition]) -> ProcessDefinition:
    raw = request.args.get(name, "")
    found = next((v for v in versions if str(v.version) == raw.strip()), None)
    if found is None:
        raise InvalidInput(f"{name}: choose one of the deployed versions "
                           f"({', '.join(str(v.version) for v in versions)})", field=name)
    return found


@bp.get("/processes/<key>/compare")
@designer_view
def compare(s: Session, viewer: Viewer, key: str) -> Any:
    versions = versions_of(s, key)
    try:
        old, new = _version_arg("old", versions), _version_arg("new", versions)
    except InvalidInput as exc:
        return render_template("studio/compare.html", key=key, versions=versions, problem=exc.message,
                               old=None, new=None, diff=None), 400
    if old.kind != "bpmn":
        return render_template("studio/compare.html", key=key, versions=versions, old=old, new=new, diff=None,
                               problem="only BPMN processes can be compared"), 400
    diff = diff_process(old.source, new.source, key)
    drawn = all(has_diagram(parse_xml(v.source, v.source_name)) for v in (old, new))
    markers = diff.markers()
    return render_template("studio/compare.html", key=key, versions=versions, old=old, new=new, diff=diff,
                           drawn=drawn, problem=None, aspect_label=aspect_label,
                           old_markers=json.dumps({"removed": markers["removed"], "changed": markers["changed"]}),
                           new_markers=json.dumps({"added": markers["added"], "changed": markers["changed"]}))
