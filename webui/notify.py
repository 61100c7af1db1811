"""The header's unread-notification badge.

HOOK for engine/notifications (built separately): `unread_count_in(session, person_id)` asks
`engine.notifications.unread_count(session, person_id)` when that function exists and answers 0
while the module or the function is absent, so the header works before and after it lands.
"""

from __future__ import annotations

import importlib
from typing import Any


def _engine_counter() -> Any:
    try:
        module = importlib.import_module("engine.notifications")
    except ImportError:
        return None
    return getattr(module, "unread_count", None)


def unread_count_in(session: Any, person_id: int) -> int:
    """In the caller's transaction (the page header reads it with the person's other facts)."""
    counter = _engine_counter()
    return int(counter(session, person_id) or 0) if counter is not None else 0
