"""Overrides in the database, the cached calendar per Database, and the process-wide provider.

Every change of an override bumps `calendar_state.version` in the same transaction. A cached
calendar is reused while the stored version is unchanged; the version is read at most once every
`RECHECK_SECONDS` per process (changes made through this module are seen at once), so another
process's change is picked up within that delay.

Helpers run inside the engine without a session: they ask `current()`, which uses the Database given
to `use_database` (the web app, the CLI and workers call it once), or the package's holidays alone
when none was given.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from weakref import WeakKeyDictionary

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import clock
from engine.calendar.business import BusinessCalendar, Override
from engine.calendar.dates import format_day
from engine.db import Database
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import CalendarOverride, CalendarState, Person, Role, RoleMembership

RECHECK_SECONDS = 1.0
_STATE_ID = 1


def stored_version(session: Session) -> int:
    return session.scalar(select(CalendarState.version).where(CalendarState.id == _STATE_ID)) or 0


def _bump_version(session: Session) -> None:
    now = clock.now()
    bumped = session.execute(update(CalendarState).where(CalendarState.id == _STATE_ID)
                             .values(version=CalendarState.version + 1, updated_at=now))
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        session.add(CalendarState(id=_STATE_ID, version=1, updated_at=now))
    session.flush()


def load_calendar(session: Session) -> BusinessCalendar:
    version = stored_version(session)
    rows = session.scalars(select(CalendarOverride).order_by(CalendarOverride.day))
    return BusinessCalendar((Override(r.day, r.kind, r.note) for r in rows), version)


def list_overrides(session: Session, year: int | None = None) -> list[CalendarOverride]:
    query = select(CalendarOverride).order_by(CalendarOverride.day)
    if year is not None:
        query = query.where(CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31))
    return list(session.scalars(query))


def is_admin(session: Session, person: Person) -> bool:
    capabilities = session.scalars(select(Role.capabilities).join(
        RoleMembership, RoleMembership.role_code == Role.code).where(RoleMembership.person_id == person.id))
    return any("admin" in caps.split() for caps in capabilities)


def require_admin(session: Session, person: Person) -> None:
    if not is_admin(session, person):
        raise Forbidden("only an administrator may change the working-day calendar")


def add_override(session: Session, day: date, kind: str, note: str = "",
                 actor: Person | None = None) -> CalendarOverride:
    """Record an override (audited). A day that already has one is a Conflict; an override that
    changes nothing (an "off" on a day already off) is refused, as it is most likely a typo."""
    from engine.runtime.context import audit

    if kind not in ("off", "work"):
        raise InvalidInput("kind must be 'off' (extra day off) or 'work' (working day)", field="kind")
    if session.get(CalendarOverride, day) is not None:
        raise Conflict(f"{format_day(day)} already has an override; remove it first", field="day")
    status = BusinessCalendar().status(day)
    if status.working == (kind == "work"):
        what = "a working day" if status.working else f"a day off ({status.reason})"
        raise InvalidInput(f"{format_day(day)} is already {what}", field="day")
    row = CalendarOverride(day=day, kind=kind, note=note.strip(), created_by_id=actor.id if actor else None,
                           created_at=clock.now())
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"{format_day(day)} already has an override; remove it first", field="day") from None
    _bump_version(session)
    audit(session, "calendar.override_added", actor=actor, day=day.isoformat(), kind=kind, note=row.note)
    return row


def remove_override(session: Session, day: date, actor: Person | None = None) -> CalendarOverride:
    from engine.runtime.context import audit

    row = session.get(CalendarOverride, day)
    if row is None:
        raise NotFound(f"{format_day(day)} has no override")
    session.delete(row)
    session.flush()
    _bump_version(session)
    audit(session, "calendar.override_removed", actor=actor, day=day.isoformat(), kind=row.kind, note=row.note)
    return row


class CalendarStore:
    """The cached calendar of one Database, reloaded only when its version changes."""

    def __init__(self) -> None:
        self._calendar: BusinessCalendar | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def calendar(self, db: Database) -> BusinessCalendar:
        with self._lock:
            cached = self._calendar
            if cached is not None and time.monotonic() - self._checked_at < RECHECK_SECONDS:
                return cached
            with db.transaction() as session:
                if cached is None or stored_version(session) != cached.version:
                    cached = load_calendar(session)
            self._calendar, self._checked_at = cached, time.monotonic()
            return cached

    def invalidate(self) -> None:
        with self._lock:
            self._calendar = None


_stores: WeakKeyDictionary[Database, CalendarStore] = WeakKeyDictionary()
_stores_lock = threading.Lock()
_DEFAULT = BusinessCalendar()


def store_for(db: Database) -> CalendarStore:
    with _stores_lock:
        store = _stores.get(db)
        if store is None:
            store = _stores[db] = CalendarStore()
        return store


def calendar_for(db: Database) -> BusinessCalendar:
    """The current calendar of `db` (cached)."""
    return store_for(db).calendar(db)


def changed(db: Database) -> None:
    """Call after committing an override change through `db`: this process sees it at once."""
    store_for(db).invalidate()


class _Provider:
    db: Database | None = None


_provider = _Provider()


def use_database(db: Database | None) -> None:
    """Make `db` the calendar the expression helpers use in this process (None: holidays only)."""
    _provider.db = db


def current() -> BusinessCalendar:
    """The calendar for the expression helpers."""
    db = _provider.db
    return calendar_for(db) if db is not None else _DEFAULT
