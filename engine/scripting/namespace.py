"""What a script can name: whitelisted builtins, RestrictedPython guards, helpers, budget hooks.

All of it lives in the run's `__builtins__` mapping, never in task data: task data is the script's
globals, so data variables shadow builtins and helpers (as in Python) and nothing of ours is left
behind in the data when the run ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr_raise,
)
from RestrictedPython.PrintCollector import PrintCollector

from engine.scripting.budget import Budget
from engine.scripting.errors import ScriptSecurityError, current_script_line
from engine.scripting.helpers import SCRIPT_HELPERS
from engine.scripting.limits import (
    forbidden,
    guarded_lshift,
    guarded_mul,
    guarded_pow,
    inplace_item,
    inplace_var,
    limited_range,
)
from engine.scripting.policy import (
    BUDGET_CHECK,
    FORBIDDEN_ATTRIBUTES,
    INPLACE_ITEM,
    LSHIFT_GUARD,
    MUL_GUARD,
    POW_GUARD,
)

# Dropped from RestrictedPython's safe_builtins: attribute writers, class creation, and the
# BaseException family a script could raise past `except Exception` in the engine.
_DROPPED = {"__build_class__", "setattr", "delattr", "_getattr_",
            "BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit"}

_ADDED: dict[str, Any] = {
    f.__name__: f
    for f in (dict, list, set, tuple, sorted, min, max, sum, any, all, enumerate, zip, map, filter,
              reversed, len, abs, round, str, int, float, bool, isinstance)
}

# Named so a script gets a clear refusal (rather than a NameError) when it reaches for them.
FORBIDDEN_BUILTINS = ("open", "eval", "exec", "compile", "__import__", "getattr", "setattr", "delattr",
                      "hasattr", "type", "vars", "globals", "locals", "dir", "input", "breakpoint", "help",
                      "memoryview", "super", "object", "classmethod", "staticmethod", "property", "iter",
                      "next", "exit", "quit")


def guarded_getattr(obj: Any, name: str) -> Any:
    if name in FORBIDDEN_ATTRIBUTES or name.startswith("_"):
        raise ScriptSecurityError(f'attribute "{name}" is not allowed in scripts', current_script_line())
    try:
        return safer_getattr_raise(obj, name)
    except NotImplementedError as exc:  # str.format and friends
        raise ScriptSecurityError(f"{str(exc).rstrip('.')}; use an f-string instead",
                                  current_script_line()) from None


def guarded_apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


STATIC_BUILTINS: dict[str, Any] = {
    **{name: value for name, value in safe_builtins.items() if name not in _DROPPED},
    **_ADDED,
    **{name: forbidden(name) for name in FORBIDDEN_BUILTINS},
    "range": limited_range,
    "pow": guarded_pow,
    "_getattr_": guarded_getattr,
    "_getitem_": default_guarded_getitem,
    "_write_": full_write_guard,
    "_apply_": guarded_apply,
    "_print_": PrintCollector,
    "_inplacevar_": inplace_var,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    INPLACE_ITEM: inplace_item,
    POW_GUARD: guarded_pow,
    MUL_GUARD: guarded_mul,
    LSHIFT_GUARD: guarded_lshift,
}


def run_builtins(budget: Budget) -> dict[str, Any]:
    """The `__builtins__` of one run: static entries, helpers as registered now, this run's budget."""
    return {
        **SCRIPT_HELPERS,  # first, so no helper can replace a guard or a refused builtin
        **STATIC_BUILTINS,
        "_getiter_": budget.getiter,
        BUDGET_CHECK: budget.check,
    }
