"""Definitions: list, show with versions, download a version's source, deploy (BPMN/DMN)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from sqlalchemy import func, select

from engine.authz import require_design
from engine.definitions.ownership import deploy_owned
from engine.definitions.repository import get_definition, live_instance_counts
from engine.definitions.validation import SourceFile
from engine.definitions.xml_safety import MAX_DEFINITION_BYTES
from engine.errors import BadRequest, NotFound, PayloadTooLarge
from engine.models import Person, ProcessDefinition
from engine.runtime.queries import iso
from webui.api import api, authenticated, db, viewer_in


def _uploaded_files() -> list[SourceFile]:
    if request.mimetype in ("application/xml", "text/xml", "application/bpmn+xml"):
        name = request.args.get("filename") or request.headers.get("X-Filename") or "upload.bpmn"
        files = [SourceFile(name, request.get_data())]
    elif request.mimetype == "multipart/form-data":
        uploads = request.files.getlist("file")
        if not uploads:
            raise BadRequest("multipart upload needs a field named 'file'", field="file")
        files = [SourceFile(u.filename or "upload.bpmn", u.read(MAX_DEFINITION_BYTES + 1)) for u in uploads]
    else:
        raise BadRequest("send BPMN/DMN as application/xml, or multipart/form-data with field 'file'")
    for f in files:
        if len(f.data) > MAX_DEFINITION_BYTES:
            raise PayloadTooLarge(f"{f.name}: larger than the {MAX_DEFINITION_BYTES} byte limit", file=f.name)
        if not f.name.lower().endswith((".bpmn", ".dmn", ".xml")):
            raise BadRequest(f"{f.name}: only .bpmn, .dmn or .xml files are accepted", file=f.name)
    return files


@api.post("/definitions")
@authenticated
def deploy_definitions() -> Any:
    files = _uploaded_files()
    with db().transaction() as session:
        viewer = viewer_in(session)
        require_design(viewer)
        results = deploy_owned(session, files, viewer.person, via="api")
    deployed = [{"key": r.key, "version": r.version, "kind": r.kind, "created": r.created} for r in results]
    main = next((d for d in deployed if d["kind"] == "bpmn"), deployed[0])
    status = 201 if any(d["created"] for d in deployed) else 200
    return jsonify({"key": main["key"], "version": main["version"], "deployed": deployed}), status


@api.get("/definitions")
@authenticated
def list_definitions() -> Any:
    with db().transaction() as session:
        latest = select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version")) \
            .group_by(ProcessDefinition.key).subquery()
        rows = session.scalars(select(ProcessDefinition).join(
            latest, (latest.c.key == ProcessDefinition.key) & (latest.c.version == ProcessDefinition.version))
            .order_by(ProcessDefinition.key))
        return jsonify([{"key": d.key, "kind": d.kind, "name": d.name, "latest_version": d.version,
                         "deployed_at": iso(d.deployed_at)} for d in rows])


@api.get("/definitions/<key>")
@authenticated
def show_definition(key: str) -> Any:
    with db().transaction() as session:
        versions = list(session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key)
                                        .order_by(ProcessDefinition.version.desc())))
        if not versions:
            raise NotFound(f"no deployed definition {key!r}")
        live = live_instance_counts(session, key)
        people = {p.id: p.username for p in session.scalars(select(Person).where(
            Person.id.in_({v.deployed_by_id for v in versions if v.deployed_by_id})))}
        return jsonify({
            "key": key, "kind": versions[0].kind, "name": versions[0].name,
            "versions": [{"version": v.version, "source_name": v.source_name, "content_hash": v.content_hash,
                          "deployed_at": iso(v.deployed_at), "deployed_by": people.get(v.deployed_by_id),
                          "live_instances": live.get(v.version, 0)} for v in versions],
        })


@api.get("/definitions/<key>/versions/<int:version>/source")
@authenticated
def definition_source(key: str, version: int) -> Any:
    with db().transaction() as session:
        definition = get_definition(session, key, version)
        return Response(definition.source, mimetype="application/xml", headers={
            "Content-Disposition": f'attachment; filename="{definition.key}-v{definition.version}.'
                                   f'{definition.kind}"'})
