"""Record notification intents in the caller's transaction (the outbox); never send anything here.

`notify` adds one row per recipient to the session it is given, so the rows commit or roll back
with the action that caused them. A repeated intent (same person, same dedupe key) is stored once:
the insert is `ON CONFLICT DO NOTHING`, safe under concurrency on PostgreSQL and SQLite, and it does
not abort the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import clock
from engine.models import Notification, Person
from engine.notifications.messages import Message

MAX_KIND = 32
MAX_SUBJECT = 500
MAX_DEDUPE_KEY = 255


def notify(session: Session, *, person_ids: Iterable[int], kind: str, subject: str, body: str,
           instance_id: int | None = None, task_id: int | None = None, dedupe_key: str,
           email: bool = True) -> list[int]:
    """Record an in-app notification (and, with `email`, an e-mail intent) for each person.

    Returns the ids of the rows created; a person who already has `dedupe_key` gets nothing new.
    The e-mail is `skipped` when `email` is false, the person has no address or is inactive.
    """
    if not kind or len(kind) > MAX_KIND:
        raise ValueError(f"kind must be 1..{MAX_KIND} characters")
    if not dedupe_key or len(dedupe_key) > MAX_DEDUPE_KEY:
        raise ValueError(f"dedupe_key must be 1..{MAX_DEDUPE_KEY} characters")
    ids = sorted(set(person_ids))
    if not ids:
        return []
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    missing = [i for i in ids if i not in people]
    if missing:
        raise ValueError(f"unknown person id(s): {missing}")
    now = clock.now()
    rows: list[dict[str, Any]] = []
    for person_id in ids:
        person = people[person_id]
        address = (person.email or "").strip() or None
        wants_email = email and address is not None and person.active
        rows.append({
            "person_id": person_id, "kind": kind, "subject": _one_line(subject)[:MAX_SUBJECT], "body": body,
            "instance_id": instance_id, "task_id": task_id, "dedupe_key": dedupe_key, "created_at": now,
            "email_status": "pending" if wants_email else "skipped", "email_to": address,
            "email_attempts": 0, "email_next_attempt_at": now if wants_email else None,
        })
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        insert: Any = postgresql.insert(Notification)
    elif dialect == "sqlite":
        insert = sqlite.insert(Notification)
    else:  # pragma: no cover - the project supports these two
        raise NotImplementedError(f"notifications need PostgreSQL or SQLite, not {dialect}")
    statement = insert.on_conflict_do_nothing(index_elements=["person_id", "dedupe_key"])
    created: list[int] = []
    for row in rows:  # one statement per row: RETURNING tells exactly which were new
        new_id = session.execute(statement.values(**row).returning(Notification.id)).scalar()
        if new_id is not None:
            created.append(new_id)
    return created


def notify_message(session: Session, message: Message, *, person_ids: Iterable[int],
                   dedupe_key: str | None = None, email: bool = True) -> list[int]:
    """`notify` with a message built by `engine.notifications.messages` (its dedupe key by default)."""
    return notify(session, person_ids=person_ids, kind=message.kind, subject=message.subject, body=message.body,
                  instance_id=message.instance_id, task_id=message.task_id,
                  dedupe_key=dedupe_key or message.dedupe_key, email=email)


def _one_line(text: str) -> str:
    return " ".join(text.split())
