"""The timer sweep: select due cases through an index, claim them with a lease, fire each exactly once.

`claim_due` leases up to `limit` running cases whose `next_fire_at` has passed to one worker
(`timer_lock_owner`, `timer_lock_expires_at`): on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED` and
an UPDATE in one short transaction, on SQLite one conditional UPDATE (one writer at a time). A claim
whose lease has not run out is skipped by every other worker; a crashed worker's claims expire and
are taken over. Leases use the wall clock, so moving the virtual clock never strands a claim; "due"
uses the engine clock.

Each claimed case is then fired by `instance_action` (row lock on PostgreSQL, version check
everywhere), and its claim is released in that same transaction. The engine state changes exactly
once: a worker that gets a case whose timers another worker already fired finds nothing due and
stores nothing — no new state version, no audit event.

A timer fires at its instant: a sweep at exactly that instant fires it (SpiffWorkflow alone waits
until the instant is strictly past; see `_refresh_at`).

Missed repetitions of a cycle timer fire once, not once per missed period: before the timers are
refreshed, a cycle more than one period overdue is moved to its latest due occurrence (remaining
cycles counted down accordingly), so the refresh fires it once and it goes on from there on schedule.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, func, literal_column, or_, select, update

from engine import clock
from engine.db import Database
from engine.errors import EngineError
from engine.runtime.context import ActionContext, instance_action
from engine.runtime.projection import next_fire_at, timer_fire_times
from engine.runtime.records import INSTANCE, InstanceRecord

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
_EPSILON = timedelta(microseconds=1)
BATCH = 100
_RUNNING = literal_column("'running'")  # a constant the planner sees (PostgreSQL may reuse a generic plan)

_DUE = (INSTANCE.c.status == _RUNNING, INSTANCE.c.next_fire_at.is_not(None),
        INSTANCE.c.next_fire_at <= bindparam("now"))
_FREE = or_(INSTANCE.c.timer_lock_expires_at.is_(None), INSTANCE.c.timer_lock_expires_at <= bindparam("wall"))
_HELD = INSTANCE.c.timer_lock_expires_at > bindparam("wall")
_CHOOSE = select(INSTANCE.c.id).where(*_DUE, _FREE).order_by(INSTANCE.c.next_fire_at).limit(bindparam("limit"))
_CHOOSE_SKIP_LOCKED = _CHOOSE.with_for_update(skip_locked=True)
_TAKE = update(INSTANCE).where(INSTANCE.c.id.in_(bindparam("ids", expanding=True))) \
    .values(timer_lock_owner=bindparam("owner"), timer_lock_expires_at=bindparam("until"))
_TAKE_CHOSEN = update(INSTANCE).where(INSTANCE.c.id.in_(_CHOOSE.scalar_subquery())) \
    .values(timer_lock_owner=bindparam("owner"), timer_lock_expires_at=bindparam("until")).returning(INSTANCE.c.id)
_COUNT_HELD = select(func.count()).select_from(INSTANCE).where(*_DUE, _HELD)
_RELEASE = update(INSTANCE).where(INSTANCE.c.id == bindparam("instance_id"),
                                  INSTANCE.c.timer_lock_owner == bindparam("owner")) \
    .values(timer_lock_owner=None, timer_lock_expires_at=None)
_FIX_NEXT_FIRE = update(INSTANCE).where(INSTANCE.c.id == bindparam("instance_id"),
                                        INSTANCE.c.lock_version == bindparam("version")) \
    .values(next_fire_at=bindparam("next_fire_at"))


@dataclass(frozen=True)
class Firing:
    """What one firing did: the case, its status afterwards, the timers that fired (element ids)."""

    instance_id: int
    status: str
    fired: tuple[str, ...] = ()
    caught_up: int = 0  # missed cycle repetitions folded into this firing


@dataclass(frozen=True)
class SweepResult:
    """One pass of one worker: cases claimed, fired, found with nothing due (already fired by
    another worker), due but held by another worker's live claim, and failed unexpectedly."""

    claimed: int = 0
    fired: int = 0
    nothing_due: int = 0
    skipped_because_claimed: int = 0
    errors: int = 0
    firings: tuple[Firing, ...] = ()


