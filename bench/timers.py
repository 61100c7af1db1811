"""Timer sweep cost: it must grow with the number of cases due, not with the number waiting.

Three databases states, measured in one run (SQLite in a temporary directory by default; PostgreSQL
when TDKT_DATABASE_URL is set — its tables are emptied first):

    A  10,000 due among  10,000 waiting
    B  10,000 due among 100,000 waiting
    C   1,000 due among 100,000 waiting

For each: (a) the due-selection/claim query alone — claiming a batch of 100 (then giving it back),
and selecting every due id — and (b) a full sweep by one worker firing every due case (each one
transaction: load the row with its lock, deserialize, fire the boundary timer, serialize, project,
write). The ratios B/A (same due, 10× waiting: ≈1 expected) and B/C (10× due: ≈10 expected) are
what the figures are for.

How the rows are made: one real case of a process with a deadline timer (an interrupting
`timeDuration` boundary on a user task) is started through the engine for each kind — a *due* one
started two days before "now" on the virtual clock, a *waiting* one started at "now" — and their
instance row (workflow state blob, `next_fire_at`, …) and open task row are copied in bulk with
fresh ids: every UUID in the state blob (the workflow's task ids) is replaced by a new one per copy,
the task row's `spiff_task_id` follows the same mapping, and instance/task ids are assigned in
sequence (PostgreSQL sequences are moved past them afterwards). Copies are byte-for-byte what the
engine would have written for such a case except for the ids.

    python bench/timers.py
    TDKT_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python bench/timers.py
"""

from __future__ import annotations

import logging
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text, update

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from engine import clock  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.definitions.repository import deploy  # noqa: E402
from engine.definitions.validation import SourceFile  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.models import Base  # noqa: E402
from engine.org import add_person, add_role, add_unit  # noqa: E402
from engine.runtime import timers  # noqa: E402
from engine.runtime.instances import start_instance  # noqa: E402
from engine.runtime.records import HUMAN_TASK, INSTANCE  # noqa: E402
from engine.serialization import SPEC_CACHE  # noqa: E402

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CHUNK = 2000
BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://tdkt.bench">
<bpmn:process id="han_nop" name="Nộp hồ sơ có hạn" isExecutable="true">
<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="giao_vien"><bpmn:flowNodeRef>s</bpmn:flowNodeRef>
<bpmn:flowNodeRef>nop</bpmn:flowNodeRef><bpmn:flowNodeRef>hen</bpmn:flowNodeRef><bpmn:flowNodeRef>tre</bpmn:flowNodeRef>
<bpmn:flowNodeRef>e1</bpmn:flowNodeRef><bpmn:flowNodeRef>e2</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
<bpmn:userTask id="nop" name="Nộp hồ sơ"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing>
</bpmn:userTask>
<bpmn:boundaryEvent id="hen" attachedToRef="nop"><bpmn:outgoing>f2</bpmn:outgoing>
<bpmn:timerEventDefinition><bpmn:timeDuration>'P1D'</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:userTask id="tre" name="Nộp hồ sơ trễ hạn"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
</bpmn:userTask>
<bpmn:endEvent id="e1"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>
<bpmn:endEvent id="e2"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="nop"/><bpmn:sequenceFlow id="f1" sourceRef="nop" targetRef="e1"/>
<bpmn:sequenceFlow id="f2" sourceRef="hen" targetRef="tre"/><bpmn:sequenceFlow id="f3" sourceRef="tre" targetRef="e2"/>
</bpmn:process></bpmn:definitions>""".encode()


class Template:
    """One real case's instance row and open task row, to be copied with fresh ids."""

    def __init__(self, db: Database, instance_id: int) -> None:
        with db.engine.connect() as connection:
            instance = connection.execute(select(INSTANCE).where(INSTANCE.c.id == instance_id)).one()
            task = connection.execute(select(HUMAN_TASK).where(HUMAN_TASK.c.instance_id == instance_id)).one()
        self.instance, self.task = dict(instance._mapping), dict(task._mapping)
        self.pieces = UUID.split(self.instance["state"])  # text between the UUIDs
        self.occurrences = UUID.findall(self.instance["state"])
        self.uuids = sorted(set(self.occurrences))

    def copy(self, instance_id: int, task_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        mapping = {old: str(uuid.uuid4()) for old in self.uuids}
        parts = [self.pieces[0]]
        for old, piece in zip(self.occurrences, self.pieces[1:], strict=True):
            parts += (mapping[old], piece)
        state = "".join(parts)
        instance = {**self.instance, "id": instance_id, "state": state, "title": f"Bench case {instance_id}"}
        task = {**self.task, "id": task_id, "instance_id": instance_id,
                "spiff_task_id": mapping[self.task["spiff_task_id"]]}
        return instance, task


def prepare(db: Database) -> tuple[Template, Template]:
    upgrade(db)
    if db.is_postgres:
        with db.engine.begin() as connection:
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    SPEC_CACHE.clear()
    clock.configure("virtual", db)
    clock.set_virtual(db, NOW)
    with db.transaction() as session:
        add_role(session, "giao_vien", "Giáo viên")
        add_unit(session, "bench_school", "Trường benchmark", "truong")
        person_id = add_person(session, "bench_teacher", "Bench", "bench_school", ["giao_vien"]).id
        deploy(session, [SourceFile("han_nop.bpmn", BPMN)])
    clock.set_virtual(db, NOW - timedelta(days=2))
    due = start_instance(db, person_id, "han_nop", "bench_school").id  # deadline: yesterday
    clock.set_virtual(db, NOW)
    waiting = start_instance(db, person_id, "han_nop", "bench_school").id  # deadline: tomorrow
    return Template(db, due), Template(db, waiting)


def add_copies(db: Database, template: Template, count: int) -> None:
    with db.engine.begin() as connection:
        next_instance = int(connection.scalar(select(func.max(INSTANCE.c.id))) or 0) + 1
        next_task = int(connection.scalar(select(func.max(HUMAN_TASK.c.id))) or 0) + 1
        for start in range(0, count, CHUNK):
            rows = [template.copy(next_instance + k, next_task + k) for k in range(start, min(start + CHUNK, count))]
            connection.execute(insert(INSTANCE), [instance for instance, _ in rows])
            connection.execute(insert(HUMAN_TASK), [task for _, task in rows])
        if db.is_postgres:
            for table in ("instance", "human_task"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) "
                                        f"FROM {table}"))
    if db.is_postgres:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE instance"))
            connection.execute(text("ANALYZE human_task"))


