"""The time budget of one script run, checked from inside the running script.

The policy puts `_budget_check_()` at the top of every `while` body, function and lambda; every `for`
loop, comprehension and generator iterates through `Budget.getiter`. Together they leave no
Python-level loop unchecked. C-level loops are bounded by size instead (see `limits.py`).
A budget belongs to the thread running the script; a run nested inside another (a helper evaluating
an expression) shares the outer run's budget instead of starting a new one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from time import monotonic
from typing import Any, TypeVar

from engine.scripting.errors import ScriptBudgetExceeded, current_script_line

T = TypeVar("T")

DEFAULT_BUDGET_SECONDS = 1.0

_local = threading.local()


class Budget:
    __slots__ = ("seconds", "deadline")

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)
        self.deadline = monotonic() + self.seconds

    @property
    def expired(self) -> bool:
        return monotonic() > self.deadline

    def check(self) -> None:
        """Raise once the deadline has passed. Stays raised: a script that catches it hits it again."""
        if monotonic() > self.deadline:
            self.stop()

    def stop(self, line: int | None = None) -> None:
        raise ScriptBudgetExceeded(f"script ran longer than {self.seconds} s",
                                   line if line is not None else current_script_line())

    def getiter(self, iterable: Iterable[T]) -> Iterator[T]:
        """Iterate `iterable`, checking the clock before each item.

        Checking every item (not every 1,000th) costs ~0.1 µs per item and bounds the overrun by one
        loop body, even when each body does heavy C-level work such as sorting a big list.
        """
        deadline = self.deadline
        for item in iterable:
            if monotonic() > deadline:
                self.stop()
            yield item


def active_budget() -> Budget | None:
    return getattr(_local, "budget", None)


class budget_scope:  # noqa: N801 - used like a function: `with budget_scope(1.0) as budget:`
    """The budget for this run: a new one, or the enclosing run's when nested."""

    __slots__ = ("seconds", "owner")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.owner = False

    def __enter__(self) -> Budget:
        outer = active_budget()
        if outer is not None:
            return outer
        self.owner = True
        _local.budget = budget = Budget(self.seconds)
        return budget

    def __exit__(self, *_exc: object) -> None:
        if self.owner:
            _local.budget = None


def finish(budget: Budget, result: Any) -> Any:
    """Refuse a result produced after the deadline (the script caught the stop and carried on)."""
    if budget.expired:
        budget.stop()
    return result
