"""Size limits for work that runs in C and so never reaches a budget check.

`sum(range(10**12))` or `10**10**8` would hold the worker for minutes inside one C call, so such
requests are refused up front with ScriptBudgetExceeded. Limits are far above anything a workflow
script needs.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from RestrictedPython.Guards import full_write_guard

from engine.scripting.errors import ScriptBudgetExceeded, ScriptSecurityError, current_script_line

MAX_RANGE = 1_000_000
MAX_INT_BITS = 1_000_000
MAX_SEQUENCE = 10_000_000

_SEQUENCES = (str, bytes, bytearray, list, tuple)


def _refuse(problem: str) -> ScriptBudgetExceeded:
    return ScriptBudgetExceeded(problem, current_script_line())


def limited_range(*args: int) -> range:
    r = range(*args)
    try:
        size = f"{len(r):,}" if len(r) > MAX_RANGE else None
    except OverflowError:
        size = f"more than {MAX_RANGE:,}"
    if size is not None:
        raise _refuse(f"range() of {size} elements refused: the limit is {MAX_RANGE:,}")
    return r


def guarded_pow(base: Any, exponent: Any, modulus: Any = None) -> Any:
    if modulus is not None:
        return pow(base, exponent, modulus)  # modular: the result stays below the modulus
    if (type(base) is int and type(exponent) is int and exponent > 0
            and exponent * (abs(base).bit_length() - 1) > MAX_INT_BITS):
        raise _refuse(f"** refused: the result would exceed {MAX_INT_BITS:,} bits")
    return base**exponent


def _check_mul(left: Any, right: Any) -> None:
    # `type(x) is int` on purpose: bool is not a repeat count worth checking, and it is fast.
    if type(left) is int:
        if type(right) is int:
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise _refuse(f"multiplication refused: the result would exceed {MAX_INT_BITS:,} bits")
        elif isinstance(right, _SEQUENCES) and len(right) * left > MAX_SEQUENCE:
            raise _refuse(_repeat_problem(len(right) * left))
    elif type(right) is int and isinstance(left, _SEQUENCES) and len(left) * right > MAX_SEQUENCE:
        raise _refuse(_repeat_problem(len(left) * right))


def _repeat_problem(size: int) -> str:
    return f"repeating a sequence to {size:,} items refused: the limit is {MAX_SEQUENCE:,}"


def guarded_mul(left: Any, right: Any) -> Any:
    _check_mul(left, right)
    return left * right


def _inplace_mul(target: Any, value: Any) -> Any:
    _check_mul(target, value)
    return operator.imul(target, value)


def guarded_lshift(left: Any, right: Any) -> Any:
    if type(left) is int and type(right) is int and left and left.bit_length() + right > MAX_INT_BITS:
        raise _refuse(f"<< refused: the result would exceed {MAX_INT_BITS:,} bits")
    return left << right


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": _inplace_mul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": guarded_pow, "<<=": guarded_lshift,
    ">>=": operator.irshift, "|=": operator.ior, "^=": operator.ixor, "&=": operator.iand,
    "@=": operator.imatmul,
}


def inplace_var(op: str, target: Any, value: Any) -> Any:
    """`x op= value` for a plain name; a list grows in place for `+=` and `*=`, as in Python."""
    return _INPLACE[op](target, value)


def inplace_item(op: str, container: Any, key: Any, value: Any) -> None:
    """`container[key] op= value`, with the same write guard as `container[key] = …`."""
    full_write_guard(container)[key] = inplace_var(op, container[key], value)


def forbidden(name: str) -> Callable[..., Any]:
    """A stand-in for a builtin scripts may not use; calling it says so."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise ScriptSecurityError(f"{name}() is not allowed in scripts", current_script_line())

    refuse.__name__ = name
    return refuse
