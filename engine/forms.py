"""Task forms: JSON Schema documents named by `formKey`, versioned, and validation of submitted data."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import InvalidInput
from engine.models import FormDefinition

MAX_FORM_BYTES = 512 * 1024
MAX_COMPILED_FORMS = 1024


def parse_form_text(key: str, text: str, file_name: str | None = None) -> dict[str, Any]:
    """Parse and check a form's JSON Schema text; raise InvalidInput naming the file and line."""
    where = file_name or f"form {key}"
    if len(text.encode("utf-8")) > MAX_FORM_BYTES:
        raise InvalidInput(f"{where}: form larger than {MAX_FORM_BYTES} bytes", file=file_name)
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{where}:{exc.lineno}: invalid JSON: {exc.msg}", file=file_name,
                           line=exc.lineno) from None
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise InvalidInput(f"{where}: a form schema must be a JSON object with \"type\": \"object\"",
                           file=file_name)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        path = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise InvalidInput(f"{where}: invalid JSON Schema at {path}: {exc.message}", file=file_name,
                           field=path) from None
    return schema


def deploy_form(session: Session, key: str, text: str, file_name: str | None = None) -> tuple[FormDefinition, bool]:
    """Store a form; identical content keeps its version, changed content makes the next one.

    Returns (form, created)."""
    schema = parse_form_text(key, text, file_name)
    digest = _digest(schema)
    latest = latest_form(session, key)
    if latest is not None and latest.content_hash == digest:
        return latest, False
    form = FormDefinition(key=key, version=(latest.version + 1) if latest else 1,
                          title=str(schema.get("title") or key), schema=schema, content_hash=digest,
                          deployed_at=clock.now(), source_text=text)
    session.add(form)
    session.flush()
    return form, True


def deploy_form_file(session: Session, path: Path) -> tuple[FormDefinition, bool]:
    if path.stat().st_size > MAX_FORM_BYTES:
        raise InvalidInput(f"{path.name}: form larger than {MAX_FORM_BYTES} bytes", file=path.name)
    text = path.read_text(encoding="utf-8")
    # a file already loaded once (an older version has its content) leaves a newer version edited in the
    # studio in place: `tdkt init` does not revert the designers' edits
    digest = _digest(parse_form_text(path.stem, text, path.name))
    latest = latest_form(session, path.stem)
    if latest is not None and latest.content_hash != digest and session.scalar(
            select(FormDefinition.id).where(FormDefinition.key == path.stem, FormDefinition.content_hash == digest)
            .limit(1)) is not None:
        return latest, False
    return deploy_form(session, path.stem, text, path.name)


def _digest(schema: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(schema, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def latest_form(session: Session, key: str) -> FormDefinition | None:
    return session.scalar(
        select(FormDefinition).where(FormDefinition.key == key).order_by(FormDefinition.version.desc()).limit(1)
    )


def known_form_keys(session: Session) -> set[str]:
    return set(session.scalars(select(FormDefinition.key).group_by(FormDefinition.key)))



@dataclass(frozen=True)
class CompiledForm:
    """A deployed form version with its validator built once (building one costs more than using it)."""

    key: str
    version: int
    schema: dict[str, Any]
    validator: Draft202012Validator


_compiled: dict[tuple[str, str], CompiledForm] = {}  # by (key, content hash): content-addressed, never stale
_compiled_lock = threading.Lock()


def compiled_form(session: Session, key: str, content_hash: str) -> CompiledForm | None:
    """The form version of `key` with this content hash (as named by the caller's query), cached."""
    form = _compiled.get((key, content_hash))
    if form is not None:
        return form
    row = session.execute(select(FormDefinition.version, FormDefinition.schema).where(
        FormDefinition.key == key, FormDefinition.content_hash == content_hash)
        .order_by(FormDefinition.version.desc()).limit(1)).first()
    if row is None:
        return None
    form = CompiledForm(key, row.version, row.schema, Draft202012Validator(row.schema, format_checker=FormatChecker()))
    with _compiled_lock:
        if len(_compiled) >= MAX_COMPILED_FORMS:
            _compiled.clear()
        _compiled[key, content_hash] = form
    return form


def validate_form_data(schema: dict[str, Any] | None, data: Any,
                       validator: Draft202012Validator | None = None) -> dict[str, Any]:
    """Return `data` if it satisfies the form; raise InvalidInput naming each offending field.

    A task without a form takes no data: its completion is an acknowledgement only. `validator`,
    when given, must have been built from `schema` (see `compiled_form`)."""
    if not isinstance(data, dict):
        raise InvalidInput("form data must be a JSON object", field="data")
    bad_keys = [k for k in data if not isinstance(k, str) or not k.isidentifier() or k.startswith("_")]
    if bad_keys:
        raise InvalidInput(f"invalid field name {bad_keys[0]!r}", field=str(bad_keys[0]))
    if schema is None:
        if data:
            raise InvalidInput("this task has no form, so it takes no data", field=next(iter(data)))
        return data
    if validator is None:
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        details = [{"field": _field_of(e), "message": e.message} for e in errors]
        first = details[0]
        raise InvalidInput(f"field {first['field']}: {first['message']}", field=str(first["field"]),
                           details=details)
    return data


def _field_of(error: Any) -> str:
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    return "/".join(str(p) for p in path) or "(form)"
