"""The editors' JSON endpoints (designers only): a definition's source, validate, save draft, deploy.

Requests carry the BPMN/DMN XML as the body (application/xml) and the page's CSRF token in the
X-CSRF-Token header. Problems come back as a list (file, line, element id, message) for the editor to
place on the diagram. A refused request changes nothing: the transaction is rolled back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _

from engine.definitions import drafts
from engine.definitions.ownership import NotOwner, deploy_owned, may_deploy, owner_unit, require_owner
from engine.definitions.problems import DefinitionError, Problem
from engine.definitions.repository import latest_definition
from engine.definitions.validation import SourceFile
from engine.definitions.xml_safety import MAX_DEFINITION_BYTES
from engine.errors import BadRequest, EngineError, NotFound, PayloadTooLarge
from engine.models import Person
from webui.studio import bp, designer_view

KINDS = {"processes": "bpmn", "decisions": "dmn"}
KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-.]{0,127}$")
NEW_PROCESS = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="Defs_quy_trinh_moi" targetNamespace="http://tdkt.example/bpmn">
  <bpmn:process id="quy_trinh_moi" name="Quy tr\xc3\xacnh m\xe1\xbb\x9bi" isExecutable="true">
    <bpmn:startEvent id="start" name="B\xe1\xba\xaft \xc4\x91\xe1\xba\xa7u"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_quy_trinh_moi">
    <bpmndi:BPMNPlane id="Plane_quy_trinh_moi" bpmnElement="quy_trinh_moi">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="160" y="100" width="36" height="36"/>
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def problem_json(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "line": p.line, "element": p.element_id, "message": p.message, "text": str(p)}


def studio_api(view: Callable[..., Any]) -> Callable[..., Any]:
    """Engine refusals as JSON `{"error": {...}, "problems": [...]}` (after the transaction rolled back)."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except DefinitionError as exc:
            first = exc.problems[0] if exc.problems else None
            return jsonify({"error": {"code": "invalid_definition", "message": str(first or "invalid definition"),
                                      "line": first.line if first else None},
                            "problems": [problem_json(p) for p in exc.problems]}), 422
        except NotOwner as exc:
            message = _("“%(key)s” belongs to %(unit)s: only process designers of that unit (or of a unit above "
                        "it) may save or deploy it.", key=exc.key, unit=exc.unit_name)
            return jsonify({"error": {**exc.as_dict(), "message": message}, "problems": []}), 403
        except EngineError as exc:
            return jsonify({"error": exc.as_dict(), "problems": []}), exc.status
    return wrapper


def _kind(collection: str) -> str:
    kind = KINDS.get(collection)
    if kind is None:
        raise NotFound(f"no such editor: {collection}")
    return kind


def _key(key: str) -> str:
    if not KEY_PATTERN.match(key):
        raise BadRequest(f"'{key}' is not a usable key: letters, digits and _ - . (starting with a letter)",
                         field="key")
    return key


def _body(name: str) -> bytes:
    """The XML body, refused before reading when it is larger than the definition limit."""
    if request.content_length is not None and request.content_length > MAX_DEFINITION_BYTES:
        raise PayloadTooLarge(f"{name}: larger than the limit of {MAX_DEFINITION_BYTES:,} bytes", file=name)
    if request.mimetype not in ("application/xml", "text/xml"):
        raise BadRequest("send the BPMN/DMN file as application/xml")
    data = request.stream.read(MAX_DEFINITION_BYTES + 1)
    if len(data) > MAX_DEFINITION_BYTES:
        raise PayloadTooLarge(f"{name}: larger than the limit of {MAX_DEFINITION_BYTES:,} bytes", file=name)
    return data


def _posted_file(collection: str, key: str) -> tuple[str, str, bytes]:
    """The editor's kind (bpmn/dmn), the file name and the XML body of a validate/draft/deploy call."""
    kind = _kind(collection)
    name = drafts.file_name(_key(key), kind)
    return kind, name, _body(name)


def _owner_json(s: Any, person: Person, key: str) -> dict[str, Any]:
    owner = owner_unit(s, key)
    return {"owner": owner.name if owner else None, "may_deploy": may_deploy(s, person, key)}


@bp.get("/api/<any(processes, decisions):collection>/<key>/source")
@studio_api
@designer_view
def definition_source(s: Any, viewer: Any, collection: str, key: str) -> Any:
    """The draft of `key` if there is one, else its latest deployed version (X-Tdkt-Origin says which)."""
    kind = _kind(collection)
    draft = drafts.get_draft(s, key)
    if draft is not None and draft.kind == kind:
        data, origin = draft.source, "draft"
    else:
        latest = latest_definition(s, key)
        if latest is None or latest.kind != kind:
            if collection == "processes" and key == "new":
                data, origin = NEW_PROCESS, "new"
            else:
                raise NotFound(f"no {kind.upper()} definition or draft '{key}'")
        else:
            data, origin = latest.source, f"v{latest.version}"
    return Response(data, mimetype="application/xml", headers={
        "X-Tdkt-Origin": origin, "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="{key}.{kind}"',
        "Content-Security-Policy": "default-src 'none'; sandbox"})


@bp.post("/api/<any(processes, decisions):collection>/<key>/validate")
@studio_api
@designer_view
def validate(s: Any, viewer: Any, collection: str, key: str) -> Any:
    """Every problem deploying this file would report (nothing is stored)."""
    name, data = _posted_file(collection, key)[1:]
    checked = drafts.check_source(s, data, name)
    return jsonify({"kind": checked.kind, "keys": checked.keys,
                    "problems": [problem_json(p) for p in checked.problems]})


@bp.post("/api/<any(processes, decisions):collection>/<key>/draft")
@studio_api
@designer_view
def save_draft(s: Any, viewer: Any, collection: str, key: str) -> Any:
    kind, name, data = _posted_file(collection, key)
    require_owner(s, viewer.person, [key])
    checked = drafts.save_draft(s, key, kind, data, viewer.person)
    return jsonify({"saved": True, "key": key, "problems": [problem_json(p) for p in checked.problems],
                    **_owner_json(s, viewer.person, key)})


@bp.post("/api/<any(processes, decisions):collection>/<key>/deploy")
@studio_api
@designer_view
def deploy(s: Any, viewer: Any, collection: str, key: str) -> Any:
    """Validate and deploy as a new version (audited); the draft is removed. Running cases keep theirs."""
    kind, name, data = _posted_file(collection, key)
    require_owner(s, viewer.person, [key])
    checked = drafts.check_source(s, data, name)
    if checked.kind != kind:
        raise BadRequest(f"{name}: this is a {checked.kind.upper()} file, not {kind.upper()}", file=name)
    drafts.require_key(checked, key, name)
    if checked.problems:
        raise DefinitionError(checked.problems)
    results = deploy_owned(s, [SourceFile(name, data)], viewer.person, via="studio")
    drafts.discard_draft(s, key)
    main = next(r for r in results if r.key == key)
    return jsonify({"key": key, "version": main.version, "created": main.created,
                    "deployed": [{"key": r.key, "version": r.version, "kind": r.kind, "created": r.created}
                                 for r in results]}), 201 if main.created else 200
