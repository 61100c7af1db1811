"""Record ids read from the address or a form: the database's keys are 32-bit integers (PostgreSQL
`integer`), so a longer number names no record. Reading one as "not found" (404 in a URL, "none chosen"
in a field) keeps it from reaching the database, where it would overflow into a 500."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number above MAX_ID matches no route (404)."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def id_or_none(text: str | None) -> int | None:
    """`text` as a record id, or None when it is not a whole number that could be one."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and int(text) <= MAX_ID else None
