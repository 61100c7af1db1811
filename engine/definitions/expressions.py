"""Deploy-time checks of expression text: scripts, timers, ISO date-times, DMN cells.

Each check returns `(line within the text or None, message)` pairs; `lint.py` places them in the file.
"""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from typing import Literal

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.scripting.syntax import script_problems

Finding = tuple[int | None, str]
TimerKind = Literal["timeDate", "timeDuration", "timeCycle"]

QUOTE_HINT = "timer value must be a quoted string, e.g. 'P10D'"
_UNQUOTED_ISO = re.compile(
    r"^(R\d*/\S+|P(\d[\d.,]*[YMWD]|T\d)\S*|\d{4}-?(\d{2}|W\d{2})\S*)$",
    re.IGNORECASE,
)
_ISO_WEEK = re.compile(r"(\d{4})W(\d{2})(\d)(T.+)?")
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
_EXAMPLES = {
    "timeDate": "e.g. '2025-05-20T17:00:00+07:00'",
    "timeDuration": "e.g. 'P10D', 'PT4H' or 'P1DT12H'",
    "timeCycle": "e.g. 'R3/PT1H' or 'R/P1D'",
}
# Matches SpiffWorkflow's DMNEngine: a `?` outside quotes stands for the input value.
_DMN_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


def check_script(text: str | None, mode: Literal["exec", "eval"]) -> list[Finding]:
    """Syntax and restricted-policy problems of a script (exec) or expression (eval)."""
    if text is None or not text.strip():
        return [(None, "is empty")]
    return script_problems(text, mode)


def string_literal(text: str) -> str | None:
    """The value if `text` is exactly one Python string literal, else None."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def looks_like_unquoted_iso(text: str) -> bool:
    """`P10D`, `R3/PT1H`, `2025-05-20T17:00:00+07:00` written without quotes (a NameError at run time)."""
    stripped = text.strip()
    return bool(stripped) and stripped[0] not in "'\"" and bool(_UNQUOTED_ISO.match(stripped))


def _is_naive(value: str) -> bool:
    """True if the ISO date-time string has no UTC offset (SpiffWorkflow reads it in LOCALTZ)."""
    text = value.strip()
    if "W" in text.upper():
        match = _ISO_WEEK.match(text.upper().replace("-", ""))
        if not match or match.group(4) is None:
            return True
        return datetime.fromisoformat("2000-01-01" + match.group(4)).tzinfo is None
    return datetime.fromisoformat(text).tzinfo is None


def _naive_message(value: str) -> str:
    return (
        f"date-time '{value}' has no UTC offset: SpiffWorkflow would read it in the server's offset "
        "fixed at start-up; write Z or +07:00, e.g. '2025-05-20T17:00:00+07:00'"
    )


def check_datetime_literal(value: str) -> list[Finding]:
    """An ISO 8601 date-time string as a timeDate (or due date) must yield an aware instant."""
    if value.strip().upper().startswith("P"):
        return [(None, f"'{value}' is a duration, not a date-time (use a timeDuration timer for durations)")]
    try:
        parsed = TimerEventDefinition.parse_time_or_duration(value)
        if not isinstance(parsed, datetime):
            raise ValueError(value)
        naive = _is_naive(value)
    except Exception:
        return [(None, f"invalid ISO 8601 date-time '{value}' ({_EXAMPLES['timeDate']})")]
    return [(None, _naive_message(value))] if naive else []


def _check_duration_literal(value: str) -> list[Finding]:
    try:
        parsed = TimerEventDefinition.parse_iso_duration(value)
        TimerEventDefinition.get_timedelta_from_start(parsed, datetime(2000, 1, 1, tzinfo=UTC))
    except Exception:
        return [(None, f"invalid ISO 8601 duration '{value}' ({_EXAMPLES['timeDuration']})")]
    return []


def _check_cycle_literal(value: str) -> list[Finding]:
    try:
        TimerEventDefinition.parse_iso_recurring_interval(value)
        components = value.upper().replace("--", "/").strip("R").split("/")[1:]
        naive = [c for c in components if not c.startswith("P") and _is_naive(c)]
    except Exception:
        return [(None, f"invalid ISO 8601 repeating interval '{value}' ({_EXAMPLES['timeCycle']})")]
    return [(None, _naive_message(naive[0]))] if naive else []


def check_timer(kind: TimerKind, text: str | None) -> list[Finding]:
    """A timer's text is a Python expression; string literals are parsed the way SpiffWorkflow will."""
    if text is None or not text.strip():
        return [(None, f"timer has no {kind} value")]
    if looks_like_unquoted_iso(text):
        return [(None, QUOTE_HINT)]
    findings = script_problems(text, "eval")
    if findings:
        return findings
    value = string_literal(text)
    if value is None:
        try:
            node = ast.parse(text.strip(), mode="eval").body
        except SyntaxError:
            return []
        if isinstance(node, ast.Constant):
            return [(None, f"timer value must be an ISO 8601 string ({_EXAMPLES[kind]}), not {node.value!r}")]
        return []  # an expression computed at run time (e.g. milestone('nop_ho_so')): syntax only
    if kind == "timeDate":
        return check_datetime_literal(value)
    if kind == "timeDuration":
        return _check_duration_literal(value)
    return _check_cycle_literal(value)


def check_due_date(text: str) -> list[Finding]:
    """`dueDate` property: an expression; a literal must be an aware ISO date-time."""
    if looks_like_unquoted_iso(text):
        return [(None, "is an expression: quote a literal date-time, e.g. '2025-05-20T17:00:00+07:00'")]
    findings = script_problems(text, "eval")
    if findings:
        return findings
    value = string_literal(text)
    return check_datetime_literal(value) if value is not None else []


def check_dmn_input_entry(entry: str, input_expression: str | None) -> list[Finding]:
    """Lint the expression SpiffWorkflow's DMNEngine.evaluate builds from an input entry (a unary test).

    `"a"` becomes `(input) == ("a")`, `< 3` becomes `input< 3`, `? < 3` evaluates with `?` bound to the
    input value; `-` and empty cells are not evaluated.
    """
    if not entry.strip():
        return [(None, "empty input entry is evaluated and fails: write '-' for any value")]
    subject = input_expression if input_expression and input_expression.strip() else "value"
    substituted = _DMN_QUESTION_MARK.sub("dmninputexpr", entry)
    if "dmninputexpr" in substituted:
        return _prefixed(script_problems(substituted, "eval"), entry, substituted)
    try:
        tree = ast.parse(entry)
    except SyntaxError:
        try:
            ast.parse(f"v {entry}")
        except SyntaxError as exc:
            return [(None, f"'{entry}' is neither an expression nor a comparison: {exc.msg}")]
        expression = subject + entry
    else:
        body = tree.body
        if len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Tuple):
            return [(None, f"'{entry}' compares the input with a tuple; SpiffWorkflow does not read "
                           f"comma lists as 'any of': write '? in ({entry.strip()})'")]
        expression = f"({subject}) == ({entry})"
    return _prefixed(script_problems(expression, "eval"), entry, expression)


def _prefixed(findings: list[Finding], entry: str, expression: str) -> list[Finding]:
    return [(None, f"'{entry}' (evaluated as '{expression}'): {msg}") for _line, msg in findings]
