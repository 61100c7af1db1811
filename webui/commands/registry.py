"""`tdkt registry …`: import past rewards from .xlsx, show a person's history, the title catalogue, check
eligibility, and set per-unit quotas. The CLI runs as the operator: no role checks (`--as` records who)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from engine.errors import EngineError, PayloadTooLarge
from webui.cli_support import open_database as _db
from webui.cli_support import reports_errors as _reporting


@click.group("registry")
def registry() -> None:
    """The reward registry (sổ khen thưởng) and eligibility rules."""


@registry.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partial", is_flag=True, help="save the good rows even if some rows fail")
@click.option("--as", "username", help="user recorded as the creator")
@_reporting
def registry_import(file: Path, partial: bool, username: str | None) -> None:
    """Import past awards from FILE.xlsx. Each bad row goes to stderr as FILE:ROW:COLUMN: message; the exit
    code is 1 if there is any (and then nothing is saved, unless --partial)."""
    from engine.org import person_by_username
    from engine.registry.importer import import_awards
    from engine.registry.spreadsheet import MAX_XLSX_BYTES

    if file.stat().st_size > MAX_XLSX_BYTES:
        raise PayloadTooLarge(f"{file}: larger than {MAX_XLSX_BYTES // (1024 * 1024)} MB")
    with _db().transaction() as session:
        actor = person_by_username(session, username) if username else None
        report = import_awards(session, file.read_bytes(), file.name, viewer=None, actor=actor, partial=partial)
    for error in report.errors:
        where = f"{error.row}:{error.column}" if error.column else str(error.row)
        click.echo(f"{file}:{where}: {error.message}", err=True)
    saved = report.saved if (partial or not report.errors) else 0
    click.echo(f"{report.rows} row(s), {saved} saved, {len(report.errors)} error(s)", err=True)
    if report.errors:
        if not partial:
            click.echo("nothing saved: fix the rows above, or use --partial", err=True)
        sys.exit(1)


@registry.command("history")
@click.argument("username")
@_reporting
def registry_history(username: str) -> None:
    """A person's awards, newest first: school year, title, kind, decision."""
    from engine.org import person_by_username
    from engine.registry.awards import award_json, person_awards

    with _db().transaction() as session:
        for award in person_awards(session, person_by_username(session, username)):
            a = award_json(award)
            click.echo(f"{a['school_year']}\t{a['title_name']}\t{a['kind_name']}\t{a['decision_number']} "
                       f"({a['decision_date']}, {a['deciding_authority'] or '-'})")


@registry.command("titles")
def registry_titles() -> None:
    """The title catalogue: code, subject, kind, Vietnamese name."""
    from engine.registry.titles import TITLES

    for t in TITLES.values():
        click.echo(f"{t.code}\t{t.subject}\t{t.kind}\t{t.name}")


@registry.command("check")
@click.argument("subject")
@click.argument("title")
@click.option("--date", "receipt_date", required=True, help="receipt date, YYYY-MM-DD or dd/mm/yyyy")
@click.option("--unit", help="with SUBJECT a name: the person's unit; SUBJECT '-' and --unit: the collective")
@click.option("--hints", help='JSON object, e.g. \'{"rating": "HTXSNV"}\'')
@_reporting
def registry_check(subject: str, title: str, receipt_date: str, unit: str | None, hints: str | None) -> None:
    """Evaluate eligibility of SUBJECT (a username) for TITLE; prints the result as JSON, exit 1 if not eligible."""
    from engine.registry.subjects import parse_date, subject_from
    from engine.rules import Nomination, evaluate_eligibility

    try:
        hint_values = json.loads(hints) if hints else {}
    except json.JSONDecodeError as exc:
        raise EngineError(f"--hints is not valid JSON: {exc.msg}") from None
    data: dict[str, Any] = {"unit": unit}
    if subject != "-":
        data["username" if unit is None else "name"] = subject
    with _db().transaction() as session:
        who = subject_from(session, data)
        result = evaluate_eligibility(session, Nomination(who, title, parse_date(receipt_date, "date"), hint_values))
        click.echo(json.dumps({"subject": who.as_dict(), **result.as_dict()}, ensure_ascii=False, indent=2))
    if not result.eligible:
        sys.exit(1)


@registry.command("quota")
@click.argument("unit")
@click.argument("title")
@click.option("--max-percent", type=float, help="at most this % of --of awards")
@click.option("--of", "of_title", help="the title the percentage is taken of, e.g. lao_dong_tien_tien")
@click.option("--max-count", type=int, help="at most this many")
@click.option("--basis", default="", help="legal basis (the unit's quy chế)")
@click.option("--remove", is_flag=True, help="remove the unit's quota on TITLE")
@_reporting
def registry_quota(unit: str, title: str, max_percent: float | None, of_title: str | None, max_count: int | None,
                   basis: str, remove: bool) -> None:
    """Set (or --remove) UNIT's quota on TITLE; it applies to UNIT and every unit below it."""
    from engine.org import unit_by_code
    from engine.rules.quota import quota_json, remove_quota, set_quota

    with _db().transaction() as session:
        target = unit_by_code(session, unit)
        if remove:
            click.echo("removed" if remove_quota(session, target, title) else "no such quota")
            return
        quota = set_quota(session, target, title, max_percent=max_percent, of_title=of_title, max_count=max_count,
                          legal_basis=basis)
        click.echo(json.dumps(quota_json(quota), ensure_ascii=False))


def register(main: click.Group) -> None:
    main.add_command(registry)
