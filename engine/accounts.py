"""People and credentials: argon2 password hashes, bearer tokens (only their hash is stored)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import Unauthorized
from engine.models import ApiToken, Person

_hasher = PasswordHasher()
TOKEN_LIFETIME = timedelta(days=30)
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(person: Person, password: str) -> bool:
    if not person.password_hash:
        return False
    try:
        return _hasher.verify(person.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, person: Person, lifetime: timedelta = TOKEN_LIFETIME) -> str:
    """A new bearer token for `person`; the caller shows it once, the database keeps its hash."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(ApiToken(person_id=person.id, token_hash=_token_digest(token), created_at=now,
                         expires_at=now + lifetime))
    return token


def person_for_token(session: Session, token: str) -> Person:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    if row is None or row.revoked or (row.expires_at is not None and row.expires_at <= clock.now()):
        raise Unauthorized("invalid or expired token")
    if not row.person.active:
        raise Unauthorized("account disabled")
    return row.person


def authenticate(session: Session, username: str, password: str) -> Person:
    """Check a username and password, counting failures and locking the account after too many."""
    person = session.scalar(select(Person).where(Person.username == username))
    now = clock.now()
    if person is None or not person.active:
        _hasher.hash(password)  # same cost whether or not the user exists
        raise Unauthorized("wrong username or password")
    if person.locked_until is not None and person.locked_until > now:
        raise Unauthorized("account temporarily locked after repeated failed sign-ins; try again later")
    if not password_matches(person, password):
        person.failed_logins += 1
        if person.failed_logins >= MAX_FAILED_LOGINS:
            person.locked_until = now + LOCKOUT
            person.failed_logins = 0
        raise Unauthorized("wrong username or password")
    person.failed_logins = 0
    person.locked_until = None
    return person
