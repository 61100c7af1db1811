"""Reading and writing calendar days the way users type them: 2024-05-04 or 04/05/2024."""

from __future__ import annotations

import re
from datetime import date

from engine.calendar.public_holidays import FIRST_YEAR, LAST_YEAR
from engine.errors import InvalidInput

_VN_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def read_day(text: object, field: str = "day") -> date:
    """An ISO date (YYYY-MM-DD) or a Vietnamese one (dd/mm/yyyy), any year; InvalidInput naming `field`."""
    value = str(text).strip()
    match = _VN_DAY.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        year, month, day = (int(part) for part in value.split("-"))
    else:
        raise InvalidInput(f"{field}: {value!r} is not a date; write YYYY-MM-DD or dd/mm/yyyy", field=field)
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(f"{field}: {value!r} is not a real date", field=field) from None


def parse_day(text: str, field: str = "day") -> date:
    """`read_day` within the years the calendar covers."""
    result = read_day(text, field)
    if not FIRST_YEAR <= result.year <= LAST_YEAR:
        raise InvalidInput(f"{field}: the calendar covers {FIRST_YEAR}–{LAST_YEAR}", field=field)
    return result


def format_day(day: date) -> str:
    return day.strftime("%d/%m/%Y")
