"""People as the pages show them: the signed-in user's header, colleagues to delegate a task to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Person, Role, RoleMembership, Unit


@dataclass(frozen=True)
class Membership:
    role_name: str
    unit_id: int
    unit_code: str
    unit_name: str


@dataclass(frozen=True)
class HeaderInfo:
    person_id: int
    username: str
    full_name: str
    memberships: tuple[Membership, ...]
    can_manage: bool = False  # holds a `manage`/`admin` role somewhere: sees the dashboard
    can_design: bool = False  # holds a `design`/`admin` role somewhere: sees the studio

    @property
    def unit_names(self) -> list[str]:
        return list(dict.fromkeys(m.unit_name for m in self.memberships))


def active_person(session: Session, person_id: int) -> Person | None:
    person = session.get(Person, person_id)
    return person if person is not None and person.active else None


def header_info(session: Session, person: Person) -> HeaderInfo:
    rows = session.execute(
        select(Role.name, Unit.id, Unit.code, Unit.name, Role.capabilities)
        .select_from(RoleMembership).join(Role, Role.code == RoleMembership.role_code)
        .join(Unit, Unit.id == RoleMembership.unit_id)
        .where(RoleMembership.person_id == person.id).order_by(Unit.name, Role.name)).all()
    manages = any({"manage", "admin"} & set((caps or "").split()) for *_, caps in rows)
    designs = any({"design", "admin"} & set((caps or "").split()) for *_, caps in rows)
    return HeaderInfo(person.id, person.username, person.full_name,
                      tuple(Membership(role, uid, code, name) for role, uid, code, name, _ in rows), manages, designs)


@dataclass(frozen=True)
class Colleague:
    username: str
    full_name: str


def colleagues_by_unit(session: Session, unit_ids: Iterable[int], exclude_person_id: int) -> dict[int, list[Colleague]]:
    """Active people holding any role in each unit (a task may be delegated to them), minus oneself."""
    wanted = set(unit_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(RoleMembership.unit_id, Person.username, Person.full_name).distinct()
        .join(Person, Person.id == RoleMembership.person_id)
        .where(RoleMembership.unit_id.in_(wanted), Person.active.is_(True), Person.id != exclude_person_id)
        .order_by(RoleMembership.unit_id, Person.full_name)).all()
    out: dict[int, list[Colleague]] = {unit_id: [] for unit_id in wanted}
    for unit_id, username, full_name in rows:
        out[unit_id].append(Colleague(username, full_name))
    return out
