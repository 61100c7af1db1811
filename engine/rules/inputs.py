"""The inputs of the eligibility tables, computed from the registry plus the nomination's hints.

From the registry: LĐTT of the proposal year, consecutive CSTĐ cơ sở / CSTĐ bộ, tỉnh (công trạng only,
a gap year breaks the run, nothing before a discipline counts), the latest Bằng khen bộ/tỉnh and
Bằng khen Thủ tướng and what came after them, discipline/complaint flags on the receipt date, years of
service less discipline, member counts of a collective. From hints: ratings (xếp loại), sáng kiến,
years of HTXSNV/HTTNV, service and leadership years. A title proposed in the same dossier
(`proposed_with`) counts as held in the proposal year.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.models import Award, DisciplineRecord, RoleMembership
from engine.plans.school_year import SchoolYear
from engine.registry.awards import subject_awards
from engine.registry.discipline import SERIOUS, flags_on, records_of
from engine.registry.history import Period, count_in, counting_from, school_year_span, streak
from engine.registry.subjects import Subject
from engine.rules.hints import missing_warnings, read_hints

GOOD_RATINGS = ("HTTNV", "HTXSNV")
BK_PROVINCE = ("bang_khen_tinh", "bang_khen_bo")
DAYS_PER_YEAR = 365.25


@dataclass
class EligibilityInputs:
    values: dict[str, Any]
    school_year: SchoolYear
    warnings: list[str] = field(default_factory=list)


def default_school_year(receipt_date: date) -> SchoolYear:
    """The school year a dossier received on `receipt_date` is about: the one ending that summer
    (received May–July) or just ended (received August–December, e.g. CSTĐ toàn quốc by 31/12)."""
    return SchoolYear(receipt_date.year - 1)


def eligibility_inputs(session: Session, subject: Subject, title: str, receipt_date: date,
                       hints: Mapping[str, Any] | None = None) -> EligibilityInputs:
    checked = read_hints(hints)
    school_year = checked.get("school_year") or default_school_year(receipt_date)
    records = records_of(session, subject.key)
    periods = [Period(r.starts_on, r.ends_on) for r in records if r.kind == "ky_luat"]
    since = counting_from(periods, school_year.first)
    values: dict[str, Any] = {"receipt_date": receipt_date.isoformat(), "school_year": str(school_year),
                              "counting_from": f"{since}-{since + 1}" if since is not None else None,
                              **flags_on(records, receipt_date)}
    if subject.kind == "person":
        values.update(_person(session, subject, school_year.first, since, checked, receipt_date, periods))
    else:
        values.update(_collective(session, subject, school_year.first, checked))
    return EligibilityInputs(values, school_year, missing_warnings(title, checked))


def _person(session: Session, subject: Subject, year: int, since: int | None, hints: dict[str, Any],
            receipt_date: date, periods: list[Period]) -> dict[str, Any]:
    merit = [a for a in subject_awards(session, subject) if a.kind == "cong_trang" and a.year_first <= year]
    proposed = set(hints.get("proposed_with", ()))

    def years(*codes: str) -> set[int]:
        held = {a.year_first for a in merit if a.title_code in codes and (since is None or a.year_first >= since)}
        return held | ({year} if proposed & set(codes) else set())

    cstdcs_years = years("chien_si_thi_dua_co_so")
    rating = hints.get("rating", "")
    htxsnv_streak = hints.get("htxsnv_years", 1 if rating == "HTXSNV" else 0)
    httnv_streak = hints.get("httnv_years", 1 if rating in GOOD_RATINGS else 0)
    bk = max(years(*BK_PROVINCE), default=None)
    bk_ttg = max(years("bang_khen_thu_tuong"), default=None)
    after_bk_ttg = min(httnv_streak, year - bk_ttg) if bk_ttg is not None else 0
    return {
        "rating": rating,
        "ldtt": year in years("lao_dong_tien_tien"),
        "ldtt_streak": streak(years("lao_dong_tien_tien"), year, since),
        "cstdcs_streak": streak(cstdcs_years, year, since),
        "cstd_tinh_streak": streak(years("chien_si_thi_dua_tinh"), year, since),
        "initiative_scope": hints.get("initiative_scope", ""),
        "initiatives": hints.get("initiatives", 0),
        "htxsnv_streak": htxsnv_streak,
        "httnv_streak": httnv_streak,
        "has_bk_province": bk is not None,
        "httnv_years_after_bk": min(httnv_streak, year - bk) if bk is not None else 0,
        "cstdcs_after_bk": count_in(cstdcs_years, bk, year, since) if bk is not None else 0,
        "has_bk_ttg": bk_ttg is not None,
        "httnv_years_after_bk_ttg": after_bk_ttg,
        "htxsnv_count": hints.get("htxsnv_count", min(htxsnv_streak, after_bk_ttg)),
        "cstdcs_after_bk_ttg": count_in(cstdcs_years, bk_ttg, year, since) if bk_ttg is not None else 0,
        "in_sector": hints.get("in_sector", True),
        "years_in_sector": _years_in_sector(hints, receipt_date, periods),
        "years_dbkk": hints.get("years_dbkk", 0.0),
        "leadership_years": hints.get("leadership_years", 0.0),
    }


def _years_in_sector(hints: dict[str, Any], receipt_date: date, periods: Iterable[Period]) -> int:
    """Whole years of service up to the receipt date, less the time under discipline (TT 29/2023 Điều 8)."""
    start: date | None = hints.get("service_start")
    if "years_in_sector" in hints:
        service = float(hints["years_in_sector"])
    elif start is not None:
        service = max(0, (receipt_date - start).days) / DAYS_PER_YEAR
    else:
        return 0
    disciplined = sum(_overlap_days(p, start, receipt_date) for p in periods)
    return max(0, math.floor(service - disciplined / DAYS_PER_YEAR + 1e-9))


def _overlap_days(period: Period, start: date | None, end: date) -> int:
    first = max(period.starts_on, start) if start else period.starts_on
    last = min(period.ends_on or end, end)
    return max(0, (last - first).days + 1)


def _collective(session: Session, subject: Subject, year: int, hints: dict[str, Any]) -> dict[str, Any]:
    unit_id = subject.unit.id

    def holders(code: str) -> int:
        return session.scalar(select(func.count(distinct(Award.subject_key))).where(
            Award.unit_id == unit_id, Award.subject_kind == "person", Award.title_code == code,
            Award.kind == "cong_trang", Award.year_first == year)) or 0

    first, end = school_year_span(year)
    members = hints["members"] if "members" in hints else session.scalar(
        select(func.count(distinct(RoleMembership.person_id))).where(RoleMembership.unit_id == unit_id)) or 0
    ldtt = hints["members_ldtt"] if "members_ldtt" in hints else holders("lao_dong_tien_tien")
    disciplined = hints["disciplined_members"] if "disciplined_members" in hints else session.scalar(
        select(func.count(distinct(DisciplineRecord.subject_key))).where(
            DisciplineRecord.unit_id == unit_id, DisciplineRecord.subject_kind == "person",
            DisciplineRecord.kind == "ky_luat", DisciplineRecord.severity.in_(SERIOUS),
            DisciplineRecord.starts_on < end,
            (DisciplineRecord.ends_on.is_(None)) | (DisciplineRecord.ends_on >= first))) or 0
    cstdcs = hints["members_cstdcs"] if "members_cstdcs" in hints else holders("chien_si_thi_dua_co_so")
    htnv = hints.get("members_htnv", 0)
    for name, count in (("members_ldtt", ldtt), ("members_cstdcs", cstdcs), ("members_htnv", htnv)):
        if count > members:
            raise InvalidInput(f"hints.{name}: {count} is more than the {members} members of {subject.unit.code}",
                               field=f"hints.{name}")
    return {
        "collective_rating": hints.get("collective_rating", ""),
        "members": members,
        "members_ldtt": ldtt,
        "ldtt_share": _share(ldtt, members),
        "htnv_share": _share(htnv, members),
        "cstdcs_members": cstdcs,
        "disciplined_members": disciplined,
    }


def _share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0
