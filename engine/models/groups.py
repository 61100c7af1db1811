"""Emulation blocks (khối thi đua) and clusters (cụm trường): units that group other units.

A block or cluster is a `Unit` of kind `khoi` or `cum` placed in the tree under the unit that runs it
(a khối under its Phòng, a cụm THPT under its Sở). Its member schools keep their own parent (the
Phòng or Sở that manages them), so authorization and `unitScope` `parent` / `kind:phong` are not
changed by grouping; membership is this separate table (a school may sit in one block and in a
cluster at once).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base
from engine.models.org import Unit


class UnitGroupMember(Base):
    """Unit `member` belongs to the block or cluster `group`."""

    __tablename__ = "unit_group_member"
    __table_args__ = (UniqueConstraint("group_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    group: Mapped[Unit] = relationship(foreign_keys=[group_id])
    member: Mapped[Unit] = relationship(foreign_keys=[member_id])
