"""The studio's DMN editor: dmn-js on a decision table (processes/rules/ or deployed), and its test panel:
the designer enters input values and sees which rows match and the output, evaluated on the server by
the engine's DMN evaluation (engine/rules/tables.py) on the table as it is in the editor, unsaved."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine.authz import Viewer
from engine.definitions import drafts
from engine.definitions.problems import DefinitionError
from engine.definitions.repository import latest_definition
from engine.definitions.xml_safety import MAX_DEFINITION_BYTES
from engine.errors import BadRequest, NotFound, PayloadTooLarge
from engine.rules.tables import decision_from_source, matching_rules, rules_dir
from webui.studio import bp, designer_view
from webui.studio.editor import DMN_EDITOR_CSP, common_messages, editor_response
from webui.studio.editor_api import studio_api

_LITERAL = re.compile(r"^(-?\d+(\.\d+)?|true|false|null|\[.*\]|\".*\")$", re.DOTALL)
MAX_INPUTS = 100


def dmn_messages() -> dict[str, str]:
    return {**common_messages(), "test": _("Run the test"), "noMatch": _("No row matches these inputs."),
            "matched": _("Rows matching: %(rows)s"), "result": _("Table output"), "row": _("Row %(num)s"),
            "originFile": _("The file shipped in processes/rules/ (not deployed)")}


def _shipped(key: str) -> bytes | None:
    path = rules_dir() / f"{key}.dmn"
    if re.fullmatch(r"[A-Za-z0-9_\-.]+", key) and path.is_file() and path.stat().st_size <= MAX_DEFINITION_BYTES:
        return path.read_bytes()
    return None


@bp.get("/decisions/<key>/edit")
@designer_view
def edit_decision(s: Session, viewer: Viewer, key: str) -> Any:
    draft = drafts.get_draft(s, key)
    latest = latest_definition(s, key)
    known = (draft is not None and draft.kind == "dmn") or (latest is not None and latest.kind == "dmn")
    if not known and _shipped(key) is None:
        raise NotFound(f"no decision table '{key}'")
    base = url_for("studio.index")
    return editor_response(render_template(
        "studio/dmn_editor.html", key=key, api=base + "api/decisions/",
        source=url_for("studio.decision_source", key=key), messages=dmn_messages()), DMN_EDITOR_CSP)


@bp.get("/api/decisions/<key>/table")
@studio_api
@designer_view
def decision_source(s: Session, viewer: Viewer, key: str) -> Any:
    """The draft, else the latest deployed version, else the file shipped in processes/rules/."""
    draft = drafts.get_draft(s, key)
    latest = latest_definition(s, key)
    if draft is not None and draft.kind == "dmn":
        data, origin = draft.source, "draft"
    elif latest is not None and latest.kind == "dmn":
        data, origin = latest.source, f"v{latest.version}"
    else:
        shipped = _shipped(key)
        if shipped is None:
            raise NotFound(f"no decision table '{key}'")
        data, origin = shipped, "file"
    return Response(data, mimetype="application/xml", headers={
        "X-Tdkt-Origin": origin, "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'; sandbox"})


def _value(raw: Any, type_ref: str | None) -> Any:
    """An input typed in the test panel: strings stay strings for `string` inputs; otherwise numbers,
    true/false, null, lists and quoted strings are read as JSON, anything else is a string."""
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if type_ref == "string" or not _LITERAL.match(text):
        return raw
    try:
        return json.loads(text)
    except ValueError:
        return raw


def _type_refs(data: bytes) -> dict[str, str]:
    """typeRef of each input whose expression is a plain variable name."""
    from engine.definitions.xml_safety import parse_xml

    root = parse_xml(data, "table.dmn")
    refs: dict[str, str] = {}
    for expression in root.iter("{*}inputExpression"):
        text = expression.find("{*}text")
        name = (text.text or "").strip() if text is not None else ""
        if name.isidentifier() and expression.get("typeRef"):
            refs[name] = str(expression.get("typeRef"))
    return refs


@bp.post("/api/decisions/<key>/test")
@studio_api
@designer_view
def test_decision(s: Session, viewer: Viewer, key: str) -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str) or not isinstance(body.get("inputs"), dict):
        raise BadRequest('send {"xml": "<the table>", "inputs": {"name": "value", …}}')
    data = body["xml"].encode()
    name = drafts.file_name(key, "dmn")
    if len(data) > MAX_DEFINITION_BYTES:
        raise PayloadTooLarge(f"{name}: larger than the limit of {MAX_DEFINITION_BYTES:,} bytes", file=name)
    if len(body["inputs"]) > MAX_INPUTS:
        raise BadRequest(f"at most {MAX_INPUTS} inputs")
    checked = drafts.check_source(s, data, name)
    if checked.kind != "dmn":
        raise BadRequest(f"{name}: not a DMN file", file=name)
    drafts.require_key(checked, key, name)
    if checked.problems:
        raise DefinitionError(checked.problems)
    types = _type_refs(data)
    inputs = {str(k): _value(v, types.get(str(k))) for k, v in body["inputs"].items() if str(k).isidentifier()}
    matches, result, hit_policy = matching_rules(decision_from_source(key, data, name), inputs)
    answer = {"hit_policy": hit_policy, "result": result, "inputs": inputs,
              "matches": [{"rule": rule, "row": row, "outputs": outputs} for rule, row, outputs in matches]}
    return jsonify(json.loads(json.dumps(answer, default=str)))

