"""The shipped pattern processes/mau_nhac_han_leo_thang.bpmn, end to end on the virtual clock: a
reminder at T-3 working days and an escalation to the Phòng at the deadline (the school keeps the
task), and the interrupting variant where the work moves up to the Phòng."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine import clock
from engine.config import PROJECT_ROOT
from engine.definitions.repository import get_definition
from engine.definitions.validation import validate_files
from engine.models import HumanTask, Plan
from engine.notifications import messages
from engine.runtime import instances, tasks
from engine.runtime.deadlines import DeadlineCounts, send_due_reminders
from engine.runtime.escalation import EscalationError, escalate
from tests.deadline_cases import audits, notifications, recipients, timer, virtual_clock
from tests.helpers import bpmn, deploy_bytes, flow, instance_row, open_tasks, person_id, script_task, user_task

PATTERN = PROJECT_ROOT / "processes" / "mau_nhac_han_leo_thang.bpmn"
MOC = "nop_ho_so_dang_ky_thi_dua"  # 58/KH-PGDĐT: "Trước ngày 11/11/2023" = 11/11/2023 00:00 (+07:00)
DUE = datetime(2023, 11, 10, 17, 0, tzinfo=UTC)
REMIND = datetime(2023, 11, 7, 17, 0, tzinfo=UTC)  # 8/11 00:00: Wed, Thu, Fri left
SECOND = timedelta(seconds=1)


@pytest.fixture
def pattern(product):
    virtual_clock(product, datetime(2023, 11, 3, 1, 0, tzinfo=UTC))  # Friday 3/11/2023 08:00
    return product


def plan_58(db) -> int:
    with db.transaction() as session:
        return session.scalar(select(Plan.id).where(Plan.number == "58/KH-PGDĐT"))


def start(db, key: str) -> int:
    return instances.start_instance(db, None, key, "th_a", plan_id=plan_58(db), data={"moc_han": MOC}).id


def at(db, instant: datetime) -> int:
    """Move the virtual clock and run the timer sweep; how many cases it advanced."""
    clock.set_virtual(db, instant)
    return instances.tick(db)


def stored(db, task_id: int) -> HumanTask:
    with db.transaction() as session:
        return session.get(HumanTask, task_id)


def ids(db, *usernames: str) -> set[int]:
    return {person_id(db, name) for name in usernames}


def test_pattern_file_is_valid_and_deployed_by_init(product):
    assert validate_files([PATTERN]) == []
    with product.transaction() as session:
        for key in ("mau_nhac_han_leo_thang", "mau_chuyen_len_cap_tren"):
            assert get_definition(session, key).version == 1


def test_remind_at_t_minus_3_then_escalate_at_the_deadline(pattern):
    case = start(pattern, "mau_nhac_han_leo_thang")
    [task] = open_tasks(pattern, case)
    assert (task.name, task.role_code, task.due_at, task.remind_at) == ("nop_ho_so", "hieu_truong", DUE, None)
    assert instance_row(pattern, case).next_fire_at == REMIND

    assert at(pattern, REMIND - SECOND) == 0
    assert at(pattern, REMIND + SECOND) == 1  # the T-3 boundary timer: remind(task='nop_ho_so')
    [reminder] = notifications(pattern, messages.TASK_REMINDER)
    assert reminder.person_id == person_id(pattern, "ht_a") and reminder.task_id == task.id
    assert "còn 3 ngày làm việc" in reminder.subject and "Ghi chú: Còn 3 ngày làm việc" in reminder.body
    assert stored(pattern, task.id).reminded_at == REMIND + SECOND
    assert audits(pattern, "task.reminded")[0].details["by"] == "script"
    assert instance_row(pattern, case).next_fire_at == DUE

    assert at(pattern, DUE + SECOND) == 1  # the deadline timer: escalate(... role='lanh_dao_phong' ...)
    [escalated] = notifications(pattern, messages.TASK_ESCALATED)
    assert escalated.person_id == person_id(pattern, "ld_phong") and escalated.task_id == task.id
    assert "Phòng GDĐT quận Hà Đông" in escalated.subject and "Trường chưa nộp hồ sơ" in escalated.body
    [event] = audits(pattern, "task.escalated")
    assert (event.instance_id, event.task_id) == (case, task.id)
    assert (event.details["role"], event.details["unit"], event.details["recipients"]) == ("lanh_dao_phong",
                                                                                            "phong_hd", 1)
    row = stored(pattern, task.id)
    assert row.status == "ready" and row.escalated_at == DUE + SECOND  # the school keeps the task
    assert instance_row(pattern, case).next_fire_at is None

    assert send_due_reminders(pattern) == DeadlineCounts(reminded=0, overdue=1)
    assert recipients(notifications(pattern, messages.TASK_OVERDUE)) == ids(pattern, "ht_a")
    tasks.complete(pattern, person_id(pattern, "ht_a"), task.id, {})
    [next_task] = open_tasks(pattern, case)
    assert (next_task.name, next_task.role_code) == ("tiep_nhan", "chuyen_vien_thi_dua")


def test_interrupting_variant_moves_the_work_up_to_the_phong(pattern):
    case = start(pattern, "mau_chuyen_len_cap_tren")
    [task] = open_tasks(pattern, case)
    assert (task.due_at, task.remind_at) == (DUE, REMIND)  # reminderDays 3: the sweep reminds
    clock.set_virtual(pattern, REMIND + SECOND)
    assert send_due_reminders(pattern) == DeadlineCounts(reminded=1, overdue=0)
    assert recipients(notifications(pattern, messages.TASK_REMINDER)) == ids(pattern, "ht_a")

    assert at(pattern, DUE + SECOND) == 1
    school = stored(pattern, task.id)
    assert (school.status, school.escalated_at) == ("cancelled", DUE + SECOND)
    [phong] = open_tasks(pattern, case)
    assert (phong.name, phong.role_code) == ("phong_xu_ly", "lanh_dao_phong")
    with pattern.transaction() as session:
        assert session.get(HumanTask, phong.id).unit.code == "phong_hd"
    # working_days_after(11/11 00:00, 5): the 5th working day after Saturday 11/11 is Fri 17/11, at 00:00
    assert phong.due_at == datetime(2023, 11, 16, 17, 0, tzinfo=UTC)
    leader = person_id(pattern, "ld_phong")
    told = {n.kind for n in notifications(pattern) if n.person_id == leader}
    assert told == {messages.TASK_ESCALATED, messages.TASK_ASSIGNED}
    assert send_due_reminders(pattern) == DeadlineCounts(0, 0)  # the school's task is closed
    tasks.complete(pattern, person_id(pattern, "ld_phong"), phong.id, {})
    assert instance_row(pattern, case).status == "completed"


def test_deadline_already_passed_when_the_task_opens(pattern):
    clock.set_virtual(pattern, DUE + timedelta(days=2))
    case = start(pattern, "mau_nhac_han_leo_thang")  # both timers fire in the start itself
    [task] = open_tasks(pattern, case)
    row = stored(pattern, task.id)
    assert row.escalated_at is not None and row.reminded_at is not None
    assert recipients(notifications(pattern, messages.TASK_ESCALATED)) == ids(pattern, "ld_phong")
    assert instance_row(pattern, case).status == "running"


def test_escalate_mistakes_become_incidents(org):
    clock.configure("virtual", org)
    clock.set_virtual(org, datetime(2026, 5, 11, 1, 0, tzinfo=UTC))
    with pytest.raises(EscalationError, match="only available in a script task"):
        escalate(task="nop", role="lanh_dao_phong")
    for name, call, problem in (
            ("sai_vai_tro", "escalate(task='nop', role='khong_co')", "unknown role 'khong_co'"),
            ("sai_buoc", "escalate(task='khong_co', role='lanh_dao_phong')", "'khong_co' is not a user task"),
            ("sai_don_vi", "escalate(task='nop', role='lanh_dao_so', unit_scope='kind:bo')", "no unit of kind")):
        body = "\n".join([
            '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
            user_task("nop", "Nộp", incoming="f0", outgoing="f1"),
            timer("han", "nop", "'2026-05-01T00:00:00+07:00'", "f2", interrupting=False),
            script_task("bao", "Báo", call, incoming="f2", outgoing="f3"),
            '<bpmn:endEvent id="e"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>',
            '<bpmn:endEvent id="e2"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>',
            flow("f0", "s", "nop"), flow("f1", "nop", "e"), flow("f2", "han", "bao"), flow("f3", "bao", "e2")])
        deploy_bytes(org, f"{name}.bpmn", bpmn(name, body, lanes={"giao_vien": ["s", "nop", "han", "bao", "e", "e2"]}))
        row = instance_row(org, instances.start_instance(org, None, name, "th_a").id)
        assert row.status == "incident" and row.incident_task == "Báo", name
        assert problem in row.incident_message, row.incident_message
