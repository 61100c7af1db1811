"""Eligibility: check a nomination against the rules in force at its receipt date, and per-unit quotas."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from sqlalchemy import select

from engine.errors import BadRequest, InvalidInput, NotFound
from engine.models import AwardQuota, Unit
from engine.org import ancestors_and_self, subtree_unit_ids, unit_by_code
from engine.registry import access
from engine.registry.subjects import parse_date, subject_from
from engine.registry.titles import title as find_title
from engine.rules import Nomination, check_quota, evaluate_eligibility, set_quota
from engine.rules.quota import quota_json
from engine.runtime.context import audit
from webui.api import api, authenticated, db, field, json_body, viewer_in
from webui.api.openapi import add_paths, json_body_schema, op


def _subject_data(body: dict[str, Any]) -> dict[str, Any]:
    subject = body.get("subject")
    if isinstance(subject, str):
        return {"username": subject}
    if not isinstance(subject, dict):
        raise BadRequest("subject: give {\"username\"}, {\"name\", \"unit\"} or {\"unit\"} (a collective)",
                         field="subject")
    return subject


def _scoped_unit(session: Any, viewer: Any, code: str) -> Any:
    unit = unit_by_code(session, code)
    if unit.id not in viewer.scope_unit_ids:
        raise NotFound(f"unknown unit {code!r}", field="unit")
    return unit


@api.post("/eligibility/check")
@authenticated
def eligibility_check() -> Any:
    body = json_body()
    with db().transaction() as session:
        viewer = viewer_in(session)
        subject = subject_from(session, _subject_data(body), prefix="subject.")
        access.require_sees_subject(viewer, subject)
        nomination = Nomination(subject, field(body, "title"), parse_date(field(body, "receipt_date"),
                                                                          "receipt_date"),
                                field(body, "hints", dict, required=False) or {})
        result = evaluate_eligibility(session, nomination)
        return jsonify({"subject": subject.as_dict(), "title": find_title(nomination.title).code,
                        **result.as_dict()})


@api.post("/eligibility/quota")
@authenticated
def eligibility_quota_check() -> Any:
    body = json_body()
    count = field(body, "count", int)
    base = field(body, "base_count", int, required=False)
    if count < 0 or (base is not None and base < 0):
        raise InvalidInput("count and base_count must not be negative", field="count")
    with db().transaction() as session:
        viewer = viewer_in(session)
        unit = _scoped_unit(session, viewer, field(body, "unit"))
        result = check_quota(session, unit, field(body, "title"), field(body, "school_year"), count, base)
        return jsonify(result.as_dict())


@api.get("/eligibility/quotas")
@authenticated
def eligibility_quotas() -> Any:
    with db().transaction() as session:
        viewer = viewer_in(session)
        code = request.args.get("unit")
        roots = [_scoped_unit(session, viewer, code)] if code else \
            [session.get(Unit, unit_id) for unit_id in {unit_id for _, unit_id in viewer.memberships}]
        # quotas set below (in scope) and above (they apply here too)
        units = subtree_unit_ids(session, {u.id for u in roots}) | {a.id for u in roots for a in ancestors_and_self(u)}
        rows = session.scalars(select(AwardQuota).where(AwardQuota.unit_id.in_(units)).order_by(AwardQuota.id))
        return jsonify([quota_json(q) for q in rows])


@api.put("/eligibility/quotas")
@authenticated
def eligibility_set_quota() -> Any:
    body = json_body()
    percent = field(body, "max_percent", (int, float), required=False)
    with db().transaction() as session:
        viewer = viewer_in(session)
        unit = _scoped_unit(session, viewer, field(body, "unit"))
        access.require_manages(viewer, unit)
        quota = set_quota(session, unit, field(body, "title"),
                          max_percent=float(percent) if percent is not None else None,
                          of_title=field(body, "of_title", required=False),
                          max_count=field(body, "max_count", int, required=False),
                          legal_basis=field(body, "legal_basis", required=False) or "")
        audit(session, "registry.quota_set", actor=viewer.person, unit=unit.code, title=quota.title_code)
        return jsonify(quota_json(quota))


S, INT, NUM, OBJ = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "object"}
add_paths({
    "/eligibility/check": {"post": op(
        "Check a nomination: subject ({username} | {name, unit} | {unit} for a collective), title, receipt_date "
        "(rules in force that day), hints (rating, initiative_scope, htxsnv_years, proposed_with, …) → eligible, "
        "hold, reasons (Vietnamese), rule_ids, legal_basis, decided_by, unverified",
        errors=(400, 401, 404, 422),
        body=json_body_schema({"subject": OBJ, "title": S, "receipt_date": S, "hints": OBJ},
                              ["subject", "title", "receipt_date"]))},
    "/eligibility/quota": {"post": op(
        "May `count` more awards of a title be proposed for a unit in a school year (per-unit quota)?",
        errors=(400, 401, 404, 422),
        body=json_body_schema({"unit": S, "title": S, "school_year": S, "count": INT, "base_count": INT},
                              ["unit", "title", "school_year", "count"]))},
    "/eligibility/quotas": {
        "get": op("Quotas that apply to my units (set on them, below or above them)", query=["unit"],
                  errors=(401, 404)),
        "put": op("Set a unit's quota on a title: max_percent of of_title and/or max_count (managers)",
                  errors=(400, 401, 403, 404, 422),
                  body=json_body_schema({"unit": S, "title": S, "max_percent": NUM, "of_title": S, "max_count": INT,
                                         "legal_basis": S}, ["unit", "title"])),
    },
})
