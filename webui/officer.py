"""The officers' collaboration pages added to issue 5: hand back with a reason, comments and documents on the
case page, the notifications page (one list, so the application factory needs one line for them)."""

from __future__ import annotations

from flask import Blueprint


def officer_blueprints() -> list[Blueprint]:
    from webui import case_comments, case_uploads, handback, notifications_page

    return [handback.bp, case_comments.bp, case_uploads.bp, notifications_page.bp]
