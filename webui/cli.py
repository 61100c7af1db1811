"""The `tdkt` command line. Every command honours TDKT_DATABASE_URL; errors go to stderr, exit 1."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from engine import clock
from engine.config import load_settings
from engine.db import Database
from engine.errors import EngineError
from webui.cli_support import open_database as _db
from webui.cli_support import reports_errors


def _person_id(db: Database, username: str | None) -> int | None:
    if username is None:
        return None
    from engine.org import person_by_username

    with db.transaction() as session:
        return person_by_username(session, username).id


def _json_option(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise EngineError(f"--data is not valid JSON: {exc.msg} at column {exc.colno}") from None


def _print(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@click.group()
def main() -> None:
    """TĐKT Flow: thi đua, khen thưởng workflows."""


@main.command()
@reports_errors
def init() -> None:
    """Migrate the database and load processes/ and forms/."""
    from engine.bootstrap import init as do_init

    report = do_init(_db(), load_settings())
    click.echo(f"roles: {report.roles}; new forms: {', '.join(report.forms_created) or 'none'}")
    for d in report.definitions:
        click.echo(f"{d.kind} {d.key} v{d.version}{' (new)' if d.created else ''}")
    for load in report.plans:
        click.echo(str(load))


@main.command()
@reports_errors
def demo() -> None:
    """init, then the demo organisation, people and cases (idempotent)."""
    from engine.bootstrap import init as do_init
    from engine.demo import DEMO_PASSWORD, seed

    db = _db()
    do_init(db, load_settings())
    logins = seed(db)
    click.echo(f"Demo logins (password {DEMO_PASSWORD}):")
    for username, description in logins:
        click.echo(f"  {username:10} {description}")


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--no-scheduler", is_flag=True, help="do not fire timers in this process")
def serve(host: str, port: int, no_scheduler: bool) -> None:
    """Serve the web app and API (with the in-process timer scheduler)."""
    from engine.scheduler import start_background
    from webui import create_app

    app = create_app()
    if not no_scheduler:
        start_background(_db())
    click.echo(f"TĐKT Flow: http://{host}:{port}/  (API: http://{host}:{port}/api/v1/openapi.json)")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


@main.command()
@click.option("--interval", default=None, type=float,
              help="seconds between timer sweeps (default TDKT_TIMER_INTERVAL, else 10)")
def worker(interval: float | None) -> None:
    """Run the timer sweep and the e-mail dispatcher here, blocking (several may run against PostgreSQL)."""
    import logging

    from engine.scheduler import run_blocking

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("spiff").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per run; ours say what fired
    run_blocking(_db(), interval)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check BPMN/DMN files; one line per problem: FILE:LINE: element-id: message."""
    from engine.definitions.validation import Catalogues, validate_files
    from engine.forms import known_form_keys
    from engine.org import role_catalogue

    db = _db()
    try:
        with db.transaction() as session:
            catalogues = Catalogues(forms=known_form_keys(session), roles=role_catalogue(session))
    except Exception:  # no database yet: check what can be checked without catalogues
        catalogues = None
    problems = validate_files(list(files), catalogues)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(1)
    click.echo(f"{len(files)} file(s) valid")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--as", "username", help="deploying user (recorded)")
@reports_errors
def deploy(files: tuple[Path, ...], username: str | None) -> None:
    """Validate and deploy BPMN/DMN files; unchanged content keeps its version."""
    from engine.bootstrap import read_definition_files
    from engine.definitions.repository import deploy as do_deploy
    from engine.models import Person

    db = _db()
    person_id = _person_id(db, username)
    with db.transaction() as session:
        person = session.get(Person, person_id) if person_id else None
        results = do_deploy(session, read_definition_files(list(files)), person)
    for r in results:
        click.echo(f"{r.kind} {r.key} v{r.version}{' (new)' if r.created else ' (unchanged)'}")


@main.group()
def role() -> None:
    """The role catalogue."""


@role.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--capabilities", default="", help="space-separated: manage design admin")
@reports_errors
def role_add(code: str, name: str, capabilities: str) -> None:
    from engine.org import add_role

    with _db().transaction() as session:
        add_role(session, code, name, capabilities)
    click.echo(f"role {code}")


@main.group()
def unit() -> None:
    """Organisation units."""


@unit.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--kind", required=True)
@click.option("--parent")
@reports_errors
def unit_add(code: str, name: str, kind: str, parent: str | None) -> None:
    from engine.org import add_unit

    with _db().transaction() as session:
        add_unit(session, code, name, kind, parent)
    click.echo(f"unit {code}")


@main.group()
def user() -> None:
    """People and accounts."""


@user.command("add")
@click.argument("username")
@click.option("--name", required=True)
@click.option("--unit", "unit_code", required=True)
@click.option("--role", "roles", multiple=True, required=True)
@click.option("--password")
@click.option("--email")
@reports_errors
def user_add(username: str, name: str, unit_code: str, roles: tuple[str, ...], password: str | None,
             email: str | None) -> None:
    from engine.org import add_person

    with _db().transaction() as session:
        add_person(session, username, name, unit_code, roles, password=password, email=email)
    click.echo(f"user {username}")


