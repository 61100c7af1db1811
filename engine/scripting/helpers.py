"""Helper functions every script and expression can call (`milestone(...)`, `working_days_before(...)`…).

Helpers are trusted Python: they run unrestricted, so they must not hand scripts anything that
reaches outside task data (modules, files, classes with side effects). The registry is read at the
start of every run, so a helper registered after an engine was made is still visible.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from engine.runtime.context import ActionContext

F = TypeVar("F", bound=Callable[..., Any])

SCRIPT_HELPERS: dict[str, Callable[..., Any]] = {}


def register_helper(name: str | None = None) -> Callable[[F], F]:
    """Decorator: make the function available to scripts under `name` (default: its own name).

    A variable of the same name in task data hides the helper inside that task's scripts, just as a
    local name hides a builtin in Python.
    """

    def register(func: F) -> F:
        helper_name = name or func.__name__
        if not helper_name.isidentifier() or helper_name.startswith("_"):
            raise ValueError(f"helper name {helper_name!r} must be an identifier not starting with '_'")
        if hasattr(builtins, helper_name):
            raise ValueError(f"helper name {helper_name!r} is a Python builtin; choose another name")
        SCRIPT_HELPERS[helper_name] = func
        return func

    return register


def running_action(helper: str, error: type[Exception], *, where: str = "while a case runs") -> ActionContext:
    """The engine action a helper was called from (its session, case and actor); `error` when the helper is
    called outside a running case, e.g. `running_action("hoi_dong", CouncilError)`."""
    from engine.runtime.context import current_action  # the runtime imports the modules registering helpers

    ctx = current_action()
    if ctx is None:
        raise error(f"{helper}() is only available {where}")
    return ctx
