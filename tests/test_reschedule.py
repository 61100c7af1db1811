"""When a plan milestone moves, the waiting timers and due dates of that plan's live cases move with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine import clock
from engine.accounts import issue_token
from engine.models import HumanTask, Plan
from engine.notifications import messages
from engine.org import person_by_username
from engine.plans import repository
from engine.runtime import instances, tasks
from engine.runtime.deadlines import DeadlineCounts, send_due_reminders
from engine.runtime.reschedule import RescheduleCounts, reschedule_plan_milestone
from tests.deadline_cases import DUE, REMIND, START, audits, deadline_process, make_plan, notifications, virtual_clock
from tests.helpers import deploy_bytes, instance_row, open_tasks, person_id

SECOND = timedelta(seconds=1)
WEEK = timedelta(days=7)
TIMER = "milestone('nop_ho_so')"


@pytest.fixture
def plans(org):
    """Plans A and B (same milestone key, same due), the process deployed, the clock at 11/5/2026."""
    virtual_clock(org)
    deploy_bytes(org, "han_nop.bpmn", deadline_process("han_nop", timer_at=TIMER))
    return make_plan(org, "A/KH"), make_plan(org, "B/KH")


def start(db, plan_id: int) -> int:
    return instances.start_instance(db, None, "han_nop", "th_a", plan_id=plan_id).id


def move(db, plan_id: int, due: datetime) -> RescheduleCounts:
    with db.transaction() as session:
        designer = person_by_username(session, "thietke")
        repository.move_milestone(session, plan_id, "nop_ho_so", due, actor=designer)
        designer_id = designer.id
    return reschedule_plan_milestone(db, plan_id, "nop_ho_so", actor_id=designer_id, batch_size=2)


def task_of(db, case: int) -> HumanTask:
    [row] = open_tasks(db, case)
    return row


def test_deadline_extended_moves_timers_and_due_dates_of_that_plan_only(org, plans):
    db, (plan_a, plan_b) = org, plans
    cases = [start(db, plan_a) for _ in range(3)]
    other = start(db, plan_b)
    done = start(db, plan_a)
    tasks.complete(db, person_id(db, "gv_a1"), task_of(db, done).id, {})

    counts = move(db, plan_a, DUE + WEEK)
    assert counts == RescheduleCounts(cases=3, rescheduled=3, timers=3, tasks=3, failed=0)  # 3 batches of ≤ 2
    for case in cases:
        assert instance_row(db, case).next_fire_at == DUE + WEEK
        row = task_of(db, case)
        assert (row.due_at, row.remind_at) == (DUE + WEEK, REMIND + WEEK)
    assert instance_row(db, other).next_fire_at == DUE and task_of(db, other).due_at == DUE

    events = audits(db, "case.rescheduled")
    assert sorted(e.instance_id for e in events) == sorted(cases)
    details = events[0].details
    assert details["milestone"] == "nop_ho_so" and details["plan_id"] == plan_a
    assert details["timers"] == [{"element": "han", "old": "2026-05-22T00:00:00+07:00",
                                  "new": "2026-05-29T00:00:00+07:00"}]
    [moved] = details["tasks"]
    assert (moved["old_due"], moved["due"]) == ("2026-05-22T00:00:00+07:00", "2026-05-29T00:00:00+07:00")
    assert events[0].actor_id == person_id(db, "thietke")

    # the old reminder instant and the old deadline pass: only plan B's case is reminded and fires
    assert send_due_reminders(db, now=REMIND + SECOND) == DeadlineCounts(reminded=1, overdue=0)
    assert {n.task_id for n in notifications(db, messages.TASK_REMINDER)} == {task_of(db, other).id}
    clock.set_virtual(db, DUE + SECOND)
    assert instances.tick(db) == 1
    assert send_due_reminders(db, now=REMIND + WEEK + SECOND) == DeadlineCounts(reminded=3, overdue=1)
    clock.set_virtual(db, DUE + WEEK + SECOND)
    assert instances.tick(db) == 3

    assert move(db, plan_a, DUE + WEEK) == RescheduleCounts(cases=3)  # nothing changes twice
    assert len(audits(db, "case.rescheduled")) == 3


def test_reminder_already_sent_is_sent_again_for_the_later_deadline(org, plans):
    plan_a, _ = plans
    case = start(org, plan_a)
    assert send_due_reminders(org, now=REMIND + SECOND).reminded == 1
    move(org, plan_a, DUE + WEEK)
    row = task_of(org, case)
    assert row.reminded_at is None and row.remind_at == REMIND + WEEK
    assert send_due_reminders(org, now=REMIND + 2 * SECOND) == DeadlineCounts(0, 0)
    assert send_due_reminders(org, now=REMIND + WEEK + SECOND).reminded == 1
    sent = notifications(org, messages.TASK_REMINDER)
    assert len({n.dedupe_key for n in sent}) == 2 and all(n.task_id == row.id for n in sent)
    assert audits(org, "case.rescheduled")[0].details["tasks"][0]["reminder_reset"] is True


def test_deadline_brought_forward_past_now_fires_on_the_next_tick(org, plans):
    plan_a, _ = plans
    case = start(org, plan_a)
    now = START + timedelta(days=4)  # Friday 15/5
    clock.set_virtual(org, now)
    counts = move(org, plan_a, datetime(2026, 5, 13, 17, 0, tzinfo=UTC))  # 14/5 00:00: already past
    assert counts.rescheduled == 1
    assert instance_row(org, case).next_fire_at == datetime(2026, 5, 13, 17, 0, tzinfo=UTC)
    assert instances.tick(org) == 1
    assert instance_row(org, case).next_fire_at is None
    assert send_due_reminders(org) == DeadlineCounts(reminded=0, overdue=1)


def test_suspended_cases_follow_and_ended_cases_are_left(org, plans):
    plan_a, _ = plans
    suspended, ended = start(org, plan_a), start(org, plan_a)
    manager = person_id(org, "ht_a")
    instances.suspend(org, manager, suspended)
    instances.terminate(org, manager, ended)
    assert move(org, plan_a, DUE + WEEK) == RescheduleCounts(cases=1, rescheduled=1, timers=1, tasks=1)
    assert instance_row(org, suspended).next_fire_at == DUE + WEEK


# --- through the API and the CLI -------------------------------------------------------------------

MOC = "nop_ho_so_dang_ky_thi_dua"


def _pattern_case(product) -> tuple[int, int]:
    virtual_clock(product, datetime(2023, 11, 3, 1, 0, tzinfo=UTC))
    with product.transaction() as session:
        plan_id = session.scalar(select(Plan.id).where(Plan.number == "58/KH-PGDĐT"))
    case = instances.start_instance(product, None, "mau_chuyen_len_cap_tren", "th_a", plan_id=plan_id,
                                    data={"moc_han": MOC}).id
    return plan_id, case


def test_patch_milestone_reports_rescheduled_cases(product):
    from webui import create_app

    client = create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "virtual"}).test_client()
    plan_id, case = _pattern_case(product)
    with product.transaction() as session:
        headers = {"Authorization": f"Bearer {issue_token(session, person_by_username(session, 'thietke'))}"}
    response = client.patch(f"/api/v1/plans/{plan_id}/milestones/{MOC}", json={"due": "20/11/2023"}, headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["rescheduled"] == 1
    assert response.json["reschedule"] == {"cases": 1, "rescheduled": 1, "timers": 1, "tasks": 1, "failed": 0}
    new_due = datetime(2023, 11, 20, 17, 0, tzinfo=UTC)  # the end of 20/11
    assert instance_row(product, case).next_fire_at == new_due and task_of(product, case).due_at == new_due


def test_cli_plan_move_prints_the_count(product, monkeypatch):
    from webui.cli import main

    monkeypatch.setenv("TDKT_DATABASE_URL", product.url)
    monkeypatch.setenv("TDKT_CLOCK", "virtual")
    plan_id, case = _pattern_case(product)
    result = CliRunner().invoke(main, ["plan", "move", str(plan_id), MOC, "20/11/2023", "--as", "thietke"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 case(s) rescheduled of 1 live case(s) of the plan (1 timer(s), 1 task due date(s) moved)" in result.stdout
    assert audits(product, "case.rescheduled")[0].actor_id == person_id(product, "thietke")
