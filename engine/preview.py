"""Preview a plan year: run one process under a copy of a plan on a throw-away virtual clock, in a temporary
SQLite database with generated people, and report day by day which tasks open, are reminded, go overdue,
are escalated and close — so a designer sees a wrong deadline before officers do.

`collect_request` reads what the run needs from the real database (the definition and what it calls,
the forms, the roles, the plan, the calendar overrides) into plain JSON. `run_in_subprocess` runs
`python -m engine.preview` on it in a temporary folder: the child process migrates a fresh SQLite file
there, switches its own clock to virtual, generates a unit tree (Sở → Phòng → Trường) with one person per
role in every unit, deploys, starts one case and walks the clock one day per step, completing each task
`complete_after` days after it opens with generated data valid against its form (`None`: never, to see
reminders and escalation). The real database and this process's clock are never touched. The run is
bounded by the period (at most MAX_DAYS days) and a wall-clock budget; the folder is removed afterwards.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import EngineError, InvalidInput
from engine.models import CalendarOverride, FormDefinition, Plan, ProcessDefinition, Role

MAX_DAYS = 400
WALL_BUDGET_SECONDS = 40.0
UNITS = [("so_mau", "Sở GDĐT (mô phỏng)", "so", None), ("phong_mau", "Phòng GDĐT (mô phỏng)", "phong", "so_mau"),
         ("truong_mau", "Trường (mô phỏng)", "truong", "phong_mau")]
EVENT_KINDS = {"task.reminded": "reminded", "task.overdue": "overdue", "task.escalated": "escalated",
               "timers.fired": "timer", "incident": "incident", "case.rescheduled": "rescheduled"}


class PreviewFailed(EngineError):
    code, status = "preview_failed", 422


# --- in the web process: what to run ----------------------------------------------------------------

def collect_request(session: Session, definition: ProcessDefinition, plan: Plan, *, start: datetime,
                    until: datetime, complete_after: int | None, unit_kind: str = "truong",
                    data: dict[str, Any] | None = None) -> dict[str, Any]:
    from engine.definitions.repository import _closure

    if until <= start:
        raise InvalidInput("until: the end of the preview must be after its start", field="until")
    if (until - start).days > MAX_DAYS:
        raise InvalidInput(f"until: a preview covers at most {MAX_DAYS} days", field="until")
    if unit_kind not in {kind for _, _, kind, _ in UNITS}:
        raise InvalidInput("unit: choose so, phong or truong", field="unit")
    files = [{"name": d.source_name, "data": base64.b64encode(d.source).decode()}
             for d in _closure(session, [definition])]
    latest = select(FormDefinition.key, func.max(FormDefinition.version).label("v")).group_by(FormDefinition.key) \
        .subquery()
    forms = {f.key: f.source_text for f in session.scalars(select(FormDefinition).join(
        latest, (latest.c.key == FormDefinition.key) & (latest.c.v == FormDefinition.version)))}
    roles = [{"code": r.code, "name": r.name, "capabilities": r.capabilities} for r in session.scalars(select(Role))]
    milestones = [{"key": m.key, "title": m.title, "due": m.due_at.isoformat(),
                   "start": m.window_start.isoformat() if m.window_start else None, "kind": m.unit_kind,
                   "process": m.process_key} for m in plan.milestones]
    overrides = [{"day": o.day.isoformat(), "kind": o.kind, "note": o.note}
                 for o in session.scalars(select(CalendarOverride))]
    return {"process": definition.key, "files": files, "forms": forms, "roles": roles,
            "plan": {"number": plan.number, "title": plan.title, "school_year": plan.school_year,
                     "milestones": milestones},
            "overrides": overrides, "start": start.isoformat(), "until": until.isoformat(),
            "complete_after": complete_after, "unit_kind": unit_kind, "data": data or {}}


def run_in_subprocess(request: dict[str, Any], timeout: float = WALL_BUDGET_SECONDS + 30) -> dict[str, Any]:
    """Run the preview in a child Python process and a temporary folder; its report as a dict."""
    with tempfile.TemporaryDirectory(prefix="tdkt-preview-") as folder:
        path = Path(folder)
        (path / "request.json").write_text(json.dumps(request), encoding="utf-8")
        env = {**os.environ, "TDKT_DATABASE_URL": f"sqlite:///{path / 'preview.sqlite3'}", "TDKT_CLOCK": "virtual"}
        try:
            done = subprocess.run([sys.executable, "-m", "engine.preview", str(path)], env=env, timeout=timeout,
                                  capture_output=True, text=True, check=False)
        except subprocess.TimeoutExpired:
            raise PreviewFailed(f"the preview took longer than {int(timeout)} seconds; preview a shorter period"
                                ) from None
        report = path / "report.json"
        if done.returncode != 0 or not report.exists():
            raise PreviewFailed("the preview could not run: " + (done.stderr.strip().splitlines() or ["?"])[-1])
        result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
        if result.get("error"):
            raise PreviewFailed(result["error"])
        return result


# --- in the child process: the run ----------------------------------------------------------------------

def _setup(db: Any, request: dict[str, Any]) -> tuple[int, str]:
    from engine.calendar import use_database
    from engine.definitions.repository import deploy
    from engine.definitions.validation import SourceFile
    from engine.forms import deploy_form
    from engine.org import add_person, add_role, add_unit
    from engine.plans.repository import create_plan
    from engine.plans.spec import plan_spec

    with db.transaction() as session:
        for role in request["roles"]:
            add_role(session, role["code"], role["name"], role["capabilities"])
        for code, name, kind, parent in UNITS:
            add_unit(session, code, name, kind, parent)
        for code, _name, kind, _parent in UNITS:
            for role in request["roles"]:
                add_person(session, f"{role['code']}_{kind}", f"{role['name']} ({kind})", code, [role["code"]])
        for day in request["overrides"]:
            session.add(CalendarOverride(day=datetime.fromisoformat(day["day"]).date(), kind=day["kind"],
                                         note=day["note"], created_at=datetime.now(UTC)))
        for key, text in request["forms"].items():
            deploy_form(session, key, text)
        deploy(session, [SourceFile(f["name"], base64.b64decode(f["data"])) for f in request["files"]])
        plan = create_plan(session, plan_spec({**request["plan"], "number": request["plan"]["number"] + " (mô phỏng)"}),
                           strict_unit=False)
        plan_id = plan.id
    use_database(db)
    unit = next(code for code, _, kind, _ in UNITS if kind == request["unit_kind"])
    return plan_id, unit


def _day_label(instant: datetime) -> str:
    from engine.clock import VN_TZ

    return f"{instant.astimezone(VN_TZ):%d/%m/%Y}"


def _day_end(instant: datetime) -> datetime:
    """The last second of the local day of `instant`: each step of the run covers one whole day."""
    from engine.clock import VN_TZ

    return datetime.combine(instant.astimezone(VN_TZ).date(), dt_time(23, 59, 59), VN_TZ).astimezone(UTC)


def _events(connection: Any, case_id: int, marks: dict[str, Any]) -> list[dict[str, Any]]:
    from engine.models import AuditEvent, HumanTask, Instance, Unit
    from engine.plans.instants import due_text

    events: list[dict[str, Any]] = []
    for action, task_id, details in connection.execute(select(AuditEvent.action, AuditEvent.task_id, AuditEvent.details)
                                                       .where(AuditEvent.id > marks["audit"],
                                                              AuditEvent.instance_id == case_id)
                                                       .order_by(AuditEvent.id)):
        if action == "incident":  # the step that failed, by its name as the case page shows it
            step = connection.scalar(select(Instance.incident_task).where(Instance.id == case_id))
            events.append({"kind": "incident", "task": step or (details or {}).get("element"),
                           "line": (details or {}).get("line"), "detail": _detail(action, details)})
        elif action in EVENT_KINDS:
            title = marks["titles"].get(task_id) or connection.scalar(select(HumanTask.title).where(
                HumanTask.id == task_id)) if task_id else None
            events.append({"kind": EVENT_KINDS[action], "task": title, "detail": _detail(action, details)})
    for row in connection.execute(select(HumanTask.id, HumanTask.title, HumanTask.role_code, Unit.name,
                                         HumanTask.due_at, HumanTask.is_orphan)
                                  .outerjoin(Unit, Unit.id == HumanTask.unit_id)
                                  .where(HumanTask.id > marks["task"], HumanTask.instance_id == case_id)
                                  .order_by(HumanTask.id)):
        events.append({"kind": "opened", "task": row.title, "role": row.role_code, "unit": row.name,
                       "due": due_text(row.due_at.replace(tzinfo=UTC) if row.due_at and row.due_at.tzinfo is None
                                       else row.due_at), "orphan": row.is_orphan})
    if marks["open"]:
        for _id, title, status in connection.execute(select(HumanTask.id, HumanTask.title, HumanTask.status)
                                                         .where(HumanTask.id.in_(list(marks["open"])),
                                                                HumanTask.status != "ready")
                                                         .order_by(HumanTask.id)):
            events.append({"kind": status, "task": title})
    status = connection.scalar(select(Instance.status).where(Instance.id == case_id))
    if marks["status"] == "new":
        events.insert(0, {"kind": "started", "detail": status})
    elif status != marks["status"]:
        events.append({"kind": "case", "detail": status})
    return events


def _detail(action: str, details: dict[str, Any] | None) -> str | None:
    details = details or {}
    if action == "incident":
        return str(details.get("message") or details.get("error") or "")
    if action == "task.escalated":
        return str(details.get("role") or "")
    return None


def _marks(connection: Any, case_id: int) -> dict[str, Any]:
    from engine.models import AuditEvent, HumanTask, Instance

    open_rows = dict(connection.execute(select(HumanTask.id, HumanTask.title).where(
        HumanTask.instance_id == case_id, HumanTask.status == "ready")).all())
    return {"audit": connection.scalar(select(func.coalesce(func.max(AuditEvent.id), 0))),
            "task": connection.scalar(select(func.coalesce(func.max(HumanTask.id), 0))),
            "open": set(open_rows), "titles": open_rows,
            "status": connection.scalar(select(Instance.status).where(Instance.id == case_id))}


def _complete_due_tasks(db: Any, case_id: int, now: datetime, after: int | None,
                        problems: list[dict[str, Any]]) -> None:
    """Complete the case's open tasks that opened at least `after` days ago, as one of their candidates."""
    from engine.forms import latest_form
    from engine.models import HumanTask, RoleMembership
    from engine.preview_data import sample_data
    from engine.runtime.tasks import complete

    if after is None:
        return
    for _ in range(50):  # a task completed may open the next one, to be completed the same day
        with db.transaction() as session:
            due_rows = [(t.id, t.title, t.form_key, t.role_code, t.unit_id) for t in session.scalars(
                select(HumanTask).where(HumanTask.instance_id == case_id, HumanTask.status == "ready")
                .order_by(HumanTask.id))
                if (t.created_at.replace(tzinfo=UTC) if t.created_at.tzinfo is None else t.created_at)
                + timedelta(days=after) <= now]
            work = []
            for task_id, title, form_key, role, unit_id in due_rows:
                person = session.scalar(select(RoleMembership.person_id).where(
                    RoleMembership.role_code == role, RoleMembership.unit_id == unit_id).limit(1))
                form = latest_form(session, form_key) if form_key else None
                work.append((task_id, title, person, sample_data(form.schema if form else None,
                                                                 now.astimezone(UTC).date())))
        progressed = False
        for task_id, title, person, data in work:
            if person is None or any(p["task_id"] == task_id for p in problems):
                continue
            try:
                complete(db, person, task_id, data)
                progressed = True
            except EngineError as exc:
                problems.append({"task_id": task_id, "task": title, "detail": exc.message})
        if not progressed:
            return


