"""Official documents for download: per case (`/cases/<id>/documents/<kind>.<ext>`, for those who may
see the case) and per unit (`/units/<code>/documents/<kind>.<ext>?plan=|school_year=`, the cases of the
unit and the units below it that the viewer may see). Others get "not found"; a document whose data the
case does not have yet gets a 409 page saying what is missing."""

from __future__ import annotations

import io
import logging
from typing import Any

from flask import Blueprint, Response, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import clock
from engine.authz import visible_instance
from engine.documents import Generated, case_data, kind_for
from engine.documents.source import MissingData
from engine.errors import EngineError
from engine.models import Unit
from webui.auth import login_required, viewer_transaction
from webui.errors import error_page
from webui.ids import id_or_none

bp = Blueprint("documents", __name__)
log = logging.getLogger(__name__)


def missing_text(exc: MissingData) -> str:
    return {
        "no_honorees": _("There is no list of honorees yet: fill in the annex list or the nominations first."),
        "no_registrations": _("There is no registration yet: the nominations and the registration annexes are "
                              "still empty."),
        "no_votes": _("The council has not voted yet, so there are no minutes with vote results."),
        "no_letter": _("The submission letter (tờ trình) has not been filled in yet."),
        "per_case_only": _("This document is made for each case: open it from the case page."),
    }.get(exc.reason, _("The data for this document is not there yet."))


def send_document(document: Generated) -> Response:
    response = send_file(io.BytesIO(document.content), mimetype=document.content_type, as_attachment=True,
                         download_name=document.filename, conditional=False, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/cases/<int:instance_id>/documents/<kind>.<ext>")
@login_required
def case_document(instance_id: int, kind: str, ext: str) -> Any:
    with viewer_transaction() as (s, viewer):
        instance = visible_instance(s, viewer, instance_id)
        try:
            document = case_data.case_document(s, instance, kind, ext, clock.now_local().date(), letter_arg())
        except MissingData as exc:
            return error_page(409, missing_text(exc), _("Not ready yet"))
    return send_document(document)


def letter_arg() -> str | None:
    """`?cap=<unit code>`: which tờ trình of the case (the one that unit sent); none = the latest."""
    return request.args.get("cap", "").strip() or None


@bp.get("/units/<code>/documents/<kind>.<ext>")
@login_required
def unit_document(code: str, kind: str, ext: str) -> Any:
    with viewer_transaction() as (s, viewer):
        unit = case_data.visible_unit(s, viewer, code)
        kind_for(kind, ext)
        raw_plan, year = request.args.get("plan", "").strip(), request.args.get("school_year", "").strip() or None
        plan_id = id_or_none(raw_plan)
        if raw_plan and plan_id is None:
            return error_page(400, _("The plan is given by its number, for example ?plan=3."))
        if plan_id is None and not year:
            return error_page(400, _("Say which cases to gather: add ?plan=<number> or ?school_year=2023-2024 "
                                     "to the address."))
        try:
            document = case_data.unit_document(s, viewer, unit, kind, ext, plan_id=plan_id, school_year=year,
                                        today=clock.now_local().date())
        except MissingData as exc:
            return error_page(409, missing_text(exc), _("Not ready yet"))
    return send_document(document)


@bp.app_template_global()
def case_documents(instance_id: int) -> list[dict[str, Any]]:
    """The documents the case has the data for: [{"title", "links": [(format, url)]}] (case page)."""
    try:
        with viewer_transaction() as (s, viewer):
            instance = visible_instance(s, viewer, instance_id)
            found, letters = case_data.case_documents_available(s, instance, clock.now_local().date())
    except Exception:  # the case page must still show when its state cannot be read for documents
        log.exception("documents of case %s could not be listed", instance_id)
        return []
    out = []
    for kind, formats in found:
        if kind.code == "to_trinh" and len(letters) > 1:  # one line per level's letter, the latest last
            for letter in letters:
                title = (_("%(title)s of %(unit)s (no. %(number)s)", title=kind.title, unit=letter["ten_don_vi"],
                           number=letter["so"]) if letter["so"]
                         else _("%(title)s of %(unit)s", title=kind.title, unit=letter["ten_don_vi"]))
                out.append({"code": kind.code, "title": title, "sender": letter["don_vi_gui"], "links": [
                    (ext, url_for("documents.case_document", instance_id=instance_id, kind=kind.code, ext=ext,
                                  cap=letter["don_vi_gui"])) for ext in formats]})
            continue
        out.append({"code": kind.code, "title": kind.title,
                    "links": [(ext, url_for("documents.case_document", instance_id=instance_id, kind=kind.code,
                                            ext=ext)) for ext in formats]})
    return out


@bp.app_template_global()
def unit_document_links(plan_id: int) -> list[dict[str, Any]]:
    """For the plan page: the lists of the plan's cases each unit where the viewer holds a role can gather
    (its cases and those of the units below): [{"unit", "links": [(title, format, url)]}].

    Only the lists the unit has the data for are linked (a unit with no case of the plan gets no line), so
    no link leads to a "not ready yet" page."""
    out = []
    with viewer_transaction() as (s, viewer):
        units = s.scalars(select(Unit).where(Unit.id.in_({unit_id for _role, unit_id in viewer.memberships}))
                          .order_by(Unit.name)).all()
        today = clock.now_local().date()
        for unit in units:
            try:
                found = case_data.unit_documents_available(s, viewer, unit, plan_id=plan_id, today=today)
            except EngineError:  # too many cases to gather on one page: the unit's line is left out
                continue
            links = [(kind.title, ext, url_for("documents.unit_document", code=unit.code, kind=kind.code, ext=ext,
                                               plan=plan_id)) for kind, formats in found for ext in formats]
            if links:
                out.append({"unit": unit.name, "links": links})
    return out
