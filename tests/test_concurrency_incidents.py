"""One transaction per action: concurrent completions, incidents from failing scripts, timers."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from engine import clock
from engine.errors import Conflict, EngineError
from engine.runtime import instances, tasks
from tests.helpers import bpmn, deploy_bytes, flow, instance_row, open_tasks, person_id, script_task, user_task

PARALLEL = bpmn("song_song", "\n".join([
    '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
    '<bpmn:parallelGateway id="fork"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>fa</bpmn:outgoing>'
    '<bpmn:outgoing>fb</bpmn:outgoing></bpmn:parallelGateway>',
    user_task("a", "Giáo viên 1", incoming="fa", outgoing="fa2"),
    user_task("b", "Giáo viên 2", incoming="fb", outgoing="fb2"),
    '<bpmn:parallelGateway id="join"><bpmn:incoming>fa2</bpmn:incoming><bpmn:incoming>fb2</bpmn:incoming>'
    '<bpmn:outgoing>fe</bpmn:outgoing></bpmn:parallelGateway>',
    '<bpmn:endEvent id="e"><bpmn:incoming>fe</bpmn:incoming></bpmn:endEvent>',
    flow("f0", "s", "fork"), flow("fa", "fork", "a"), flow("fb", "fork", "b"),
    flow("fa2", "a", "join"), flow("fb2", "b", "join"), flow("fe", "join", "e"),
]), lanes={"giao_vien": ["s", "fork", "a", "b", "join", "e"]})


def script_process(pid: str, script: str) -> bytes:
    return bpmn(pid, "\n".join([
        '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
        script_task("tinh", "Tính điểm", script, incoming="f0", outgoing="f1"),
        user_task("xem", "Xem kết quả", incoming="f1", outgoing="f2"),
        '<bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>',
        flow("f0", "s", "tinh"), flow("f1", "tinh", "xem"), flow("f2", "xem", "e"),
    ]), lanes={"giao_vien": ["s", "tinh", "xem", "e"]})


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def runner(i, call):
        barrier.wait()
        try:
            outcomes[i] = call()
        except EngineError as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_same_task_completed_twice_at_once_one_wins(org):
    deploy_bytes(org, "song_song.bpmn", PARALLEL)
    gv1, gv2 = person_id(org, "gv_a1"), person_id(org, "gv_a2")
    for _ in range(3):
        ref = instances.start_instance(org, gv1, "song_song", "th_a")
        task = open_tasks(org, ref.id)[0]
        outcomes = run_together(lambda t=task.id: tasks.complete(org, gv1, t, {}),
                                lambda t=task.id: tasks.complete(org, gv2, t, {}))
        conflicts = [o for o in outcomes if isinstance(o, Conflict)]
        assert len(conflicts) == 1, outcomes
        assert len([o for o in outcomes if not isinstance(o, EngineError)]) == 1
        assert len(open_tasks(org, ref.id)) == 1


def test_different_tasks_completed_at_once_both_succeed(org):
    deploy_bytes(org, "song_song.bpmn", PARALLEL)
    gv1, gv2 = person_id(org, "gv_a1"), person_id(org, "gv_a2")
    ref = instances.start_instance(org, gv1, "song_song", "th_a")
    a, b = open_tasks(org, ref.id)
    outcomes = run_together(lambda: tasks.complete(org, gv1, a.id, {}),
                            lambda: tasks.complete(org, gv2, b.id, {}))
    assert not [o for o in outcomes if isinstance(o, EngineError)], outcomes
    assert instance_row(org, ref.id).status == "completed"


def test_script_error_becomes_incident_and_retry_after_fix(org):
    deploy_bytes(org, "chia.bpmn", script_process("chia", "a = 1\nb = 2\ndiem = 10 / he_so"))
    ld = person_id(org, "ld_phong")
    ref = instances.start_instance(org, person_id(org, "gv_a1"), "chia", "th_a", data={"he_so": 0})
    row = instance_row(org, ref.id)
    assert row.status == "incident"
    assert row.incident_task == "Tính điểm" and row.incident_line == 3
    assert "ZeroDivisionError" in row.incident_message
    assert open_tasks(org, ref.id) == []
    with pytest.raises(Conflict):
        instances.resume(org, ld, ref.id)
    instances.retry(org, ld, ref.id, data={"he_so": 4})
    row = instance_row(org, ref.id)
    assert row.status == "running" and row.incident_message is None
    [task] = open_tasks(org, ref.id)
    assert task.name == "xem"


@pytest.mark.parametrize("script", ["data = open('/etc/passwd').read()", "t = type(case_unit)",
                                    "g = getattr(case_unit, 'upper')"])
def test_escape_at_run_time_becomes_incident(org, script):
    deploy_bytes(org, "thoat.bpmn", script_process("thoat", script.replace("'", "&apos;")))
    ref = instances.start_instance(org, person_id(org, "gv_a1"), "thoat", "th_a")
    row = instance_row(org, ref.id)
    assert row.status == "incident" and row.incident_task == "Tính điểm" and row.incident_line == 1
    assert open_tasks(org, ref.id) == []


def test_runaway_script_is_stopped_within_budget(org):
    deploy_bytes(org, "vong_lap.bpmn", script_process("vong_lap", "x = 0\nwhile x &gt;= 0:\n    x += 1"))
    deploy_bytes(org, "tot.bpmn", script_process("tot", "diem = 9"))
    gv = person_id(org, "gv_a1")
    started = time.monotonic()
    ref = instances.start_instance(org, gv, "vong_lap", "th_a")
    elapsed = time.monotonic() - started
    row = instance_row(org, ref.id)
    assert row.status == "incident" and "longer than" in row.incident_message
    assert elapsed < 3, elapsed
    ok = instances.start_instance(org, gv, "tot", "th_a")
    assert instance_row(org, ok.id).status == "running"


def test_deploy_refuses_escape_scripts(org):
    from engine.definitions.problems import DefinitionError

    for i, script in enumerate(["import os", "__import__('os').system('id')", "x = ().__class__",
                                "e = eval('1 + 1')"]):
        with pytest.raises(DefinitionError) as err:
            deploy_bytes(org, f"xau{i}.bpmn", script_process(f"xau{i}", script))
        assert err.value.problems[0].element_id == "tinh" and err.value.problems[0].line


def test_boundary_timer_fires_on_virtual_clock(org):
    clock.configure("virtual", org)
    start_at = datetime(2026, 5, 18, 8, 0, tzinfo=UTC)
    clock.set_virtual(org, start_at)
    body = "\n".join([
        '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
        user_task("nop", "Nộp hồ sơ", incoming="f0", outgoing="f1"),
        '<bpmn:boundaryEvent id="qua_han" attachedToRef="nop"><bpmn:outgoing>f2</bpmn:outgoing>'
        "<bpmn:timerEventDefinition><bpmn:timeDuration>'P2D'</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>",
        user_task("xu_ly_tre", "Xử lý hồ sơ trễ hạn", incoming="f2", outgoing="f3"),
        '<bpmn:endEvent id="e1"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>',
        '<bpmn:endEvent id="e2"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>',
        flow("f0", "s", "nop"), flow("f1", "nop", "e1"), flow("f2", "qua_han", "xu_ly_tre"),
        flow("f3", "xu_ly_tre", "e2"),
    ])
    deploy_bytes(org, "han.bpmn", bpmn("han", body, lanes={
        "giao_vien": ["s", "nop", "e1"], "Hiệu trưởng": ["qua_han", "xu_ly_tre", "e2"]}))
    ref = instances.start_instance(org, person_id(org, "gv_a1"), "han", "th_a")
    assert instance_row(org, ref.id).next_fire_at == start_at + timedelta(days=2)
    clock.set_virtual(org, start_at + timedelta(days=1))
    assert instances.tick(org) == 0
    clock.set_virtual(org, start_at + timedelta(days=2, seconds=1))
    assert instances.tick(org) == 1
    [task] = open_tasks(org, ref.id)
    assert (task.name, task.role_code) == ("xu_ly_tre", "hieu_truong")
    assert instance_row(org, ref.id).next_fire_at is None
    with org.transaction() as session:
        from engine.models import HumanTask

        interrupted = session.scalar(select(HumanTask).where(HumanTask.name == "nop"))
        assert interrupted.status == "cancelled" and interrupted.completed_by_id is None


def test_audit_trail_is_append_only(product):
    from tests.test_runtime import start_registration

    start_registration(product)
    with pytest.raises(Exception, match="append-only"), product.engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET action = 'forged'"))
    with pytest.raises(Exception, match="append-only"), product.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event"))


def test_timer_expression_without_a_valid_instant_becomes_incident(org):
    from tests.timer_processes import boundary_process

    deploy_bytes(org, "han_sai.bpmn", boundary_process("han_sai", "date", "han_nop"))
    ref = instances.start_instance(org, person_id(org, "gv_a1"), "han_sai", "th_a", data={"han_nop": "ngày mai"})
    row = instance_row(org, ref.id)
    assert row.status == "incident" and row.incident_message
    assert "ngày mai" in row.incident_message or "isoformat" in row.incident_message.lower()
