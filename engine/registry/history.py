"""History counters over school years (pure functions): "N lần liên tục", awards after an award,
and the years a discipline takes out.

Years are school years named by their first calendar year (2023 for "2023-2024"), running from August
to July (engine.plans.school_year). Only công trạng awards are counted: đột xuất and chuyên đề results
cannot be used as the basis of a higher công trạng reward (NĐ 152/2025/NĐ-CP Điều 4 khoản 3). After a
discipline, achievements count only from the end of its period (Điều 4 khoản 4): every school year the
period touches, and all years before it, are out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from engine.plans.school_year import FIRST_MONTH


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date | None  # None: still running


def school_year_of(day: date) -> int:
    """The first year of the school year that contains `day`."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def school_year_span(first: int) -> tuple[date, date]:
    return date(first, FIRST_MONTH, 1), date(first + 1, FIRST_MONTH, 1)  # [start, end)


def years_touched(periods: Iterable[Period], until: int) -> set[int]:
    """School years (≤ `until`) that a discipline period overlaps."""
    touched: set[int] = set()
    for period in periods:
        last = school_year_of(period.ends_on) if period.ends_on else until
        touched.update(range(school_year_of(period.starts_on), min(last, until) + 1))
    return touched


def counting_from(periods: Iterable[Period], until: int) -> int | None:
    """The first school year whose achievements count (None: no discipline up to `until`)."""
    touched = years_touched(periods, until)
    return max(touched) + 1 if touched else None


def streak(years: Iterable[int], end: int, since: int | None = None) -> int:
    """How many consecutive years end at `end` (a gap year breaks the run; nothing before `since`)."""
    held = set(years)
    count, year = 0, end
    while year in held and (since is None or year >= since):
        count += 1
        year -= 1
    return count


def count_in(years: Iterable[int], after: int, upto: int, since: int | None = None) -> int:
    """How many of `years` fall in (after, upto], not before `since`."""
    return sum(1 for y in set(years) if after < y <= upto and (since is None or y >= since))


def years_between(first: int, last: int) -> int:
    """Whole school years after `first` up to and including `last`."""
    return max(0, last - first)
