"""A school year ("năm học 2023-2024"): it starts in August of its first year and ends in July of the
second, so a day and month printed without a year belong to the first year for months 8–12 and to the
second for months 1–7."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.errors import InvalidInput

_PATTERN = re.compile(r"^\s*(\d{4})\s*[-–/]\s*(\d{4})\s*$")
FIRST_MONTH = 8


@dataclass(frozen=True, order=True)
class SchoolYear:
    first: int

    @property
    def second(self) -> int:
        return self.first + 1

    def year_of(self, month: int) -> int:
        """The calendar year of `month` within this school year."""
        return self.first if month >= FIRST_MONTH else self.second

    def __str__(self) -> str:
        return f"{self.first}-{self.second}"

    @classmethod
    def parse(cls, text: object, field: str = "school_year") -> SchoolYear:
        """"2023-2024" (also "2023 - 2024", "2023–2024"); InvalidInput naming `field` otherwise."""
        match = _PATTERN.match(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidInput(f"{field}: expected a school year like 2023-2024, not {text!r}", field=field)
        first, second = int(match.group(1)), int(match.group(2))
        if second != first + 1 or not 1900 <= first <= 2200:
            raise InvalidInput(f"{field}: {text!r} is not a school year (two consecutive years, e.g. 2023-2024)",
                               field=field)
        return cls(first)
