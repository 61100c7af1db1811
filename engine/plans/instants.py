"""Plan instants: day, month and quarter boundaries in Asia/Ho_Chi_Minh, and how users read and type them.

The one convention for every deadline: **a due instant is an exclusive end at local midnight**.
"Trước ngày 11/11/2023" is due at 2023-11-11T00:00+07:00 (the start of 11/11), and so are
"Ngày 10/11/2023", "chậm nhất ngày 10/11/2023" and "hết ngày 10/11/2023" (the end of 10/11 *is* the
start of 11/11). A window is the half-open interval [start, due). Shown to people, a due instant at
local midnight reads as the last day still included ("10/11/2023"); typed by people, a bare date
given as a due means "through the end of that day", and as a start "from the start of that day".
(The business calendar reads 00:00 the same way: see engine.calendar.business.roll_forward.)
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from engine.clock import VN_TZ
from engine.errors import InvalidInput

ONE_DAY = timedelta(days=1)
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIRST_YEAR, LAST_YEAR = 1900, 2200


def day_start(day: date) -> datetime:
    """Local midnight at the start of `day`, as an aware instant in Asia/Ho_Chi_Minh."""
    return datetime.combine(day, time(0), tzinfo=VN_TZ)


def day_end(day: date) -> datetime:
    """The end of `day`: local midnight at the start of the next day."""
    return day_start(day + ONE_DAY)


def month_start(year: int, month: int) -> datetime:
    return day_start(date(year, month, 1))


def month_end(year: int, month: int) -> datetime:
    return month_start(year + 1, 1) if month == 12 else month_start(year, month + 1)


def last_day_of_month(year: int, month: int) -> int:
    return (month_end(year, month) - ONE_DAY).day


def local(instant: datetime) -> datetime:
    return instant.astimezone(VN_TZ)


def iso_local(instant: datetime | None) -> str | None:
    """ISO 8601 with the +07:00 offset (e.g. 2023-11-11T00:00:00+07:00)."""
    return local(instant).isoformat() if instant is not None else None


def _is_midnight(instant: datetime) -> bool:
    return local(instant).time() == time(0)


def start_text(instant: datetime | None) -> str | None:
    """dd/mm/yyyy of a window start (with HH:MM when it is not at local midnight)."""
    if instant is None:
        return None
    value = local(instant)
    return value.strftime("%d/%m/%Y") if _is_midnight(value) else value.strftime("%d/%m/%Y %H:%M")


def due_text(instant: datetime | None) -> str | None:
    """dd/mm/yyyy of the last day a due instant still includes (00:00 on 11/11 reads "10/11/…");
    an instant at another time of day is shown as it is, with HH:MM."""
    if instant is None:
        return None
    value = local(instant)
    if _is_midnight(value):
        return (value - ONE_DAY).strftime("%d/%m/%Y")
    return value.strftime("%d/%m/%Y %H:%M")


def last_day(due: datetime) -> date:
    """The last local calendar day a due instant still includes."""
    value = local(due)
    return (value - ONE_DAY).date() if _is_midnight(value) else value.date()


def parse_instant(value: object, field: str, *, end_of_day: bool) -> datetime:
    """An instant typed by a person or read from a file, as an aware datetime.

    Accepts an ISO date-time (without an offset it is local time in Asia/Ho_Chi_Minh), an ISO date
    (YYYY-MM-DD) or a Vietnamese date (dd/mm/yyyy). A bare date means the end of that day when
    `end_of_day` (a due) and its start otherwise (a window start). InvalidInput names `field`.
    """
    if isinstance(value, datetime):
        parsed = value if value.utcoffset() is not None else value.replace(tzinfo=VN_TZ)
        return _checked(parsed, field)
    if isinstance(value, date):
        return _checked(day_end(value) if end_of_day else day_start(value), field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{field}: expected a date, e.g. 2024-08-15, 15/08/2024 or 2024-08-15T17:00:00+07:00",
                           field=field)
    text = value.strip()
    match = _VN_DATE.match(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return parse_instant(date(year, month, day), field, end_of_day=end_of_day)
        if _ISO_DATE.match(text):
            return parse_instant(date.fromisoformat(text), field, end_of_day=end_of_day)
        return parse_instant(datetime.fromisoformat(text), field, end_of_day=end_of_day)
    except ValueError:
        raise InvalidInput(f"{field}: {text!r} is not a valid date; write e.g. 2024-08-15, 15/08/2024 "
                           f"or 2024-08-15T17:00:00+07:00", field=field) from None


def _checked(instant: datetime, field: str) -> datetime:
    if not FIRST_YEAR <= instant.astimezone(UTC).year <= LAST_YEAR:
        raise InvalidInput(f"{field}: year {instant.year} is out of range", field=field)
    return instant
