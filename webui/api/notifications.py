"""In-app notifications of the signed-in person: list, unread count, mark one or all read."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request

from engine.notifications import inbox
from webui.api import api, authenticated, db
from webui.api.instances import int_arg
from webui.api.openapi import add_paths, op


@api.get("/notifications")
@authenticated
def notification_index() -> Any:
    unread_only = request.args.get("unread", "").lower() in ("1", "true", "yes")
    with db().transaction() as session:
        rows = inbox.list_notifications(session, g.person_id, unread_only=unread_only,
                                        limit=int_arg("limit", 50) or 50, offset=int_arg("offset", 0) or 0)
        return jsonify([inbox.as_json(row) for row in rows])


@api.get("/notifications/unread-count")
@authenticated
def notification_unread_count() -> Any:
    with db().transaction() as session:
        return jsonify({"unread": inbox.unread_count(session, g.person_id)})


@api.post("/notifications/<int:notification_id>/read")
@authenticated
def notification_read(notification_id: int) -> Any:
    with db().transaction() as session:
        return jsonify(inbox.as_json(inbox.mark_read(session, g.person_id, notification_id)))


@api.post("/notifications/read-all")
@authenticated
def notification_read_all() -> Any:
    with db().transaction() as session:
        return jsonify({"marked": inbox.mark_all_read(session, g.person_id), "unread": 0})


add_paths({
    "/notifications": {"get": op("My notifications, newest first (unread=1: unread only)",
                                 query=["unread", "limit", "offset"], errors=(400, 401))},
    "/notifications/unread-count": {"get": op("How many of my notifications are unread", errors=(401,))},
    "/notifications/{id}/read": {"post": op("Mark one of my notifications read", params=["id"],
                                            errors=(401, 404))},
    "/notifications/read-all": {"post": op("Mark all my notifications read", errors=(401,))},
})
