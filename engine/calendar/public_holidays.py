"""Vietnamese public holidays from the `holidays` package (country "VN", Vietnamese names), per year.

What the package gives (checked with holidays 0.109 for 2024–2026, see tests/test_calendar.py):
Tết Dương lịch; Tết Nguyên Đán as the five days BLLĐ 2019 Đ112 gives (lunar dates from its own
Vietnamese lunisolar table; a Tết day on Saturday moves to the working day before, on Sunday to the
one after); Giỗ Tổ Hùng Vương (10/3 âm lịch); 30/4; 1/5; Quốc khánh 2/9 plus the adjacent day; nghỉ
bù for fixed holidays on a weekend (next working day); 24/11 Ngày Văn hóa Việt Nam from 2026; and
the government's one-off swaps for 2010–2015, 2018–2019 and 2024–2026, both halves: the weekday
off ("Ngày nghỉ (thay cho ngày …)") and the Saturday worked in exchange (`weekend_workdays`).
Whatever a year's decision says differently is corrected by the overrides table, not here.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

import holidays

FIRST_YEAR, LAST_YEAR = 1990, 2099


class OutOfRange(ValueError):
    """A date outside the years the calendar can answer for."""


@dataclass(frozen=True)
class YearHolidays:
    """One year as the package sees it."""

    days_off: Mapping[date, str]  # every named holiday, weekend ones included
    swapped_workdays: Mapping[date, str]  # weekend days worked in exchange for a weekday off


_cache: dict[int, YearHolidays] = {}
_lock = threading.Lock()


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise OutOfRange(f"the business calendar covers {FIRST_YEAR}–{LAST_YEAR}, not {year}")


def _package_year(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year, language="vi")


def _swap_label(workday: date, neighbours: list[holidays.HolidayBase]) -> str:
    text = workday.strftime("%d/%m/%Y")
    for each in neighbours:
        for day_off, name in sorted(each.items()):
            if text in name:
                return f"Làm việc bù cho ngày nghỉ {day_off:%d/%m/%Y}"
    return "Làm việc bù (hoán đổi ngày làm việc)"


def year_holidays(year: int) -> YearHolidays:
    """The package's days off and swapped working days of `year` (computed once per process)."""
    check_year(year)
    cached = _cache.get(year)
    if cached is not None:
        return cached
    package = _package_year(year)
    days_off = {day: str(name) for day, name in sorted(package.items())}
    workdays = sorted(d for d in package.weekend_workdays if d.year == year)
    swapped: dict[date, str] = {}
    if workdays:
        neighbours = [package] + ([_package_year(year + 1)] if year < LAST_YEAR else [])
        swapped = {day: _swap_label(day, neighbours) for day in workdays}
    result = YearHolidays(MappingProxyType(days_off), MappingProxyType(swapped))
    with _lock:
        return _cache.setdefault(year, result)
