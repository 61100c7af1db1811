"""Time phrases of Vietnamese plan timelines: find them in one cell of text, resolve them to windows.

Two passes. `date_tokens` finds the dates of a whole line (d/m/yyyy, d-m-yyyy, d.m.yyyy, "ngày d tháng m
năm yyyy", d/m, m/yyyy), leaving out the dates of cited documents ("Kế hoạch số 85/KH-PGD&ĐT ngày
24/1/2019"). `find_phrases` then reads one cell with each date replaced by a placeholder, so the
grammar below speaks about whole dates. Every phrase has a role:

- deadline: "trước (ngày) X" (due at the start of X), "chậm nhất / hạn chót / đến hết / đến ngày X" (due
  at the end of X), "trước tháng m", "chậm nhất tháng m";
- period: "từ X đến Y", "12-14/8/2024", "(trong) tháng m[/yyyy]", "tháng 5 và tháng 6/2017",
  "(trong) quý IV năm 2022", "đầu / giữa / cuối tháng m" (days 1–10, 11–20, 21–end: thượng, trung,
  hạ tuần), "đầu / giữa / cuối quý" (its first, second, third month), "tuần n (tháng m)" (days 7n-6 … 7n);
- day: "ngày X" (due at the end of X);
- loose: a date or m/yyyy with no word around it, or "X - Y" without "từ/đến" — a time for the row only
  when nothing better is there (it may be an occasion: "ngày Nhà giáo Việt Nam 20/11"); "từ X" with no
  end is loose too, and unreadable when the row has nothing else.
A missing year comes from the context: the nearest year to the row's frame, else the school year.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime

from engine.plans.instants import day_end, day_start, last_day_of_month, month_end, month_start
from engine.plans.school_year import SchoolYear

OPEN, CLOSE = "\u27e8", "\u27e9"  # ⟨D3⟩ stands for date token 3 in the grammar's view of a cell


class Unreadable(Exception):
    """A phrase or row that cannot be read without guessing; the message says why."""


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    kind: str  # "D" a day (year may be missing), "M" a month with its year
    day: int
    month: int
    year: int | None
    error: str | None = None


@dataclass(frozen=True)
class Context:
    school_year: SchoolYear
    near: date | None = None  # the row's frame: a missing year is the one that lands nearest to it
    month: tuple[int, int] | None = None  # (year, month) when the frame is one month


@dataclass(frozen=True)
class Window:
    start: datetime | None
    due: datetime
    month: tuple[int, int] | None = None  # set when the window is exactly one month


@dataclass(frozen=True)
class Phrase:
    start: int  # offsets in the cell's text
    end: int
    text: str
    shape: str
    role: str  # deadline | period | day | loose
    tokens: tuple[Token, ...]
    groups: dict[str, str | None]

    @property
    def relative(self) -> bool:
        """Needs a month from its context ("cuối tháng", "tuần 2")."""
        return self.shape in ("part_month", "week") and not self.tokens and not self.groups.get("m")

    def resolve(self, ctx: Context) -> Window:
        for token in self.tokens:
            if token.error:
                raise Unreadable(token.error)
        return _RESOLVERS[self.shape](self, ctx)


# --- pass 1: date tokens of a line ------------------------------------------------------------

_DMY = re.compile(r"(?<![\w/.])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\w/]|[.-]\d)")
_LONG = re.compile(r"\bngày\s+((\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?)(?![\w/])", re.I)
_DM = re.compile(r"(?<![\w/.])(\d{1,2})/(\d{1,2})(?![\w/]|[.-]\d)(?!\s*(?:ngày|buổi|giờ|số|%))", re.I)
_MY = re.compile(r"(?<![\w/.])(\d{1,2})/(\d{4})(?![\w/]|[.-]\d)")
# "… số 85/KH-PGD&ĐT ngày 24/1/2019", "Chỉ thị 34-CT/TW ngày 07/4/2014": the date of a cited document
_CITED_DATE = re.compile(r"[\w\-&.]*\d[\w\-&.]*[\s|]*/[\s|]*[\w\-&./]*[A-ZĐ][\w\-&./]*[\s|]+[Nn]gày[\s|]+$")
# "Quyết định 12/2016", "Kế hoạch số 10/2019": a document number that looks like a month
_CITED_NUMBER = re.compile(r"(?:\bsố|quyết định|thông tư|nghị định|chỉ thị|kế hoạch|công văn|nghị quyết|\bluật|"
                           r"hướng dẫn|đề án|thông báo|\bqđ|\btt|\bnđ|\bnq|\bcv|\bkh)[\s|:]*(?:số[\s|:]*)?$", re.I)


_CITING_WORD_ENDINGS = ("số", "định", "tư", "thị", "hoạch", "văn", "quyết", "luật", "dẫn", "án", "báo", "qđ", "tt",
                        "nđ", "nq", "cv", "kh")


def _cited(line: str, start: int) -> bool:
    before = line[max(0, start - 80):start]
    last = before.rstrip(" \t|:").lower()
    if last.endswith("ngày"):
        return bool(_CITED_DATE.search(before))
    return last.endswith(_CITING_WORD_ENDINGS) and bool(_CITED_NUMBER.search(before[-40:]))


def _day_token(start: int, end: int, day: int, month: int, year: int | None, text: str) -> Token:
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: 29/2 without a year is possible
        error = None
    except ValueError:
        error = f"{text} is not a real date"
    return Token(start, end, "D", day, month, year, error)


def date_tokens(line: str) -> list[Token]:
    """The dates of one line, in order, without those of cited documents."""
    tokens: list[Token] = []
    covered = bytearray(len(line))

    def free(start: int, end: int) -> bool:
        return not any(covered[start:end])

    def take(start: int, end: int) -> None:
        covered[start:end] = b"\x01" * (end - start)

    for m in _DMY.finditer(line):
        tokens.append(_day_token(m.start(), m.end(), int(m.group(1)), int(m.group(3)), int(m.group(4)), m.group(0)))
        take(*m.span())
    for m in _LONG.finditer(line):
        if free(*m.span(1)):
            year = int(m.group(4)) if m.group(4) else None
            tokens.append(_day_token(m.start(1), m.end(1), int(m.group(2)), int(m.group(3)), year, m.group(1)))
            take(*m.span(1))
    for m in _DM.finditer(line):
        day, month = int(m.group(1)), int(m.group(2))
        if free(*m.span()) and 1 <= day <= 31 and 1 <= month <= 12:
            tokens.append(_day_token(m.start(), m.end(), day, month, None, m.group(0)))
            take(*m.span())
    for m in _MY.finditer(line):
        month = int(m.group(1))
        if free(*m.span()) and 1 <= month <= 12:
            tokens.append(Token(m.start(), m.end(), "M", 1, month, int(m.group(2))))
            take(*m.span())
    return sorted((t for t in tokens if not _cited(line, t.start)), key=lambda t: t.start)


# --- pass 2: the grammar of one cell ------------------------------------------------------------

_D = f"{OPEN}D\\d+{CLOSE}"
_M = f"{OPEN}M\\d+{CLOSE}"
_MON = rf"(?:{_M}|(?P<m>\d{{1,2}})(?: năm (?P<y>\d{{4}}))?)(?![\d/])"
_Q = rf"(?:(?P<q>iv|iii|ii|i|[1-4])\b(?:(?: năm | ?/ ?)(?P<qy>\d{{4}}))?|{_M})"

_GRAMMAR = [
    ("range", "period", rf"(?:từ (?:ngày )?)?(?:{_D}|(?P<a>\d{{1,2}}))(?: ?- ?| (?:đến|tới) (?:hết )?)(?:ngày )?{_D}"),
    ("months", "period", rf"(?:từ )?tháng (?:{_M}|(?P<m1>\d{{1,2}}))(?: ?(?:-|đến|tới|và) ?)(?:tháng )?"
                         rf"(?:{_M}|(?P<m2>\d{{1,2}})(?: năm (?P<y2>\d{{4}}))?)(?![\d/])"),
    ("before", "deadline", rf"(?:(?:hoàn thành|xong) )?trước (?:ngày )?{_D}"),
    ("before_month", "deadline", rf"(?:(?:hoàn thành|xong) )?trước tháng {_MON}"),
    ("by", "deadline", rf"(?:(?:hoàn thành )?(?:chậm nhất|muộn nhất|trễ nhất)(?: là| vào)?(?: ngày)? |"
                       rf"hạn(?: chót| cuối)?(?: là|:)? (?:ngày )?|(?:đến|tới) hết (?:ngày )?|hết ngày |"
                       rf"(?:đến|tới) ngày ){_D}"),
    ("by_month", "deadline", rf"(?:chậm nhất|muộn nhất|trễ nhất)(?: là| vào| trong)? tháng {_MON}"),
    ("day", "day", rf"ngày {_D}"),
    ("part_month", "period", rf"(?P<part>đầu|giữa|cuối) tháng(?: {_MON})?"),
    ("part_quarter", "period", rf"(?P<part>đầu|giữa|cuối) quý {_Q}"),
    ("week", "period", rf"tuần (?:thứ )?(?P<w>\d)\b(?:,? (?:của )?tháng {_MON})?"),
    ("quarter", "period", rf"(?:trong )?quý {_Q}"),
    ("month", "period", rf"(?:trong )?tháng {_MON}"),
    ("open_range", "loose", rf"từ (?:ngày )?{_D}(?: (?:đến|tới)(?: hết)?(?: ngày)?| ?-)?"),
    ("date", "loose", _D),
    ("month_bare", "loose", _M),
]
_SHAPES = [(shape, role, re.compile(pattern, re.I)) for shape, role, pattern in _GRAMMAR]
_PLACEHOLDER = re.compile(f"{OPEN}([DM])(\\d+){CLOSE}")


def find_phrases(cell: str, offset: int, tokens: list[Token]) -> list[Phrase]:
    """The time phrases of one cell (`offset`: where the cell starts in the line the tokens index)."""
    first, after = (bisect_left(tokens, edge, key=lambda t: t.start) for edge in (offset, offset + len(cell)))
    inside = [t for t in tokens[first:after] if t.end <= offset + len(cell)]
    parts, origin, cursor = [], [], 0  # origin[i]: (start, end) in `cell` of character i of the view
    for index, token in enumerate(inside):
        start, end = token.start - offset, token.end - offset
        parts.append(cell[cursor:start])
        origin.extend((i, i + 1) for i in range(cursor, start))
        placeholder = f"{OPEN}{token.kind}{index}{CLOSE}"
        parts.append(placeholder)
        origin.extend((start, end) for _ in placeholder)
        cursor = end
    parts.append(cell[cursor:])
    origin.extend((i, i + 1) for i in range(cursor, len(cell)))
    view = "".join(parts)

    found = []
    for priority, (shape, role, pattern) in enumerate(_SHAPES):
        for m in pattern.finditer(view):
            start, end = origin[m.start()][0], origin[m.end() - 1][1]
            used = tuple(inside[int(n)] for _, n in _PLACEHOLDER.findall(m.group(0)))
            # "03/02/1930 - 03/02/2019": a dash between two dates does not make a period
            dash_only = shape == "range" and len(used) == 2 and not re.search(r"\b(?:từ|đến|tới)\b", m.group(0), re.I)
            found.append((start, -(end - start), priority, Phrase(
                start, end, cell[start:end], shape, "loose" if dash_only else role, used, m.groupdict())))
    chosen: list[Phrase] = []  # earliest first, then longest, then by the grammar's order
    for _, _, _, phrase in sorted(found, key=lambda item: item[:3]):
        if not chosen or phrase.start >= chosen[-1].end:
            chosen.append(phrase)
    return chosen


# --- resolution ---------------------------------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_THIRDS = {"đầu": (1, 11), "giữa": (11, 21), "cuối": (21, None)}


def _nearest_year(month: int, day: int, ctx: Context) -> int:
    if ctx.near is None:
        return ctx.school_year.year_of(month)
    near = ctx.near
    return min((near.year - 1, near.year, near.year + 1),
               key=lambda y: abs((date(y, month, min(day, 28)) - near).days))


def _day(token: Token, ctx: Context) -> date:
    year = token.year if token.year is not None else _nearest_year(token.month, token.day, ctx)
    try:
        return date(year, token.month, token.day)
    except ValueError:
        raise Unreadable(f"{token.day}/{token.month}/{year} is not a real date") from None


def _month(phrase: Phrase, ctx: Context, m: str = "m", y: str = "y") -> tuple[int, int]:
    """(year, month) of a month written as a token, "5", "5 năm 2020"; or the context's month."""
    months = [t for t in phrase.tokens if t.kind == "M"]
    if months:
        return months[-1].year or 0, months[-1].month
    if phrase.groups.get(m):
        month = int(phrase.groups[m] or 0)
        if not 1 <= month <= 12:
            raise Unreadable(f"there is no month {month}")
        year_text = phrase.groups.get(y)
        return (int(year_text) if year_text else _nearest_year(month, 1, ctx)), month
    if ctx.month is None:
        raise Unreadable(f"{phrase.text!r} needs a month: add it (e.g. 'tháng 9/2023') "
                         f"or put the row under a month heading")
    return ctx.month