def wall_now() -> datetime:
    return datetime.now(UTC)


def claim_due(db: Database, worker_id: str, limit: int = BATCH, lease: timedelta = LEASE) -> list[int]:
    """Lease up to `limit` due, unclaimed (or expired-claim) running cases to `worker_id`, oldest due first."""
    wall = wall_now()
    params: dict[str, Any] = {"now": clock.now(), "wall": wall, "limit": limit, "owner": worker_id,
                              "until": wall + lease}
    with db.engine.begin() as connection:
        if db.is_postgres:
            ids = list(connection.scalars(_CHOOSE_SKIP_LOCKED, params))
            if ids:
                connection.execute(_TAKE, {**params, "ids": ids})
            return ids
        return sorted(connection.scalars(_TAKE_CHOSEN, params))  # one statement: SQLite's write lock first


def held_elsewhere(db: Database) -> int:
    """How many due cases are held by a live claim (another worker is on them, or crashed recently)."""
    with db.engine.connect() as connection:
        return int(connection.scalar(_COUNT_HELD, {"now": clock.now(), "wall": wall_now()}) or 0)


def catch_up_cycles(workflow: BpmnWorkflow, now: datetime) -> int:
    """Move every cycle timer that is more than one period overdue to its latest due occurrence, so
    the next refresh fires it once; returns how many repetitions were skipped."""
    skipped = 0
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if not isinstance(getattr(task.task_spec, "event_definition", None), CycleTimerEventDefinition):
            continue
        value = task.internal_data.get("event_value")
        if not isinstance(value, dict) or value.get("cycles", 0) == 0 or not value.get("duration"):
            continue
        period = timedelta(seconds=float(value["duration"]))
        upcoming = datetime.fromisoformat(value["next"])
        if period <= timedelta(0) or upcoming > now:
            continue
        due = (now - upcoming) // period + 1  # occurrences upcoming + k·period at or before now
        skip = due - 1 if value["cycles"] < 0 else min(due - 1, value["cycles"] - 1)
        if skip <= 0:
            continue
        cycles = value["cycles"] if value["cycles"] < 0 else value["cycles"] - skip
        task._set_internal_data(event_value={**value, "cycles": cycles,
                                             "next": (upcoming + skip * period).isoformat()})
        skipped += skip
    return skipped


def _due_timers(workflow: BpmnWorkflow, now: datetime) -> list[str]:
    """Element ids of the waiting timers due at `now` (an exhausted cycle included)."""
    return [bpmn_id for _, bpmn_id, at in timer_fire_times(workflow) if at is None or at <= now]


def _refresh_at(workflow: BpmnWorkflow, now: datetime) -> None:
    """`refresh_timers()` such that a timer due exactly at `now` fires: SpiffWorkflow fires only when
    its instant is strictly past, so its clock reads one microsecond later during the refresh alone
    (fire times computed afterwards, by the engine steps, start from `now` itself)."""
    with clock.frozen_at(now + _EPSILON):
        workflow.refresh_timers()


def fire_timers(db: Database, instance_id: int, *, owner: str | None = None) -> Firing:
    """Fire whatever timers of the case are due now, in one transaction, and release `owner`'s claim
    in it. Nothing due (another worker was first, or the case is no longer running): nothing stored."""
    def act(ctx: ActionContext) -> tuple[InstanceRecord, tuple[str, ...], int]:
        instance = ctx.instance
        if owner is not None:
            ctx.connection.execute(_RELEASE, {"instance_id": instance.id, "owner": owner})
        due = _due_timers(ctx.workflow, ctx.now) if instance.status == "running" else []
        if not due:
            ctx.unchanged = True
            _fix_stale_next_fire(ctx)
            return instance, (), 0
        before = instance.next_fire_at
        caught_up = catch_up_cycles(ctx.workflow, ctx.now)

        def step() -> None:
            workflow = ctx.workflow
            _refresh_at(workflow, ctx.now)
            workflow.do_engine_steps()
            if any(at is None for _, _, at in timer_fire_times(workflow)):
                _refresh_at(workflow, ctx.now)  # a cycle that just used its last repetition: complete it
                workflow.do_engine_steps()  # now, not as a firing of its own on the next sweep

        ctx.advance(step)
        ctx.audit("timers.fired", due=before.isoformat() if before else None, timers=due,
                  **({"missed_repetitions": caught_up} if caught_up else {}))
        return instance, tuple(due), caught_up

    instance, fired, caught_up = instance_action(db, instance_id, None, act)
    return Firing(instance.id, instance.status, fired, caught_up)  # the status as stored (after the save)


