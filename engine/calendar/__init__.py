"""The business calendar: Vietnamese working days, administrator overrides, expression helpers.

Importing this package registers the working-day helpers (`working_days_after`, …; see helpers.py)
for every script and expression. The helpers use the calendar of the Database given to
`use_database` (once per process, by the web app, the CLI and workers), else holidays only.
"""

from engine.calendar import helpers as _helpers  # noqa: F401  (registers the expression helpers)
from engine.calendar.business import WEEKDAYS_VI, BusinessCalendar, DayStatus, Override, local_date
from engine.calendar.dates import format_day, parse_day
from engine.calendar.public_holidays import OutOfRange, year_holidays
from engine.calendar.store import (
    add_override,
    calendar_for,
    changed,
    current,
    is_admin,
    list_overrides,
    load_calendar,
    remove_override,
    require_admin,
    use_database,
)

__all__ = [
    "WEEKDAYS_VI", "BusinessCalendar", "DayStatus", "OutOfRange", "Override", "add_override", "calendar_for",
    "changed", "current", "format_day", "is_admin", "list_overrides", "load_calendar", "local_date",
    "parse_day", "remove_override", "require_admin", "use_database", "year_holidays",
]