def _range(p: Phrase, ctx: Context) -> Window:
    last = _day(p.tokens[-1], ctx)
    if len(p.tokens) == 2:
        first_token = p.tokens[0]
        if first_token.year is not None:
            first = _day(first_token, ctx)
        else:
            first = _day(Token(0, 0, "D", first_token.day, first_token.month, last.year), ctx)
            if first > last:
                first = _day(Token(0, 0, "D", first_token.day, first_token.month, last.year - 1), ctx)
    else:  # "12-14/8/2024": the first day is in the month of the second, or the month before
        day = int(p.groups["a"] or 0)
        month, year = (last.month, last.year) if day <= last.day else \
            ((last.month - 1, last.year) if last.month > 1 else (12, last.year - 1))
        first = _day(Token(0, 0, "D", day, month, year), ctx)
    if first > last:
        raise Unreadable(f"{p.text!r} ends before it starts")
    return Window(day_start(first), day_end(last))


def _months(p: Phrase, ctx: Context) -> Window:
    tokens = [t for t in p.tokens if t.kind == "M"]
    first_year: int | None
    last_year: int | None
    if p.groups.get("m1") is None:
        first = tokens.pop(0)
        first_year, first_month = first.year, first.month
    else:
        first_year, first_month = None, int(p.groups["m1"] or 0)
    if p.groups.get("m2") is None:
        last_year, last_month = tokens[0].year, tokens[0].month
    else:
        last_month = int(p.groups["m2"] or 0)
        last_year = int(p.groups["y2"] or 0) if p.groups.get("y2") else None
    if not (1 <= first_month <= 12 and 1 <= last_month <= 12):
        raise Unreadable(f"{p.text!r} names a month that does not exist")
    if last_year is None:
        last_year = (first_year + (last_month < first_month)) if first_year else _nearest_year(last_month, 1, ctx)
    if first_year is None:
        first_year = last_year - (first_month > last_month)
    if (first_year, first_month) > (last_year, last_month):
        raise Unreadable(f"{p.text!r} ends before it starts")
    return Window(month_start(first_year, first_month), month_end(last_year, last_month))


