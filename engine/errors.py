"""Errors an engine caller can show to a user: each has a code, an HTTP-like status and a message.

Expected outcomes of bad input (unknown id, not allowed, conflict, invalid data) are raised as these;
anything else is a bug.
"""

from __future__ import annotations


class EngineError(Exception):
    code = "bad_request"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, line: int | None = None,
                 file: str | None = None, details: list[dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.line = line
        self.file = file
        self.details = details

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"code": self.code, "message": self.message}
        for name in ("field", "line", "file", "details"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


class BadRequest(EngineError):
    code, status = "bad_request", 400


class Unauthorized(EngineError):
    code, status = "unauthorized", 401


class Forbidden(EngineError):
    code, status = "forbidden", 403


class NotFound(EngineError):
    code, status = "not_found", 404


class Conflict(EngineError):
    code, status = "conflict", 409


class PayloadTooLarge(EngineError):
    code, status = "payload_too_large", 413


class InvalidInput(EngineError):
    code, status = "invalid", 422