def counts(db: Database) -> tuple[int, int]:
    """(due, waiting-not-due) among running cases with a timer."""
    with db.engine.connect() as connection:
        due = connection.scalar(select(func.count()).select_from(INSTANCE).where(
            INSTANCE.c.status == "running", INSTANCE.c.next_fire_at <= NOW))
        waiting = connection.scalar(select(func.count()).select_from(INSTANCE).where(
            INSTANCE.c.status == "running", INSTANCE.c.next_fire_at > NOW))
    return int(due or 0), int(waiting or 0)


def time_claims(db: Database, repeat: int = 25) -> tuple[float, float]:
    """Median ms to claim a batch of 100 (given back each time), and to select every due id."""
    claim, select_all = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        claimed = timers.claim_due(db, "bench-probe", 100)
        claim.append(time.perf_counter() - started)
        with db.engine.begin() as connection:
            connection.execute(update(INSTANCE).where(INSTANCE.c.id.in_(claimed))
                               .values(timer_lock_owner=None, timer_lock_expires_at=None))
        started = time.perf_counter()
        timers.due_instance_ids(db, 1_000_000)
        select_all.append(time.perf_counter() - started)
    return statistics.median(claim) * 1000, statistics.median(select_all) * 1000


def sweep_all(db: Database) -> tuple[float, int]:
    started = time.perf_counter()
    fired = timers.tick(db, worker_id="bench-sweeper")
    return time.perf_counter() - started, fired


def scenario(db: Database, name: str) -> dict[str, float]:
    due, waiting = counts(db)
    claim_ms, select_ms = time_claims(db)
    seconds, fired = sweep_all(db)
    assert fired == due, (fired, due)
    print(f"{name}  {due:>6,} due / {waiting:>7,} waiting | claim 100: {claim_ms:6.2f} ms | select all due: "
          f"{select_ms:7.2f} ms | sweep: {seconds:6.1f} s = {fired / seconds:6.0f} cases/s", flush=True)
    return {"due": due, "claim": claim_ms, "select": select_ms, "sweep": seconds}


def run(url: str, label: str) -> None:
    db = Database(url)
    print(f"--- {label}", flush=True)
    started = time.perf_counter()
    due, waiting = prepare(db)
    print(f"template state blob: {len(due.instance['state']):,} bytes, {len(due.uuids)} task ids", flush=True)
    add_copies(db, waiting, 10_000 - 1)
    add_copies(db, due, 10_000 - 1)
    print(f"inserted 20,000 rows in {time.perf_counter() - started:.1f} s", flush=True)
    a = scenario(db, "A")
    add_copies(db, waiting, 90_000)
    add_copies(db, due, 10_000)
    b = scenario(db, "B")
    add_copies(db, due, 1_000)
    c = scenario(db, "C")
    for title, x, y in (("B/A (10x waiting, same due)", b, a), ("B/C (10x due, same waiting)", b, c)):
        print(f"{title}: claim {x['claim'] / y['claim']:.2f}x, select all due {x['select'] / y['select']:.2f}x, "
              f"sweep {x['sweep'] / y['sweep']:.2f}x")
    print(f"total {time.perf_counter() - started:.0f} s", flush=True)
    db.dispose()


def main() -> None:
    logging.getLogger("spiff").setLevel(logging.WARNING)
    logging.getLogger("engine.runtime.timers").setLevel(logging.WARNING)
    pg = os.environ.get("TDKT_DATABASE_URL", "")
    if pg.startswith("postgresql"):
        run(pg, "PostgreSQL")
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.sqlite3", "SQLite")


if __name__ == "__main__":
    main()
