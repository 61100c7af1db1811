"""The reward registry: titles, awards (search, record), a person's history, discipline and complaint
records, and importing past rewards from an .xlsx sheet."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from sqlalchemy import select

from engine.errors import BadRequest, EngineError, Forbidden, InvalidInput, NotFound, PayloadTooLarge
from engine.models import DisciplineRecord
from engine.org import unit_by_code
from engine.registry import access
from engine.registry.awards import award_json, parse_award, person_awards, record_award, search_awards
from engine.registry.discipline import (
    close_discipline,
    discipline_json,
    get_record,
    parse_discipline,
    record_discipline,
)
from engine.registry.importer import import_awards
from engine.registry.spreadsheet import MAX_XLSX_BYTES, UPLOAD_MEDIA_TYPES
from engine.registry.subjects import parse_date
from engine.registry.titles import TITLES
from engine.runtime.context import audit
from webui.api import api, authenticated, db, field, json_body, viewer_in
from webui.api.openapi import add_paths, json_body_schema, op


class UnsupportedMediaType(EngineError):
    code, status = "unsupported_media_type", 415


def _int_arg(name: str, default: int) -> int:
    text = request.args.get(name, "")
    if not text:
        return default
    if not text.isdigit():
        raise BadRequest(f"{name}: must be a whole number", field=name)
    return int(text)


@api.get("/registry/titles")
@authenticated
def registry_titles() -> Any:
    return jsonify([t.as_dict() for t in TITLES.values()])


@api.get("/registry/awards")
@authenticated
def registry_awards() -> Any:
    args = request.args
    with db().transaction() as session:
        viewer = viewer_in(session)
        found = search_awards(session, viewer, person=args.get("person") or None, unit=args.get("unit") or None,
                              title_code=args.get("title") or None, year=args.get("year") or None,
                              limit=_int_arg("limit", 100), offset=_int_arg("offset", 0))
        return jsonify([award_json(a) for a in found])


@api.post("/registry/awards")
@authenticated
def registry_record_award() -> Any:
    body = json_body()
    with db().transaction() as session:
        viewer = viewer_in(session)
        item = parse_award(session, body)
        access.require_may_record(viewer, item.subject, item.deciding_unit)
        award = record_award(session, item, viewer.person)
        audit(session, "registry.award_recorded", actor=viewer.person, instance_id=item.instance_id,
              award=award.id, title=award.title_code, school_year=award.school_year)
        return jsonify(award_json(award)), 201


@api.get("/registry/people/<username>/history")
@authenticated
def registry_person_history(username: str) -> Any:
    with db().transaction() as session:
        viewer = viewer_in(session)
        person = access.visible_person(session, viewer, username)
        out: dict[str, Any] = {"person": {"username": person.username, "name": person.full_name},
                               "awards": [award_json(a) for a in person_awards(session, person)]}
        if access.sees_discipline_of(viewer, person, session):
            rows = session.scalars(select(DisciplineRecord).where(DisciplineRecord.person_id == person.id)
                                   .order_by(DisciplineRecord.starts_on))
            out["discipline"] = [discipline_json(r) for r in rows]
        return jsonify(out)


def _uploaded_xlsx() -> tuple[str, bytes]:
    if (request.content_length or 0) > MAX_XLSX_BYTES + 64 * 1024:
        raise PayloadTooLarge(f"request larger than {MAX_XLSX_BYTES // (1024 * 1024)} MB")
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType("send the workbook as multipart/form-data, field 'file'")
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest("multipart upload needs a field named 'file'", field="file")
    name = upload.filename or "upload.xlsx"
    if not name.lower().endswith(".xlsx") or (upload.mimetype or "") not in UPLOAD_MEDIA_TYPES:
        raise UnsupportedMediaType(f"{name}: only .xlsx workbooks are accepted", field="file")
    data = upload.read(MAX_XLSX_BYTES + 1)
    if len(data) > MAX_XLSX_BYTES:
        raise PayloadTooLarge(f"{name}: larger than {MAX_XLSX_BYTES // (1024 * 1024)} MB", field="file")
    return name, data


@api.post("/registry/import")
@authenticated
def registry_import() -> Any:
    partial = request.args.get("partial", "").lower() in ("1", "true", "yes")
    name, data = _uploaded_xlsx()
    with db().transaction() as session:
        viewer = viewer_in(session)
        report = import_awards(session, data, name, viewer=viewer, actor=viewer.person, partial=partial)
        if report.errors and not partial:
            raise InvalidInput(f"{len(report.errors)} error(s); nothing saved (use ?partial=1 to save the good rows)",
                               field="file", details=[e.as_dict() for e in report.errors])
        if report.saved:
            audit(session, "registry.imported", actor=viewer.person, file=name, saved=report.saved,
                  errors=len(report.errors))
        return jsonify(report.as_dict()), 201 if report.saved and not report.errors else 200


@api.get("/registry/discipline")
@authenticated
def registry_discipline_list() -> Any:
    with db().transaction() as session:
        viewer = viewer_in(session)
        query = select(DisciplineRecord).where(access.readable_discipline(viewer))
        username, unit = request.args.get("person"), request.args.get("unit")
        if username:
            query = query.where(DisciplineRecord.person_id == access.visible_person(session, viewer, username).id)
        if unit:
            query = query.where(DisciplineRecord.unit_id == unit_by_code(session, unit).id)
        rows = session.scalars(query.order_by(DisciplineRecord.starts_on.desc(), DisciplineRecord.id).limit(500))
        return jsonify([discipline_json(r) for r in rows])


@api.post("/registry/discipline")
@authenticated
def registry_discipline_add() -> Any:
    body = json_body()
    with db().transaction() as session:
        viewer = viewer_in(session)
        item = parse_discipline(session, body)
        access.require_manages(viewer, item.subject.unit)
        record = record_discipline(session, item, viewer.person)
        audit(session, "registry.discipline_recorded", actor=viewer.person, record=record.id, kind=record.kind)
        return jsonify(discipline_json(record)), 201


@api.post("/registry/discipline/<int:record_id>/close")
@authenticated
def registry_discipline_close(record_id: int) -> Any:
    body = json_body()
    with db().transaction() as session:
        viewer = viewer_in(session)
        record = get_record(session, record_id)
        if record.unit_id not in viewer.manage_unit_ids:
            if record.person_id == viewer.id:
                raise Forbidden("only a manager of the unit may close this record")
            raise NotFound(f"no discipline record {record_id}")
        close_discipline(session, record, parse_date(field(body, "to"), "to"))
        audit(session, "registry.discipline_closed", actor=viewer.person, record=record.id)
        return jsonify(discipline_json(record))


S, INT, OBJ = {"type": "string"}, {"type": "integer"}, {"type": "object"}
SUBJECT = {"username": S, "name": S, "unit": S}
add_paths({
    "/registry/titles": {"get": op("The catalogue of titles and forms of commendation", errors=(401,))},
    "/registry/awards": {
        "get": op("Search awards visible to me: person (username or part of a name), unit (with units below), "
                  "title (code), year (2023-2024 or 2023)", query=["person", "unit", "title", "year", "limit",
                                                                    "offset"], errors=(400, 401, 404, 422)),
        "post": op("Record a decided award (managers of the deciding unit; of the subject's unit when the "
                   "decision came from an authority outside the system)", ok="201",
                   errors=(400, 401, 403, 404, 409, 422),
                   body=json_body_schema({**SUBJECT, "title": S, "kind": S, "school_year": S, "decision_number": S,
                                          "decision_date": S, "deciding_unit": S, "deciding_authority": S,
                                          "case": INT, "note": S},
                                         ["title", "school_year", "decision_number", "decision_date"])),
    },
    "/registry/people/{username}/history": {"get": op(
        "A person's awards (and discipline records, for the person and managers)", params=["username"],
        errors=(401, 404))},
    "/registry/import": {"post": op(
        "Import past awards from an .xlsx sheet (≤ 5 MB, multipart field 'file'); every row is checked and "
        "nothing is saved if one fails, unless partial=1 (managers)", ok="201", query=["partial"],
        errors=(400, 401, 403, 413, 415, 422),
        body={"multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}}}}})},
    "/registry/discipline": {
        "get": op("Discipline, inspection and complaint records (the person concerned and managers)",
                  query=["person", "unit"], errors=(401, 404)),
        "post": op("Record a discipline (kind ky_luat + severity), pending review, inspection or complaint "
                   "(managers of the subject's unit)", ok="201", errors=(400, 401, 403, 404, 422),
                   body=json_body_schema({**SUBJECT, "kind": S, "severity": S, "from": S, "to": S,
                                          "decision_number": S, "note": S}, ["kind", "from"])),
    },
    "/registry/discipline/{id}/close": {"post": op(
        "End a record on a date (complaint resolved, review concluded)", params=["id"],
        errors=(400, 401, 403, 404, 422), body=json_body_schema({"to": S}, ["to"]))},
})
