"""Councils (Hội đồng Thi đua - Khen thưởng): per-unit vote rules and the ballot boxes of meetings.

Members are not stored here: they are the people holding the council roles in the unit
(engine.council.members). A ballot box holds the ballots of one vote of one case, shuffled, with no
voter, time or order attached, next to the sorted list of who has voted (to refuse a second ballot).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class CouncilRule(Base):
    """A unit's own vote rule: the quorum (`key` = "quorum") or the pass threshold of a title that the
    law leaves to the unit (`key` = a title code, or "*" for every such title). Applies to the unit and
    the units below it, for meetings held from `valid_from` to `valid_to` (inclusive, open when null)."""

    __tablename__ = "council_rule"
    __table_args__ = (UniqueConstraint("unit_id", "key", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    numerator: Mapped[int] = mapped_column(Integer)
    denominator: Mapped[int] = mapped_column(Integer)
    strict: Mapped[bool] = mapped_column(default=False)  # the share must exceed the ratio, not just reach it
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)  # the unit's regulation (quy chế) it comes from


class BallotBox(Base):
    """The ballots of one council vote in one case (`box`: the meeting's id in the case data)."""

    __tablename__ = "ballot_box"
    __table_args__ = (UniqueConstraint("instance_id", "box"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    box: Mapped[str] = mapped_column(String(64))
    secret: Mapped[bool] = mapped_column(default=True)
    voters: Mapped[list[str]] = mapped_column(JSON, default=list)  # usernames, sorted: who has voted
    ballots: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # shuffled, anonymous
