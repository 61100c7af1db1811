"""Script failures: our own exception classes and where in a script a failure happened."""

from __future__ import annotations

import sys
import traceback
from types import FrameType, TracebackType

# Every script and expression is compiled under this file name, so its frames can be told apart from
# helper and library frames when we look for the line that failed.
SCRIPT_FILENAME = "<script>"


class ScriptError(Exception):
    """A script or expression could not run. `message` is a whole English sentence, line included."""

    location_phrase = "line"

    def __init__(self, problem: str, line: int | None = None) -> None:
        self.problem = problem.rstrip(". ")
        self.line = line
        self.message = self.problem if line is None else f"{self.problem} ({self.location_phrase} {line})"
        super().__init__(self.message)


class ScriptSyntaxError(ScriptError):
    """The text is not valid Python."""


class ScriptSecurityError(ScriptError):
    """The text uses something scripts may not use: import, dunder access, open, eval, class…"""


class ScriptBudgetExceeded(ScriptError):
    """The script ran past its time budget, or asked for a result too big to compute in it."""

    location_phrase = "stopped at line"


def current_script_line(frame: FrameType | None = None) -> int | None:
    """The line the innermost running script is at, seen from inside a guard or builtin it called."""
    frame = frame or sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == SCRIPT_FILENAME:
            return frame.f_lineno
        frame = frame.f_back
    return None


def failure_line(exc: BaseException) -> int | None:
    """The script line where `exc` happened: its own `line`, else the innermost script frame."""
    if isinstance(exc, ScriptError) and exc.line is not None:
        return exc.line
    return traceback_line(exc.__traceback__)


def traceback_line(tb: TracebackType | None) -> int | None:
    line = None
    for frame, lineno in traceback.walk_tb(tb):
        if frame.f_code.co_filename == SCRIPT_FILENAME:
            line = lineno
    return line


def as_script_error(exc: BaseException) -> ScriptError:
    """`exc` as a ScriptError: itself, or `ZeroDivisionError: division by zero (line 3)` wrapping it."""
    if isinstance(exc, ScriptError):
        return exc
    text = str(exc).strip()
    error = ScriptError(f"{type(exc).__name__}: {text}" if text else type(exc).__name__, failure_line(exc))
    error.__cause__ = exc
    return error
