"""`tdkt clock set` + `tdkt tick`, and `tdkt simulate` walking the virtual clock through a plan."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine import clock
from engine.models import Plan
from engine.runtime import instances
from engine.simulation import instants, parse_step
from tests.helpers import deploy_bytes, open_tasks, person_id
from tests.timer_processes import boundary_process


@pytest.fixture
def tdkt(tdkt, monkeypatch):
    monkeypatch.setenv("TDKT_CLOCK", "virtual")
    return tdkt


def start_cases(db, plan_id: int | None = None) -> list[int]:
    """At 20/05/2025 08:00: a deadline (P3D, interrupting) and a daily reminder (R2/P1D) on `nop`."""
    clock.configure("virtual", db)
    clock.set_virtual(db, datetime(2025, 5, 20, 1, 0, tzinfo=UTC))
    deploy_bytes(db, "han.bpmn", boundary_process("han_nop", "duration", "'P3D'"))
    deploy_bytes(db, "nhac.bpmn", boundary_process("nhac_nop", "cycle", "'R2/P1D'", interrupting=False))
    teacher = person_id(db, "gv_a1")
    return [instances.start_instance(db, teacher, key, "th_a", plan_id=plan_id).id for key in ("han_nop", "nhac_nop")]


def test_clock_set_then_tick_fires_everything_due(tdkt, product):
    deadline, reminder = start_cases(product)
    tdkt("clock", "set", "2025-05-21T09:00:00+07:00")
    out = tdkt("tick").output
    assert f"case {reminder}: hen fired (running)" in out and "cases advanced: 1" in out
    tdkt("clock", "set", "2025-06-01T09:00:00+07:00")  # ten days later: the deadline and the last reminder
    out = tdkt("tick").output
    assert f"case {deadline}: hen fired" in out and f"case {reminder}: hen fired" in out
    assert "cases advanced: 2" in out and "cases advanced: 0" in tdkt("tick").output


def test_simulate_refuses_the_real_clock(tdkt, monkeypatch):
    monkeypatch.setenv("TDKT_CLOCK", "real")
    result = tdkt("simulate", "--plan", "1", "--until", "31/05/2025", ok=False)
    assert "TDKT_CLOCK=virtual" in result.stderr


def test_simulate_walks_the_plan_day_by_day(tdkt, product):
    with product.transaction() as session:
        plan = session.scalars(select(Plan).order_by(Plan.id)).first()
        plan_id, number = plan.id, plan.number
    deadline, reminder = start_cases(product, plan_id)
    other = start_cases(product)  # not in the plan: fires too, but is not reported
    out = tdkt("simulate", "--plan", str(plan_id), "--until", "24/05/2025").output
    days = re.findall(r"^(\d\d/\d\d/\d{4})", out, flags=re.MULTILINE)
    assert days == ["21/05/2025", "22/05/2025", "23/05/2025", "24/05/2025", "24/05/2025"], out
    assert f"Plan {plan_id}: {number}" in out
    first_day = out.split("21/05/2025")[1].split("22/05/2025")[0]
    assert f"case {reminder}: timers.fired (due=2025-05-21T01:00:00+00:00; timers=hen)" in first_day
    assert re.search(rf"case {reminder}: task \d+ opened: Xử lý khi đến hạn \(hieu_truong @ th_a\)", first_day)
    third_day = out.split("23/05/2025")[1].split("24/05/2025")[0]
    assert f"case {deadline}: timers.fired" in third_day
    assert re.search(rf"case {deadline}: task \d+ cancelled: Nộp", third_day)
    assert all(f"case {case}:" not in out for case in other)
    assert "24/05/2025: nothing happened\n24/05/2025 24:00: nothing happened" in out
    assert "done at 25/05/2025 00:00" in out
    quiet = tdkt("simulate", "--plan", number, "--until", "2025-05-26T08:00", "--quiet-days").output
    assert quiet.count("nothing happened") == 0 and "done at 26/05/2025 08:00" in quiet
    assert "not a step" in tdkt("simulate", "--plan", "1", "--until", "30/05/2025", "--step", "1y", ok=False).stderr
    assert "after the current" in tdkt("simulate", "--plan", "1", "--until", "01/01/2025", ok=False).stderr
    assert "no plan" in tdkt("simulate", "--plan", "999", "--until", "30/06/2025", ok=False).stderr


def test_steps_and_instants():
    start = datetime(2025, 5, 20, 1, 0, tzinfo=UTC)
    assert parse_step("12h").total_seconds() == 43200 and parse_step("2W").days == 14
    steps = instants(start, datetime(2025, 5, 22, 0, 0, tzinfo=UTC), parse_step("1d"))
    assert steps == [datetime(2025, 5, 21, 1, 0, tzinfo=UTC), datetime(2025, 5, 22, 0, 0, tzinfo=UTC)]


def test_a_step_reports_any_audit_action_and_notification_of_the_plan(product):
    from engine.notifications.outbox import notify
    from engine.runtime.context import audit
    from engine.simulation import _changes, _marks

    with product.transaction() as session:
        plan_id = session.scalars(select(Plan.id).order_by(Plan.id)).first()
    deadline, _ = start_cases(product, plan_id)
    [task] = [t.id for t in open_tasks(product, deadline)]
    marks = _marks(product, plan_id)
    with product.transaction() as session:  # what a deadline or escalation sweep writes
        audit(session, "task.escalated", instance_id=deadline, task_id=task, to="hieu_truong@phong_hd")
        notify(session, person_ids=[person_id(product, "ht_a")], kind="escalation", subject="Hồ sơ quá hạn",
               body="…", instance_id=deadline, task_id=task, dedupe_key=f"esc:{task}")
    lines = _changes(product, plan_id, marks)
    assert lines[0] == f"case {deadline} task {task}: task.escalated (to=hieu_truong@phong_hd)"
    assert re.match(rf"case {deadline}: notification \d+ \(escalation\) → ht_a: Hồ sơ quá hạn \[e-mail \w+\]$",
                    lines[1]), lines
