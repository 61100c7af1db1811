"""APScheduler jobs: the timer sweep, the deadline sweep (reminders, overdue notices) and the
notification dispatcher.

`tdkt serve` runs them in a background thread (the embedded default); `tdkt worker` runs them
blocking, as a separate process. Several workers may run against one PostgreSQL database: timer
sweeps claim cases with `FOR UPDATE SKIP LOCKED` and a lease (`engine.runtime.timers`), the
dispatcher claims e-mails the same way (`engine.notifications.dispatcher`). Each job runs at most
once at a time per process, and runs missed while busy are coalesced into one. Every job also runs
as soon as the scheduler starts, so timers that fell due during downtime fire at once.

Configuration: TDKT_TIMER_INTERVAL (seconds between sweeps, default 10).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from engine.db import Database
from engine.notifications.dispatcher import run_dispatch_job
from engine.runtime.timers import new_worker_id, tick_passes

log = logging.getLogger(__name__)

DEFAULT_TIMER_INTERVAL = 10.0
DEADLINE_INTERVAL = 60.0
DISPATCH_INTERVAL = 30.0
DEADLINE_LIMIT = 5000  # per run; the next run takes the rest


def timer_interval() -> float:
    """Seconds between timer sweeps: TDKT_TIMER_INTERVAL, default 10."""
    raw = os.environ.get("TDKT_TIMER_INTERVAL", "").strip()
    if not raw:
        return DEFAULT_TIMER_INTERVAL
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"TDKT_TIMER_INTERVAL must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"TDKT_TIMER_INTERVAL must be positive, not {raw!r}")
    return value


def sweep_job(db: Database, worker_id: str) -> int:
    """One scheduled sweep (until nothing due is left); logs instead of raising, so the job keeps running."""
    try:
        passes = tick_passes(db, worker_id=worker_id)
    except Exception:  # the database is away, say: the next run tries again
        log.exception("timer sweep failed")
        return 0
    fired = sum(p.fired for p in passes)
    errors = sum(p.errors for p in passes)
    held = passes[-1].skipped_because_claimed if passes else 0
    if fired or errors:
        log.info("timer sweep: %d case(s) fired, %d failed, %d held by other workers", fired, errors, held)
    return fired


def deadline_job(db: Database, worker_id: str, limit: int = DEADLINE_LIMIT) -> int:
    """Reminders before due dates and overdue notices (engine.runtime.deadlines); logs instead of raising."""
    from engine.runtime.deadlines import send_due_reminders

    try:
        counts = send_due_reminders(db, limit=limit)
    except Exception:
        log.exception("deadline sweep failed")
        return 0
    if counts.reminded or counts.overdue:
        log.info("deadline sweep: %d reminder(s), %d overdue notice(s)", counts.reminded, counts.overdue)
    return counts.reminded + counts.overdue


def run_due_work(db: Database, worker_id: str) -> tuple[int, int]:
    """Everything the jobs do, once, now, in order (for `tdkt simulate`): timers, then deadlines,
    then e-mails. Returns (cases whose timers fired, e-mails sent)."""
    fired = sweep_job(db, worker_id)
    deadline_job(db, worker_id, limit=1_000_000)
    return fired, run_dispatch_job(db, worker_id)


def add_jobs(scheduler: BaseScheduler, db: Database, *, interval: float | None = None,
             worker_id: str | None = None) -> str:
    """Add the timer sweep and the dispatcher to `scheduler`; returns the worker id they use."""
    worker_id = worker_id or new_worker_id()
    now = datetime.now(UTC)
    common: dict[str, Any] = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None,
                              "next_run_time": now}
    scheduler.add_job(sweep_job, "interval", seconds=interval or timer_interval(), args=[db, worker_id],
                      id="timer-sweep", name="timer sweep", **common)
    scheduler.add_job(deadline_job, "interval", seconds=DEADLINE_INTERVAL, args=[db, worker_id],
                      id="deadline-sweep", name="deadline sweep", **common)
    scheduler.add_job(run_dispatch_job, "interval", seconds=DISPATCH_INTERVAL, args=[db, worker_id],
                      id="notification-dispatch", name="notification dispatcher", **common)
    log.info("scheduler %s: timer sweep every %ss, deadlines every %ss, e-mails every %ss", worker_id,
             interval or timer_interval(), DEADLINE_INTERVAL, DISPATCH_INTERVAL)
    return worker_id


def start_background(db: Database, interval: float | None = None) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, db, interval=interval)
    scheduler.start()
    return scheduler


def run_blocking(db: Database, interval: float | None = None) -> None:
    scheduler = BlockingScheduler(timezone="UTC")
    add_jobs(scheduler, db, interval=interval)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("worker stopping")