@main.command()
@click.argument("username")
@reports_errors
def token(username: str) -> None:
    """Print a new bearer token for USERNAME."""
    from engine.accounts import issue_token
    from engine.org import person_by_username

    with _db().transaction() as session:
        click.echo(issue_token(session, person_by_username(session, username)))


@main.command("clock")
@click.argument("action", type=click.Choice(["show", "set"]))
@click.argument("instant", required=False)
@reports_errors
def clock_cmd(action: str, instant: str | None) -> None:
    """Show the clock, or set the virtual clock to an ISO instant (local time if no offset)."""
    db = _db()
    if action == "set":
        if not instant:
            raise EngineError("usage: tdkt clock set 2025-05-20T08:00:00+07:00")
        try:
            value = datetime.fromisoformat(instant)
        except ValueError:
            raise EngineError(f"not an ISO date-time: {instant!r}") from None
        clock.set_virtual(db, value)
    virtual = clock.get_virtual(db)
    click.echo(f"mode: {clock.mode()}")
    click.echo(f"now: {clock.now().astimezone(clock.VN_TZ).isoformat()}")
    click.echo(f"virtual: {virtual.astimezone(clock.VN_TZ).isoformat() if virtual else 'not set'}")


@main.command()
@reports_errors
def tick() -> None:
    """Fire every timer due now (sweep until nothing due is left)."""
    from engine.runtime.timers import tick_passes

    passes = tick_passes(_db())
    for result in passes:
        for firing in result.firings:
            click.echo(f"case {firing.instance_id}: {', '.join(firing.fired)} fired ({firing.status})")
    click.echo(f"cases advanced: {sum(p.fired for p in passes)}")
    held, errors = passes[-1].skipped_because_claimed, sum(p.errors for p in passes)
    if held:
        click.echo(f"{held} due case(s) are being handled by another worker")
    if errors:
        click.echo(f"{errors} case(s) failed (see the log); they are tried again on the next sweep", err=True)


@main.group()
def case() -> None:
    """Cases (process instances)."""


@case.command("start")
@click.argument("definition")
@click.option("--unit", "unit_code", required=True)
@click.option("--as", "username", help="starting user (default: the system)")
@click.option("--business-key")
@click.option("--title")
@click.option("--data", help="initial variables as a JSON object")
@reports_errors
def case_start(definition: str, unit_code: str, username: str | None, business_key: str | None,
               title: str | None, data: str | None) -> None:
    from engine.runtime.instances import start_instance

    db = _db()
    ref = start_instance(db, _person_id(db, username), definition, unit_code, business_key=business_key,
                         title=title, data=_json_option(data))
    click.echo(f"case {ref.id} {ref.status}")


@case.command("show")
@click.argument("instance_id", type=int)
@reports_errors
def case_show(instance_id: int) -> None:
    from engine.models import Instance
    from engine.runtime.queries import instance_detail

    with _db().transaction() as session:
        instance = session.get(Instance, instance_id)
        if instance is None:
            raise EngineError(f"no case {instance_id}")
        _print(instance_detail(session, instance))


def _case_action(name: str, fn_name: str) -> None:
    @case.command(name)
    @click.argument("instance_id", type=int)
    @click.option("--as", "username", help="acting manager (default: the system operator)")
    @reports_errors
    def command(instance_id: int, username: str | None) -> None:
        from engine.runtime import instances

        db = _db()
        ref = getattr(instances, fn_name)(db, _person_id(db, username), instance_id)
        click.echo(f"case {ref.id} {ref.status}")

    command.__doc__ = f"{name.capitalize()} a case."


for _name in ("suspend", "resume", "terminate", "retry"):
    _case_action(_name, _name)


@main.group()
def task() -> None:
    """User tasks."""


@task.command("list")
@click.option("--as", "username", required=True)
@click.option("--scope", type=click.Choice(["mine", "candidate", "unit"]), default="candidate")
@reports_errors
def task_list(username: str, scope: str) -> None:
    from engine.authz import load_viewer
    from engine.org import person_by_username
    from engine.runtime.queries import list_tasks

    with _db().transaction() as session:
        viewer = load_viewer(session, person_by_username(session, username))
        for t in list_tasks(session, viewer, scope=scope):
            click.echo(f"{t['id']}\tcase {t['instance_id']}\t{t['title']}\t{t['role']}@{t['unit']}"
                       f"\t{t['assignee'] or '-'}")


@task.command("claim")
@click.argument("task_id", type=int)
@click.option("--as", "username", required=True)
@reports_errors
def task_claim(task_id: int, username: str) -> None:
    from engine.runtime.tasks import claim

    db = _db()
    claim(db, _person_id(db, username), task_id)  # type: ignore[arg-type]
    click.echo(f"task {task_id} claimed by {username}")


@task.command("complete")
@click.argument("task_id", type=int)
@click.option("--as", "username", required=True)
@click.option("--data", default="{}", help="form data as a JSON object")
@reports_errors
def task_complete(task_id: int, username: str, data: str) -> None:
    from engine.runtime.tasks import complete

    db = _db()
    complete(db, _person_id(db, username), task_id, _json_option(data))  # type: ignore[arg-type]
    click.echo(f"task {task_id} completed")


def _register_command_modules() -> None:
    """Each module of webui.commands adds its commands to `main`."""
    import importlib
    import pkgutil

    import webui.commands as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}").register(main)


_register_command_modules()
