"""Comments on a case: what people who may see the case write on its page (append-only: database
triggers refuse UPDATE and DELETE, like the audit trail)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class CaseComment(Base):
    __tablename__ = "case_comment"
    __table_args__ = (Index("ix_case_comment_instance_id_id", "instance_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
