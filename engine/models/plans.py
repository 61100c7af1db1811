"""Plans (kế hoạch) and their milestones: the deadlines printed in a plan's timeline, as data.

Every instant is stored as aware UTC and shown in Asia/Ho_Chi_Minh. A milestone's `due_at` is an
*exclusive* end: "Trước ngày 11/11/2023" and "hết ngày 10/11/2023" are both 2023-11-11T00:00+07:00,
and a window is the half-open interval [window_start, due_at).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base
from engine.models.org import Unit


class Plan(Base):
    """A plan document: number (e.g. "85/KH-PGD&ĐT"), title, issuing unit, school year, issue date."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    issuing_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    issuer: Mapped[str | None] = mapped_column(String(255))  # the issuing unit's name as printed
    school_year: Mapped[str] = mapped_column(String(9), index=True)  # "2023-2024"
    issue_date: Mapped[date | None] = mapped_column(Date)
    source_name: Mapped[str | None] = mapped_column(String(255))  # YAML file, imported file, or "api"
    source_hash: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of the YAML file last loaded
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    issuing_unit: Mapped[Unit | None] = relationship()
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="plan", order_by="Milestone.position", cascade="all, delete-orphan")


class Milestone(Base):
    """One row of a plan's timeline: a key (identifier, unique in its plan), a title, an optional
    window start, a due instant, the kind of unit that carries it out and an optional process key."""

    __tablename__ = "milestone"
    __table_args__ = (
        UniqueConstraint("plan_id", "key"),
        Index("ix_milestone_due_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    window_start: Mapped[datetime | None]
    due_at: Mapped[datetime]
    unit_kind: Mapped[str | None] = mapped_column(String(32))  # truong, phong, so, khoi, cum
    process_key: Mapped[str | None] = mapped_column(String(128))
    source_text: Mapped[str | None] = mapped_column(Text)  # the time phrase as printed
    position: Mapped[int] = mapped_column(default=0)

    plan: Mapped[Plan] = relationship(back_populates="milestones")
