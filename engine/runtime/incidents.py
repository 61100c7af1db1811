"""Engine failures (script errors, runaway scripts, bad timer values) become incidents, not crashes.

The failing task stays in ERROR inside the workflow, the instance is marked `incident` with the
task, line and message, and the state up to the failure is kept so a manager can retry after the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.util.task import TaskState

from engine.scripting import describe_script_failure

if TYPE_CHECKING:
    from engine.runtime.context import ActionContext


def run_guarded(ctx: ActionContext, step: Callable[[], Any]) -> bool:
    try:
        step()
        return True
    except Exception as exc:  # workflow content failed: record it, keep serving
        record(ctx, exc)
        return False


def record(ctx: ActionContext, exc: BaseException) -> None:
    message, line = describe_script_failure(exc)
    task = getattr(exc, "task", None)
    spec = getattr(exc, "task_spec", None) or getattr(task, "task_spec", None)
    if spec is None:
        errored = [t for t in ctx.workflow.get_tasks() if t.state == TaskState.ERROR]
        spec = errored[0].task_spec if errored else None
    name = getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)
    instance = ctx.instance
    instance.status = "incident"
    instance.incident_task = str(name) if name else None
    instance.incident_line = line
    instance.incident_message = message
    instance.incident_at = ctx.now
    ctx.audit("incident", element=getattr(spec, "bpmn_id", None), line=line, message=message)


def clear(ctx: ActionContext) -> None:
    instance = ctx.instance
    instance.incident_task = instance.incident_line = instance.incident_message = instance.incident_at = None


def error_tasks(ctx: ActionContext) -> list[Any]:
    return [t for t in ctx.workflow.get_tasks() if t.state == TaskState.ERROR]
