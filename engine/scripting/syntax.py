"""Deploy-time check of script and expression text with the same restricted compiler used at run time."""

from __future__ import annotations

from typing import Literal

from engine.scripting.policy import compile_problems


def script_problems(source: str, mode: Literal["exec", "eval"] = "exec") -> list[tuple[int | None, str]]:
    """Problems with `source` as (line within the source or None, message); [] when it compiles.

    Exactly what run time would refuse before running: syntax errors and forbidden constructs
    (imports, dunder names, class statements, eval/exec calls…). Calls to refused builtins such as
    `open()` are refused only when they run, since task data may define a variable of that name.
    """
    return compile_problems(source, mode)
