"""Due dates from plan milestones, reminders before them, overdue notices after, and the notice a task's
candidates get when it opens."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.definitions.problems import DefinitionError
from engine.errors import NotFound
from engine.models import HumanTask
from engine.notifications import messages
from engine.org import person_by_username
from engine.plans.helpers import MilestoneError, milestone
from engine.runtime import instances, tasks
from engine.runtime.deadlines import DeadlineCounts, send_due_reminders, working_days_left
from engine.serialization import load_workflow
from tests.deadline_cases import (
    DUE,
    REMIND,
    audits,
    deadline_process,
    make_plan,
    notifications,
    recipients,
    virtual_clock,
)
from tests.helpers import bpmn, deploy_bytes, flow, instance_row, open_tasks, person_id, script_task

SECOND = timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _virtual_clock(org):
    virtual_clock(org)  # Monday 11/5/2026 08:00, before every deadline here


def row_of(db, instance_id: int) -> HumanTask:
    [row] = open_tasks(db, instance_id)
    return row


def ids(db, *usernames: str) -> set[int]:
    return {person_id(db, name) for name in usernames}


def start(db, pid: str, plan_id: int | None, actor: str | None = "gv_a1", unit: str = "th_a", **data) -> int:
    actor_id = person_id(db, actor) if actor else None
    return instances.start_instance(db, actor_id, pid, unit, plan_id=plan_id, data=data or None).id


def test_due_date_and_timer_from_plan_milestones(org):
    plan_id = make_plan(org)
    deploy_bytes(org, "han_nop.bpmn", deadline_process(
        "han_nop", timer_at="working_days_before(milestone('nop_ho_so'), 3)"))
    case = start(org, "han_nop", plan_id)
    row = row_of(org, case)
    assert (row.due_at, row.remind_at) == (DUE, REMIND)  # reminderDays defaults to 3 working days
    assert row.reminded_at is None and row.overdue_notified_at is None and row.assignment_problem is None
    assert instance_row(org, case).next_fire_at == REMIND


def test_milestone_start_and_due_in_a_script(org):
    plan_id = make_plan(org, cham=("2026-02-01T00:00:00+07:00", "2026-03-01T00:00:00+07:00"))
    script = "bat_dau = milestone_start('cham')\nhan = milestone('cham')"
    deploy_bytes(org, "doc_moc.bpmn", bpmn("doc_moc", "\n".join([
        '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
        script_task("doc", "Đọc mốc", script, incoming="f0", outgoing="f1"),
        '<bpmn:endEvent id="e"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>',
        flow("f0", "s", "doc"), flow("f1", "doc", "e")]), lanes={"giao_vien": ["s", "doc", "e"]}))
    case = start(org, "doc_moc", plan_id)
    row = instance_row(org, case)
    assert row.status == "completed", row.incident_message
    data = load_workflow(row.state).data
    assert (data["bat_dau"], data["han"]) == ("2026-02-01T00:00:00+07:00", "2026-03-01T00:00:00+07:00")


def test_milestone_errors_are_clear(org):
    with pytest.raises(MilestoneError, match="only available while a case runs"):
        milestone("nop_ho_so")
    deploy_bytes(org, "han_nop.bpmn", deadline_process("han_nop"))
    with pytest.raises(NotFound, match="no plan 999"):
        start(org, "han_nop", 999)
    deploy_bytes(org, "hen_gio.bpmn", deadline_process("hen_gio", timer_at="milestone('khong_co')"))
    no_plan = start(org, "han_nop", None)
    row = row_of(org, no_plan)
    assert row.due_at is None and "not started under a plan" in row.assignment_problem
    unknown = instance_row(org, start(org, "hen_gio", make_plan(org)))
    assert unknown.status == "incident"
    assert "plan 01/KH-TEST has no milestone 'khong_co'" in unknown.incident_message


def test_reminder_days_property(org):
    plan_id = make_plan(org)
    deploy_bytes(org, "khong_nhac.bpmn", deadline_process("khong_nhac", reminderDays="0"))
    deploy_bytes(org, "nhac_som.bpmn", deadline_process("nhac_som", reminderDays="5"))
    assert row_of(org, start(org, "khong_nhac", plan_id)).remind_at is None
    # five working days before Friday 22/5 00:00: 15/5 (Fri) 00:00, leaving 15, 18, 19, 20, 21
    assert row_of(org, start(org, "nhac_som", plan_id)).remind_at == DUE - timedelta(days=7)
    with pytest.raises(DefinitionError) as err:
        deploy_bytes(org, "sai.bpmn", deadline_process("sai", reminderDays="ba ngay"))
    assert "reminderDays must be a whole number" in err.value.problems[0].message


def test_working_days_left_counts_today_and_the_last_day():
    assert working_days_left(REMIND, DUE) == 3  # Tue 19, Wed 20, Thu 21
    assert working_days_left(DUE - timedelta(hours=1), DUE) == 1  # Thursday evening: the last day
    assert working_days_left(DUE + SECOND, DUE) == 0


@pytest.fixture
def mail(org):
    with org.transaction() as session:
        for username in ("gv_a1", "gv_a2", "ht_a"):
            person_by_username(session, username).email = f"{username}@truong.edu.vn"
    return org


def test_candidates_are_told_when_a_task_opens(mail):
    deploy_bytes(mail, "han_nop.bpmn", deadline_process("han_nop"))
    with mail.transaction() as session:
        person_by_username(session, "gv_a1").email = None
    case = start(mail, "han_nop", make_plan(mail), actor=None)
    task = row_of(mail, case)
    sent = notifications(mail, messages.TASK_ASSIGNED)
    assert recipients(sent) == ids(mail, "gv_a1", "gv_a2")
    by_person = {n.person_id: n for n in sent}
    told = by_person[person_id(mail, "gv_a2")]
    assert (told.task_id, told.instance_id, told.email_status, told.email_to) == (
        task.id, case, "pending", "gv_a2@truong.edu.vn")
    assert by_person[person_id(mail, "gv_a1")].email_status == "skipped"
    assert told.subject.startswith("[TĐKT] Nhiệm vụ mới: Nộp hồ sơ") and "(hạn 21/05/2026)" in told.subject
    assert "Hạn hoàn thành: 21/05/2026\n" in told.body
    assert "Giáo viên — Trường Tiểu học Văn Yên" in told.body
    assert instance_row(mail, case).title in told.body
    # the person who acts is not told about the task they just opened
    start(mail, "han_nop", None, actor="gv_a1")
    assert len(notifications(mail, messages.TASK_ASSIGNED)) == 3


def test_reminder_then_overdue_notice(mail):
    deploy_bytes(mail, "han_nop.bpmn", deadline_process("han_nop"))
    case = start(mail, "han_nop", make_plan(mail), actor=None)
    task = row_of(mail, case)
    assert send_due_reminders(mail) == DeadlineCounts(0, 0)  # the engine clock: 11/5
    assert send_due_reminders(mail, now=REMIND - SECOND) == DeadlineCounts(0, 0)
    assert send_due_reminders(mail, now=REMIND) == DeadlineCounts(reminded=1, overdue=0)
    reminders = notifications(mail, messages.TASK_REMINDER)
    assert recipients(reminders) == ids(mail, "gv_a1", "gv_a2")
    assert "còn 3 ngày làm việc" in reminders[0].subject
    assert send_due_reminders(mail, now=REMIND + SECOND) == DeadlineCounts(0, 0)
    [event] = audits(mail, "task.reminded")
    assert (event.instance_id, event.task_id, event.details["recipients"]) == (case, task.id, 2)

    tasks.claim(mail, person_id(mail, "gv_a1"), task.id)
    assert send_due_reminders(mail, now=DUE + SECOND) == DeadlineCounts(reminded=0, overdue=1)
    overdue = notifications(mail, messages.TASK_OVERDUE)
    assert recipients(overdue) == ids(mail, "gv_a1", "ht_a")  # the holder and the school's manager
    assert send_due_reminders(mail, now=DUE + timedelta(days=3)) == DeadlineCounts(0, 0)
    [event] = audits(mail, "task.overdue")
    assert (event.instance_id, event.task_id) == (case, task.id)
    with mail.transaction() as session:
        stored = session.get(HumanTask, task.id)
        assert stored.reminded_at == REMIND and stored.overdue_notified_at == DUE + SECOND


def test_a_task_found_overdue_is_not_reminded_afterwards(mail):
    deploy_bytes(mail, "han_nop.bpmn", deadline_process("han_nop"))
    case = start(mail, "han_nop", make_plan(mail), actor=None)
    assert send_due_reminders(mail, now=DUE + SECOND) == DeadlineCounts(reminded=0, overdue=1)
    assert send_due_reminders(mail, now=DUE + 2 * SECOND) == DeadlineCounts(0, 0)
    assert notifications(mail, messages.TASK_REMINDER) == []
    assert row_of(mail, case).reminded_at == DUE + SECOND


def test_suspended_case_waits_and_closed_task_is_never_reminded(mail):
    deploy_bytes(mail, "han_nop.bpmn", deadline_process("han_nop"))
    plan_id = make_plan(mail)
    waiting, done = start(mail, "han_nop", plan_id, actor=None), start(mail, "han_nop", plan_id, actor=None)
    manager = person_id(mail, "ht_a")
    instances.suspend(mail, manager, waiting)
    tasks.complete(mail, person_id(mail, "gv_a1"), row_of(mail, done).id, {})
    assert send_due_reminders(mail, now=REMIND + SECOND) == DeadlineCounts(0, 0)
    instances.resume(mail, manager, waiting)
    assert send_due_reminders(mail, now=REMIND + SECOND) == DeadlineCounts(reminded=1, overdue=0)


def test_concurrent_sweeps_send_each_reminder_once(mail):
    deploy_bytes(mail, "han_nop.bpmn", deadline_process("han_nop"))
    plan_id = make_plan(mail)
    cases = [start(mail, "han_nop", plan_id, actor=None) for _ in range(12)]
    barrier = threading.Barrier(3)
    results: list[DeadlineCounts] = []

    def sweep() -> None:
        barrier.wait()
        results.append(send_due_reminders(mail, now=REMIND + SECOND, limit=5))
        results.append(send_due_reminders(mail, now=REMIND + SECOND, limit=5))

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(r.reminded for r in results) == len(cases)
    sent = notifications(mail, messages.TASK_REMINDER)
    assert len(sent) == 2 * len(cases) and len({(n.person_id, n.task_id) for n in sent}) == len(sent)
    assert len(audits(mail, "task.reminded")) == len(cases)
    with mail.transaction() as session:
        assert session.scalar(select(HumanTask.id).where(HumanTask.reminded_at.is_(None))) is None


@pytest.mark.parametrize(("kind", "index"), [("overdue", "ix_human_task_overdue_due"),
                                             ("reminder", "ix_human_task_remind_due")])
def test_the_sweep_reads_its_partial_index(org, kind, index):
    """Cost in proportion to what is due: only unsent rows of open tasks are in these indexes."""
    from engine.runtime.deadlines import _CLAIMS

    with org.engine.begin() as connection:
        compiled = _CLAIMS[kind, org.is_postgres].compile(dialect=connection.dialect)
        params = compiled.construct_params({"now": DUE, "limit": 10})
        if org.is_postgres:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = connection.exec_driver_sql("EXPLAIN " + compiled.string, params).all()
        else:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled.string,
                                              tuple(params[name] for name in compiled.positiontup)).all()
        connection.rollback()
    assert index in " ".join(str(row) for row in plan)
