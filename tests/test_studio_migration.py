"""Comparing process versions (engine.definitions.diff) and moving live cases to a newer version
(engine.runtime.migration), on the real library with a real database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.definitions.diff import diff_process
from engine.models import AuditEvent, ProcessDefinition
from engine.runtime import instances, tasks
from engine.runtime.migration import check_migration, migrate_instances
from tests.deadline_cases import timer
from tests.helpers import bpmn, deploy_bytes, flow, instance_row, open_tasks, person_id, user_task

START = '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>'


def end(incoming: str) -> str:
    return f'<bpmn:endEvent id="e"><bpmn:incoming>{incoming}</bpmn:incoming></bpmn:endEvent>'


def version_1() -> bytes:
    """s → a (Nộp) → b (Duyệt, with a fixed-date timer) → e"""
    return bpmn("quy_trinh", "\n".join([
        START, user_task("a", "Nộp", incoming="f0", outgoing="f1"),
        user_task("b", "Duyệt", incoming="f1", outgoing="f2"),
        timer("t", "b", "'2031-01-10T00:00:00+07:00'", "f3", interrupting=False),
        '<bpmn:endEvent id="e2"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>',
        end("f2"), flow("f0", "s", "a"), flow("f1", "a", "b"), flow("f2", "b", "e"), flow("f3", "t", "e2")]),
        lanes={"giao_vien": ["s", "a", "b", "t", "e", "e2"]})


def version_2() -> bytes:
    """b renamed, given to the head teacher with a due date; c added after b; same timer."""
    return bpmn("quy_trinh", "\n".join([
        START, user_task("a", "Nộp", incoming="f0", outgoing="f1"),
        user_task("b", "Duyệt hồ sơ", incoming="f1", outgoing="f2", dueDate="'2031-02-01T00:00:00+07:00'"),
        timer("t", "b", "'2031-01-10T00:00:00+07:00'", "f3", interrupting=False),
        '<bpmn:endEvent id="e2"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>',
        user_task("c", "Lưu hồ sơ", incoming="f2", outgoing="f4"),
        end("f4"), flow("f0", "s", "a"), flow("f1", "a", "b"), flow("f2", "b", "c"), flow("f4", "c", "e"),
        flow("f3", "t", "e2")]),
        lanes={"giao_vien": ["s", "a", "t", "c", "e", "e2"], "hieu_truong": ["b"]})


def version_3() -> bytes:
    """b removed: a leads straight to the end."""
    return bpmn("quy_trinh", "\n".join([
        START, user_task("a", "Nộp", incoming="f0", outgoing="f1"), end("f1"),
        flow("f0", "s", "a"), flow("f1", "a", "e")]), lanes={"giao_vien": ["s", "a", "e"]})


def test_diff_lists_added_removed_and_changed_elements_with_what_changed():
    diff = diff_process(version_1(), version_2(), "quy_trinh")
    assert {e.id for e in diff.added} == {"c", "f4"}
    assert diff.removed == []
    changed = {e.id: {c.aspect: (c.old, c.new) for c in e.changes} for e in diff.changed}
    assert changed["b"] == {"name": ("Duyệt", "Duyệt hồ sơ"), "lane": ("giao_vien", "hieu_truong"),
                            "property:dueDate": (None, "'2031-02-01T00:00:00+07:00'")}
    assert changed["f2"] == {"target": ("e", "c")}
    assert "a" not in changed and "t" not in changed
    removed = diff_process(version_2(), version_3(), "quy_trinh")
    assert {e.id for e in removed.removed} == {"b", "c", "t", "e2", "f2", "f3", "f4"}
    assert removed.markers()["removed"] == [e.id for e in removed.removed]


def test_diff_sees_conditions_and_timers():
    def gateway(condition: str, when: str) -> bytes:
        return bpmn("g", "\n".join([
            START, '<bpmn:exclusiveGateway id="x"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing>'
            '<bpmn:outgoing>f2</bpmn:outgoing></bpmn:exclusiveGateway>',
            user_task("a", "A", incoming="f1", outgoing="f3"),
            timer("t", "a", when, "f4", interrupting=True),
            end("f2"), '<bpmn:endEvent id="e3"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>',
            '<bpmn:endEvent id="e4"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>',
            flow("f0", "s", "x"), flow("f1", "x", "a", condition), flow("f2", "x", "e", "True"),
            flow("f3", "a", "e3"), flow("f4", "t", "e4")]))
    diff = diff_process(gateway("diem &gt;= 5", "milestone('a')"), gateway("diem &gt;= 8", "milestone('b')"), "g")
    changed = {e.id: e.changes for e in diff.changed}
    assert [(c.aspect, c.old, c.new) for c in changed["f1"]] == [("condition", "diem >= 5", "diem >= 8")]
    assert [(c.aspect, c.old, c.new) for c in changed["t"]] == [
        ("timer", "timeDate: milestone('a')", "timeDate: milestone('b')")]


@pytest.fixture
def versions(org):
    deploy_bytes(org, "quy_trinh.bpmn", version_1(), by="thietke")
    cases = [instances.start_instance(org, None, "quy_trinh", "th_a").id for _ in range(2)]
    teacher = person_id(org, "gv_a1")
    [first] = open_tasks(org, cases[0])
    tasks.complete(org, teacher, first.id, {})  # case 0 waits at b (with its timer), case 1 at a
    v2 = deploy_bytes(org, "quy_trinh.bpmn", version_2(), by="thietke")[0].id
    v3 = deploy_bytes(org, "quy_trinh.bpmn", version_3(), by="thietke")[0].id
    return org, cases, v2, v3


def test_migration_moves_a_case_and_its_projections_follow(versions):
    db, (at_b, at_a), v2, _v3 = versions
    fire_before = instance_row(db, at_b).next_fire_at
    assert fire_before is not None and fire_before.replace(tzinfo=UTC) == datetime(2031, 1, 9, 17, 0, tzinfo=UTC)
    [row_before] = open_tasks(db, at_b)
    preview = check_migration(db, [at_b], v2)
    assert preview[0].movable and preview[0].from_version == 1 and preview[0].to_version == 2
    assert any("(b)" in step for step in preview[0].changed_steps)
    assert instance_row(db, at_b).definition_id != v2  # the dry run stored nothing

    [outcome] = migrate_instances(db, [at_b], v2, actor_id=person_id(db, "thietke"))
    assert outcome.moved
    case = instance_row(db, at_b)
    assert case.definition_id == v2
    assert case.next_fire_at == fire_before  # the unchanged timer keeps its instant
    [row] = open_tasks(db, at_b)
    assert row.id == row_before.id and row.spiff_task_id == row_before.spiff_task_id
    assert (row.title, row.role_code) == ("Duyệt hồ sơ", "hieu_truong")
    assert row.due_at is not None and row.due_at.replace(tzinfo=UTC) == datetime(2031, 1, 31, 17, 0, tzinfo=UTC)
    with db.transaction() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.migrated"))
        assert event.instance_id == at_b and event.details["from_version"] == 1 and event.details["to_version"] == 2
    # the case now follows version 2: after b comes the new step c
    tasks.complete(db, person_id(db, "ht_a"), row.id, {})
    [next_row] = open_tasks(db, at_b)
    assert next_row.name == "c" and next_row.title == "Lưu hồ sơ"


def test_migration_refuses_a_case_waiting_at_a_removed_step(versions):
    db, (at_b, at_a), _v2, v3 = versions
    state_before = instance_row(db, at_b).state
    outcomes = migrate_instances(db, [at_b, at_a], v3, actor_id=person_id(db, "thietke"))
    refused, moved = outcomes
    assert not refused.moved and "waits at step Duyệt (b), which version 3 does not have" in refused.refusals[0]
    after = instance_row(db, at_b)
    assert after.state == state_before and after.definition_id not in (_v2, v3)
    assert moved.moved and instance_row(db, at_a).definition_id == v3
    [row] = open_tasks(db, at_a)
    tasks.complete(db, person_id(db, "gv_a1"), row.id, {})
    assert instance_row(db, at_a).status == "completed"  # version 3 ends after a


def test_migration_refuses_older_versions_ended_cases_and_other_processes(versions):
    db, (at_b, at_a), v2, _v3 = versions
    with db.transaction() as session:
        v1 = session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.key == "quy_trinh",
                                                               ProcessDefinition.version == 1))
    [same] = check_migration(db, [at_b], v1)
    assert "already runs version 1" in same.refusals[0]
    instances.terminate(db, None, at_a)
    [ended] = check_migration(db, [at_a], v2)
    assert "terminated" in ended.refusals[0]
    deploy_bytes(db, "khac.bpmn", bpmn("khac", START + end("f0") + flow("f0", "s", "e")))
    with db.transaction() as session:
        other = session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.key == "khac"))
    from engine.errors import InvalidInput
    with pytest.raises(InvalidInput):
        check_migration(db, [at_b], other)


def test_a_changed_timer_is_computed_again_and_next_fire_at_follows(versions):
    db, (at_b, _at_a), _v2, _v3 = versions
    moved_timer = version_1().replace(b"'2031-01-10T00:00:00+07:00'", b"'2031-04-01T00:00:00+07:00'")
    v4 = deploy_bytes(db, "quy_trinh.bpmn", moved_timer, by="thietke")[0].id
    [outcome] = migrate_instances(db, [at_b], v4, actor_id=None)
    assert outcome.moved and any("(t)" in step for step in outcome.changed_steps)
    fire = instance_row(db, at_b).next_fire_at
    assert fire is not None and fire.replace(tzinfo=UTC) == datetime(2031, 3, 31, 17, 0, tzinfo=UTC)
    [row] = open_tasks(db, at_b)
    assert (row.title, row.role_code) == ("Duyệt", "giao_vien")
