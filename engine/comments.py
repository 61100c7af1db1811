"""Comments on a case: anyone who may see the case may add one; none is ever edited or deleted.

Each comment is a `case_comment` row (append-only by database triggers) and a `case.commented` audit
event carrying the text, so the case's history shows it in place, with its author and time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.authz import load_viewer, visible_instance
from engine.db import Database
from engine.errors import InvalidInput, NotFound
from engine.models import CaseComment, Person
from engine.runtime.context import audit

MAX_COMMENT = 2000


@dataclass(frozen=True)
class CommentView:
    id: int
    instance_id: int
    author_id: int
    author_name: str
    author_username: str
    body: str
    created_at: datetime

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "instance_id": self.instance_id, "author": self.author_username,
                "author_name": self.author_name, "body": self.body, "created_at": self.created_at.isoformat()}


def clean_comment(body: object) -> str:
    if body is not None and not isinstance(body, str):
        raise InvalidInput("body must be text", field="body")
    text = (body or "").strip().replace("\r\n", "\n")
    if not text:
        raise InvalidInput("a comment cannot be empty", field="body")
    if len(text) > MAX_COMMENT:
        raise InvalidInput(f"a comment is at most {MAX_COMMENT} characters (this one has {len(text)})",
                           field="body")
    return text


def add_comment(db: Database, actor_id: int, instance_id: int, body: object) -> CommentView:
    text = clean_comment(body)
    with db.transaction() as session:
        person = session.get(Person, actor_id)
        if person is None or not person.active:
            raise NotFound("unknown user")
        visible_instance(session, load_viewer(session, person), instance_id)
        comment = CaseComment(instance_id=instance_id, author_id=actor_id, body=text, created_at=clock.now())
        session.add(comment)
        session.flush()
        audit(session, "case.commented", actor=person, instance_id=instance_id, comment_id=comment.id, text=text)
        return CommentView(comment.id, instance_id, person.id, person.full_name, person.username, text,
                           comment.created_at)


def comments_of(session: Session, instance_id: int) -> list[CommentView]:
    """The case's comments, oldest first (the caller has checked the case is visible)."""
    rows = session.execute(select(CaseComment, Person.full_name, Person.username)
                           .join(Person, Person.id == CaseComment.author_id)
                           .where(CaseComment.instance_id == instance_id).order_by(CaseComment.id)).all()
    return [CommentView(c.id, c.instance_id, c.author_id, name, username, c.body, c.created_at)
            for c, name, username in rows]
