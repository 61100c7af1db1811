"""What a task's spec says beyond the projection: its instructions for the end user.

Shared by pages and API: `webui/api/tasks.py` has the same logic in `_instructions`, which can call
`task_instructions_for` instead (the API file belongs to another change, so it is left as it is).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.definitions.conventions import task_instructions
from engine.definitions.repository import load_specs
from engine.models import HumanTask


def task_instructions_for(session: Session, task: HumanTask) -> str | None:
    """`spiffworkflow:instructionsForEndUser` of the task's spec (in the process or a subprocess)."""
    spec, subprocess_specs = load_specs(session, task.instance.definition)
    for each in (spec, *subprocess_specs.values()):
        if task.name in each.task_specs:
            return task_instructions(each.task_specs[task.name])
    return None
