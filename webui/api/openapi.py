"""GET /openapi.json: the API described in OpenAPI 3.1 (a test checks every route is listed)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from webui.api import api

ERROR = {"$ref": "#/components/schemas/Error"}


def op(summary: str, *, body: dict[str, Any] | None = None, ok: str = "200", params: list[str] = (),
        query: list[str] = (), public: bool = False, errors: tuple[int, ...] = (400, 401, 403, 404)) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {ok: {"description": "OK"}}}
    for code in errors:
        op["responses"][str(code)] = {"description": "error", "content": {"application/json": {"schema": ERROR}}}
    parameters = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in params]
    parameters += [{"name": q, "in": "query", "required": False, "schema": {"type": "string"}} for q in query]
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = {"required": True, "content": body}
    if public:
        op["security"] = []
    return op


def json_body_schema(properties: dict[str, Any], required: list[str] = ()) -> dict[str, Any]:
    return {"application/json": {"schema": {"type": "object", "properties": properties, "required": list(required)}}}


S, INT, OBJ = {"type": "string"}, {"type": "integer"}, {"type": "object"}
USER = json_body_schema({"username": S}, ["username"])
REASON = json_body_schema({"reason": S})

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "TĐKT Flow API", "version": "1",
             "description": "Thi đua, khen thưởng workflows: definitions, cases, tasks."},
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {"Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
            "code": S, "message": S, "field": S, "line": INT, "file": S}, "required": ["code", "message"]}}}},
    },
    "security": [{"bearer": []}],
    "paths": {
        "/auth/token": {"post": op("Exchange username and password for a bearer token", ok="201", public=True,
                                    body=json_body_schema({"username": S, "password": S}, ["username", "password"]))},
        "/definitions": {
            "get": op("List deployed definitions (latest version of each key)"),
            "post": op("Deploy BPMN/DMN (application/xml body, or multipart field 'file')", ok="201",
                        query=["filename"], errors=(400, 401, 403, 413, 422),
                        body={"application/xml": {"schema": S},
                              "multipart/form-data": {"schema": {"type": "object", "properties": {
                                  "file": {"type": "string", "format": "binary"}}}}}),
        },
        "/definitions/{key}": {"get": op("A definition with its versions", params=["key"])},
        "/definitions/{key}/versions/{version}/source": {
            "get": op("Download the source file of one version", params=["key", "version"])},
        "/instances": {
            "get": op("List cases visible to me", query=["status", "unit", "definition", "plan", "limit", "offset"]),
            "post": op("Start a case", ok="201", errors=(400, 401, 403, 404, 409, 422), body=json_body_schema(
                {"definition": S, "unit": S, "business_key": S, "title": S, "plan": INT, "version": INT, "data": OBJ},
                ["definition", "unit"])),
        },
        "/instances/{id}": {"get": op("A case with current tasks and history", params=["id"])},
        **{f"/instances/{{id}}/{verb}": {"post": op(f"{verb.capitalize()} a case (managers)", params=["id"],
                                                     errors=(400, 401, 403, 404, 409),
                                                     body=REASON if verb in ("suspend", "terminate") else None)}
           for verb in ("suspend", "resume", "terminate")},
        "/instances/{id}/retry": {"post": op("Retry the failed step of a case in incident (managers)",
                                              params=["id"], errors=(400, 401, 403, 404, 409, 422),
                                              body=json_body_schema({"data": OBJ}))},
        "/tasks": {"get": op("List tasks", query=["scope", "status", "limit", "offset"])},
        "/tasks/{id}": {"get": op("A task with its form schema, instructions and the values the process "
                                  "pre-fills (prefill)", params=["id"])},
        "/tasks/{id}/claim": {"post": op("Claim a task of my role", params=["id"], errors=(401, 403, 404, 409))},
        "/tasks/{id}/unclaim": {"post": op("Give a task back to its role", params=["id"],
                                            errors=(401, 403, 404, 409))},
        "/tasks/{id}/delegate": {"post": op("Hand my task to a colleague of its unit", params=["id"], body=USER,
                                             errors=(400, 401, 403, 404, 409, 422))},
        "/tasks/{id}/reassign": {"post": op("Reassign a task (managers)", params=["id"], body=USER,
                                             errors=(400, 401, 403, 404, 409, 422))},
        "/tasks/{id}/complete": {"post": op("Complete a task with form data", params=["id"],
                                            errors=(400, 401, 403, 404, 409, 422),
                                            body=json_body_schema({"data": OBJ}))},
        "/openapi.json": {"get": op("This document", public=True, errors=())},
    },
}


def add_paths(paths: dict[str, Any]) -> None:
    """Other API modules describe their routes here (a test checks every route is described)."""
    for path, operations in paths.items():
        SPEC["paths"].setdefault(path, {}).update(operations)


@api.get("/openapi.json")
def openapi() -> object:
    return jsonify(SPEC)
