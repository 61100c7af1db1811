"""A person's in-app notifications: list, unread count, mark read. Only ever the person's own rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import NotFound
from engine.models import Notification

N = Notification
MAX_PAGE = 200


def list_notifications(session: Session, person_id: int, *, unread_only: bool = False, limit: int = 50,
                       offset: int = 0) -> list[Notification]:
    """Newest first."""
    query = select(N).where(N.person_id == person_id)
    if unread_only:
        query = query.where(N.read_at.is_(None))
    limit = max(1, min(limit, MAX_PAGE))
    return list(session.scalars(query.order_by(N.id.desc()).limit(limit).offset(max(offset, 0))))


def unread_count(session: Session, person_id: int) -> int:
    return session.scalar(select(func.count()).select_from(N).where(
        N.person_id == person_id, N.read_at.is_(None))) or 0


def mark_read(session: Session, person_id: int, notification_id: int) -> Notification:
    """Mark one of the person's notifications read (idempotent); someone else's is NotFound."""
    row = session.get(N, notification_id)
    if row is None or row.person_id != person_id:
        raise NotFound(f"no notification {notification_id}")
    if row.read_at is None:
        row.read_at = clock.now()
    return row


def mark_all_read(session: Session, person_id: int) -> int:
    result = session.execute(update(N).where(N.person_id == person_id, N.read_at.is_(None))
                             .values(read_at=clock.now()), execution_options={"synchronize_session": False})
    return int(result.rowcount)  # type: ignore[attr-defined]


def as_json(row: Notification) -> dict[str, Any]:
    return {
        "id": row.id, "kind": row.kind, "subject": row.subject, "body": row.body,
        "instance_id": row.instance_id, "task_id": row.task_id,
        "created_at": row.created_at.isoformat(), "read_at": row.read_at.isoformat() if row.read_at else None,
        "read": row.read_at is not None, "email_status": row.email_status,
    }
