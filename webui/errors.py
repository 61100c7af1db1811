"""Error pages of the web UI (the REST API answers its own errors in JSON).

Engine refusals become pages in the reader's language: not found (also what an outsider sees
for a case or task of another unit), not allowed, conflict, invalid input. A signed-out visitor
is sent to the sign-in page. htmx requests get the message in the page's flash area instead.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from engine.errors import EngineError
from webui.auth import is_htmx

log = logging.getLogger(__name__)


def error_text(exc: EngineError) -> str:
    """A sentence for the reader: what kind of refusal it is, in their language."""
    if exc.status == 409:
        return _("This could not be done because the task or case changed meanwhile (it may already be "
                 "taken or finished). Reload the page.")
    if exc.status == 403:
        return _("You are not allowed to do this.")
    if exc.status == 404:
        return _("Not found, or you may not see it.")
    if exc.field == "username":
        return _("This person does not work in the unit of the task.")
    return _("The request was not accepted: %(detail)s", detail=exc.message)


def _titles() -> dict[int, str]:
    return {400: _("Request refused"), 401: _("Please sign in"), 403: _("Not allowed"),
            404: _("Not found"), 405: _("Not allowed"), 409: _("Changed meanwhile"),
            413: _("Too large"), 422: _("Invalid input"), 500: _("Something went wrong")}


def error_page(status: int, message: str, title: str | None = None) -> Any:
    title = title or _titles().get(status, _("Request refused"))
    if is_htmx():
        headers = {"HX-Retarget": "#flash-area", "HX-Reswap": "innerHTML"}
        return render_template("partials/flash_error.html", message=message), status, headers
    return render_template("error.html", status=status, title=title, message=message), status


def _api(path: str) -> bool:
    return path.startswith("/api/")


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(EngineError)
    def engine_error(exc: EngineError) -> Any:
        if exc.status == 401:
            return redirect(url_for("auth.login"))
        if exc.status == 404:
            return error_page(404, _("This page does not exist, or it belongs to a unit you may not see."))
        return error_page(exc.status, error_text(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if _api(request.path):
            return exc
        status = exc.code or 400
        if status == 404:
            return error_page(404, _("This page does not exist, or it belongs to a unit you may not see."))
        if status == 413:
            limit = int(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
            return error_page(413, _("What you sent is too large: a form with its files may carry at most "
                                     "%(mb)s MB. Go back and attach a smaller file.", mb=max(limit, 1)))
        return error_page(status, _titles().get(status, exc.name))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        if _api(request.path):
            raise exc
        log.exception("unexpected error on %s", request.path)
        return error_page(500, _("An unexpected error happened; it has been logged. Try again later."))
