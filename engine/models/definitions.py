"""Deployed definitions: BPMN processes, DMN decisions and JSON Schema forms, each versioned by key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class ProcessDefinition(Base):
    """One version of a BPMN process (kind `bpmn`) or DMN decision (kind `dmn`).

    `source` is the whole file it came from; `dependencies` lists the ids of other definition
    versions (callees, decisions) that were parsed with it, so a version is reproducible forever.
    """

    __tablename__ = "process_definition"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        Index("ix_process_definition_key_hash", "key", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(128))
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(255))
    source_name: Mapped[str] = mapped_column(String(255))
    source: Mapped[bytes] = mapped_column(LargeBinary)
    content_hash: Mapped[str] = mapped_column(String(64))
    dependencies: Mapped[list[int]] = mapped_column(JSON, default=list)
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    deployed_at: Mapped[datetime]


class FormDefinition(Base):
    """One version of a JSON Schema form, named by the `formKey` of user tasks."""

    __tablename__ = "form_definition"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(255))
    schema: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime]
    source_text: Mapped[str] = mapped_column(Text)