def _fix_stale_next_fire(ctx: ActionContext) -> None:
    """A stored `next_fire_at` in the past with nothing due (it should not happen; if it does, the
    sweep would pick the case forever): correct the column alone, without a new state version."""
    if ctx.instance.status != "running" or ctx.instance.next_fire_at is None or ctx.instance.next_fire_at > ctx.now:
        return
    actual = next_fire_at(ctx.workflow)
    if actual is not None and actual <= ctx.now:
        return
    ctx.connection.execute(_FIX_NEXT_FIRE, {"instance_id": ctx.instance.id, "version": ctx.instance.lock_version,
                                            "next_fire_at": actual})


def sweep(db: Database, worker_id: str, *, limit: int = BATCH, lease: timedelta = LEASE) -> SweepResult:
    """One pass: claim up to `limit` due cases and fire each (a failure is logged and counted; the
    claim then expires and another pass tries again)."""
    claimed = claim_due(db, worker_id, limit, lease)
    firings: list[Firing] = []
    nothing_due = errors = 0
    for instance_id in claimed:
        try:
            firing = fire_timers(db, instance_id, owner=worker_id)
        except EngineError as exc:  # e.g. the case was deleted, or kept losing races
            log.warning("case %d: timers not fired: %s", instance_id, exc.message)
            errors += 1
            continue
        except Exception:
            log.exception("case %d: timers not fired", instance_id)
            errors += 1
            continue
        if firing.fired:
            firings.append(firing)
            log.info("case %d: timer %s fired%s (now %s)", instance_id, ", ".join(firing.fired),
                     f", {firing.caught_up} missed repetition(s) folded in" if firing.caught_up else "",
                     firing.status)
        else:
            nothing_due += 1
    held = held_elsewhere(db) if len(claimed) < limit else 0
    return SweepResult(len(claimed), len(firings), nothing_due, held, errors, tuple(firings))


def new_worker_id() -> str:
    """A lock owner name unique to this sweeper: host:pid:random."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"[:128]


def tick(db: Database, limit: int = BATCH, *, worker_id: str | None = None, lease: timedelta = LEASE,
         max_passes: int = 1_000) -> int:
    """Sweep until nothing due is left; returns how many cases had timers fired."""
    return sum(result.fired for result in tick_passes(db, limit, worker_id=worker_id, lease=lease,
                                                      max_passes=max_passes))


def tick_passes(db: Database, limit: int = BATCH, *, worker_id: str | None = None, lease: timedelta = LEASE,
                max_passes: int = 1_000) -> list[SweepResult]:
    """The passes of `tick`, until one claims nothing: every claimed case either fires, or has its
    `next_fire_at` corrected, or has left `running`, and one that failed stays claimed until its
    lease ends, so the passes come to an end (a firing may make another timer due at once: the
    next pass takes it)."""
    worker_id = worker_id or new_worker_id()
    results: list[SweepResult] = []
    for _ in range(max_passes):
        result = sweep(db, worker_id, limit=limit, lease=lease)
        results.append(result)
        if result.claimed == 0:
            break
    return results


def due_instance_ids(db: Database, limit: int = 500) -> list[int]:
    """Due running cases, oldest due first (whatever their claims; for inspection)."""
    with db.engine.connect() as connection:
        return list(connection.scalars(select(INSTANCE.c.id).where(*_DUE).order_by(INSTANCE.c.next_fire_at)
                                       .limit(limit), {"now": clock.now()}))
