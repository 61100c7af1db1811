"""Designer studio: drafts of definitions (never executable) and the unit that owns each definition key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base
from engine.models.org import Unit


class DefinitionDraft(Base):
    """The work in progress on one definition key: saved from the editor, deployed (and then removed)
    when the designer is done. Nothing runs a draft: instances start from `process_definition` only."""

    __tablename__ = "definition_draft"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # bpmn | dmn
    source: Mapped[bytes] = mapped_column(LargeBinary)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime]


class DefinitionOwner(Base):
    """The unit owning a definition key: its designers (and those of the units above) may deploy it.
    Set to the unit of the designer who first deployed the key."""

    __tablename__ = "definition_owner"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    assigned_at: Mapped[datetime]

    unit: Mapped[Unit] = relationship()
