"""POST /auth/token: exchange a username and password for a bearer token."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from engine.accounts import authenticate, issue_token
from engine.errors import Unauthorized
from webui.api import api, db, field, json_body


@api.post("/auth/token")
def create_token() -> Any:
    body = json_body()
    username, password = field(body, "username"), field(body, "password")
    with db().transaction() as session:
        try:
            person = authenticate(session, username, password)
        except Unauthorized as exc:
            failure = exc
        else:
            return jsonify({"token": issue_token(session, person), "username": person.username}), 201
    raise failure  # raised after commit, so failed-attempt counters are kept
