"""Cases in flight under each of the five seed plans, for `tdkt demo` (filled in below)."""

from __future__ import annotations

from engine.db import Database
from engine.demo.base import PEOPLE
from engine.demo.organisation import seed_seed_organisation


def seed(db: Database) -> list[tuple[str, str]]:
    """The whole demo organisation and its cases. Idempotent. Returns (username, description) of logins."""
    seed_seed_organisation(db)
    return [(u, f"{n} ({', '.join(r)} @ {unit})") for u, n, unit, r in PEOPLE]
