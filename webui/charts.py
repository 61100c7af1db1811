"""Geometry of the inline SVG charts (the templates draw them; no script, no style attribute, so the
Content-Security-Policy stays strict): completions per day as bars, a plan's milestones as a Gantt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from engine.clock import VN_TZ
from engine.models import Milestone

BAR_WIDTH, BAR_HEIGHT, BAR_TOP, BAR_BOTTOM, BAR_PAD = 600, 150, 14, 20, 16
GANTT_WIDTH = 1000
MAX_TICKS = 14


@dataclass(frozen=True)
class Bar:
    day: date
    value: int
    x: float
    y: float
    width: float
    height: float
    label: str | None  # the day under the bar, on some bars only
    minor: bool  # a label hidden on narrow screens


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    top_value: int
    total: int
    width: int = BAR_WIDTH
    height: int = BAR_HEIGHT
    base_y: float = BAR_HEIGHT - BAR_BOTTOM


def _nice_top(value: int) -> int:
    for top in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if value <= top:
            return top
    return value


def bar_chart(series: list[tuple[date, int]]) -> BarChart:
    top = _nice_top(max((v for _, v in series), default=0))
    step = (BAR_WIDTH - 2 * BAR_PAD) / max(1, len(series))
    usable = BAR_HEIGHT - BAR_TOP - BAR_BOTTOM
    bars = []
    for i, (day, value) in enumerate(series):
        height = usable * value / top if top else 0
        labelled = (len(series) - 1 - i) % 5 == 0
        bars.append(Bar(day, value, BAR_PAD + i * step + step * 0.15, BAR_HEIGHT - BAR_BOTTOM - height, step * 0.7,
                        height, day.strftime("%d/%m") if labelled else None, (len(series) - 1 - i) % 10 != 0))
    return BarChart(bars, top, sum(v for _, v in series))


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    minor: bool

    @property
    def anchor(self) -> str:
        """Labels at the edges stay inside the drawing."""
        return "start" if self.x < 40 else "end" if self.x > GANTT_WIDTH - 40 else "middle"


@dataclass(frozen=True)
class GanttRow:
    milestone: Milestone
    start_x: float | None  # the window, when the milestone has a start
    due_x: float
    past: bool


@dataclass(frozen=True)
class Gantt:
    rows: list[GanttRow]
    ticks: list[Tick]
    today_x: float | None
    today_side: str | None  # "before" / "after" the plan's span when today is outside it
    width: int = GANTT_WIDTH


def _month_starts(start: datetime, end: datetime) -> list[date]:
    local = start.astimezone(VN_TZ)
    month = date(local.year, local.month, 1)
    out = []
    while datetime.combine(month, time.min, tzinfo=VN_TZ) <= end:
        out.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def _span(milestones: list[Milestone]) -> tuple[datetime, datetime]:
    first = min(m.window_start or m.due_at for m in milestones)
    last = max(m.due_at for m in milestones)
    if last - first < timedelta(days=28):
        first, last = first - timedelta(days=14), last + timedelta(days=14)
    pad = (last - first) * 0.03
    return first - pad, last + pad


def gantt(milestones: list[Milestone], now: datetime) -> Gantt | None:
    if not milestones:
        return None
    first, last = _span(milestones)
    total = (last - first).total_seconds()

    def x_of(instant: datetime) -> float:
        return round(GANTT_WIDTH * (instant - first).total_seconds() / total, 2)

    months = [m for m in _month_starts(first, last) if datetime.combine(m, time.min, tzinfo=VN_TZ) >= first]
    every = next(s for s in (1, 2, 3, 6, 12, 24) if len(months) / s <= MAX_TICKS)
    chosen = [m for m in months if (m.year * 12 + m.month - 1) % every == 0]
    ticks = [Tick(x_of(datetime.combine(m, time.min, tzinfo=VN_TZ)), m.strftime("%m/%Y"), i % 2 == 1)
             for i, m in enumerate(chosen)]
    rows = [GanttRow(m, x_of(m.window_start) if m.window_start else None, x_of(m.due_at), m.due_at <= now)
            for m in milestones]
    side = "before" if now < first else "after" if now > last else None
    return Gantt(rows, ticks, x_of(now) if side is None else None, side)
