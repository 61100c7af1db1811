"""Deliver pending e-mails from the outbox: claim, send over SMTP, mark — at least once, never in bulk twice.

A pass claims up to `limit` due rows with a lease (lock owner + expiry): on PostgreSQL with
`SELECT … FOR UPDATE SKIP LOCKED`, on SQLite with one conditional UPDATE (SQLite has one writer at a
time), so several dispatchers can run side by side without sending a message twice. Each message is
then sent outside any transaction and marked in its own short one. A crash between sending and
marking leaves the lease to expire and the message is sent once more (the Message-ID stays the
same, so mail clients can tell). A refused or failed send is retried with exponential backoff, and
after `max_attempts` the row is `failed` with the last error kept.

Leases use the real wall clock (so moving the virtual clock never strands a claim); scheduling
(`email_next_attempt_at`, `email_sent_at`) uses the engine clock like everything else.
Without TDKT_SMTP_HOST nothing is claimed: rows stay `pending` until a server is configured.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, literal_column, or_, select, update

from engine import clock
from engine.db import Database
from engine.models import Notification
from engine.notifications.email_sender import DeliveryError, SmtpSender, SmtpSettings, load_smtp_settings

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
MAX_ERROR_LENGTH = 2000

N = Notification
_PENDING = literal_column("'pending'")  # a literal, so PostgreSQL can match the partial index


@dataclass(frozen=True)
class ClaimedEmail:
    id: int
    to: str
    subject: str
    body: str
    attempts: int


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failed ones: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def dispatch_pending(db: Database, *, limit: int = 100, worker_id: str, settings: SmtpSettings | None = None,
                     max_attempts: int = MAX_ATTEMPTS, lease: timedelta = LEASE) -> int:
    """One pass: send up to `limit` due e-mails; returns how many were accepted by the server."""
    settings = settings or load_smtp_settings()
    if not settings.configured:
        log.debug("no SMTP server configured (TDKT_SMTP_HOST): e-mails stay pending")
        return 0
    token, lease_until, claimed = claim(db, limit=limit, worker_id=worker_id, lease=lease)
    if not claimed:
        return 0
    sent = 0
    broken: str | None = None  # the server is unreachable: the rest of this pass fails the same way
    margin = min(timedelta(seconds=settings.timeout), lease / 2)  # one send may take up to the timeout
    with SmtpSender(settings) as sender:
        for index, email in enumerate(claimed):
            if broken is None and _wall_now() + margin >= lease_until:
                release(db, token, [e.id for e in claimed[index:]])  # let a fresh claim take the rest
                break
            if broken is not None:
                _record_failure(db, token, email, broken, max_attempts)
                continue
            try:
                sender.send(to=email.to, subject=email.subject, body=email.body,
                            message_id=f"<tdkt.notification.{email.id}@{settings.sender_domain}>")
            except DeliveryError as exc:
                _record_failure(db, token, email, str(exc), max_attempts)
                if exc.connection_lost:
                    broken = str(exc)
                continue
            except Exception as exc:  # a bug or a malformed row must not block the queue behind it
                log.exception("e-mail of notification %d could not be sent", email.id)
                _record_failure(db, token, email, f"{type(exc).__name__}: {exc}", max_attempts)
                continue
            _mark_sent(db, token, email.id)
            sent += 1
    return sent


def claim(db: Database, *, limit: int, worker_id: str,
          lease: timedelta = LEASE) -> tuple[str, datetime, list[ClaimedEmail]]:
    """Lease up to `limit` due pending e-mails to this pass; returns (lock token, lease end, rows)."""
    token = f"{worker_id[:47]}/{uuid.uuid4().hex[:16]}"
    wall = _wall_now()
    lease_until = wall + lease
    due = (N.email_status == _PENDING, N.email_next_attempt_at <= clock.now(),
           or_(N.email_locked_until.is_(None), N.email_locked_until <= wall))
    oldest_first = (N.email_next_attempt_at, N.id)
    with db.transaction() as session:
        if db.is_postgres:
            ids = list(session.scalars(select(N.id).where(*due).order_by(*oldest_first).limit(limit)
                                       .with_for_update(skip_locked=True)))
            if ids:
                session.execute(update(N).where(N.id.in_(ids))
                                .values(email_locked_by=token, email_locked_until=lease_until),
                                execution_options={"synchronize_session": False})
        else:  # a single statement takes SQLite's write lock first, so two claims never overlap
            chosen = select(N.id).where(*due).order_by(*oldest_first).limit(limit).scalar_subquery()
            session.execute(update(N).where(N.id.in_(chosen))
                            .values(email_locked_by=token, email_locked_until=lease_until),
                            execution_options={"synchronize_session": False})
        rows = session.execute(select(N.id, N.email_to, N.subject, N.body, N.email_attempts)
                               .where(N.email_locked_by == token).order_by(*oldest_first)).all()
    return token, lease_until, [ClaimedEmail(r.id, r.email_to or "", r.subject, r.body, r.email_attempts)
                                for r in rows]


def release(db: Database, token: str, ids: list[int]) -> None:
    """Give claimed rows back without counting an attempt."""
    with db.transaction() as session:
        session.execute(update(N).where(N.id.in_(ids), N.email_locked_by == token)
                        .values(email_locked_by=None, email_locked_until=None),
                        execution_options={"synchronize_session": False})


def _mark_sent(db: Database, token: str, notification_id: int) -> None:
    with db.transaction() as session:
        done = session.execute(
            update(N).where(N.id == notification_id, N.email_locked_by == token)
            .values(email_status="sent", email_sent_at=clock.now(), email_attempts=N.email_attempts + 1,
                    email_next_attempt_at=None, email_locked_by=None, email_locked_until=None),
            execution_options={"synchronize_session": False})
    if not done.rowcount:  # type: ignore[attr-defined]
        log.warning("e-mail of notification %d was sent after its lease ended", notification_id)


def _record_failure(db: Database, token: str, email: ClaimedEmail, error: str, max_attempts: int) -> None:
    attempts = email.attempts + 1
    values: dict[str, object] = {"email_attempts": attempts, "email_last_error": error[:MAX_ERROR_LENGTH],
                                 "email_locked_by": None, "email_locked_until": None}
    if attempts >= max_attempts:
        values.update(email_status="failed", email_next_attempt_at=None)
        log.error("e-mail of notification %d failed for good after %d attempts: %s", email.id, attempts, error)
    else:
        values["email_next_attempt_at"] = clock.now() + backoff(attempts)
        log.warning("e-mail of notification %d failed (attempt %d): %s", email.id, attempts, error)
    with db.transaction() as session:
        session.execute(update(N).where(N.id == email.id, N.email_locked_by == token).values(**values),
                        execution_options={"synchronize_session": False})


def outbox_counts(db: Database) -> dict[str, int]:
    """How many e-mails are in each state (pending, sent, failed, skipped)."""
    with db.transaction() as session:
        rows = session.execute(select(N.email_status, func.count()).group_by(N.email_status)).all()
    return {status: count for status, count in rows}


def retry_failed(db: Database) -> int:
    """Put every failed e-mail back in the queue with a fresh attempt count; returns how many."""
    with db.transaction() as session:
        result = session.execute(
            update(N).where(N.email_status == "failed")
            .values(email_status="pending", email_attempts=0, email_next_attempt_at=clock.now()),
            execution_options={"synchronize_session": False})
    return int(result.rowcount)  # type: ignore[attr-defined]


def run_dispatch_job(db: Database, worker_id: str | None = None) -> int:
    """For the scheduler: one pass that logs instead of raising, so the job keeps running."""
    try:
        sent = dispatch_pending(db, worker_id=worker_id or default_worker_id())
    except Exception:
        log.exception("e-mail dispatch failed")
        return 0
    if sent:
        log.info("sent %d e-mail(s)", sent)
    return sent


def _wall_now() -> datetime:
    return datetime.now(UTC)
