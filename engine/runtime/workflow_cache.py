"""Live workflow objects kept between actions, so the next action on an instance skips the load.

Loading a workflow (JSON parse + restore of every task) costs more than the engine step of a user
task. The stored state stays the truth; this cache only saves rebuilding an object equal to it:

- an entry is used only if its `lock_version` *and* state text equal the row just read under the
  lock, so a change by any other process, connection or restored backup makes it stale;
- taking an entry removes it, so two threads never hold one object; it is put back only after the
  action's transaction committed, with the version and state that were written;
- an action that raises never puts its object back (it may be half-advanced);
- only workflows that a JSON round trip reproduces exactly are kept: plain JSON values (string keys)
  plus datetime (naive or UTC), timedelta and UUID, and no dict or list reachable twice (task data
  shares nested containers between tasks in memory, a fresh load does not);
- bounded: least recently used first out, by entry count and by an estimate of the memory held
  (state size plus the task data slots: every task keeps its own copy of the data dict in memory,
  where the state stores only changes); a workflow estimated above MAX_ENTRY_BYTES is not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.serialization import SPEC_CACHE

MAX_ENTRIES = 2000
MAX_ENTRY_BYTES = 256 * 1024  # a bigger workflow is loaded each time rather than kept
MAX_TOTAL_BYTES = 48 * 1024 * 1024
BYTES_PER_SLOT = 64  # a dict or list slot in memory: pointer, hash, share of the container (measured ~1.6× state)

CacheKey = tuple[str, int]  # (database URL, instance id)


class WorkflowCache:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_total_bytes: int = MAX_TOTAL_BYTES) -> None:
        self._entries: OrderedDict[CacheKey, tuple[int, str, BpmnWorkflow, int]] = OrderedDict()
        self._total_bytes = 0
        self._max_entries = max_entries
        self._max_total_bytes = max_total_bytes
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def take(self, key: CacheKey, lock_version: int, state: str) -> BpmnWorkflow | None:
        """The cached workflow for exactly this stored version, removed from the cache; else None."""
        with self._lock:
            entry = self._entries.pop(key, None)
            if entry is not None:
                self._total_bytes -= entry[3]
        if entry is not None and entry[0] == lock_version and entry[1] == state:
            self.hits += 1
            return entry[2]
        self.misses += 1
        return None

    def put(self, key: CacheKey, lock_version: int, state: str, workflow: BpmnWorkflow) -> None:
        """Keep `workflow` as the object for the committed (lock_version, state), if it qualifies."""
        slots = None if workflow.completed or len(state) > MAX_ENTRY_BYTES else data_slots(workflow)
        size = len(state) + BYTES_PER_SLOT * slots if slots is not None else 0
        if slots is None or size > MAX_ENTRY_BYTES:
            self.discard(key)
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._total_bytes -= old[3]
            self._entries[key] = (lock_version, state, workflow, size)
            self._total_bytes += size
            while self._entries and (len(self._entries) > self._max_entries
                                     or self._total_bytes > self._max_total_bytes):
                _, dropped = self._entries.popitem(last=False)
                self._total_bytes -= dropped[3]

    def discard(self, key: CacheKey) -> None:
        with self._lock:
            entry = self._entries.pop(key, None)
            if entry is not None:
                self._total_bytes -= entry[3]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._total_bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


WORKFLOWS = WorkflowCache()
SPEC_CACHE.on_clear(WORKFLOWS.clear)  # cached objects point at the specs being dropped

_ATOMS = frozenset({str, int, float, bool, type(None), timedelta, UUID})


def _plain(value: Any, seen: set[int], slots: list[int]) -> bool:
    kind = type(value)
    if kind in _ATOMS:
        return True
    if kind is dict or kind is list:
        if id(value) in seen:
            return False
        seen.add(id(value))
        slots[0] += len(value)
        if kind is list:
            return all(_plain(item, seen, slots) for item in value)
        return all(type(key) is str and _plain(item, seen, slots) for key, item in value.items())
    if kind is datetime:
        return value.tzinfo is None or value.tzinfo is UTC
    return False


def data_slots(workflow: BpmnWorkflow) -> int | None:
    """How many dict/list slots the workflow's data holds, or None unless serializing and loading it
    gives back equal data in an unshared layout (see the module docstring)."""
    seen: set[int] = set()
    slots = [0]
    for each in (workflow, *workflow.subprocesses.values()):
        if not _plain(each.data, seen, slots):
            return None
        for task in each.tasks.values():
            if not _plain(task.data, seen, slots) or not _plain(task.internal_data, seen, slots):
                return None
    return slots[0]


def round_trips(workflow: BpmnWorkflow) -> bool:
    return data_slots(workflow) is not None
