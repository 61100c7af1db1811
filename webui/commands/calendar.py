"""`tdkt calendar …`: the working-day calendar (holidays, overrides, counting working days)."""

from __future__ import annotations

from datetime import date

import click
from sqlalchemy.orm import Session

from engine import calendar
from engine.db import Database
from engine.errors import EngineError
from engine.models import Person
from webui.cli_support import open_database, reports_errors


def _db() -> Database:
    return open_database()  # also points the calendar at this database


class DayParam(click.ParamType):
    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return calendar.parse_day(str(value), "DATE")
        except EngineError as exc:
            self.fail(exc.message, param, ctx)


DAY = DayParam()
_SOURCE_VI = {"holiday": "nghỉ lễ", "swap": "làm bù", "override": "điều chỉnh", "weekend": "cuối tuần", "weekday": ""}


def _line(status: calendar.DayStatus) -> str:
    state = "làm việc" if status.working else "nghỉ"
    return (f"{calendar.format_day(status.day)}  {status.weekday_vi:<9} {state:<8} "
            f"{_SOURCE_VI[status.source]:<10} {status.reason}").rstrip()


def register(main: click.Group) -> None:
    @main.group("calendar")
    def calendar_group() -> None:
        """Working days: Vietnamese public holidays plus the administrators' overrides."""

    @calendar_group.command("show")
    @click.argument("year", type=click.IntRange(1990, 2099))
    @reports_errors
    def show(year: int) -> None:
        """List YEAR's holidays, swapped working days and overrides (dd/mm/yyyy)."""
        cal = calendar.calendar_for(_db())
        for status in cal.special_days(year):
            click.echo(_line(status))
        total = cal.working_days_between(date(year - 1, 12, 31), date(year, 12, 31))
        click.echo(f"Năm {year}: {total} ngày làm việc")

    @calendar_group.group("override")
    def override() -> None:
        """Correct the calendar for a day: an extra day off, or a working day (e.g. a swapped Saturday)."""

    @override.command("add")
    @click.argument("day", metavar="DATE", type=DAY)
    @click.option("--off", "kind", flag_value="off", help="an extra day off")
    @click.option("--work", "kind", flag_value="work", help="a working day (e.g. a swapped Saturday)")
    @click.option("--note", default="", help="why, e.g. the decision's number")
    @click.option("--by", "username", help="the administrator recorded as author")
    @reports_errors
    def override_add(day: date, kind: str | None, note: str, username: str | None) -> None:
        """Add an override for DATE (YYYY-MM-DD or dd/mm/yyyy)."""
        if kind is None:
            raise click.UsageError("say --off or --work")
        db = _db()
        with db.transaction() as session:
            row = calendar.add_override(session, day, kind, note, _person(session, username))
            text = f"{calendar.format_day(row.day)}: {'làm việc' if kind == 'work' else 'nghỉ'}"
        calendar.changed(db)
        click.echo(text)

    @override.command("remove")
    @click.argument("day", metavar="DATE", type=DAY)
    @click.option("--by", "username", help="the administrator recorded as author")
    @reports_errors
    def override_remove(day: date, username: str | None) -> None:
        """Remove the override of DATE."""
        db = _db()
        with db.transaction() as session:
            calendar.remove_override(session, day, _person(session, username))
        calendar.changed(db)
        click.echo(f"{calendar.format_day(day)}: override removed")

    @calendar_group.command("workdays")
    @click.argument("start", metavar="FROM", type=DAY)
    @click.argument("end", metavar="TO", type=DAY)
    @reports_errors
    def workdays(start: date, end: date) -> None:
        """Count the working days from FROM to TO, both included, and list the days off among them."""
        if end < start:
            raise click.UsageError("TO is before FROM")
        cal = calendar.calendar_for(_db())
        count = cal.working_days_between(start, end) + cal.is_working_day(start)
        click.echo(f"Từ {calendar.format_day(start)} đến {calendar.format_day(end)}: {count} ngày làm việc")
        day = start
        while day <= end:
            status = cal.status(day)
            if status.source in ("holiday", "swap", "override"):
                click.echo(f"  {_line(status)}")
            day = date.fromordinal(day.toordinal() + 1)


def _person(session: Session, username: str | None) -> Person | None:
    if username is None:
        return None
    from engine.org import person_by_username

    return person_by_username(session, username)
