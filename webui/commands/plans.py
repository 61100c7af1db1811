"""`tdkt plan …`: list and show plans, import a timeline from a text file, move a milestone."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from engine.errors import EngineError, InvalidInput
from engine.plans import repository
from engine.plans.instants import due_text, parse_instant, start_text
from engine.plans.timeline import parse_timeline
from engine.runtime.reschedule import reschedule_plan_milestone
from webui.cli_support import open_database as _db
from webui.cli_support import reports_errors as _reporting

MAX_TIMELINE_FILE_BYTES = 200 * 1024






def _actor(session: Any, username: str | None) -> Any:
    from engine.org import person_by_username

    return person_by_username(session, username) if username else None


def _table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        click.echo("  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]]))


def _milestone_rows(milestones: Sequence[Any]) -> list[list[str]]:
    rows = [["KEY", "START", "DUE (last day)", "KIND", "TITLE"]]
    for m in milestones:
        kind = m.unit_kind if hasattr(m, "unit_kind") else m.kind
        rows.append([m.key, start_text(m.window_start) or "-", due_text(m.due_at) or "-", kind or "-", m.title])
    return rows


@click.group("plan")
def plan() -> None:
    """Plans (kế hoạch) and their milestones."""


@plan.command("list")
@click.option("--school-year", help="only this school year, e.g. 2023-2024")
@_reporting
def plan_list(school_year: str | None) -> None:
    """One line per plan: id, number, school year, number of milestones, title."""
    with _db().transaction() as session:
        for p in repository.list_plans(session, school_year):
            click.echo(f"{p.id}\t{p.number}\t{p.school_year}\t{len(p.milestones)} milestones\t{p.title}")


@plan.command("show")
@click.argument("plan_id", type=int)
@_reporting
def plan_show(plan_id: int) -> None:
    """A plan and its milestones (dates dd/mm/yyyy; a due shows the last day it includes)."""
    with _db().transaction() as session:
        p = repository.get_plan(session, plan_id)
        click.echo(f"plan {p.id}: {p.number} — {p.title}")
        unit = p.issuing_unit.code if p.issuing_unit else "-"
        issued = p.issue_date.strftime("%d/%m/%Y") if p.issue_date else "-"
        click.echo(f"school year {p.school_year}; issued by {p.issuer or unit} ({unit}) on {issued}")
        if p.milestones:
            _table(_milestone_rows(p.milestones))


@plan.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--school-year", required=True, help="e.g. 2023-2024 (gives the year of dates written as d/m)")
@click.option("--save", is_flag=True, help="create the plan (only when every line was read)")
@click.option("--number", help="plan number, e.g. 58/KH-PGDĐT (with --save)")
@click.option("--title", help="plan title (with --save)")
@click.option("--unit", "issuing_unit", help="issuing unit code")
@click.option("--issuer", help="issuing unit's name as printed")
@click.option("--issue-date", help="YYYY-MM-DD or dd/mm/yyyy")
@click.option("--as", "username", help="user recorded as the creator")
@_reporting
def plan_import(file: Path, school_year: str, save: bool, number: str | None, title: str | None,
                issuing_unit: str | None, issuer: str | None, issue_date: str | None, username: str | None) -> None:
    """Read a timeline pasted into FILE: print its milestones; each unreadable line goes to stderr as
    FILE:LINE: reason, and the exit code is 1 if there is any."""
    if file.stat().st_size > MAX_TIMELINE_FILE_BYTES:
        raise EngineError(f"{file}: larger than {MAX_TIMELINE_FILE_BYTES} bytes")
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EngineError(f"{file}: not UTF-8 text") from None
    if save and not (number and title):
        raise InvalidInput("--save needs --number and --title")
    result = parse_timeline(text, school_year)
    if result.milestones:
        _table(_milestone_rows(result.milestones))
    for line in result.unreadable:
        click.echo(f"{file}:{line.line_no}: {line.reason}", err=True)
    click.echo(f"{len(result.milestones)} milestone(s), {len(result.unreadable)} unreadable line(s)", err=True)
    if result.unreadable:
        if save:
            click.echo("not saved: fix or remove the unreadable lines first", err=True)
        sys.exit(1)
    if save:
        spec = repository.spec_from_timeline(result, number=number or "", title=title or "", school_year=school_year,
                                              issuing_unit=issuing_unit, issuer=issuer, issue_date=issue_date)
        with _db().transaction() as session:
            created = repository.create_plan(session, spec, source_name=file.name, actor=_actor(session, username))
            click.echo(f"plan {created.id} created: {created.number} ({len(created.milestones)} milestones)")


@plan.command("move")
@click.argument("plan_id", type=int)
@click.argument("key")
@click.argument("due")
@click.option("--start", help="new window start (ISO or dd/mm/yyyy); 'none' removes it")
@click.option("--as", "username", help="user recorded as the one who moved it")
@_reporting
def plan_move(plan_id: int, key: str, due: str, start: str | None, username: str | None) -> None:
    """Move milestone KEY of plan PLAN_ID to DUE: an ISO date-time, or a date (YYYY-MM-DD or
    dd/mm/yyyy) meaning the end of that day. The waiting timers and due dates of the plan's live
    cases move with it; the last line says how many cases changed."""
    new_due = parse_instant(due, "due", end_of_day=True)
    new_start: Any = repository.Keep.START
    if start is not None:
        new_start = None if start.strip().lower() in ("none", "-", "") else \
            parse_instant(start, "start", end_of_day=False)
    with _db().transaction() as session:
        actor = _actor(session, username)
        milestone, old_due = repository.move_milestone(session, plan_id, key, new_due, new_start, actor=actor)
        click.echo(f"{key}: due {due_text(milestone.due_at)} (was {due_text(old_due)}), "
                   f"start {start_text(milestone.window_start) or '-'}")
        actor_id = actor.id if actor is not None else None
    counts = reschedule_plan_milestone(_db(), plan_id, key, actor_id=actor_id)
    failed = f", {counts.failed} failed (run the move again to retry them)" if counts.failed else ""
    click.echo(f"{counts.rescheduled} case(s) rescheduled of {counts.cases} live case(s) of the plan "
               f"({counts.timers} timer(s), {counts.tasks} task due date(s) moved){failed}")


def register(main: click.Group) -> None:
    main.add_command(plan)
