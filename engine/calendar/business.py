"""The business calendar: which days public offices work, and arithmetic in working days.

Pure: a `BusinessCalendar` is the `holidays` package's view (public_holidays.py) corrected by a
fixed set of overrides. Dates are Asia/Ho_Chi_Minh calendar days. Every method takes a `date` or an
aware `datetime`; a datetime is judged by its local date and keeps its local time of day, and comes
back in Asia/Ho_Chi_Minh (Vietnam has no daylight saving, so the time of day is always exact).

A day is a working day when an override says "work"; else not when an override says "off"; else
when it is a swapped working Saturday of the package; else when it is Monday–Friday and not a
public holiday (nor its nghỉ bù, nor a package swap day off).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import TypeVar

from engine.calendar.public_holidays import check_year, year_holidays
from engine.clock import VN_TZ

W = TypeVar("W", date, datetime)
WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Override:
    """An administrator's correction: `off` (an extra day off) or `work` (a working day)."""

    day: date
    kind: str
    note: str = ""


@dataclass(frozen=True)
class DayStatus:
    """Whether `day` is worked, and why: `source` is weekday, weekend, holiday, swap or override."""

    day: date
    working: bool
    source: str
    reason: str

    @property
    def weekday_vi(self) -> str:
        return WEEKDAYS_VI[self.day.weekday()]


def local_date(when: date | datetime) -> date:
    """The Asia/Ho_Chi_Minh calendar day of `when` (an aware datetime, or a date as given)."""
    if isinstance(when, datetime):
        if when.tzinfo is None or when.utcoffset() is None:
            raise ValueError(f"{when.isoformat()} has no UTC offset; give an aware instant")
        return when.astimezone(VN_TZ).date()
    return when


def _rebuilder(when: W) -> tuple[date, Callable[[date], W]]:
    """(the local day of `when`, a function giving the same kind of value on another day)."""
    day = local_date(when)
    if isinstance(when, datetime):
        local_time = when.astimezone(VN_TZ).timetz()
        return day, lambda other: datetime.combine(other, local_time)  # type: ignore[return-value]
    return day, lambda other: other  # type: ignore[return-value]


class BusinessCalendar:
    """The package's holidays corrected by `overrides` (later entries for the same day win)."""

    def __init__(self, overrides: Iterable[Override] = (), version: int = 0) -> None:
        by_day: dict[date, Override] = {}
        for each in overrides:
            if each.kind not in ("off", "work"):
                raise ValueError(f"override kind must be 'off' or 'work', not {each.kind!r}")
            by_day[each.day] = each
        self.overrides: Mapping[date, Override] = MappingProxyType(by_day)
        self.version = version

    def status(self, day: date | datetime) -> DayStatus:
        day = local_date(day)
        check_year(day.year)
        override = self.overrides.get(day)
        if override is not None:
            reason = override.note or ("Ngày làm việc (điều chỉnh)" if override.kind == "work"
                                       else "Ngày nghỉ (điều chỉnh)")
            return DayStatus(day, override.kind == "work", "override", reason)
        package = year_holidays(day.year)
        if day in package.swapped_workdays:
            return DayStatus(day, True, "swap", package.swapped_workdays[day])
        if day in package.days_off:
            return DayStatus(day, False, "holiday", package.days_off[day])
        if day.weekday() >= 5:
            return DayStatus(day, False, "weekend", WEEKDAYS_VI[day.weekday()])
        return DayStatus(day, True, "weekday", "")

    def is_working_day(self, when: date | datetime) -> bool:
        return self.status(when).working

    def _step(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n > 0) or before it (n < 0); `day` itself for 0."""
        direction = ONE_DAY if n > 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += direction
            if self.is_working_day(day):
                remaining -= 1
        return day

    def add_working_days(self, when: W, n: int) -> W:
        """The n-th working day after `when` (n < 0: before it), same local time of day.

        `when` itself is never counted, working or not: 1 working day after Saturday is Monday, and
        after Friday too. n = 0 returns `when` unchanged (not rolled: see `roll_forward`).
        """
        day, rebuild = _rebuilder(when)
        return rebuild(self._step(day, _int(n)))

    def next_working_day(self, when: W) -> W:
        """The first working day strictly after `when`'s day, same local time of day."""
        return self.add_working_days(when, 1)

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """Working days d with a < d <= b (local days); negative, counted the same way, if b < a.

        So `add_working_days(a, working_days_between(a, b)) == b` whenever b is a working day, and
        a Monday-to-Friday week without holidays counts 5 from one Friday to the next.
        """
        start, end = local_date(a), local_date(b)
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        check_year(start.year)
        check_year(end.year)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return sign * count

    def roll_forward(self, when: W) -> W:
        """A deadline on a non-working day moves to the next working day (BLDS 2015 Đ148).

        A date: itself if working, else the next working day. An instant: unchanged if its local day
        is a working day, else the next working day at the same local time of day — except an instant
        at exactly 00:00 local time, which means the end of the day before (how plans write "trước
        ngày 11/11" and "hết ngày 10/11"): it is judged by that day and, if that day is not worked,
        becomes 00:00 after the next working day, i.e. the end of that working day.
        """
        if isinstance(when, datetime):
            local = when.astimezone(VN_TZ)
            if local.timetz().replace(tzinfo=None) == time(0):
                ended = local.date() - ONE_DAY
                if self.is_working_day(ended):
                    return local
                return datetime.combine(self._step(ended, 1) + ONE_DAY, time(0, tzinfo=VN_TZ))
        day, rebuild = _rebuilder(when)
        return rebuild(day) if self.is_working_day(day) else rebuild(self._step(day, 1))

    def add_days(self, when: W, n: int) -> W:
        """`when` plus n calendar days, same local time of day."""
        day, rebuild = _rebuilder(when)
        result = day + timedelta(days=_int(n))
        check_year(result.year)
        return rebuild(result)

    def special_days(self, year: int) -> list[DayStatus]:
        """Every day of `year` that is not an ordinary weekday or weekend day, in date order."""
        check_year(year)
        package = year_holidays(year)
        days = {*package.days_off, *package.swapped_workdays,
                *(d for d in self.overrides if d.year == year)}
        return [self.status(d) for d in sorted(days)]


def _int(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"the number of days must be a whole number, not {n!r}")
    return n
