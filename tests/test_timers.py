"""The timer sweep: timeDate/timeDuration/timeCycle timers on the virtual clock, downtime, missed cycle
repetitions, claims with a lease, and several workers firing the same due timers exactly once."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text, update

from engine import clock
from engine.db import Database
from engine.models import AuditEvent, HumanTask, Instance
from engine.runtime import instances, timers
from tests.helpers import deploy_bytes, instance_row, open_tasks, person_id
from tests.timer_processes import boundary_process, expression, intermediate_process

T0 = datetime(2026, 5, 18, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội


@pytest.fixture
def virtual(org: Database) -> Database:
    clock.configure("virtual", org)
    clock.set_virtual(org, T0)
    return org


def at(db: Database, instant: datetime) -> None:
    clock.set_virtual(db, instant)


def fired_events(db: Database, instance_id: int | None = None) -> int:
    with db.transaction() as session:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "timers.fired")
        if instance_id is not None:
            query = query.where(AuditEvent.instance_id == instance_id)
        return session.scalar(query)


def names(db: Database, instance_id: int) -> list[str]:
    return [task.name for task in open_tasks(db, instance_id)]


def start(db: Database, key: str) -> int:
    return instances.start_instance(db, person_id(db, "gv_a1"), key, "th_a").id


@pytest.mark.parametrize(("kind", "interrupting"), [
    ("date", True), ("duration", True), ("date", False), ("duration", False), ("cycle", False),
    # an interrupting timeCycle boundary is not here: SpiffWorkflow 3.2.0 adds the cycle's children
    # directly and never cancels the activity, so it behaves like a non-interrupting one
], ids=["date-interrupting", "duration-interrupting", "date-non-interrupting", "duration-non-interrupting",
        "cycle-non-interrupting"])
def test_boundary_timer(virtual, kind, interrupting):
    process = boundary_process("hen_gio", kind, expression(kind, T0), interrupting=interrupting)
    deploy_bytes(virtual, "hen.bpmn", process)
    case = start(virtual, "hen_gio")
    assert instance_row(virtual, case).next_fire_at == T0 + timedelta(days=2)
    at(virtual, T0 + timedelta(days=2) - timedelta(seconds=1))
    assert timers.tick(virtual) == 0 and names(virtual, case) == ["nop"]
    at(virtual, T0 + timedelta(days=2))  # a sweep at the very instant fires it
    assert timers.tick(virtual) == 1
    assert timers.tick(virtual) == 0  # fired once
    row = instance_row(virtual, case)
    if interrupting:
        assert names(virtual, case) == ["xu_ly"] and row.next_fire_at is None
        with virtual.transaction() as session:
            nop = session.scalar(select(HumanTask).where(HumanTask.instance_id == case, HumanTask.name == "nop"))
            assert nop.status == "cancelled"
        return
    assert names(virtual, case) == ["nop", "xu_ly"]
    if kind != "cycle":
        assert row.next_fire_at is None
        return
    assert row.next_fire_at == T0 + timedelta(days=4)  # R2/P2D: the second repetition
    at(virtual, T0 + timedelta(days=4))
    assert timers.tick(virtual) == 1
    assert names(virtual, case) == ["nop", "xu_ly", "xu_ly"] and instance_row(virtual, case).next_fire_at is None
    at(virtual, T0 + timedelta(days=9))
    assert timers.tick(virtual) == 0 and fired_events(virtual, case) == 2


@pytest.mark.parametrize("kind", ["date", "duration", "cycle"])
def test_intermediate_timer(virtual, kind):
    deploy_bytes(virtual, "cho.bpmn", intermediate_process("cho_gio", kind, expression(kind, T0, days=3)))
    case = start(virtual, "cho_gio")
    assert names(virtual, case) == [] and instance_row(virtual, case).next_fire_at == T0 + timedelta(days=3)
    at(virtual, T0 + timedelta(days=1))
    assert timers.tick(virtual) == 0
    at(virtual, T0 + timedelta(days=3, minutes=1))
    assert timers.tick(virtual) == 1
    assert names(virtual, case) == ["xu_ly"]
    if kind != "cycle":
        assert instance_row(virtual, case).next_fire_at is None
        return
    # SpiffWorkflow 3.2.0: an intermediate timeCycle passes a token on at every repetition (R2: twice)
    assert instance_row(virtual, case).next_fire_at == T0 + timedelta(days=6)
    at(virtual, T0 + timedelta(days=6))
    assert timers.tick(virtual) == 1
    assert names(virtual, case) == ["xu_ly", "xu_ly"] and instance_row(virtual, case).next_fire_at is None


def test_overdue_timers_fire_on_the_first_sweep_after_downtime(virtual):
    for kind in ("date", "duration", "cycle"):
        deploy_bytes(virtual, f"{kind}.bpmn", boundary_process(f"p_{kind}", kind, expression(kind, T0)))
    deploy_bytes(virtual, "tg.bpmn", intermediate_process("p_cho", "duration", "'PT4H'"))
    cases = [start(virtual, f"p_{kind}") for kind in ("date", "duration", "cycle", "cho")]
    at(virtual, T0 + timedelta(days=12))  # the workers were down for twelve days
    result = timers.sweep(virtual, "after-downtime")
    assert (result.claimed, result.fired, result.errors) == (4, 4, 0)
    assert all(names(virtual, case) == ["xu_ly"] for case in cases)
    assert [fired_events(virtual, case) for case in cases] == [1, 1, 1, 1]
    assert timers.sweep(virtual, "after-downtime").claimed == 0


def test_missed_cycle_repetitions_fire_once_then_on_schedule(virtual):
    deploy_bytes(virtual, "nhac.bpmn", boundary_process("nhac", "cycle", "'R5/PT1H'", interrupting=False))
    case = start(virtual, "nhac")
    assert instance_row(virtual, case).next_fire_at == T0 + timedelta(hours=1)
    at(virtual, T0 + timedelta(hours=4, minutes=30))  # down since the start: reminders of 1, 2, 3 and 4 h missed
    passes = timers.tick_passes(virtual)
    assert sum(p.fired for p in passes) == 1
    assert passes[0].firings[0].caught_up == 3
    assert names(virtual, case) == ["nop", "xu_ly"]  # one reminder, not four
    assert instance_row(virtual, case).next_fire_at == T0 + timedelta(hours=5)  # the fifth, on schedule
    with virtual.transaction() as session:
        details = session.scalar(select(AuditEvent.details).where(AuditEvent.action == "timers.fired"))
    assert details["missed_repetitions"] == 3 and details["timers"] == ["hen"]
    at(virtual, T0 + timedelta(hours=5))
    assert timers.tick(virtual) == 1
    assert names(virtual, case) == ["nop", "xu_ly", "xu_ly"] and instance_row(virtual, case).next_fire_at is None
    at(virtual, T0 + timedelta(days=3))
    assert timers.tick(virtual) == 0 and fired_events(virtual, case) == 2


def test_a_cycle_five_hours_late_fires_once_and_is_done(virtual):
    deploy_bytes(virtual, "nhac.bpmn", boundary_process("nhac", "cycle", "'R5/PT1H'", interrupting=False))
    case = start(virtual, "nhac")
    at(virtual, T0 + timedelta(hours=6))  # the first repetition (1 h) is 5 h late: all five are due
    passes = timers.tick_passes(virtual)
    assert sum(p.fired for p in passes) == 1 and passes[0].firings[0].caught_up == 4
    assert names(virtual, case) == ["nop", "xu_ly"] and instance_row(virtual, case).next_fire_at is None
    at(virtual, T0 + timedelta(days=2))
    assert timers.tick(virtual) == 0 and fired_events(virtual, case) == 1


def test_claimed_case_is_skipped_until_the_claim_expires(virtual):
    deploy_bytes(virtual, "hen.bpmn", boundary_process("hen_gio", "duration", "'P1D'"))
    case = start(virtual, "hen_gio")
    at(virtual, T0 + timedelta(days=1, hours=1))
    assert timers.claim_due(virtual, "worker-a", lease=timedelta(seconds=1)) == [case]
    assert timers.claim_due(virtual, "worker-b") == []
    held = timers.sweep(virtual, "worker-b")
    assert (held.claimed, held.fired, held.skipped_because_claimed) == (0, 0, 1)
    time.sleep(1.1)  # worker-a crashed: its lease runs out (leases use the wall clock)
    taken = timers.sweep(virtual, "worker-b")
    assert (taken.claimed, taken.fired, taken.skipped_because_claimed) == (1, 1, 0)
    row = instance_row(virtual, case)
    assert names(virtual, case) == ["xu_ly"] and row.timer_lock_owner is None and row.timer_lock_expires_at is None
    # worker-a comes back and fires what it had claimed: nothing is due any more, nothing is stored
    late = timers.fire_timers(virtual, case, owner="worker-a")
    assert late.fired == () and late.status == "running"
    assert instance_row(virtual, case).lock_version == row.lock_version and fired_events(virtual, case) == 1


def test_nothing_due_stores_nothing_and_a_stale_next_fire_at_is_corrected(virtual):
    deploy_bytes(virtual, "hen.bpmn", boundary_process("hen_gio", "duration", "'P2D'"))
    case = start(virtual, "hen_gio")
    version = instance_row(virtual, case).lock_version
    assert timers.fire_timers(virtual, case).fired == ()
    with virtual.engine.begin() as connection:  # a projection out of step (it should never be)
        connection.execute(update(Instance).where(Instance.id == case).values(next_fire_at=T0 - timedelta(hours=1)))
    result = timers.sweep(virtual, "w")
    assert (result.claimed, result.fired, result.nothing_due) == (1, 0, 1)
    row = instance_row(virtual, case)
    assert row.lock_version == version and row.next_fire_at == T0 + timedelta(days=2) and row.timer_lock_owner is None
    assert fired_events(virtual, case) == 0 and timers.sweep(virtual, "w").claimed == 0


def test_suspended_case_is_not_swept(virtual):
    deploy_bytes(virtual, "hen.bpmn", boundary_process("hen_gio", "duration", "'P1D'"))
    case = start(virtual, "hen_gio")
    instances.suspend(virtual, None, case)
    at(virtual, T0 + timedelta(days=3))
    assert timers.sweep(virtual, "w").claimed == 0
    instances.resume(virtual, None, case)
    assert timers.tick(virtual) == 1 and names(virtual, case) == ["xu_ly"]


def test_scheduler_fires_overdue_timers_as_soon_as_it_starts(virtual):
    from engine.scheduler import start_background

    deploy_bytes(virtual, "hen.bpmn", boundary_process("hen_gio", "duration", "'P1D'"))
    cases = [start(virtual, "hen_gio") for _ in range(3)]
    at(virtual, T0 + timedelta(days=5))
    scheduler = start_background(virtual, interval=3600)  # the first run is now, not in an hour
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and fired_events(virtual) < 3:
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
    assert [names(virtual, case) for case in cases] == [["xu_ly"]] * 3
    assert {job.id for job in scheduler.get_jobs()} <= {"timer-sweep", "deadline-sweep", "notification-dispatch"}


def test_due_selection_uses_the_partial_index(virtual):
    from engine.runtime.timers import _CHOOSE

    sql = str(_CHOOSE)  # generic SQL with :named parameters
    explain = "EXPLAIN" if virtual.is_postgres else "EXPLAIN QUERY PLAN"
    with virtual.engine.connect() as connection:
        if virtual.is_postgres:
            connection.exec_driver_sql("SET enable_seqscan = off")  # an empty table: make the planner show its index
        rows = connection.execute(text(f"{explain} {sql}"), {"now": T0, "wall": T0, "limit": 100}).all()
    plan = " ".join(str(value) for row in rows for value in row)
    assert "ix_instance_timer_due" in plan, plan


def test_a_firing_that_ends_the_case_reports_it_completed(virtual):
    from tests.helpers import bpmn, flow

    deploy_bytes(virtual, "cho.bpmn", bpmn("chi_cho", "\n".join([
        '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
        '<bpmn:intermediateCatchEvent id="cho"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing>'
        "<bpmn:timerEventDefinition><bpmn:timeDuration>'PT1H'</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>",
        '<bpmn:endEvent id="e"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>',
        flow("f0", "s", "cho"), flow("f1", "cho", "e"),
    ]), lanes={"Hiệu trưởng": ["s", "cho", "e"]}))
    case = start(virtual, "chi_cho")
    at(virtual, T0 + timedelta(hours=1))
    [firing] = timers.sweep(virtual, "w").firings
    assert (firing.instance_id, firing.fired, firing.status) == (case, ("cho",), "completed")
    assert instance_row(virtual, case).status == "completed"