def _month_window(p: Phrase, ctx: Context) -> Window:
    year, month = _month(p, ctx)
    return Window(month_start(year, month), month_end(year, month), (year, month))


def _part_month(p: Phrase, ctx: Context) -> Window:
    year, month = _month(p, ctx)
    first, after = _THIRDS[(p.groups["part"] or "").lower()]
    start = day_start(date(year, month, first))
    return Window(start, month_end(year, month) if after is None else day_start(date(year, month, after)))


def _quarter(p: Phrase, ctx: Context) -> tuple[int, int]:
    """(year, first month) of the quarter."""
    if p.groups.get("q"):
        number = _ROMAN.get((p.groups["q"] or "").lower()) or int(p.groups["q"] or 0)
        year_text = p.groups.get("qy")
        year = int(year_text) if year_text else _nearest_year(3 * number - 2, 1, ctx)
    else:
        token = p.tokens[-1]  # "quý 4/2022" was read as a month token
        if not 1 <= token.month <= 4:
            raise Unreadable(f"there is no quarter {token.month}")
        number, year = token.month, token.year or 0
    return year, 3 * number - 2


def _quarter_window(p: Phrase, ctx: Context) -> Window:
    year, first = _quarter(p, ctx)
    return Window(month_start(year, first), month_end(year, first + 2))


