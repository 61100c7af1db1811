"""Attachments: files uploaded to a case, kept outside the database.

`store_attachment` streams an upload to `<root>/<case id>/<random name>`, stopping as soon as it
passes the size limit, checks the extension against the field's list *and* the first bytes
against what that kind of file starts with, and only then records an `Attachment` row. A refused
upload leaves nothing behind, on disk or in the database. Names with a path in them (`../x.pdf`,
`/etc/x.pdf`, backslashes, NUL) are refused; other names are sanitised and only ever shown.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.config import Settings
from engine.errors import InvalidInput
from engine.models import Attachment, HumanTask, Instance

CHUNK = 64 * 1024
MAX_NAME = 200
SNIFF_BYTES = 8
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


class AttachmentRefused(InvalidInput):
    """An upload that was not stored; `reason` is one of: name, type, too_large, empty."""

    def __init__(self, message: str, *, field: str, reason: str) -> None:
        super().__init__(message, field=field)
        self.reason = reason


def attachments_root(settings: Settings) -> Path:
    return settings.instance_dir / "attachments"


def _office(member_prefix: str) -> Callable[[Path], bool]:
    def check(path: Path) -> bool:
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return False
        return "[Content_Types].xml" in names and any(n.startswith(member_prefix) for n in names)
    return check


def _starts(magic: bytes) -> Callable[[Path], bool]:
    def check(path: Path) -> bool:
        with path.open("rb") as handle:
            return handle.read(len(magic)) == magic
    return check


SNIFFERS: dict[str, Callable[[Path], bool]] = {
    ".pdf": _starts(b"%PDF-"),
    ".docx": lambda p: _starts(b"PK\x03\x04")(p) and _office("word/")(p),
    ".xlsx": lambda p: _starts(b"PK\x03\x04")(p) and _office("xl/")(p),
    ".jpg": _starts(b"\xff\xd8\xff"),
    ".jpeg": _starts(b"\xff\xd8\xff"),
    ".png": _starts(b"\x89PNG\r\n\x1a\n"),
}


def clean_name(filename: str, field: str) -> str:
    """The name to show: refused if it carries a path, else stripped of control and quote characters."""
    if not filename or "\x00" in filename or "\\" in filename or "/" in filename or filename.startswith("~") \
            or os.path.isabs(filename) or filename in (".", ".."):
        raise AttachmentRefused(f"field {field}: file name {filename!r} is not a plain file name", field=field,
                                reason="name")
    name = unicodedata.normalize("NFC", filename)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"<>:|?*;')
    name = " ".join(name.split()).lstrip(". ")
    stem, ext = os.path.splitext(name)
    if not stem:
        raise AttachmentRefused(f"field {field}: file name {filename!r} is empty", field=field, reason="name")
    return stem[:MAX_NAME] + ext.lower()[:16]


def _copy_limited(stream: BinaryIO, target: Path, max_bytes: int, field: str) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with target.open("xb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise AttachmentRefused(f"field {field}: file larger than {max_bytes} bytes", field=field,
                                        reason="too_large")
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise AttachmentRefused(f"field {field}: the file is empty", field=field, reason="empty")
    return size, digest.hexdigest()


def store_attachment(session: Session, instance: Instance, task: HumanTask | None, filename: str,
                     stream: BinaryIO, max_bytes: int, allowed_exts: Iterable[str], *, field: str, root: Path,
                     uploaded_by_id: int | None) -> Attachment:
    """Check and store one upload of `field`; raise AttachmentRefused (an InvalidInput) with nothing kept."""
    name = clean_name(filename, field)
    ext = os.path.splitext(name)[1]
    allowed = {e.lower() for e in allowed_exts}
    if ext not in allowed or ext not in SNIFFERS:
        raise AttachmentRefused(f"field {field}: files of type {ext or '(none)'} are not accepted", field=field,
                                reason="type")
    folder = root / str(instance.id)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    target = folder / stored_name
    try:
        size, sha256 = _copy_limited(stream, target, max_bytes, field)
        if not SNIFFERS[ext](target):
            raise AttachmentRefused(f"field {field}: the content is not a {ext} file", field=field, reason="type")
        attachment = Attachment(instance_id=instance.id, task_id=task.id if task else None, original_name=name,
                                stored_name=stored_name, content_type=CONTENT_TYPES[ext], size=size,
                                sha256=sha256, uploaded_by_id=uploaded_by_id, uploaded_at=clock.now())
        session.add(attachment)
        session.flush()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return attachment


def attachment_path(root: Path, attachment: Attachment) -> Path:
    return root / str(attachment.instance_id) / attachment.stored_name


def case_attachments(session: Session, instance_id: int) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(Attachment.instance_id == instance_id)
                                .order_by(Attachment.id)))


def case_attachment(session: Session, instance_id: int, attachment_id: int) -> Attachment | None:
    return session.scalar(select(Attachment).where(Attachment.id == attachment_id,
                                                   Attachment.instance_id == instance_id))


__all__ = ["AttachmentRefused", "attachment_path", "attachments_root", "case_attachment", "case_attachments",
           "clean_name", "store_attachment"]
