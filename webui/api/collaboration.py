"""Hand a task back with a reason; read and add comments on a case (append-only)."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify

from engine.authz import visible_instance
from engine.comments import add_comment, comments_of
from engine.runtime.handback import hand_back
from webui.api import api, authenticated, db, json_body, viewer_in
from webui.api.openapi import S, add_paths, json_body_schema, op
from webui.api.tasks import task_show


@api.post("/tasks/<int:task_id>/hand-back")
@authenticated
def task_hand_back(task_id: int) -> Any:
    hand_back(db(), g.person_id, task_id, json_body().get("reason"))
    return task_show(task_id)


@api.get("/instances/<int:instance_id>/comments")
@authenticated
def instance_comments(instance_id: int) -> Any:
    with db().transaction() as session:
        visible_instance(session, viewer_in(session), instance_id)
        return jsonify({"items": [c.as_json() for c in comments_of(session, instance_id)]})


@api.post("/instances/<int:instance_id>/comments")
@authenticated
def instance_comment_add(instance_id: int) -> Any:
    return jsonify(add_comment(db(), g.person_id, instance_id, json_body().get("body")).as_json()), 201


add_paths({
    "/tasks/{id}/hand-back": {"post": op(
        "Hand my task back with a reason: to who delegated it to me, else to its role's candidates (notified)",
        params=["id"], errors=(400, 401, 403, 404, 409, 422),
        body=json_body_schema({"reason": S}, ["reason"]))},
    "/instances/{id}/comments": {
        "get": op("The comments on a case, oldest first", params=["id"]),
        "post": op("Add a comment to a case (append-only; at most 2000 characters)", ok="201", params=["id"],
                   errors=(400, 401, 404, 422), body=json_body_schema({"body": S}, ["body"])),
    },
})
