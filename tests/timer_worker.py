"""A timer-sweep worker for the multi-worker tests: claims batches and fires them until nothing is due.

    python -m tests.timer_worker URL WORKER_ID [--lease S] [--limit N] [--announce-after N] [--pace S]

It is `timers.sweep`, unrolled so a test can watch it: after `--announce-after` firings it prints
`CLAIMED <n>` right after its next claim (the test then kills it) and fires each case `--pace`
seconds apart. At the end it prints one JSON line with what it did. The virtual clock is read from
the database, like every other process.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from engine import clock
from engine.db import Database
from engine.runtime import timers


def work(db: Database, worker_id: str, *, lease: float = 2.0, limit: int = 25, announce_after: int | None = None,
         pace: float = 0.0, say: Callable[[str], None] = print, stop: Callable[[], bool] = lambda: False,
         give_up_after: float = 60.0) -> dict[str, Any]:
    """Sweep until nothing is due and no live claim is left; returns counts."""
    fired = nothing_due = claims = waits = 0
    deadline = time.monotonic() + give_up_after
    while time.monotonic() < deadline and not stop():
        claimed = timers.claim_due(db, worker_id, limit, timedelta(seconds=lease))
        if not claimed:
            if not timers.due_instance_ids(db, 1):
                break
            waits += 1  # due, but held by a live claim: wait for it to be fired or to expire
            time.sleep(0.1)
            continue
        claims += 1
        if announce_after is not None and fired >= announce_after:
            say(f"CLAIMED {len(claimed)}")
        for instance_id in claimed:
            if stop():
                break
            if timers.fire_timers(db, instance_id, owner=worker_id).fired:
                fired += 1
            else:
                nothing_due += 1
            if pace:
                time.sleep(pace)
    return {"worker": worker_id, "fired": fired, "nothing_due": nothing_due, "claims": claims, "waits": waits}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("worker_id")
    parser.add_argument("--lease", type=float, default=2.0)
    parser.add_argument("--limit", type=int, default=25)
    parser.add_argument("--announce-after", type=int)
    parser.add_argument("--pace", type=float, default=0.0)
    args = parser.parse_args()
    db = Database(args.url)
    clock.configure("virtual", db)

    def say(line: str) -> None:
        print(line, flush=True)

    result = work(db, args.worker_id, lease=args.lease, limit=args.limit, announce_after=args.announce_after,
                  pace=args.pace, say=say)
    say(json.dumps(result))
    db.dispose()
    sys.exit(0)


if __name__ == "__main__":
    main()
