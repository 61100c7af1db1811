"""Who may read and write the registry, on top of engine.authz's Viewer (scope and manage units).

Reading: a person's own records, and records of units in the viewer's scope. Awards are public
decisions; discipline and complaint records are read by the person concerned and by managers only.
Writing: a manager of the deciding unit (or, when the decision came from an authority outside the
system — Thủ tướng, Chủ tịch UBND tỉnh… — a manager of the subject's unit). Anything out of view is
"not found", so ids and usernames cannot be probed.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from engine.authz import Viewer
from engine.errors import Forbidden, NotFound
from engine.models import Award, DisciplineRecord, Person, RoleMembership, Unit
from engine.registry.subjects import Subject


def readable_awards(viewer: Viewer) -> ColumnElement[bool]:
    return or_(Award.unit_id.in_(viewer.scope_unit_ids), Award.person_id == viewer.id)


def readable_discipline(viewer: Viewer) -> ColumnElement[bool]:
    return or_(DisciplineRecord.unit_id.in_(viewer.manage_unit_ids), DisciplineRecord.person_id == viewer.id)


def recording_unit(subject: Subject, deciding_unit: Unit | None) -> Unit:
    return deciding_unit if deciding_unit is not None else subject.unit


def may_record(viewer: Viewer, subject: Subject, deciding_unit: Unit | None) -> bool:
    return recording_unit(subject, deciding_unit).id in viewer.manage_unit_ids


def require_may_record(viewer: Viewer, subject: Subject, deciding_unit: Unit | None) -> None:
    """Only about people and units the viewer can see, and only as a manager of the recording unit."""
    require_sees_subject(viewer, subject)
    if not may_record(viewer, subject, deciding_unit):
        unit = recording_unit(subject, deciding_unit)
        raise Forbidden(f"only a manager of {unit.code} may record this")


def require_manages(viewer: Viewer, unit: Unit) -> None:
    if unit.id not in viewer.manage_unit_ids:
        raise Forbidden(f"only a manager of {unit.code} may do this")


def require_sees_subject(viewer: Viewer, subject: Subject) -> None:
    """The viewer is the person, or the subject's unit is in their scope; otherwise not found."""
    if subject.person is not None and subject.person.id == viewer.id:
        return
    if subject.unit.id not in viewer.scope_unit_ids:
        raise NotFound("no such person or unit in your scope")


def visible_person(session: Session, viewer: Viewer, username: str) -> Person:
    """The person if it is the viewer or holds a role in a unit of the viewer's scope; else not found."""
    person = session.scalar(select(Person).where(Person.username == username))
    if person is None:
        raise NotFound(f"no person {username!r}")
    if person.id == viewer.id:
        return person
    units = set(session.scalars(select(RoleMembership.unit_id).where(RoleMembership.person_id == person.id)))
    if not units & viewer.scope_unit_ids:
        raise NotFound(f"no person {username!r}")
    return person


def sees_discipline_of(viewer: Viewer, person: Person, session: Session) -> bool:
    if person.id == viewer.id:
        return True
    units = set(session.scalars(select(RoleMembership.unit_id).where(RoleMembership.person_id == person.id)))
    return bool(units & viewer.manage_unit_ids)