def run_preview(request: dict[str, Any], folder: Path) -> dict[str, Any]:
    from engine import clock
    from engine.db import Database
    from engine.migrate import upgrade
    from engine.runtime.instances import start_instance
    from engine.scheduler import run_due_work

    began = time.monotonic()
    db = Database(f"sqlite:///{folder / 'preview.sqlite3'}")
    upgrade(db)
    start, until = datetime.fromisoformat(request["start"]), datetime.fromisoformat(request["until"])
    clock.configure("virtual", db)
    clock.set_virtual(db, start)
    plan_id, unit = _setup(db, request)
    days: list[dict[str, Any]] = []
    marks: dict[str, Any] = {"audit": 0, "task": 0, "open": set(), "titles": {}, "status": "new"}
    problems: list[dict[str, Any]] = []
    case_id = start_instance(db, None, request["process"], unit, plan_id=plan_id, data=request["data"],
                             title="Hồ sơ mô phỏng").id
    instant, stopped = start, None
    while True:
        events = []
        for phase in ("engine", "people"):  # what the clock brought, then what the generated people did
            if phase == "people" and marks["status"] == "running":  # a case in incident takes no work
                _complete_due_tasks(db, case_id, instant, request["complete_after"], problems)
            with db.engine.connect() as connection:
                events += _events(connection, case_id, marks)
                marks = _marks(connection, case_id)
        reported = {p["task_id"] for d in days for p in d.get("problems", [])}
        fresh = [p for p in problems if p["task_id"] not in reported]
        if events or fresh:
            days.append({"day": _day_label(instant), "events": events, "problems": fresh})
        if marks["status"] not in ("running", "suspended"):
            break
        if instant >= until:
            break
        if time.monotonic() - began > WALL_BUDGET_SECONDS:
            stopped = f"stopped at {_day_label(instant)}: the preview's time budget was used up"
            break
        instant = min(_day_end(instant) if instant == start else instant + timedelta(days=1), until)
        clock.set_virtual(db, instant)
        run_due_work(db, "preview")
    return {"days": days, "status": marks["status"], "stopped": stopped, "until": _day_label(instant),
            "seconds": round(time.monotonic() - began, 2)}


def main(folder: str) -> int:
    path = Path(folder)
    request = json.loads((path / "request.json").read_text(encoding="utf-8"))
    try:
        result = run_preview(request, path)
    except EngineError as exc:
        result = {"error": exc.message}
    (path / "report.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
