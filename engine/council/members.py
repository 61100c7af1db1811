"""Who sits on a unit's council: the people holding a council role in that unit.

Roles: `chu_tich_hoi_dong` (chair), `thu_ky_hoi_dong` (secretary), `thanh_vien_hoi_dong` (member).
The chair and the secretary are members of the council like the others (the founding decision names
them among its members; Điều lệ trường), so each holder of any of the three roles has exactly one vote
and counts in the total the thresholds are computed on. Inactive accounts do not sit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Person, RoleMembership, Unit

CHAIR, SECRETARY, MEMBER = "chu_tich_hoi_dong", "thu_ky_hoi_dong", "thanh_vien_hoi_dong"
COUNCIL_ROLES = (CHAIR, SECRETARY, MEMBER)
_RANK = {CHAIR: 0, SECRETARY: 1, MEMBER: 2}
ROLE_LABELS = {CHAIR: "Chủ tịch Hội đồng", SECRETARY: "Thư ký Hội đồng", MEMBER: "Thành viên"}


@dataclass(frozen=True)
class Member:
    username: str
    full_name: str
    role: str  # the highest of the person's council roles: chair, then secretary, then member

    def as_dict(self) -> dict[str, str]:
        return {"username": self.username, "ho_ten": self.full_name, "vai_tro": self.role,
                "chuc_danh": ROLE_LABELS[self.role]}


def council_members(session: Session, unit_code: str) -> list[Member]:
    """The council of the unit, chair first, then the secretary, then members by name."""
    rows = session.execute(
        select(Person.username, Person.full_name, RoleMembership.role_code)
        .join(RoleMembership, RoleMembership.person_id == Person.id)
        .join(Unit, Unit.id == RoleMembership.unit_id)
        .where(Unit.code == unit_code, RoleMembership.role_code.in_(COUNCIL_ROLES), Person.active.is_(True))).all()
    best: dict[str, Member] = {}
    for username, full_name, role in rows:
        known = best.get(username)
        if known is None or _RANK[role] < _RANK[known.role]:
            best[username] = Member(username, full_name, role)
    return sorted(best.values(), key=lambda m: (_RANK[m.role], m.full_name, m.username))
