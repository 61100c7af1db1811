"""Recording and finding decided awards (the API, the Excel import and the CLI share these)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import ColumnElement

from engine import clock
from engine.authz import Viewer
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import Award, Instance, Person, Unit
from engine.org import subtree_unit_ids, unit_by_code
from engine.plans.school_year import SchoolYear
from engine.registry import access
from engine.registry.subjects import Lookups, Subject, optional_text, parse_date, required_text, subject_from
from engine.registry.titles import KIND_NAMES, TITLES, Title, award_kind, title

MAX_PAGE = 500
_LOADED = (selectinload(Award.person), selectinload(Award.unit), selectinload(Award.deciding_unit))


@dataclass(frozen=True)
class AwardInput:
    subject: Subject
    title: Title
    kind: str
    school_year: SchoolYear
    decision_number: str
    decision_date: date
    deciding_unit: Unit | None
    deciding_authority: str | None
    instance_id: int | None
    note: str

    def duplicate_key(self) -> tuple[str, str, str, str]:
        return (self.subject.key, self.title.code, str(self.school_year), self.decision_number)


def parse_award(session: Session, data: Mapping[str, Any], lookups: Lookups | None = None) -> AwardInput:
    """Validate one award: subject fields (see subjects.subject_from), title, kind (default: the title's
    usual kind), school_year, decision_number, decision_date, deciding_unit (code) and/or
    deciding_authority (text), case (instance id), note."""
    lookups = lookups or Lookups(session)
    subject = subject_from(session, data, lookups=lookups)
    found = title(required_text(data, "title", 255))
    if not found.allows(subject.kind):
        who = "a person" if subject.kind == "person" else "a collective (unit)"
        raise InvalidInput(f"title: {found.name} is not awarded to {who}", field="title")
    kind_text = optional_text(data, "kind", 64)
    kind = award_kind(kind_text) if kind_text else found.kind
    school_year = SchoolYear.parse(required_text(data, "school_year", 16))
    decision_date = parse_date(data.get("decision_date"), "decision_date")
    if decision_date > clock.now_local().date():
        raise InvalidInput("decision_date: is in the future", field="decision_date")
    if decision_date.year < school_year.first:
        raise InvalidInput(f"decision_date: {decision_date:%d/%m/%Y} is before school year {school_year}",
                           field="decision_date")
    deciding_code = optional_text(data, "deciding_unit", 64)
    deciding_unit = lookups.unit(deciding_code, "deciding_unit") if deciding_code else None
    authority = optional_text(data, "deciding_authority", 255)
    if deciding_unit is None and authority is None:
        raise InvalidInput("deciding_unit: give the deciding unit's code or, for an authority outside the system, "
                           "deciding_authority (e.g. 'Thủ tướng Chính phủ')", field="deciding_unit")
    instance_id = data.get("case")
    if instance_id is not None:
        if isinstance(instance_id, bool) or not isinstance(instance_id, int):
            raise InvalidInput("case: must be a case id (integer)", field="case")
        if session.get(Instance, instance_id) is None:
            raise NotFound(f"no case {instance_id}", field="case")
    return AwardInput(subject, found, kind, school_year, required_text(data, "decision_number", 64), decision_date,
                      deciding_unit, authority, instance_id, optional_text(data, "note", 2000) or "")


def existing_duplicate(session: Session, item: AwardInput) -> Award | None:
    return session.scalar(select(Award).where(
        Award.subject_key == item.subject.key, Award.title_code == item.title.code,
        Award.school_year == str(item.school_year), Award.decision_number == item.decision_number).limit(1))


def recorded_keys(session: Session, items: list[AwardInput]) -> set[tuple[str, str, str, str]]:
    """Which of the items' duplicate keys the registry already holds (one query per 500 subjects)."""
    subjects = sorted({item.subject.key for item in items})
    found: set[tuple[str, str, str, str]] = set()
    for start in range(0, len(subjects), 500):
        rows = session.execute(select(Award.subject_key, Award.title_code, Award.school_year, Award.decision_number)
                               .where(Award.subject_key.in_(subjects[start:start + 500])))
        found.update((a, b, c, d) for a, b, c, d in rows)
    return found


def _row(item: AwardInput, actor: Person | None, source: str) -> Award:
    return Award(subject_key=item.subject.key, subject_kind=item.subject.kind,
                 person_id=item.subject.person.id if item.subject.person else None,
                 person_name=item.subject.name if item.subject.kind == "person" else None,
                 unit_id=item.subject.unit.id, title_code=item.title.code, kind=item.kind,
                 school_year=str(item.school_year), year_first=item.school_year.first,
                 decision_number=item.decision_number, decision_date=item.decision_date,
                 deciding_unit_id=item.deciding_unit.id if item.deciding_unit else None,
                 deciding_authority=item.deciding_authority, instance_id=item.instance_id, note=item.note,
                 source=source[:255], created_by_id=actor.id if actor else None, created_at=clock.now())


