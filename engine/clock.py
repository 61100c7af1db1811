"""The one clock for engine, scheduler and UI.

Real time by default; with TDKT_CLOCK=virtual the current instant is kept in the database
(`virtual_clock` table) so every process (web, workers, CLI) agrees on "now". SpiffWorkflow's timer
module reads `datetime.now(timezone.utc)` in one place; `install_spiff_clock()` points it here.
Within one engine action the instant is frozen (`frozen_at`), so an action sees a single "now".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from datetime import datetime as _datetime
from zoneinfo import ZoneInfo

from engine.db import Database
from engine.models import VirtualClock

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_VIRTUAL_CACHE_SECONDS = 0.25

_frozen: ContextVar[datetime | None] = ContextVar("tdkt_frozen_now", default=None)


class _ClockState:
    def __init__(self) -> None:
        self.mode = "real"
        self.db: Database | None = None
        self.cached: tuple[float, datetime] | None = None
        self.lock = threading.Lock()


_state = _ClockState()


def configure(mode: str, db: Database | None = None) -> None:
    """Select the real clock, or the virtual clock stored in `db`."""
    if mode not in ("real", "virtual"):
        raise ValueError(f"clock mode must be 'real' or 'virtual', not {mode!r}")
    if mode == "virtual" and db is None:
        raise ValueError("the virtual clock needs a database")
    with _state.lock:
        _state.mode, _state.db, _state.cached = mode, db, None
    install_spiff_clock()


def mode() -> str:
    return _state.mode


def now() -> datetime:
    """The current instant, aware, in UTC."""
    frozen = _frozen.get()
    if frozen is not None:
        return frozen
    if _state.mode == "real":
        return datetime.now(UTC)
    return _virtual_now()


def now_local() -> datetime:
    return now().astimezone(VN_TZ)


@contextmanager
def frozen_at(instant: datetime | None = None) -> Iterator[datetime]:
    """Within the block every `now()` returns the same instant (one action, one "now")."""
    instant = instant or now()
    token = _frozen.set(instant)
    try:
        yield instant
    finally:
        _frozen.reset(token)


def _virtual_now() -> datetime:
    db = _state.db
    assert db is not None
    cached = _state.cached
    if cached is not None and time.monotonic() - cached[0] < _VIRTUAL_CACHE_SECONDS:
        return cached[1]
    with db.transaction() as session:
        row = session.get(VirtualClock, 1)
        if row is None:
            row = VirtualClock(id=1, now=datetime.now(UTC).replace(microsecond=0))
            session.add(row)
        value = row.now
    _state.cached = (time.monotonic(), value)
    return value


def set_virtual(db: Database, instant: datetime) -> datetime:
    """Move the virtual clock (forwards or backwards) to `instant`."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=VN_TZ)
    instant = instant.astimezone(UTC)
    with db.transaction() as session:
        row = session.get(VirtualClock, 1)
        if row is None:
            session.add(VirtualClock(id=1, now=instant))
        else:
            row.now = instant
    if _state.db is db:
        _state.cached = (time.monotonic(), instant)
    return instant


def get_virtual(db: Database) -> datetime | None:
    with db.transaction() as session:
        row = session.get(VirtualClock, 1)
        return row.now if row else None


class _SpiffDatetime(_datetime):
    """Stands in for `datetime` inside SpiffWorkflow's timer module; only `now` differs."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
        current = now()
        return current if tz in (None, UTC) else current.astimezone(tz)


def install_spiff_clock() -> None:
    """Make SpiffWorkflow's timers read this clock (idempotent)."""
    import SpiffWorkflow.bpmn.specs.event_definitions.timer as timer_module

    timer_module.datetime = _SpiffDatetime  # type: ignore[misc]


install_spiff_clock()
