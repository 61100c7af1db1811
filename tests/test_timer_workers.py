"""Several timer workers on one database: 1,000 due timers each fire exactly once, none is lost, and a
worker that dies after claiming leaves its claims to expire and be finished by another.

On PostgreSQL the workers are separate processes (`python -m tests.timer_worker`) and one is killed
with SIGKILL; on SQLite (one writer at a time, a file shared by threads) the same scenario runs with
two threads, the "killed" one simply stopping after its claim."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import clock
from engine.config import PROJECT_ROOT
from engine.db import Database
from engine.models import AuditEvent, HumanTask, Instance
from engine.runtime import instances
from tests.helpers import deploy_bytes, person_id
from tests.timer_processes import boundary_process
from tests.timer_worker import work

T0 = datetime(2026, 5, 18, 1, 0, tzinfo=UTC)
CASES = 1000
LEASE = 2.0


@pytest.fixture
def due_cases(org: Database) -> list[int]:
    """CASES running cases whose deadline timer (interrupting, P1D) is due on the virtual clock."""
    clock.configure("virtual", org)
    clock.set_virtual(org, T0)
    deploy_bytes(org, "han.bpmn", boundary_process("han_nop", "duration", "'P1D'"))
    teacher = person_id(org, "gv_a1")
    ids = [instances.start_instance(org, teacher, "han_nop", "th_a").id for _ in range(CASES)]
    clock.set_virtual(org, T0 + timedelta(days=1, minutes=1))
    return ids


def assert_fired_exactly_once(db: Database, case_ids: list[int]) -> None:
    with db.engine.connect() as connection:
        fired = dict(connection.execute(
            select(AuditEvent.instance_id, func.count()).where(AuditEvent.action == "timers.fired")
            .group_by(AuditEvent.instance_id)).all())
        opened = dict(connection.execute(
            select(HumanTask.instance_id, func.count()).where(HumanTask.name == "xu_ly")
            .group_by(HumanTask.instance_id)).all())
        still_due = connection.scalar(select(func.count()).select_from(Instance)
                                      .where(Instance.next_fire_at.is_not(None)))
        claimed = connection.scalar(select(func.count()).select_from(Instance)
                                    .where(Instance.timer_lock_owner.is_not(None)))
    expected = dict.fromkeys(case_ids, 1)
    assert fired == expected, {k: v for k, v in fired.items() if v != 1} or set(case_ids) - set(fired)
    assert opened == expected
    assert (still_due, claimed) == (0, 0)


def spawn(db: Database, worker_id: str, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.timer_worker", db.url, worker_id, "--lease", str(LEASE),
                             *extra], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True)


def report(process: subprocess.Popen[str], timeout: float = 90) -> dict[str, Any]:
    out, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, out
    return json.loads(out.strip().splitlines()[-1])


def in_threads(*jobs: Any) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = [{} for _ in jobs]

    def run(index: int, job: Any) -> None:
        results[index] = job()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_workers_fire_each_due_timer_exactly_once(due_cases, org):
    started = time.monotonic()
    if org.is_postgres:
        workers = [spawn(org, f"worker-{n}") for n in (1, 2)]
        results = [report(worker) for worker in workers]
    else:
        results = in_threads(*(lambda n=n: work(org, f"worker-{n}", lease=LEASE) for n in (1, 2)))
    assert sum(r["fired"] for r in results) == CASES
    assert all(r["fired"] > 0 for r in results), results  # both took part
    assert_fired_exactly_once(org, due_cases)
    assert time.monotonic() - started < 60


def test_a_killed_workers_claims_expire_and_are_finished_by_the_other(due_cases, org):
    if org.is_postgres:
        doomed = spawn(org, "doomed", "--announce-after", "20", "--pace", "0.02")
        survivor = spawn(org, "survivor")
        assert doomed.stdout is not None
        line = doomed.stdout.readline()  # after 20 firings, the next claim is announced
        assert line.startswith("CLAIMED"), line
        os.kill(doomed.pid, signal.SIGKILL)  # mid-sweep: its claimed cases are neither fired nor released
        doomed.wait(timeout=10)
        result = report(survivor)
        fired_by_doomed = CASES - result["fired"]
    else:
        # The same loop, stopped right after a claim (what SIGKILL does to a process). It runs first and
        # alone: in threads on one SQLite file the survivor could starve it of the write lock and fire
        # everything before it claims twice, which would prove nothing about expired claims.
        claimed = threading.Event()
        doomed = work(org, "doomed", lease=LEASE, announce_after=20, pace=0.002,
                      say=lambda line: claimed.set(), stop=claimed.is_set)
        assert claimed.is_set()
        result, fired_by_doomed = work(org, "survivor", lease=LEASE), doomed["fired"]
    assert 20 <= fired_by_doomed < CASES - 25
    assert result["fired"] == CASES - fired_by_doomed  # its own share and the doomed worker's leftovers
    assert_fired_exactly_once(org, due_cases)
