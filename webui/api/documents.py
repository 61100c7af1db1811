"""Official documents over the API: the list a case can produce, the files per case and per unit
(Word/Excel bytes with an RFC 5987 file name; 404 for what the caller may not see, 409 with a reason
when the data is not there yet)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from engine import clock
from engine.authz import visible_instance
from engine.documents import kind_for
from engine.documents.case_data import case_document, case_documents_available, unit_document, visible_unit
from engine.documents.source import MissingData
from engine.errors import BadRequest
from webui.api import api, authenticated, db, viewer_in
from webui.api.instances import int_arg
from webui.api.openapi import add_paths, op
from webui.documents import send_document

FILE = {"description": "the document (Word or Excel)", "content": {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}


def _missing(exc: MissingData) -> Any:
    return jsonify({"error": {**exc.as_dict(), "reason": exc.reason}}), 409


@api.get("/instances/<int:instance_id>/documents")
@authenticated
def documents_of_case(instance_id: int) -> Any:
    with db().transaction() as session:
        instance = visible_instance(session, viewer_in(session), instance_id)
        found, letters = case_documents_available(session, instance, clock.now_local().date())
    out = []
    for kind, formats in found:
        item: dict[str, Any] = {"kind": kind.code, "title": kind.title, "formats": formats, "urls": {
            ext: f"/api/v1/instances/{instance_id}/documents/{kind.code}.{ext}" for ext in formats}}
        if kind.code == "to_trinh":  # every level's letter: ?cap=<sending unit> (default the latest)
            item["letters"] = [{**letter, "urls": {
                ext: f"/api/v1/instances/{instance_id}/documents/{kind.code}.{ext}?cap={letter['don_vi_gui']}"
                for ext in formats}} for letter in letters]
        out.append(item)
    return jsonify({"documents": out})


@api.get("/instances/<int:instance_id>/documents/<kind>.<ext>")
@authenticated
def document_of_case(instance_id: int, kind: str, ext: str) -> Any:
    with db().transaction() as session:
        instance = visible_instance(session, viewer_in(session), instance_id)
        try:
            document = case_document(session, instance, kind, ext, clock.now_local().date(),
                                     request.args.get("cap", "").strip() or None)
        except MissingData as exc:
            return _missing(exc)
    return send_document(document)


@api.get("/units/<code>/documents/<kind>.<ext>")
@authenticated
def document_of_unit(code: str, kind: str, ext: str) -> Any:
    plan_id, year = int_arg("plan"), request.args.get("school_year", "").strip() or None
    with db().transaction() as session:
        viewer = viewer_in(session)
        unit = visible_unit(session, viewer, code)
        kind_for(kind, ext)
        if plan_id is None and not year:
            raise BadRequest("say which cases: ?plan=<id> or ?school_year=2023-2024", field="plan")
        try:
            document = unit_document(session, viewer, unit, kind, ext, plan_id=plan_id, school_year=year,
                                     today=clock.now_local().date())
        except MissingData as exc:
            return _missing(exc)
    return send_document(document)


def _file_op(summary: str, params: list[str], query: list[str] = ()) -> dict[str, Any]:
    described = op(summary, params=params, query=query, errors=(400, 401, 404, 409))
    described["responses"]["200"] = FILE
    return described


add_paths({
    "/instances/{id}/documents": {"get": op(
        "The official documents this case has the data for (kinds, formats, download URLs)", params=["id"],
        errors=(401, 404))},
    "/instances/{id}/documents/{kind}.{ext}": {"get": _file_op(
        "Download an official document of a case: kind danh_sach_trich_ngang (docx, xlsx), bang_dang_ky "
        "(xlsx, docx), bien_ban (docx), to_trinh (docx; ?cap=<unit code> chooses the letter that unit sent, "
        "default the latest); 409 with a reason when the case lacks its data", ["id", "kind", "ext"], ["cap"])},
    "/units/{code}/documents/{kind}.{ext}": {"get": _file_op(
        "Download a list (danh_sach_trich_ngang or bang_dang_ky) gathering the cases of a unit and the units "
        "below it that I may see, for one plan or school year", ["code", "kind", "ext"], ["plan", "school_year"])},
})
