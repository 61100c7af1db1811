"""`ghi_khen_thuong(...)` in scripts: record a case's decided awards in the reward registry.

A decision step of a seed process (after the council passed the nominations and the deciding
authority signed) calls

    so_da_ghi = ghi_khen_thuong(de_nghi_dat, quyet_dinh, case_value("nam_hoc"))

with nominations shaped as in CONTRACTS.md (`ho_ten`, `loai`, `danh_hieu`, `username`?, `don_vi`,
`ma_don_vi`?) and the decision `{"so", "ngay", "co_quan", …}` (no school year given: the one of the
decision's date). A person is found by username, else by name in their unit; a collective is its unit
(code in `ma_don_vi`, else the unit named `don_vi`, else the case's unit). The deciding unit is the
case's unit when `co_quan` is empty or its name; another `co_quan` (e.g. "Chủ tịch UBND quận Hà Đông")
is recorded as the deciding authority. Recording is idempotent (the same award under the same decision is kept once).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Unit
from engine.plans.school_year import FIRST_MONTH
from engine.registry.awards import existing_duplicate, parse_award, record_award
from engine.registry.subjects import parse_date
from engine.scripting import register_helper


class CaseAwardError(ValueError):
    """A nomination or decision that cannot be recorded as written."""


def _unit_code(session: Session, item: dict[str, Any], case_unit: Unit) -> str:
    code = item.get("ma_don_vi")
    if isinstance(code, str) and code:
        return code
    name = item.get("don_vi")
    if isinstance(name, str) and name.strip():
        found = session.scalar(select(Unit.code).where((Unit.name == name.strip()) | (Unit.code == name.strip())))
        if found:
            return found
    return case_unit.code


def award_data(session: Session, item: dict[str, Any], decision: dict[str, Any], school_year: str,
               case_unit: Unit, instance_id: int) -> dict[str, Any]:
    """The registry record (engine.registry.awards.parse_award input) of one decided nomination."""
    if item.get("loai") == "tap_the":
        subject: dict[str, Any] = {"unit": _unit_code(session, item, case_unit)}
    elif item.get("username"):
        subject = {"username": item["username"]}
    else:
        subject = {"name": item.get("ho_ten"), "unit": _unit_code(session, item, case_unit)}
    authority = decision.get("co_quan")
    return {**subject, "title": item.get("danh_hieu") or "", "school_year": school_year,
            "decision_number": decision.get("so"), "decision_date": decision.get("ngay"),
            "deciding_unit": case_unit.code if not authority or authority == case_unit.name else None,
            "deciding_authority": authority if authority != case_unit.name else None,
            "case": instance_id, "note": (item.get("thanh_tich") or "")[:2000]}


@register_helper()
def ghi_khen_thuong(de_nghi: list[dict[str, Any]], quyet_dinh: dict[str, Any], nam_hoc: str | None = None) -> int:
    """Record each nomination of `de_nghi` under decision `quyet_dinh` for school year `nam_hoc` (default:
    the school year of the decision's date); returns how many were newly recorded."""
    from engine.runtime.context import current_action

    ctx = current_action()
    if ctx is None or ctx.instance.id == 0:
        raise CaseAwardError("ghi_khen_thuong() is only available in a script task of a running case")
    if not isinstance(de_nghi, list) or not isinstance(quyet_dinh, dict):
        raise CaseAwardError("ghi_khen_thuong(de_nghi, quyet_dinh, nam_hoc): a list of nominations and a decision")
    session = ctx.session
    case_unit = session.get_one(Unit, ctx.instance.unit_id)
    if not nam_hoc:
        decided = parse_date(quyet_dinh.get("ngay"), "quyet_dinh.ngay")
        first = decided.year if decided.month >= FIRST_MONTH else decided.year - 1
        nam_hoc = f"{first}-{first + 1}"
    recorded = 0
    for position, item in enumerate(de_nghi, 1):
        if not isinstance(item, dict):
            raise CaseAwardError(f"ghi_khen_thuong(): nomination {position} is not an object")
        award = parse_award(session, award_data(session, item, quyet_dinh, nam_hoc, case_unit, ctx.instance.id))
        if existing_duplicate(session, award) is None:
            record_award(session, award, None, source=f"case {ctx.instance.id}")
            recorded += 1
    return recorded
