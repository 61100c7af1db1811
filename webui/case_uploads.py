"""Documents added on the case page itself (not through a task form): the same checks as a form's file
field (engine.attachments: size limit while streaming, extension and content sniffing, path-safe names,
nothing kept on refusal), for anyone who may see the case while it is open; audited on the case."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from engine.attachments import AttachmentRefused, store_attachment
from engine.authz import visible_instance
from engine.models import LIVE_STATUSES
from engine.runtime.context import audit
from webui.auth import login_required, viewer_transaction
from webui.formschema import DEFAULT_ACCEPT, DEFAULT_MAX_BYTES, FormField
from webui.uploads import attachments_dir, refusal_text

bp = Blueprint("case_uploads", __name__)
FIELD = "document"
DOCUMENT_FIELD = FormField(name=FIELD, label=FIELD, kind="attachment",
                           attrs={"accept": list(DEFAULT_ACCEPT), "max_bytes": DEFAULT_MAX_BYTES})


def _back(instance_id: int) -> Any:
    return redirect(url_for("cases.show", instance_id=instance_id) + "#h-documents")


@bp.post("/cases/<int:instance_id>/documents")
@login_required
def upload(instance_id: int) -> Any:
    upload = request.files.get(FIELD)
    with viewer_transaction() as (s, viewer):
        instance = visible_instance(s, viewer, instance_id)  # others get 404
        if instance.status not in LIVE_STATUSES:
            flash(_("This case is closed: documents can no longer be added."), "error")
            return _back(instance_id)
        if upload is None or not upload.filename:
            flash(_("Choose a file to add."), "error")
            return _back(instance_id)
        try:
            stored = store_attachment(s, instance, None, upload.filename, upload.stream, DEFAULT_MAX_BYTES,
                                      DEFAULT_ACCEPT, field=FIELD, root=attachments_dir(), uploaded_by_id=g.person_id)
        except AttachmentRefused as exc:
            flash(refusal_text(exc, DOCUMENT_FIELD), "error")
            return _back(instance_id)
        audit(s, "case.document_added", actor=viewer.person, instance_id=instance_id, attachment_id=stored.id,
              name=stored.original_name, size=stored.size)
    flash(_("The document “%(name)s” has been added to the case.", name=stored.original_name), "success")
    return _back(instance_id)
