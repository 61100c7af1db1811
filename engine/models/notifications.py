"""Notifications: the in-app message of one person, and the e-mail outbox on the same row.

A row is written by `engine.notifications.notify` in the caller's transaction, so it exists exactly
when the action that caused it committed. `(person_id, dedupe_key)` is unique: the same intent
recorded twice is stored once. The `email_*` columns are the outbox the dispatcher works through:
`pending` → `sent`, or `failed` after the last attempt; `skipped` when no e-mail is wanted or the
person has no address (the in-app notification shows either way).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base

EMAIL_STATUSES = ("pending", "sent", "failed", "skipped")


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("person_id", "dedupe_key"),
        # the inbox lists one person's notifications newest first
        Index("ix_notification_person_id_id", "person_id", "id"),
        # the unread badge counts a person's unread rows only
        Index("ix_notification_unread", "person_id", postgresql_where=text("read_at IS NULL"),
              sqlite_where=text("read_at IS NULL")),
        # the dispatcher reads pending e-mails by due time; sent/skipped/failed rows are not indexed
        Index("ix_notification_email_due", "email_next_attempt_at", "id",
              postgresql_where=text("email_status = 'pending'"), sqlite_where=text("email_status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    instance_id: Mapped[int | None]
    task_id: Mapped[int | None]
    dedupe_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]

    email_status: Mapped[str] = mapped_column(String(16), default="pending")
    email_to: Mapped[str | None] = mapped_column(String(255))
    email_attempts: Mapped[int] = mapped_column(default=0)
    email_next_attempt_at: Mapped[datetime | None]
    email_locked_by: Mapped[str | None] = mapped_column(String(64))
    email_locked_until: Mapped[datetime | None]
    email_sent_at: Mapped[datetime | None]
    email_last_error: Mapped[str | None] = mapped_column(Text)