def _conflict(item: AwardInput) -> Conflict:
    return Conflict(f"{item.subject.display_name} already has {item.title.name} {item.school_year} "
                    f"under decision {item.decision_number}")


def record_award(session: Session, item: AwardInput, actor: Person | None, source: str = "api") -> Award:
    """Store the award; Conflict if the same subject already has it under the same decision."""
    if existing_duplicate(session, item) is not None:
        raise _conflict(item)
    award = _row(item, actor, source)
    try:
        with session.begin_nested():  # a concurrent insert of the same award loses here, not at commit
            session.add(award)
    except IntegrityError:
        raise _conflict(item) from None
    return award


def record_awards(session: Session, items: list[AwardInput], actor: Person | None, source: str) -> list[Award]:
    """Store items already checked against `recorded_keys` and each other, in one flush."""
    awards = [_row(item, actor, source) for item in items]
    try:
        with session.begin_nested():
            session.add_all(awards)
    except IntegrityError:
        raise Conflict("some of these awards were recorded meanwhile; nothing saved, try again") from None
    return awards


def award_json(award: Award) -> dict[str, Any]:
    t = TITLES.get(award.title_code)
    name = award.person.full_name if award.person else (award.person_name or award.unit.name)
    return {
        "id": award.id, "subject": {"kind": award.subject_kind,
                                    "username": award.person.username if award.person else None,
                                    "name": name, "unit": award.unit.code, "unit_name": award.unit.name},
        "title": award.title_code, "title_name": t.name if t else award.title_code,
        "kind": award.kind, "kind_name": KIND_NAMES.get(award.kind, award.kind),
        "school_year": award.school_year, "decision_number": award.decision_number,
        "decision_date": award.decision_date.isoformat(),
        "deciding_unit": award.deciding_unit.code if award.deciding_unit else None,
        "deciding_authority": award.deciding_authority or (award.deciding_unit.name if award.deciding_unit else None),
        "case": award.instance_id, "note": award.note, "source": award.source,
    }


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match that also works where SQLite's lower() only folds ASCII."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    full = escaped.lower()
    ascii_only = "".join(c.lower() if c.isascii() else c for c in escaped)
    return or_(func.lower(column).like(f"%{full}%", escape="\\"),
               func.lower(column).like(f"%{ascii_only}%", escape="\\"))


def _year_filter(text: str) -> int:
    if text.isdigit() and len(text) == 4:
        return int(text)
    return SchoolYear.parse(text, "year").first


def search_awards(session: Session, viewer: Viewer | None, *, person: str | None = None, unit: str | None = None,
                  title_code: str | None = None, year: str | None = None, limit: int = 100,
                  offset: int = 0) -> list[Award]:
    """Awards visible to `viewer` (all when None: the CLI), newest school year first.

    person: a username, or part of a name; unit: a unit code (with the units below it);
    title: a title code; year: a school year "2023-2024" or its first year "2023"."""
    query: Select[tuple[Award]] = select(Award).options(*_LOADED)
    if viewer is not None:
        query = query.where(access.readable_awards(viewer))
    if person:
        found = session.scalar(select(Person.id).where(Person.username == person.strip()))
        if found is not None:
            query = query.where(Award.person_id == found)
        else:
            query = query.outerjoin(Person, Person.id == Award.person_id).where(
                or_(*(_contains(column, person) for column in (Award.person_name, Person.full_name))))
    if unit:
        query = query.where(Award.unit_id.in_(subtree_unit_ids(session, {unit_by_code(session, unit).id})))
    if title_code:
        query = query.where(Award.title_code == title(title_code).code)
    if year:
        query = query.where(Award.year_first == _year_filter(year))
    query = query.order_by(Award.year_first.desc(), Award.title_code, Award.id)
    return list(session.scalars(query.limit(max(1, min(limit, MAX_PAGE))).offset(max(0, offset))))


def person_awards(session: Session, person: Person) -> list[Award]:
    return list(session.scalars(select(Award).options(*_LOADED).where(Award.person_id == person.id)
                                .order_by(Award.year_first.desc(), Award.id)))


def subject_awards(session: Session, subject: Subject) -> list[Award]:
    return list(session.scalars(select(Award).where(Award.subject_key == subject.key)
                                .order_by(Award.year_first, Award.id)))
