"""The business calendar's corrections: days an administrator turns off or on, and their version."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base
from engine.models.org import Person

OVERRIDE_KINDS = ("off", "work")


class CalendarOverride(Base):
    """One day whose status differs from the `holidays` package: `off` (extra day off, e.g. a swapped
    weekday) or `work` (a working day, e.g. the Saturday worked in exchange)."""

    __tablename__ = "calendar_override"
    __table_args__ = (CheckConstraint("kind IN ('off', 'work')", name="kind"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime]

    created_by: Mapped[Person | None] = relationship()


class CalendarState(Base):
    """One row: `version` grows with every override change, so every process can tell its cached
    calendar is stale with one cheap query."""

    __tablename__ = "calendar_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]
