"""The timeline importer: a plan's timeline table pasted as text → milestones, plus the lines it could
not read. Pure functions, no database.

One row per line; cells separated by tabs, '|' or two or more spaces ("TT | Nội dung | Thời gian |
Đơn vị thực hiện", or "Thời gian | Nội dung", or one sentence "Nội dung … trước ngày 10/5/2019").
How a row gets its window (see phrases.py for the phrases themselves):

- its **frame** is its own time — a cell that holds nothing but a time phrase, or a phrase that opens
  the content ("Tháng 10/2016: …", "Quý IV năm 2024 tổ chức …") — else the one period its content
  names ("… trong Quý IV năm 2022 …"), else the month heading it sits under;
- a **deadline** in its content ("trước ngày 10/5/2019", "chậm nhất ngày 05/11/2016") is its due,
  and the frame, when it is a period, gives the window start: "Tháng 10/2016: … chậm nhất ngày
  05/11/2016" is [01/10/2016, end of 05/11/2016);
- otherwise the frame is the window; with no frame, a single unmarked date is a "Ngày X".
- A line holding only a time phrase ("01/2019", "Tháng 10/2018") is a **heading** for the task lines
  under it, up to the next heading; "đầu tháng", "tuần 2" under it are read within its month.
- Header rows ("TT", "Nội dung", "Thời gian hoàn thành" …) and blank lines are skipped. A row wrapped
  onto the next line is joined back when the break is unmistakable: a line ending in "từ"/"đến"/"-",
  a numbered row without a date followed by a line that carries its date, or a lower-case line that
  continues an unfinished sentence (not a table row).
Anything else — no date, several deadlines, a deadline before its own period, a date far outside the
school year — is reported as unreadable with its line number and the reason, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from engine.plans import wording
from engine.plans.instants import local
from engine.plans.phrases import Context, Phrase, Token, Unreadable, Window, date_tokens, find_phrases
from engine.plans.school_year import SchoolYear

YEARS_BEFORE, YEARS_AFTER = 3, 4  # how far from its school year a plan's dates may lie
NO_TIME = "no date or period found"
_TIME_WORD = re.compile(r"^(?:tháng|quý|tuần|ngày|từ|trước|đầu|giữa|cuối)\b|^\d{1,2}\s*[/.-]\s*\d", re.I)
_DANGLING = re.compile(r"(?:\b(?:từ|đến|tới)|-)\s*$", re.I)


@dataclass(frozen=True)
class ParsedMilestone:
    line_no: int
    key: str
    title: str
    window_start: datetime | None
    due_at: datetime
    kind: str | None
    source_text: str  # the time phrase(s) as printed
    row_text: str  # the row as read


@dataclass(frozen=True)
class UnreadableLine:
    line_no: int
    text: str
    reason: str


@dataclass
class TimelineResult:
    milestones: list[ParsedMilestone] = field(default_factory=list)
    unreadable: list[UnreadableLine] = field(default_factory=list)


@dataclass
class _Row:
    """One row of the table: a line, or lines joined back when a cell was wrapped."""

    line_no: int
    text: str
    cell_count: int = 0
    has_date: bool = False
    numbered: bool = False
    _tokens: list[Token] | None = None

    def __post_init__(self) -> None:
        found = wording.cells(self.text)
        first = found[0][1] if found else ""
        self.cell_count, self.has_date = len(found), bool(self.tokens())
        self.numbered = wording.is_row_number(first) or bool(re.match(r"^\d{1,3}[.)]\s", first))

    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = date_tokens(self.text)
        return self._tokens

    def join(self, rest: _Row) -> None:
        self.text, self._tokens = f"{self.text.rstrip()} {rest.text.strip()}", None
        self.cell_count += rest.cell_count - 1
        self.has_date = self.has_date or rest.has_date


@dataclass
class _Heading:
    row: _Row
    phrase: Phrase
    window: Window
    used: bool = False


@dataclass(frozen=True)
class _Task:
    title: str
    window: Window
    kind: str | None
    source_text: str


def parse_timeline(text: str, school_year: str) -> TimelineResult:
    """Milestones of a pasted timeline, and the lines that could not be read (InvalidInput for a bad
    school year)."""
    year = SchoolYear.parse(school_year)
    result = TimelineResult()
    heading: _Heading | None = None
    tasks: list[tuple[_Row, _Task]] = []

    def close(previous: _Heading | None) -> None:
        if previous is not None and not previous.used:
            result.unreadable.append(UnreadableLine(previous.row.line_no, previous.row.text.strip(),
                                                    "a time heading with no task under it"))

    broken: int | None = None  # line of a heading that could not be read: rows under it have no frame
    for row in _rows(text):
        try:
            outcome = _read_row(row, year, heading)
        except Unreadable as exc:
            reason = str(exc)
            if _is_heading_like(row):
                close(heading)
                heading, broken = None, row.line_no
            elif broken is not None and reason == NO_TIME:
                reason = f"{NO_TIME} (the heading on line {broken} could not be read)"
            result.unreadable.append(UnreadableLine(row.line_no, row.text.strip(), reason))
            if heading is not None:
                heading.used = True
            continue
        if isinstance(outcome, _Heading):
            close(heading)
            heading, broken = outcome, None
        elif outcome is not None:
            tasks.append((row, outcome))
            if heading is not None:
                heading.used = True
    close(heading)

    keys = wording.dedupe(wording.slug_key(task.title) for _, task in tasks)
    result.milestones = [
        ParsedMilestone(row.line_no, key, task.title, task.window.start, task.window.due, task.kind,
                        task.source_text, row.text.strip())
        for key, (row, task) in zip(keys, tasks, strict=True)]
    result.unreadable.sort(key=lambda u: u.line_no)
    return result


# --- rows ---------------------------------------------------------------------------------------

def _rows(text: str) -> list[_Row]:
    rows: list[_Row] = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = wording.normalize(raw)
        if not line.strip():
            continue
        row = _Row(number, line)
        if rows and _continues(rows[-1], row):
            rows[-1].join(row)
        else:
            rows.append(row)
    return rows


def _continues(previous: _Row, row: _Row) -> bool:
    """Whether `row` is the rest of `previous` (a wrapped cell), not a row of its own."""
    tail = previous.text.rstrip()[-24:]
    if _DANGLING.search(tail):
        return True
    stripped = row.text.strip()
    starts_row = bool(wording.lead_length(stripped)) or stripped[:1].isdigit()
    if previous.numbered and not starts_row and not previous.has_date and row.has_date and row.cell_count > 1:
        return True
    prose = previous.cell_count == 1 and not tail.endswith((".", "!", "?"))
    if prose and stripped[:1].isalpha() and stripped[:1].islower():
        phrases = find_phrases(stripped, 0, date_tokens(stripped))
        return not phrases or phrases[0].start > 0
    return False


def _is_heading_like(row: _Row) -> bool:
    """Only a time, or a short line that reads like one ("Tháng 13/2023"): a heading, if a broken one."""
    found = wording.cells(row.text)
    tokens = row.tokens()
    if _looks_like_time(found):
        return True
    return bool(found) and all(_time_only(text, find_phrases(text, offset, tokens)) for offset, text in found)


def _looks_like_time(found: list[tuple[int, str]]) -> bool:
    """A short lone cell like "Tháng 13/2023" or "Quý 5/2024": meant as a time, but not one."""
    return len(found) == 1 and len(found[0][1]) <= 24 and bool(_TIME_WORD.match(found[0][1])) \
        and any(c.isdigit() for c in found[0][1])


def _time_only(cell: str, phrases: list[Phrase]) -> bool:
    rest, cursor = [], 0
    for p in phrases:
        rest.append(cell[cursor:p.start])
        cursor = p.end
    rest.append(cell[cursor:])
    return bool(phrases) and not re.sub(r"[\W_]+", "", "".join(rest))


def _read_row(row: _Row, year: SchoolYear, heading: _Heading | None) -> _Heading | _Task | None:
    tokens = row.tokens()
    found = wording.cells(row.text)
    if found and wording.is_row_number(found[0][1]):
        found = found[1:]
    if not found or wording.is_header(text for _, text in found):
        return None
    analysed = [(offset, text, find_phrases(text, offset, tokens)) for offset, text in found]
    time_cells = [(text, phrases) for _, text, phrases in analysed if _time_only(text, phrases)]
    text_cells = [(text, phrases) for _, text, phrases in analysed if not _time_only(text, phrases)]
    if len(time_cells) > 1:
        raise Unreadable("several time cells in one row")
    if _looks_like_time(found) and not any(phrases for _, _, phrases in analysed):
        raise Unreadable(f"{found[0][1]!r} looks like a time heading but is not a date or period")

    if not text_cells:
        [(text, phrases)] = time_cells
        if len(phrases) > 1:
            raise Unreadable("a heading with several times; write one period per heading")
        window = _resolve(phrases[0], Context(year, month=_month_of(heading)), year)
        return _Heading(row, phrases[0], window)

    content, content_phrases = text_cells[0]
    lead = wording.lead_length(content)
    own: Phrase | None = None
    extra: list[Phrase] = []
    if time_cells:
        own, *extra = time_cells[0][1]
    elif content_phrases and not content[lead:content_phrases[0].start].strip():
        own = content_phrases[0]
    others = [p for p in [*content_phrases, *extra] if p is not own]
    window, used = _choose(own, others, heading, year)

    # the title keeps an unmarked date ("Hội nghị ngày 15/8/2024 tại trường"), not the row's time
    removed = [p for p in used if p in content_phrases and (p is own or p.role in ("deadline", "period"))]
    title = wording.clean_title(_without(content, lead, removed))
    if not title:
        raise Unreadable("no task text in this row")
    units = " ; ".join(text for text, _ in text_cells[1:])
    kind = wording.unit_kind_of_cell(units) if units else None
    return _Task(title, window, kind or wording.unit_kind_of_content(title), " … ".join(p.text for p in used))


def _choose(own: Phrase | None, others: list[Phrase], heading: _Heading | None,
            year: SchoolYear) -> tuple[Window, list[Phrase]]:
    """The row's window and the phrases it came from (frame first)."""
    deadlines = [p for p in others if p.role == "deadline"]
    periods = [p for p in others if p.role == "period"]
    loose = [p for p in others if p.role in ("day", "loose")]
    outer = Context(year, month=_month_of(heading), near=_near(heading.window) if heading else None)

    frame: Phrase | None = own
    if frame is None and len(periods) > 1:
        raise Unreadable("several periods in one row: " + ", ".join(repr(p.text) for p in periods))
    if frame is None and periods:
        frame = periods[0]
    frame_window = _resolve(frame, outer, year) if frame is not None else (heading.window if heading else None)
    frame_phrase = frame or (heading.phrase if heading else None)
    inner = Context(year, near=_near(frame_window) if frame_window else None,
                    month=frame_window.month if frame_window else None)

    if deadlines:
        dues = {_resolve(p, inner, year).due for p in deadlines}
        if len(dues) > 1:
            raise Unreadable("several deadlines in one row: " + ", ".join(repr(p.text) for p in deadlines))
        due = dues.pop()
        start = frame_window.start if frame_window is not None else None
        if frame_window is not None and start is None and frame_window.due != due:
            raise Unreadable(f"two different deadlines: {frame_phrase.text!r} and {deadlines[0].text!r}"
                             if frame_phrase else "two different deadlines")
        if start is not None and start >= due:
            raise Unreadable(f"the deadline {deadlines[0].text!r} comes before its period "
                             f"{frame_phrase.text if frame_phrase else ''!r}")
        used = [frame_phrase] if frame_phrase is not None and start is not None else []
        return Window(start, due), [*used, deadlines[0]]
    if frame_window is not None and frame_phrase is not None:
        return frame_window, [frame_phrase]
    if len(loose) == 1:
        return _resolve(loose[0], outer, year), [loose[0]]
    if loose:
        raise Unreadable("several dates and none marked as the deadline ('trước ngày …', 'chậm nhất …'): "
                         + ", ".join(repr(p.text) for p in loose))
    raise Unreadable(NO_TIME)


def _resolve(phrase: Phrase, ctx: Context, year: SchoolYear) -> Window:
    window = phrase.resolve(ctx)
    for instant in (window.start, window.due):
        if instant is not None and not year.first - YEARS_BEFORE <= local(instant).year <= \
                year.second + YEARS_AFTER:
            raise Unreadable(f"{phrase.text!r} is too far from the school year {year}")
    return window


def _month_of(heading: _Heading | None) -> tuple[int, int] | None:
    return heading.window.month if heading is not None else None


def _near(window: Window) -> date:
    return local(window.start or window.due).date()


def _without(content: str, lead: int, phrases: list[Phrase]) -> str:
    out, cursor = [], lead
    for p in sorted(phrases, key=lambda p: p.start):
        out.append(content[cursor:max(cursor, p.start)])
        cursor = max(cursor, p.end)
    out.append(content[cursor:])
    return re.sub(r"^[\s:,\-]+", "", "".join(out))
