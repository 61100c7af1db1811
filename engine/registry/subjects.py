"""Who a record is about (a person with an account, a person known by name and unit, or a unit as a
collective), and reading the plain fields records share (dates, bounded text)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.dates import read_day
from engine.errors import InvalidInput, NotFound
from engine.models import Person, RoleMembership, Unit

FIRST_RECORD_YEAR, LAST_RECORD_YEAR = 1945, 2099


@dataclass(frozen=True)
class Subject:
    kind: str  # person | collective
    unit: Unit  # the person's unit (at the time of the record), or the collective itself
    person: Person | None = None
    name: str | None = None  # a person without an account, as printed

    @property
    def key(self) -> str:
        if self.person is not None:
            return f"p:{self.person.id}"
        if self.kind == "person":
            return f"n:{self.unit.id}:{normalise_name(self.name or '').casefold()}"
        return f"u:{self.unit.id}"

    @property
    def display_name(self) -> str:
        if self.person is not None:
            return self.person.full_name
        return self.name if self.kind == "person" and self.name else self.unit.name

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "username": self.person.username if self.person else None,
                "name": self.display_name, "unit": self.unit.code, "unit_name": self.unit.name}


def normalise_name(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def home_unit(session: Session, person: Person) -> Unit | None:
    """The unit of the person's first role membership."""
    return session.scalar(select(Unit).join(RoleMembership, RoleMembership.unit_id == Unit.id)
                          .where(RoleMembership.person_id == person.id).order_by(RoleMembership.id).limit(1))


class Lookups:
    """Units and people by code and username, each looked up once (an import names the same few often)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._units: dict[str, Unit | None] = {}
        self._people: dict[str, Person | None] = {}
        self._homes: dict[int, Unit | None] = {}

    def unit(self, code: str, field: str = "unit") -> Unit:
        if code not in self._units:
            self._units[code] = self.session.scalar(select(Unit).where(Unit.code == code))
        found = self._units[code]
        if found is None:
            raise NotFound(f"unknown unit {code!r}", field=field)
        return found

    def person(self, username: str) -> Person:
        if username not in self._people:
            self._people[username] = self.session.scalar(select(Person).where(Person.username == username))
        found = self._people[username]
        if found is None:
            raise NotFound(f"unknown user {username!r}", field="username")
        return found

    def home_unit(self, person: Person) -> Unit | None:
        if person.id not in self._homes:
            self._homes[person.id] = home_unit(self.session, person)
        return self._homes[person.id]


def subject_from(session: Session, data: Mapping[str, Any], prefix: str = "",
                 lookups: Lookups | None = None) -> Subject:
    """`{"username"}` (unit optional: the person's unit), `{"name", "unit"}` (a person without an account)
    or `{"unit"}` alone (the unit as a collective). `prefix` names the fields in error messages."""
    lookups = lookups or Lookups(session)
    username = optional_text(data, "username", 64, prefix)
    name = optional_text(data, "name", 255, prefix)
    unit_code = optional_text(data, "unit", 64, prefix)
    unit = lookups.unit(unit_code, f"{prefix}unit") if unit_code else None
    if username:
        person = lookups.person(username)
        unit = unit or lookups.home_unit(person)
        if unit is None:
            raise InvalidInput(f"{prefix}unit: {username} holds no role in any unit; give the unit",
                               field=f"{prefix}unit")
        return Subject("person", unit, person=person)
    if unit is None:
        raise InvalidInput(f"{prefix}unit: give a username, a name and unit, or a unit (a collective)",
                           field=f"{prefix}unit")
    if name:
        return Subject("person", unit, name=normalise_name(name))
    return Subject("collective", unit)


def optional_text(data: Mapping[str, Any], name: str, limit: int, prefix: str = "") -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidInput(f"{prefix}{name}: must be text", field=f"{prefix}{name}")
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    text = text.strip()
    if len(text) > limit:
        raise InvalidInput(f"{prefix}{name}: longer than {limit} characters", field=f"{prefix}{name}")
    return text or None


def required_text(data: Mapping[str, Any], name: str, limit: int, prefix: str = "") -> str:
    text = optional_text(data, name, limit, prefix)
    if text is None:
        raise InvalidInput(f"{prefix}{name}: required", field=f"{prefix}{name}")
    return text


def parse_date(value: object, field: str) -> date:
    """A date object, YYYY-MM-DD or dd/mm/yyyy (as typed, or as Excel stores it)."""
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, str):
        result = read_day(value, field)
    else:
        raise InvalidInput(f"{field}: {value!r} is not a date; write YYYY-MM-DD or dd/mm/yyyy", field=field)
    if not FIRST_RECORD_YEAR <= result.year <= LAST_RECORD_YEAR:
        raise InvalidInput(f"{field}: year {result.year} is outside {FIRST_RECORD_YEAR}–{LAST_RECORD_YEAR}",
                           field=field)
    return result