def _part_quarter(p: Phrase, ctx: Context) -> Window:
    year, first = _quarter(p, ctx)
    month = first + {"đầu": 0, "giữa": 1, "cuối": 2}[(p.groups["part"] or "").lower()]
    return Window(month_start(year, month), month_end(year, month), (year, month))


def _week(p: Phrase, ctx: Context) -> Window:
    year, month = _month(p, ctx)
    week, last = int(p.groups["w"] or 0), last_day_of_month(year, month)
    first = 7 * week - 6
    if week < 1 or first > last:
        raise Unreadable(f"month {month}/{year} has no week {week}")
    return Window(day_start(date(year, month, first)), day_end(date(year, month, min(7 * week, last))))


def _open_range(p: Phrase, ctx: Context) -> Window:
    raise Unreadable(f"{p.text!r} does not say when it ends")


def _before(p: Phrase, ctx: Context) -> Window:
    return Window(None, day_start(_day(p.tokens[-1], ctx)))


def _before_month(p: Phrase, ctx: Context) -> Window:
    return Window(None, month_start(*_month(p, ctx)))


def _by(p: Phrase, ctx: Context) -> Window:
    return Window(None, day_end(_day(p.tokens[-1], ctx)))


def _by_month(p: Phrase, ctx: Context) -> Window:
    return Window(None, month_end(*_month(p, ctx)))


_RESOLVERS = {
    "range": _range, "months": _months, "before": _before, "before_month": _before_month, "by": _by,
    "by_month": _by_month, "day": _by, "part_month": _part_month, "part_quarter": _part_quarter,
    "week": _week, "quarter": _quarter_window, "open_range": _open_range, "month": _month_window,
    "date": _by, "month_bare": _month_window,
}
