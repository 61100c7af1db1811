"""The SpiffWorkflow script engine over our environment, and the ways out of it for callers.

SpiffWorkflow reports script failures as `WorkflowTaskException`; the stock engine loses the message
of failed expressions, reports line 0 for compile-time refusals, and can crash while formatting some
errors (notes list containing None for unusual NameErrors). This engine builds the exception itself:
`str(exc)` carries our sentence, `line_number` the script line (None when unknown).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.scripting.budget import DEFAULT_BUDGET_SECONDS
from engine.scripting.environment import RestrictedScriptEnvironment
from engine.scripting.errors import ScriptError, as_script_error, failure_line


class RestrictedPythonScriptEngine(PythonScriptEngine):
    environment: RestrictedScriptEnvironment

    def evaluate(self, task: Any, expression: str, external_context: Mapping[str, Any] | None = None) -> Any:
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as exc:
            exc.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as err:
            wte = self.create_task_exec_exception(task, expression, err)
            wte.add_note(f"Error evaluating expression '{expression}'")
            raise wte from err

    def execute(self, task: Any, script: str, external_context: Mapping[str, Any] | None = None) -> Any:
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except Exception as err:
            self._reraise(task, script, err)

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        try:
            return self.environment.call_service(task.data, **kwargs)
        except Exception as err:
            self._reraise(task, "", err)

    def _reraise(self, task: Any, script: str, err: Exception) -> NoReturn:
        wte = self.create_task_exec_exception(task, script, err)
        if wte is err:  # already a SpiffWorkflowException, now with the line
            raise err
        raise wte from err

    def create_task_exec_exception(self, task: Any, script: str, err: Exception) -> Any:
        line_number, error_line = self.get_error_line_number_and_content(script, err)
        if isinstance(err, SpiffWorkflowException):
            err.line_number = line_number  # type: ignore[attr-defined]
            err.error_line = error_line  # type: ignore[attr-defined]
            return err
        wte = WorkflowTaskException(as_script_error(err).message, task=task, exception=err,
                                    line_number=line_number, error_line=error_line)
        wte.notes = [note for note in wte.notes if note]  # Spiff adds None for some NameErrors
        return wte

    def get_error_line_number_and_content(self, script: str, err: BaseException) -> tuple[int | None, str]:
        line = failure_line(err)
        lines = script.splitlines()
        return line, (lines[line - 1] if line and 0 < line <= len(lines) else "")


def make_script_engine(budget_seconds: float = DEFAULT_BUDGET_SECONDS) -> PythonScriptEngine:
    """The engine for every workflow: pass as `script_engine=` and set it again after deserializing."""
    return RestrictedPythonScriptEngine(environment=RestrictedScriptEnvironment(budget_seconds))


def evaluate_expression(expression: str, data: Mapping[str, Any],
                        budget_seconds: float = DEFAULT_BUDGET_SECONDS) -> Any:
    """Evaluate an expression outside any task (unit scope, due date); every failure is a ScriptError."""
    try:
        return RestrictedScriptEnvironment(budget_seconds).evaluate(expression, data)
    except ScriptError:
        raise
    except Exception as err:
        raise as_script_error(err) from err


def describe_script_failure(exc: BaseException) -> tuple[str, int | None]:
    """(message, script line or None) for an incident record, from whatever the run raised."""
    if isinstance(exc, SpiffWorkflowException):
        parts = [str(exc.args[0]) if exc.args else type(exc).__name__]
        parts += [str(note) for note in exc.notes if note]
        message = ". ".join(part.strip().rstrip(".") for part in parts if part.strip())
        line = getattr(exc, "line_number", None) or None
        if line is None and isinstance(exc.__cause__, ScriptError):
            line = exc.__cause__.line
        return message, line
    error = as_script_error(exc)
    return error.message, error.line
