"""The header's unread-notification badge.

HOOK for engine/notifications (built separately): `unread_count(person_id)` asks
`engine.notifications.unread_count(session, person_id)` when that function exists and answers 0
while the module or the function is absent, so the header works before and after it lands.
"""

from __future__ import annotations

import importlib
from typing import Any

from flask import current_app


def _engine_counter() -> Any:
    try:
        module = importlib.import_module("engine.notifications")
    except ImportError:
        return None
    return getattr(module, "unread_count", None)


def unread_count(person_id: int) -> int:
    counter = _engine_counter()
    if counter is None:
        return 0
    with current_app.extensions["tdkt_db"].transaction() as session:
        return int(counter(session, person_id) or 0)
