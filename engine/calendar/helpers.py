"""Working-day helpers for every BPMN script, condition, timer and due-date expression.

They take and return ISO 8601 strings, because timer expressions must yield strings:
- an instant with an offset ("2025-01-20T08:00:00+07:00", "…Z") comes back as an instant in
  Asia/Ho_Chi_Minh ("+07:00") at the same local time of day, ready for a timeDate timer;
- a date ("2025-01-20") comes back as a date: calendar-day arithmetic for scripts. Do not hand a
  bare date to a timer (SpiffWorkflow reads it as midnight in the server's zone);
- an instant without an offset is refused: it means different instants on different servers.
Days are Asia/Ho_Chi_Minh calendar days; the calendar is `engine.calendar.current()`.

  working_days_after(iso, n)   the n-th working day after iso's day (n < 0: before); iso's own day is
                               never counted, so 1 working day after a Friday or a Saturday is Monday
  working_days_before(iso, n)  the same, n working days earlier (e.g. a reminder 3 days before a due)
  add_days(iso, n)             n calendar days later (n < 0: earlier)
  next_working_day(iso)        the first working day strictly after iso's day
  roll_forward(iso)            iso if its day is worked, else the next working day (00:00 counts as
                               the end of the day before: see BusinessCalendar.roll_forward)
  is_working_day(iso)          True when iso's day is a working day
"""

from __future__ import annotations

import re
from datetime import date, datetime

from engine.calendar.store import current
from engine.scripting import register_helper

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _read(value: object, helper: str) -> date | datetime:
    if isinstance(value, datetime | date):
        parsed: date | datetime = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            parsed = date.fromisoformat(text) if _DATE_ONLY.match(text) else datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{helper}: {value!r} is not an ISO 8601 date or instant") from None
    else:
        raise TypeError(f"{helper}: expected an ISO 8601 string, not {type(value).__name__}")
    if isinstance(parsed, datetime) and parsed.utcoffset() is None:
        raise ValueError(f"{helper}: {value!r} has no UTC offset; write e.g. 2025-01-20T08:00:00+07:00")
    return parsed


def _count(n: object, helper: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{helper}: the number of days must be a whole number, not {n!r}")
    return n


@register_helper()
def working_days_after(iso: str, n: int) -> str:
    when = _read(iso, "working_days_after")
    return current().add_working_days(when, _count(n, "working_days_after")).isoformat()


@register_helper()
def working_days_before(iso: str, n: int) -> str:
    when = _read(iso, "working_days_before")
    return current().add_working_days(when, -_count(n, "working_days_before")).isoformat()


@register_helper()
def add_days(iso: str, n: int) -> str:
    return current().add_days(_read(iso, "add_days"), _count(n, "add_days")).isoformat()


@register_helper()
def next_working_day(iso: str) -> str:
    return current().next_working_day(_read(iso, "next_working_day")).isoformat()


@register_helper()
def roll_forward(iso: str) -> str:
    return current().roll_forward(_read(iso, "roll_forward")).isoformat()


@register_helper()
def is_working_day(iso: str) -> bool:
    return current().is_working_day(_read(iso, "is_working_day"))
