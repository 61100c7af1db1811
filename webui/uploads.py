"""Files sent with a task form: stored through `engine.attachments`, refusals explained per field.

A stored file's id becomes the field's form value, and the page keeps it in a hidden input, so a
form shown again (another field was wrong) does not ask for the file a second time.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, g, request
from flask_babel import gettext as _

from engine.attachments import AttachmentRefused, case_attachment, case_attachments, store_attachment
from engine.models import HumanTask
from webui.auth import db
from webui.formschema import FormField, FormValues

MB = 1024 * 1024


def attachments_dir() -> Path:
    return Path(current_app.config["ATTACHMENTS_DIR"])


def size_text(size: int) -> str:
    return f"{size / MB:.3g} MB" if size >= MB else f"{max(1, round(size / 1024))} KB"


def refusal_text(exc: AttachmentRefused, f: FormField) -> str:
    if exc.reason == "too_large":
        return _("The file is too large: at most %(size)s.", size=size_text(int(f.attrs["max_bytes"])))
    if exc.reason == "type":
        return _("This kind of file is not accepted here (the content must match the extension). "
                 "Accepted: %(types)s.", types=", ".join(f.attrs["accept"]))
    if exc.reason == "empty":
        return _("The file is empty.")
    return _("The file name is not acceptable (it must not contain a folder path); rename the file and try again.")


def attachment_keys(fields: list[FormField], values: FormValues) -> list[tuple[str, FormField]]:
    """(form key, field) of every attachment input on the form: top-level fields and the cells of
    attachment columns in each shown row of a table (`danh_sach.0.minh_chung`)."""
    keys = [(f.name, f) for f in fields if f.kind == "attachment"]
    for table in (f for f in fields if f.kind == "table"):
        for column in (c for c in table.columns if c.kind == "attachment"):
            keys += [(f"{table.name}.{i}.{column.name}", column) for i in range(values.rows.get(table.name, 0))]
    return keys


def has_attachments(fields: list[FormField]) -> bool:
    return any(f.kind == "attachment" or any(c.kind == "attachment" for c in f.columns) for f in fields)


def take_uploads(task: HumanTask, fields: list[FormField], values: FormValues) -> dict[str, list[str]]:
    """Store the files of the form's attachment inputs and put their ids into `values`; errors by form key."""
    errors: dict[str, list[str]] = {}
    wanted = attachment_keys(fields, values)
    if not wanted:
        return errors
    with db().transaction() as s:
        live = s.get(HumanTask, task.id)
        assert live is not None
        for key, f in wanted:
            upload = request.files.get(key)
            kept = str(values.get(key) or "")
            if upload is not None and upload.filename:
                try:
                    stored = store_attachment(s, live.instance, live, upload.filename, upload.stream,
                                              int(f.attrs["max_bytes"]), f.attrs["accept"], field=key,
                                              root=attachments_dir(), uploaded_by_id=g.person_id)
                except AttachmentRefused as exc:
                    errors[key] = [refusal_text(exc, f)]
                    values.values[key] = ""
                else:
                    values.values[key] = str(stored.id)
            elif kept and (not kept.isdigit() or case_attachment(s, live.instance_id, int(kept)) is None):
                values.values[key] = ""
    return errors


def attachment_names(instance_id: int) -> dict[str, str]:
    """{attachment id as text: shown name} of a case, for the form's "already attached" notes."""
    with db().transaction() as s:
        return {str(a.id): a.original_name for a in case_attachments(s, instance_id)}
