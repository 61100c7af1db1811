"""Working days between past instants and "now", counted with the business calendar, fast enough for
a page of rows (or an export of thousands): one backwards walk from today, shared by every row.

A deadline at local midnight means the end of the day before ("trước ngày 11/11" = end of 10/11),
so days are counted from the last instant the deadline still included: a task due "trước ngày 11/11"
is 1 working day overdue on 11/11 (a working day), and 0 working days on a deadline day itself.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from engine.calendar import BusinessCalendar, local_date
from engine.calendar.public_holidays import FIRST_YEAR
from engine.clock import VN_TZ

JUST_BEFORE = timedelta(microseconds=1)
OLDEST = date(FIRST_YEAR, 1, 1)


class WorkingDays:
    """`since(instant)`: working days d with instant's day < d <= today (0 for today or later)."""

    def __init__(self, calendar: BusinessCalendar, now: datetime) -> None:
        self.calendar = calendar
        self.today = local_date(now)
        self._counts: list[int] = [0]  # _counts[k]: working days in (today - k, today]

    def _extend(self, k: int) -> None:
        counts = self._counts
        while len(counts) <= k:
            day = self.today - timedelta(days=len(counts) - 1)
            counts.append(counts[-1] + (1 if self.calendar.is_working_day(day) else 0))

    def since(self, instant: datetime | date) -> int:
        day = max(local_date(instant), OLDEST)
        k = (self.today - day).days
        if k <= 0:
            return 0
        self._extend(k)
        return self._counts[k]

    def past_deadline(self, due_at: datetime) -> int:
        """Working days since the deadline passed (its last included instant)."""
        return self.since(due_at - JUST_BEFORE)


def stuck_cutoff(calendar: BusinessCalendar, now: datetime, working_days: int) -> datetime:
    """The instant before which a case's last progress counts as `working_days` or more working days ago.

    With W1 > W2 > … the working days up to today, `WorkingDays.since(a) >= n` exactly when a's day is
    before Wn, i.e. when a < the start of Wn (local midnight).
    """
    if working_days <= 0:
        return now
    today = local_date(now)
    latest = today if calendar.is_working_day(today) else calendar.add_working_days(today, -1)
    nth = calendar.add_working_days(latest, -(working_days - 1)) if working_days > 1 else latest
    return datetime.combine(nth, time.min, tzinfo=VN_TZ)
