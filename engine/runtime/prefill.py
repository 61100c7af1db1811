"""What a task's form starts with: the values the process already holds for the form's fields.

A user task's form is pre-filled from its task data, field by field: a form property is filled when
the task data has a variable of the same name (e.g. the ballot's `bieu_quyet` rows listing the
nominations, the minutes' `ket_qua` tally). Read-only fields (`readOnly` in the schema) show what the
process computed; the process, not the submitted copy, stays authoritative for them.
Reading the workflow here is one deserialization per task page, never on a list.
"""

from __future__ import annotations

import copy
from typing import Any
from uuid import UUID

from SpiffWorkflow.exceptions import TaskNotFoundException
from sqlalchemy.orm import Session

from engine.definitions.repository import load_specs
from engine.models import HumanTask
from engine.serialization import load_workflow


def task_prefill(session: Session, task: HumanTask, schema: dict[str, Any] | None) -> dict[str, Any]:
    """Values of the task data for the top-level properties of `schema` (an open task only)."""
    properties = (schema or {}).get("properties") or {}
    if task.status != "ready" or not properties:
        return {}
    load_specs(session, task.instance.definition)
    try:
        spiff_task = load_workflow(task.instance.state).get_task_from_id(UUID(task.spiff_task_id))
    except TaskNotFoundException:
        return {}
    return {name: copy.deepcopy(spiff_task.data[name]) for name in properties if name in spiff_task.data}
