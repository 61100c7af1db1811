"""Our BPMN conventions: how a task spec names its role, unit scope, form and due date.

A lane is named by a role (its code or its Vietnamese label); `spiffworkflow:properties` on a
task may override with `candidateRole`, `unitScope`, `formKey`, `dueDate`, `reminderDays`, and fix
who does it with `assignee` (an expression giving a username, evaluated per task, so per instance of a
multi-instance task); `ballotBox` / `secretBallot` make a task a ballot (engine.council.ballots).
Lint (deploy time) and assignment (run time) both read task specs through these functions, so
the two can never disagree.
"""

from __future__ import annotations

from typing import Any

UNIT_SCOPE_CASE = "case"
UNIT_SCOPE_PARENT = "parent"
UNIT_SCOPE_KIND_PREFIX = "kind:"


def task_properties(task_spec: Any) -> dict[str, str]:
    """The `spiffworkflow:properties` of a task spec ({} when there are none)."""
    extensions = getattr(task_spec, "extensions", None) or {}
    props = extensions.get("properties") or {}
    return {str(k): (v if v is None else str(v)) for k, v in props.items()}


def _prop(task_spec: Any, name: str) -> str | None:
    value = task_properties(task_spec).get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def task_role_name(task_spec: Any) -> str | None:
    """The role a user task is for: `candidateRole` property, else the lane name (code or label)."""
    return _prop(task_spec, "candidateRole") or (getattr(task_spec, "lane", None) or None)


def task_unit_scope(task_spec: Any) -> str:
    """`case`, `parent`, `kind:<unit kind>`, or a script expression yielding a unit code."""
    return _prop(task_spec, "unitScope") or UNIT_SCOPE_CASE


def is_unit_scope_expression(scope: str) -> bool:
    return scope not in (UNIT_SCOPE_CASE, UNIT_SCOPE_PARENT) and not scope.startswith(UNIT_SCOPE_KIND_PREFIX)


def task_form_key(task_spec: Any) -> str | None:
    return _prop(task_spec, "formKey")


def task_assignee_expression(task_spec: Any) -> str | None:
    """A script expression yielding the username of the one person who must do this task instance."""
    return _prop(task_spec, "assignee")


def task_ballot_box_expression(task_spec: Any) -> str | None:
    """A script expression yielding the id of the ballot box this task's form values are cast into."""
    return _prop(task_spec, "ballotBox")


def task_secret_ballot_expression(task_spec: Any) -> str | None:
    """A script expression: true when the ballot is secret (default true for a ballot task)."""
    return _prop(task_spec, "secretBallot")


EXPRESSION_PROPERTIES = ("assignee", "ballotBox", "secretBallot")


def task_due_expression(task_spec: Any) -> str | None:
    """A script expression yielding the due instant as an ISO string (e.g. `milestone('nop_ho_so')`)."""
    return _prop(task_spec, "dueDate")


DEFAULT_REMINDER_DAYS = 3
MAX_REMINDER_DAYS = 60


def reminder_days_problem(value: str) -> str | None:
    """Why a `reminderDays` value is not usable (None when it is)."""
    text = value.strip()
    if not text.isdigit() or int(text) > MAX_REMINDER_DAYS:
        return f"reminderDays must be a whole number of working days from 0 to {MAX_REMINDER_DAYS}, not {value!r}"
    return None


def task_reminder_days(task_spec: Any) -> int:
    """Working days before the due date when the assignee is reminded: the `reminderDays` property,
    3 by default, 0 for no early reminder (an unusable value, refused at deploy, counts as the default)."""
    value = _prop(task_spec, "reminderDays")
    if value is None or reminder_days_problem(value):
        return DEFAULT_REMINDER_DAYS
    return int(value)


def task_instructions(task_spec: Any) -> str | None:
    extensions = getattr(task_spec, "extensions", None) or {}
    text = extensions.get("instructionsForEndUser")
    return text.strip() if isinstance(text, str) and text.strip() else None


def role_lookup_key(name: str) -> str:
    """Normalise a role code or label for lookup: case- and whitespace-insensitive."""
    return " ".join(name.split()).casefold()
