"""The working-day calendar's overrides: list, add, remove (administrators only, every change audited).

Registering this blueprint also points the expression helpers at the app's database
(`engine.calendar.use_database`), so timers and due dates computed in the web process see overrides.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from engine import calendar
from engine.errors import InvalidInput
from engine.models import CalendarOverride
from engine.runtime.queries import iso
from webui.api import api, authenticated, db, field, json_body, viewer_in
from webui.api.openapi import add_paths, json_body_schema, op


def override_json(row: CalendarOverride) -> dict[str, Any]:
    return {"day": row.day.isoformat(), "day_vn": calendar.format_day(row.day),
            "weekday": calendar.WEEKDAYS_VI[row.day.weekday()], "kind": row.kind, "note": row.note,
            "created_by": row.created_by.username if row.created_by else None, "created_at": iso(row.created_at)}


def _year_arg() -> int | None:
    text = request.args.get("year")
    if text is None or text == "":
        return None
    if not text.isdigit() or not 1990 <= int(text) <= 2099:
        raise InvalidInput(f"year: {text!r} is not a year between 1990 and 2099", field="year")
    return int(text)


@api.get("/calendar/overrides")
@authenticated
def list_calendar_overrides() -> Any:
    year = _year_arg()
    with db().transaction() as session:
        viewer = viewer_in(session)
        calendar.require_admin(session, viewer.person)
        return jsonify([override_json(row) for row in calendar.list_overrides(session, year)])


@api.post("/calendar/overrides")
@authenticated
def add_calendar_override() -> Any:
    body = json_body()
    day = calendar.parse_day(field(body, "day"), "day")
    kind = field(body, "kind")
    note = field(body, "note", required=False) or ""
    if kind not in ("off", "work"):
        raise InvalidInput("kind must be 'off' (extra day off) or 'work' (working day)", field="kind")
    with db().transaction() as session:
        viewer = viewer_in(session)
        calendar.require_admin(session, viewer.person)
        row = calendar.add_override(session, day, kind, note, viewer.person)
        result = override_json(row)
    calendar.changed(db())
    return jsonify(result), 201


@api.delete("/calendar/overrides/<key>")
@authenticated
def remove_calendar_override(key: str) -> Any:
    day = calendar.parse_day(key, "day")
    with db().transaction() as session:
        viewer = viewer_in(session)
        calendar.require_admin(session, viewer.person)
        row = calendar.remove_override(session, day, viewer.person)
        result = {"day": row.day.isoformat(), "kind": row.kind, "removed": True}
    calendar.changed(db())
    return jsonify(result)


_OVERRIDE_ERRORS = (400, 401, 403, 404, 409, 422)
add_paths({
    "/calendar/overrides": {
        "get": op("Working-day overrides, optionally of one year (administrators)", query=["year"],
                  errors=(401, 403, 422)),
        "post": op("Add a working-day override: kind 'off' (extra day off) or 'work' (e.g. a swapped "
                   "working Saturday); day as YYYY-MM-DD or dd/mm/yyyy (administrators)", ok="201",
                   errors=_OVERRIDE_ERRORS,
                   body=json_body_schema({"day": {"type": "string"},
                                          "kind": {"type": "string", "enum": ["off", "work"]},
                                          "note": {"type": "string"}}, ["day", "kind"])),
    },
    "/calendar/overrides/{key}": {
        "delete": op("Remove the override of a day; key is the day, YYYY-MM-DD (administrators)",
                     params=["key"], errors=(401, 403, 404, 422)),
    },
})
