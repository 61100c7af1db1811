"""APScheduler jobs: the timer sweep, in `tdkt serve` (background) or `tdkt worker` (blocking)."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from engine.db import Database
from engine.runtime.instances import tick

log = logging.getLogger(__name__)


def _sweep(db: Database) -> None:
    try:
        fired = tick(db)
        if fired:
            log.info("timer sweep advanced %d case(s)", fired)
    except Exception:  # keep the scheduler alive; the next sweep tries again
        log.exception("timer sweep failed")


def start_background(db: Database, interval: float = 10.0) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(_sweep, "interval", seconds=interval, args=[db], max_instances=1, coalesce=True)
    scheduler.start()
    return scheduler


def run_blocking(db: Database, interval: float = 10.0) -> None:
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(_sweep, "interval", seconds=interval, args=[db], max_instances=1, coalesce=True)
    scheduler.start()
