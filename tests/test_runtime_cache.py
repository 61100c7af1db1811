"""The live-workflow cache: an action reuses the previous action's object only when it is exactly
the stored state, never after a failure, and never when someone else changed the row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import text

from engine.db import Database
from engine.errors import Conflict, EngineError, InvalidInput, NotFound
from engine.runtime import instances, tasks
from engine.runtime.context import ActionContext, instance_action
from engine.runtime.workflow_cache import BYTES_PER_SLOT, WORKFLOWS, WorkflowCache, data_slots, round_trips
from engine.serialization import SPEC_CACHE, dump_workflow, load_workflow
from tests.conftest import USE_PG
from tests.helpers import (
    add_form,
    bpmn,
    deploy_bytes,
    flow,
    instance_row,
    open_tasks,
    person_id,
    script_task,
    user_task,
)

TWO_STEPS = bpmn("hai_buoc", "\n".join([
    '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
    user_task("a", "Bước một", incoming="f0", outgoing="f1", formKey="diem_so"),
    user_task("b", "Bước hai", incoming="f1", outgoing="f2"),
    '<bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>',
    flow("f0", "s", "a"), flow("f1", "a", "b"), flow("f2", "b", "e"),
]), lanes={"giao_vien": ["s", "a", "b", "e"]})

FAILING_SCRIPT = bpmn("chia_cache", "\n".join([
    '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
    script_task("tinh", "Tính", "a = 1\ndiem = 10 / he_so", incoming="f0", outgoing="f1"),
    user_task("xem", "Xem", incoming="f1", outgoing="f2"),
    '<bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>',
    flow("f0", "s", "tinh"), flow("f1", "tinh", "xem"), flow("f2", "xem", "e"),
]), lanes={"giao_vien": ["s", "tinh", "xem", "e"]})


@pytest.fixture
def two_steps(org: Database) -> Database:
    add_form(org, "diem_so", {"properties": {"diem": {"type": "integer", "minimum": 0}}, "required": ["diem"],
                              "additionalProperties": False})
    deploy_bytes(org, "hai_buoc.bpmn", TWO_STEPS)
    return org


def start(db: Database) -> int:
    return instances.start_instance(db, person_id(db, "gv_a1"), "hai_buoc", "th_a").id


def cached(db: Database, instance_id: int) -> bool:
    return (db.url, instance_id) in WORKFLOWS._entries


def next_action_view(db: Database, instance_id: int) -> tuple[bool, dict, str]:
    """Run an action that changes nothing: (its workflow serializes to the stored state, data of the
    ready user task, its name)."""
    def act(ctx: ActionContext) -> tuple[bool, dict, str]:
        matches = dump_workflow(ctx.workflow) == ctx.instance.state
        [task] = ctx.workflow.get_tasks(state=TaskState.READY, manual=True)
        return matches, dict(task.data), task.task_spec.bpmn_id
    return instance_action(db, instance_id, None, act)


def test_next_action_reuses_the_committed_object(two_steps):
    ref = start(two_steps)
    assert cached(two_steps, ref)
    hits = WORKFLOWS.hits
    done = tasks.complete(two_steps, person_id(two_steps, "gv_a1"), open_tasks(two_steps, ref)[0].id, {"diem": 7})
    assert WORKFLOWS.hits == hits + 1
    [opened] = done.opened
    assert (opened.name, opened.role_code, opened.is_orphan) == ("b", "giao_vien", False)
    assert [t.id for t in open_tasks(two_steps, ref)] == [opened.id]
    matches, data, name = next_action_view(two_steps, ref)
    assert matches and name == "b" and data["diem"] == 7


def test_stored_state_round_trips_exactly(two_steps):
    """The comparison the other tests rely on: a fresh load serializes back to the same text."""
    ref = start(two_steps)
    state = instance_row(two_steps, ref).state
    assert dump_workflow(load_workflow(state)) == state


def test_failed_action_does_not_poison_the_cache(two_steps):
    ref = start(two_steps)
    before = instance_row(two_steps, ref)

    def half_done_then_fail(ctx: ActionContext) -> None:
        [task] = ctx.workflow.get_tasks(state=TaskState.READY, manual=True)
        task.data["poison"] = True
        task.run()
        ctx.workflow.do_engine_steps()
        raise RuntimeError("bug after the engine moved on")

    with pytest.raises(RuntimeError):
        instance_action(two_steps, ref, None, half_done_then_fail)
    assert not cached(two_steps, ref)
    after = instance_row(two_steps, ref)
    assert (after.state, after.lock_version) == (before.state, before.lock_version)
    matches, data, name = next_action_view(two_steps, ref)
    assert matches and name == "a" and "poison" not in data


def test_rejected_completion_leaves_the_stored_state(two_steps):
    ref = start(two_steps)
    gv, outsider = person_id(two_steps, "gv_a1"), person_id(two_steps, "gv_b1")
    [task] = open_tasks(two_steps, ref)
    with pytest.raises(InvalidInput):
        tasks.complete(two_steps, gv, task.id, {"diem": -1})
    with pytest.raises(NotFound):
        tasks.complete(two_steps, outsider, task.id, {"diem": 5})
    matches, data, name = next_action_view(two_steps, ref)
    assert matches and name == "a" and "diem" not in data
    tasks.complete(two_steps, gv, task.id, {"diem": 5})
    matches, data, name = next_action_view(two_steps, ref)
    assert matches and name == "b" and data["diem"] == 5


def test_incident_then_retry_sees_the_stored_state(org):
    deploy_bytes(org, "chia_cache.bpmn", FAILING_SCRIPT)
    ld = person_id(org, "ld_phong")
    ref = instances.start_instance(org, person_id(org, "gv_a1"), "chia_cache", "th_a", data={"he_so": 0})
    assert instance_row(org, ref.id).status == "incident"

    def inspect(ctx: ActionContext) -> tuple[bool, list[str]]:
        failed = [t.task_spec.bpmn_id for t in ctx.workflow.get_tasks() if t.state == TaskState.ERROR]
        return dump_workflow(ctx.workflow) == ctx.instance.state, failed

    assert instance_action(org, ref.id, None, inspect) == (True, ["tinh"])
    instances.retry(org, ld, ref.id, data={"he_so": 5})
    matches, data, name = next_action_view(org, ref.id)
    assert matches and name == "xem" and data["diem"] == 2


@pytest.mark.parametrize("bump_version", [True, False])
def test_change_through_another_connection_is_never_masked(two_steps, bump_version):
    """Another process (here: a second Database on the same URL) rewrites the row; the cached object
    is stale and must not be used, whether or not the writer bumped the version."""
    ref = start(two_steps)
    assert cached(two_steps, ref)
    other = Database(two_steps.url)
    try:
        with other.engine.begin() as connection:
            state, version = connection.execute(text("SELECT state, lock_version FROM instance WHERE id = :id"),
                                                {"id": ref}).one()
            workflow = load_workflow(state)
            [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
            task.data["from_elsewhere"] = 42
            connection.execute(text("UPDATE instance SET state = :state, lock_version = :version WHERE id = :id"),
                               {"state": dump_workflow(workflow), "version": version + int(bump_version), "id": ref})
    finally:
        other.dispose()
    matches, data, name = next_action_view(two_steps, ref)
    assert matches and name == "a" and data["from_elsewhere"] == 42


def test_spec_cache_clear_drops_live_objects(two_steps):
    ref = start(two_steps)
    assert cached(two_steps, ref)
    SPEC_CACHE.clear()
    assert len(WORKFLOWS) == 0
    assert next_action_view(two_steps, ref)[0]


def test_completed_cases_are_not_kept(two_steps):
    ref = start(two_steps)
    gv = person_id(two_steps, "gv_a1")
    tasks.complete(two_steps, gv, open_tasks(two_steps, ref)[0].id, {"diem": 1})
    done = tasks.complete(two_steps, gv, open_tasks(two_steps, ref)[0].id, {})
    assert done.instance_status == "completed" and done.opened == ()
    assert not cached(two_steps, ref)


def _workflow_with(two_steps: Database, **data: object):
    ref = start(two_steps)
    workflow = load_workflow(instance_row(two_steps, ref).state)
    [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
    task.data.update(data)
    return workflow, task


@pytest.mark.parametrize("value,keeps", [
    ({"a": [1, "x", None, 1.5, True], "b": {"c": {"d": "e"}}}, True),
    (datetime(2026, 1, 1, tzinfo=UTC), True),
    (datetime(2026, 1, 1), True),
    (timedelta(days=2), True),
    ((1, 2), False),  # comes back as a list
    ({1, 2}, False),  # comes back as a list
    ({1: "x"}, False),  # comes back with a string key
    (datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=7))), False),  # comes back with another tzinfo
])
def test_only_exact_round_trips_are_kept(two_steps, value, keeps):
    workflow, _ = _workflow_with(two_steps, value=value)
    assert round_trips(workflow) is keeps


def test_shared_containers_are_not_kept(two_steps):
    workflow, task = _workflow_with(two_steps)
    shared = [1, 2]
    task.data.update(first=shared, second=shared)  # one list twice: a fresh load would make two
    assert not round_trips(workflow)


def test_cache_hands_an_object_to_one_taker_and_stays_bounded(two_steps):
    workflow, _ = _workflow_with(two_steps)
    cache = WorkflowCache(max_entries=2)
    cache.put(("db", 1), 3, "state-1", workflow)
    assert cache.take(("db", 1), 3, "state-1") is workflow
    assert cache.take(("db", 1), 3, "state-1") is None  # taken: nobody else gets it meanwhile
    cache.put(("db", 1), 3, "state-1", workflow)
    assert cache.take(("db", 1), 4, "state-1") is None  # stale version: dropped
    assert cache.take(("db", 1), 3, "state-1") is None
    cache.put(("db", 1), 3, "s", workflow)
    assert cache.take(("db", 1), 3, "other state") is None  # same version, other state: dropped
    for n in range(5):
        cache.put(("db", n), 1, "s", workflow)
    assert len(cache) == 2 and cache.take(("db", 4), 1, "s") is workflow and cache.take(("db", 0), 1, "s") is None
    cache.put(("db", 9), 1, "x" * (1024 * 1024), workflow)  # too big to keep
    assert cache.take(("db", 9), 1, "x" * (1024 * 1024)) is None


def test_memory_estimate_bounds_the_cache(two_steps):
    """Every task holds its own copy of the data in memory, so the data, not the state text, sizes an entry."""
    workflow, task = _workflow_with(two_steps)
    state = "s" * 10_000
    entry_size = len(state) + BYTES_PER_SLOT * data_slots(workflow)
    cache = WorkflowCache(max_total_bytes=3 * entry_size)
    for n in range(5):
        cache.put(("db", n), 1, state, workflow)
    assert len(cache) == 3  # the oldest went first
    assert cache.take(("db", 1), 1, state) is None and cache.take(("db", 2), 1, state) is workflow
    task.data["many"] = list(range(10_000))  # small on paper, big in memory
    cache.put(("db", 7), 1, "s", workflow)
    assert cache.take(("db", 7), 1, "s") is None


@pytest.mark.skipif(not USE_PG, reason="row locks: PostgreSQL only")
def test_action_waiting_for_the_row_lock_reads_task_rows_after_it(two_steps):
    """Instance and task rows are read in one statement; when it waits for another transaction's
    lock, the task rows it joined are older than the instance row and must be read again."""
    import threading

    ref = start(two_steps)
    [task] = open_tasks(two_steps, ref)
    other = Database(two_steps.url)
    outcome: list[object] = []
    try:
        with other.engine.begin() as connection:
            connection.execute(text("SELECT id FROM instance WHERE id = :id FOR UPDATE"), {"id": ref})
            worker = threading.Thread(target=lambda: outcome.append(_complete_or_error(two_steps, task.id)))
            worker.start()
            worker.join(0.5)  # it is now waiting for the lock
            connection.execute(text("UPDATE human_task SET status = 'cancelled' WHERE id = :id"), {"id": task.id})
            connection.execute(text("UPDATE instance SET lock_version = lock_version + 1 WHERE id = :id"), {"id": ref})
        worker.join(10)
    finally:
        other.dispose()
    assert isinstance(outcome[0], Conflict) and "cancelled" in outcome[0].message


def _complete_or_error(db: Database, task_id: int) -> object:
    try:
        return tasks.complete(db, person_id(db, "gv_a1"), task_id, {"diem": 1})
    except EngineError as exc:
        return exc
