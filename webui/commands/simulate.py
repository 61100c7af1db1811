"""`tdkt simulate --plan ID --until DATE [--step 1d]`: walk the virtual clock through a plan, day by day."""

from __future__ import annotations

import click

from engine import clock
from engine.errors import EngineError


@click.command("simulate")
@click.option("--plan", "plan_ref", required=True, help="plan id, or its number (e.g. 58/KH-PGDĐT)")
@click.option("--until", "until_text", required=True, help="dd/mm/yyyy (to the end of that day) or ISO date-time")
@click.option("--step", "step_text", default="1d", show_default=True, help="1d, 12h, 30m, 1w")
@click.option("--quiet-days", is_flag=True, help="leave out steps in which nothing happened to the plan")
def simulate(plan_ref: str, until_text: str, step_text: str, quiet_days: bool) -> None:
    """Move the virtual clock step by step to DATE; each step fire due timers, dispatch e-mails and
    print what happened to the plan's cases (needs TDKT_CLOCK=virtual)."""
    from webui.cli import _db, reports_errors

    @reports_errors
    def run() -> None:
        from engine import simulation
        from engine.config import load_settings
        from engine.plans import repository
        from engine.plans.instants import parse_instant
        from engine.runtime.timers import new_worker_id

        if load_settings().clock_mode != "virtual":
            raise EngineError("tdkt simulate moves the clock: it runs only with TDKT_CLOCK=virtual "
                              "(and then moves it for every process using this database)")
        step = simulation.parse_step(step_text)
        until = parse_instant(until_text, "until", end_of_day=True)
        db = _db()
        with db.transaction() as session:
            plan = (repository.get_plan(session, int(plan_ref)) if plan_ref.isdigit()
                    else repository.plan_by_number(session, plan_ref))
            if plan is None:
                raise EngineError(f"no plan {plan_ref!r} (give its id or its number)")
            plan_id, title = plan.id, f"{plan.number} — {plan.title}"
        start = clock.now()
        click.echo(f"Plan {plan_id}: {title}")
        click.echo(f"virtual clock {_local(start)} → {_local(until)}, step {step_text}")
        totals = [0, 0, 0]
        for report in simulation.run(db, plan_id, until, step, new_worker_id()):
            totals[0] += report.timers_fired
            totals[1] += report.emails_sent
            totals[2] += len(report.lines)
            if not report.lines and quiet_days:
                continue
            extra = [f"e-mails sent: {report.emails_sent}"] if report.emails_sent else []
            click.echo(report.label + ("" if report.lines or extra else ": nothing happened"))
            for line in [*report.lines, *extra]:
                click.echo(f"  {line}")
        click.echo(f"done at {_local(clock.now())}: {totals[0]} timer firing(s) in all plans, "
                   f"{totals[1]} e-mail(s) sent, {totals[2]} change(s) to this plan's cases")

    run()


def _local(instant: object) -> str:
    from datetime import datetime

    assert isinstance(instant, datetime)
    return f"{instant.astimezone(clock.VN_TZ):%d/%m/%Y %H:%M}"


def register(main: click.Group) -> None:
    main.add_command(simulate)
