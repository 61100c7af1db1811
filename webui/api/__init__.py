"""REST API /api/v1: JSON in and out, bearer tokens, errors as {"error": {...}} with the right 4xx."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from engine.accounts import person_for_token
from engine.authz import Viewer, load_viewer
from engine.db import Database
from engine.definitions.problems import DefinitionError
from engine.errors import BadRequest, EngineError, Unauthorized

api = Blueprint("api", __name__, url_prefix="/api/v1")
log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


def db() -> Database:
    return current_app.extensions["tdkt_db"]


def error_response(status: int, code: str, message: str, **extra: Any) -> Any:
    body = {"code": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}
    return jsonify({"error": body}), status


@api.errorhandler(EngineError)
def _engine_error(exc: EngineError) -> Any:
    response = jsonify({"error": exc.as_dict()})
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="tdkt"'
    return response, exc.status


@api.errorhandler(DefinitionError)
def _definition_error(exc: DefinitionError) -> Any:
    first = exc.problems[0] if exc.problems else None
    problems = [{"file": p.file, "line": p.line, "element": p.element_id, "message": p.message,
                 "text": str(p)} for p in exc.problems]
    return error_response(422, "invalid_definition", str(first) if first else "invalid definition",
                          file=first.file if first else None, line=first.line if first else None,
                          problems=problems)


@api.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Any:
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(exc.code or 400, code, exc.description or exc.name)


@api.errorhandler(Exception)
def _unexpected(exc: Exception) -> Any:
    log.exception("unexpected error in API")
    return error_response(500, "internal_error", "internal error; it has been logged")


def json_body(required: bool = True) -> dict[str, Any]:
    """The request's JSON object, or a 400 saying what is wrong with it."""
    if not request.data and not required:
        return {}
    body = request.get_json(silent=True, force=True)
    if body is None:
        if not required and not request.data.strip():
            return {}
        raise BadRequest("request body must be a JSON object")
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object")
    return body


def field(body: dict[str, Any], name: str, kind: type | tuple[type, ...] = str, required: bool = True) -> Any:
    value = body.get(name)
    if value is None:
        if required:
            raise BadRequest(f"missing field {name!r}", field=name)
        return None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise BadRequest(f"field {name!r} must be a {expected}", field=name)
    return value


def authenticated(view: F) -> F:
    """Require a valid bearer token; sets g.person_id."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
        with db().transaction() as session:
            g.person_id = person_for_token(session, token.strip()).id
        return view(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


def viewer_in(session: Any) -> Viewer:
    from engine.models import Person

    return load_viewer(session, session.get(Person, g.person_id))


def _load_route_modules() -> None:
    """Import every module of this package: each registers its routes (and OpenAPI paths) on import."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_load_route_modules()
