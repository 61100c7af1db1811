"""Engine throughput: the four-step process (notes §9) in memory vs through our persisted runtime.

(a) SpiffWorkflow alone, in memory, its default script engine: create, run to completion.
(b) Our runtime: start the case and complete its three user tasks, each action one database
    transaction (load, engine steps, serialize, projections, audit, commit), restricted scripts.
Both run in this process, one after the other, for the same number of seconds; the figure that
matters is their ratio (targets: ≥ 0.5 on SQLite, ≥ 0.35 on PostgreSQL).

    python bench/engine.py [--seconds 5]        # SQLite in a temporary directory
    TDKT_DATABASE_URL=postgresql+psycopg://... python bench/engine.py   # and PostgreSQL too
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.spiff.parser import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from engine.db import Database  # noqa: E402
from engine.definitions.repository import deploy  # noqa: E402
from engine.definitions.validation import SourceFile  # noqa: E402
from engine.forms import deploy_form  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.models import Base  # noqa: E402
from engine.org import add_person, add_role, add_unit  # noqa: E402
from engine.runtime.instances import start_instance  # noqa: E402
from engine.runtime.tasks import complete  # noqa: E402
from engine.serialization import SPEC_CACHE  # noqa: E402

BPMN = (HERE / "four_step.bpmn").read_bytes()
FORM = {"type": "object", "properties": {"decision": {"type": "string", "enum": ["ok", "no"]}},
        "required": ["decision"], "additionalProperties": False}
ANSWERS = {"register": {}, "review": {"decision": "ok"}, "approve": {}}


def in_memory_once(spec, subprocess_specs) -> None:
    workflow = BpmnWorkflow(spec, subprocess_specs)
    workflow.do_engine_steps()
    while not workflow.completed:
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update(ANSWERS[task.task_spec.bpmn_id])
        task.run()
        workflow.do_engine_steps()


def rate(fn, seconds: float) -> tuple[float, int]:
    """Instances per second over about `seconds` (median of 1-second slices)."""
    slices, total = [], 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < 1.0:
            fn()
            count += 1
        slices.append(count / (time.perf_counter() - start))
        total += count
    return statistics.median(slices), total


def prepare(db: Database) -> int:
    upgrade(db)
    with db.engine.begin() as connection:
        if db.is_postgres:
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    SPEC_CACHE.clear()
    with db.transaction() as session:
        add_role(session, "giao_vien", "Giáo viên")
        add_unit(session, "bench_school", "Trường benchmark", "truong")
        person = add_person(session, "bench_teacher", "Bench", "bench_school", ["giao_vien"])
        deploy_form(session, "bench_review", json.dumps(FORM))
        deploy(session, [SourceFile("four_step.bpmn", BPMN)])
        return person.id


def persisted_once(db: Database, person_id: int) -> None:
    """Start a case and complete its tasks as they open (each call reports what it opened)."""
    opened = start_instance(db, person_id, "four_step", "bench_school").opened
    steps = 0
    while opened:
        [task] = opened
        opened = complete(db, person_id, task.id, ANSWERS[task.name]).opened
        steps += 1
    assert steps == 3, steps


def measure(url: str, label: str, seconds: float, memory_rate: float) -> None:
    db = Database(url)
    person_id = prepare(db)
    persisted_once(db, person_id)  # warm-up: spec cache, connections
    persisted, count = rate(lambda: persisted_once(db, person_id), seconds)
    print(f"{label:11} persisted runtime: {persisted:8.1f} instances/s ({count} instances, 4 transactions each)"
          f"  ratio to in-memory: {persisted / memory_rate:.2f}")
    db.dispose()


def main() -> None:
    logging.getLogger("spiff").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    bpmn_parser = SpiffBpmnParser()
    bpmn_parser.add_bpmn_str(BPMN, "four_step.bpmn")
    spec, subprocess_specs = bpmn_parser.get_spec("four_step"), bpmn_parser.get_subprocess_specs("four_step")
    in_memory_once(spec, subprocess_specs)
    memory, count = rate(lambda: in_memory_once(spec, subprocess_specs), args.seconds)
    print(f"{'in-memory':11} SpiffWorkflow alone: {memory:8.1f} instances/s ({count} instances)")
    with tempfile.TemporaryDirectory() as tmp:
        measure(f"sqlite:///{tmp}/bench.sqlite3", "SQLite", args.seconds, memory)
    pg = os.environ.get("TDKT_DATABASE_URL", "")
    if pg.startswith("postgresql"):
        measure(pg, "PostgreSQL", args.seconds, memory)


if __name__ == "__main__":
    main()
