"""Councils: a unit's council members and the vote rules its meetings apply; managers set its own rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request

from engine import clock
from engine.council.config import parse_ratio, rules_in_force, set_rule
from engine.council.members import council_members
from engine.errors import BadRequest, NotFound
from engine.org import unit_by_code
from engine.registry import access
from engine.runtime.context import audit
from webui.api import api, authenticated, db, field, json_body, viewer_in
from webui.api.openapi import add_paths, json_body_schema, op


def _day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{name} must be a date such as 2024-08-12", field=name) from None


def _unit_in_scope(session: Any, code: str) -> tuple[Any, Any]:
    viewer = viewer_in(session)
    unit = unit_by_code(session, code)
    if unit.id not in viewer.scope_unit_ids:
        raise NotFound(f"unknown unit {code!r}", field="unit")
    return viewer, unit


@api.get("/councils/<code>")
@authenticated
def council_show(code: str) -> Any:
    with db().transaction() as session:
        _viewer, unit = _unit_in_scope(session, code)
        on = _day(request.args.get("on"), "on") or clock.now().date()
        return jsonify({"unit": unit.code, "name": unit.name,
                        "members": [m.as_dict() for m in council_members(session, unit.code)],
                        "rules": rules_in_force(session, unit, on)})


@api.put("/councils/<code>/rules")
@authenticated
def council_rule_set(code: str) -> Any:
    body = json_body()
    with db().transaction() as session:
        viewer, unit = _unit_in_scope(session, code)
        access.require_manages(viewer, unit)
        ratio = parse_ratio(str(field(body, "ratio", (str, int, float))))
        rule = set_rule(session, unit.code, field(body, "key"), ratio,
                        strict=bool(field(body, "strict", bool, required=False)),
                        valid_from=_day(field(body, "valid_from", required=False), "valid_from"),
                        valid_to=_day(field(body, "valid_to", required=False), "valid_to"),
                        note=field(body, "note", required=False))
        audit(session, "council.rule_set", actor=viewer.person, unit=unit.code, key=rule.key,
              ratio=f"{rule.numerator}/{rule.denominator}")
        return jsonify(rules_in_force(session, unit, _day(field(body, "valid_from", required=False), "valid_from")
                                      or clock.now().date()))


S, BOOL = {"type": "string"}, {"type": "boolean"}
add_paths({
    "/councils/{code}": {"get": op(
        "A unit's council (holders of chu_tich_hoi_dong, thu_ky_hoi_dong, thanh_vien_hoi_dong there) and the quorum "
        "and pass rule of every title for a meeting on `on` (default today)", params=["code"], query=["on"],
        errors=(400, 401, 404))},
    "/councils/{code}/rules": {"put": op(
        "Set the unit's own rule (managers): key 'quorum', a title code, or '*' (titles the law leaves to the unit); "
        "ratio '2/3', 0.8 or '80%'; strict: must exceed it; valid_from / valid_to: meeting days",
        params=["code"], errors=(400, 401, 403, 404, 422),
        body=json_body_schema({"key": S, "ratio": S, "strict": BOOL, "valid_from": S, "valid_to": S, "note": S},
                              ["key", "ratio"]))},
})
