"""Per-unit quotas on titles, e.g. "CSTĐ cơ sở at most 15 % of LĐTT" (the national 15 % cap of NĐ 91/2017
Điều 9 k3 was dropped in 2024: quotas are now bộ/tỉnh/unit configuration, default none).

A quota set on a unit applies to that unit and every unit below it, each counted on its own; the nearest
unit up the tree that sets one for the title wins. Counts are awards recorded in the registry for the
unit in the school year, plus the `count` being proposed now.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import InvalidInput
from engine.models import Award, AwardQuota, Unit
from engine.org import ancestors_and_self
from engine.plans.school_year import SchoolYear
from engine.registry.titles import TITLES, title


@dataclass(frozen=True)
class QuotaResult:
    allowed: bool
    limit: int | None  # None: no quota
    used: int  # already recorded for the unit and year
    requested: int
    base: int | None  # the number of `of_title` awards the percentage is taken of
    quota: dict[str, Any] | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def quota_json(quota: AwardQuota) -> dict[str, Any]:
    return {"unit": quota.unit.code, "title": quota.title_code, "max_percent": quota.max_percent,
            "of_title": quota.of_title_code, "max_count": quota.max_count, "legal_basis": quota.legal_basis}


def set_quota(session: Session, unit: Unit, title_code: str, *, max_percent: float | None = None,
              of_title: str | None = None, max_count: int | None = None, legal_basis: str = "") -> AwardQuota:
    found = title(title_code)
    if max_percent is None and max_count is None:
        raise InvalidInput("give max_percent (with of_title) and/or max_count", field="max_percent")
    if max_percent is not None and not 0 <= max_percent <= 100:
        raise InvalidInput("max_percent: must be between 0 and 100", field="max_percent")
    if max_percent is not None and of_title is None:
        raise InvalidInput("of_title: a percentage needs the title it is a share of", field="of_title")
    if max_count is not None and max_count < 0:
        raise InvalidInput("max_count: must not be negative", field="max_count")
    base = title(of_title, "of_title").code if of_title else None
    quota = session.scalar(select(AwardQuota).where(AwardQuota.unit_id == unit.id,
                                                    AwardQuota.title_code == found.code))
    if quota is None:
        quota = AwardQuota(unit_id=unit.id, title_code=found.code, updated_at=clock.now())
        session.add(quota)
    quota.max_percent, quota.of_title_code, quota.max_count = max_percent, base, max_count
    quota.legal_basis, quota.updated_at = legal_basis[:500], clock.now()
    session.flush()
    return quota


def remove_quota(session: Session, unit: Unit, title_code: str) -> bool:
    result = session.execute(delete(AwardQuota).where(AwardQuota.unit_id == unit.id,
                                                      AwardQuota.title_code == title(title_code).code))
    return bool(getattr(result, "rowcount", 0))


def quota_for(session: Session, unit: Unit, title_code: str) -> AwardQuota | None:
    chain = ancestors_and_self(unit)
    rows = {q.unit_id: q for q in session.scalars(select(AwardQuota).where(
        AwardQuota.title_code == title_code, AwardQuota.unit_id.in_([u.id for u in chain])))}
    return next((rows[u.id] for u in chain if u.id in rows), None)


def _recorded(session: Session, unit: Unit, title_code: str, year: int) -> int:
    return session.scalar(select(func.count(Award.id)).where(
        Award.unit_id == unit.id, Award.title_code == title_code, Award.year_first == year)) or 0


def check_quota(session: Session, unit: Unit, title_code: str, school_year: SchoolYear | str, count: int,
                base_count: int | None = None) -> QuotaResult:
    """May `count` more awards of the title be proposed for the unit in the school year?

    `base_count` overrides the number of base-title awards (e.g. LĐTT proposed in the same round and not
    yet in the registry)."""
    code = title(title_code).code
    year = school_year if isinstance(school_year, SchoolYear) else SchoolYear.parse(school_year)
    if count < 0:
        raise InvalidInput("count: must not be negative", field="count")
    used = _recorded(session, unit, code, year.first)
    quota = quota_for(session, unit, code)
    name = TITLES[code].name
    if quota is None:
        return QuotaResult(True, None, used, count, None, None, f"Không có hạn mức cho danh hiệu {name}")
    limits: list[int] = []
    base = None
    if quota.max_percent is not None and quota.of_title_code:
        base = base_count if base_count is not None else _recorded(session, unit, quota.of_title_code, year.first)
        limits.append(math.floor(Fraction(str(quota.max_percent)) * base / 100))
    if quota.max_count is not None:
        limits.append(quota.max_count)
    limit = min(limits)
    allowed = used + count <= limit
    where = f"hạn mức do {quota.unit.name} quy định"
    share = (f"{quota.max_percent:g}% của {base} {TITLES[quota.of_title_code].name}"
             if quota.max_percent is not None and quota.of_title_code else "")
    detail = ", ".join(p for p in (share, f"tối đa {quota.max_count}" if quota.max_count is not None else "") if p)
    verdict = "trong hạn mức" if allowed else "vượt hạn mức"
    reason = (f"{name} năm học {year}: đã có {used}, đề nghị thêm {count}, {verdict} {limit} ({detail}; {where})")
    return QuotaResult(allowed, limit, used, count, base, quota_json(quota), reason)
