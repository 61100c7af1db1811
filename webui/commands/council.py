"""`tdkt council …`: a unit's council (members from role memberships) and its own vote rules."""

from __future__ import annotations

import json

import click

from webui.cli_support import open_database as _db
from webui.cli_support import reports_errors as _reporting


@click.group("council")
def council() -> None:
    """Hội đồng Thi đua - Khen thưởng: members, quorum and thresholds."""


@council.command("members")
@click.argument("unit")
@_reporting
def council_members_command(unit: str) -> None:
    """The council of UNIT: everyone holding chu_tich_hoi_dong, thu_ky_hoi_dong or thanh_vien_hoi_dong there."""
    from engine.council.members import council_members
    from engine.org import unit_by_code

    with _db().transaction() as session:
        unit_by_code(session, unit)
        for member in council_members(session, unit):
            click.echo(f"{member.username}\t{member.full_name}\t{member.as_dict()['chuc_danh']}")


@council.command("rule")
@click.argument("unit")
@click.argument("key")
@click.argument("ratio")
@click.option("--strict", is_flag=True, help="the share must exceed RATIO (more than half), not just reach it")
@click.option("--from", "valid_from", type=click.DateTime(["%Y-%m-%d"]), help="first meeting day it applies to")
@click.option("--to", "valid_to", type=click.DateTime(["%Y-%m-%d"]), help="last meeting day it applies to")
@click.option("--note", help="the unit's regulation it comes from")
@_reporting
def council_rule(unit: str, key: str, ratio: str, strict: bool, valid_from, valid_to, note: str | None) -> None:  # type: ignore[no-untyped-def]
    """Set UNIT's rule KEY ('quorum', a title code, or '*' for every title the law leaves to the unit) to
    RATIO (2/3, 0.8 or 80%); it applies to UNIT and the units below it."""
    from engine.council.config import parse_ratio, set_rule

    with _db().transaction() as session:
        rule = set_rule(session, unit, key, parse_ratio(ratio), strict=strict,
                        valid_from=valid_from.date() if valid_from else None,
                        valid_to=valid_to.date() if valid_to else None, note=note)
        click.echo(f"{unit} {rule.key}: {rule.numerator}/{rule.denominator}{' (strict)' if rule.strict else ''}")


@council.command("rules")
@click.argument("unit")
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), help="meeting day (default today)")
@_reporting
def council_rules(unit: str, day) -> None:  # type: ignore[no-untyped-def]
    """The quorum and each title's pass rule for a meeting of UNIT's council on a day."""
    from engine import clock
    from engine.council.config import rules_in_force
    from engine.org import unit_by_code

    on = day.date() if day else clock.now().date()
    with _db().transaction() as session:
        click.echo(json.dumps(rules_in_force(session, unit_by_code(session, unit), on), ensure_ascii=False,
                              indent=2))


def register(main: click.Group) -> None:
    main.add_command(council)

