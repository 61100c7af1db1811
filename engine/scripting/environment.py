"""The restricted script environment SpiffWorkflow calls for every script and expression.

Same data semantics as SpiffWorkflow's TaskDataEnvironment: an expression sees
external context overlaid with task data; a script runs with task data as its globals and writes
into it, and afterwards callables, external-context names and values that cannot be serialized
(iterators, generators, ranges, dict views, exceptions, modules) are removed from the data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MappingView
from types import ModuleType
from typing import Any

from SpiffWorkflow.bpmn.script_engine import BasePythonScriptEngineEnvironment

from engine.scripting.budget import DEFAULT_BUDGET_SECONDS, budget_scope, finish
from engine.scripting.errors import ScriptSecurityError, failure_line
from engine.scripting.namespace import run_builtins
from engine.scripting.policy import compile_script

_PLAIN = frozenset({str, int, float, bool, type(None), dict, list, tuple, set})
_NOT_DATA = (ModuleType, Iterator, range, slice, MappingView, BaseException)


def _not_data(value: Any) -> bool:
    """Whether a value a script left in task data must be removed (callables, as the default engine does,
    and objects no serializer can store)."""
    return callable(value) or isinstance(value, _NOT_DATA)


class RestrictedScriptEnvironment(BasePythonScriptEngineEnvironment):
    """Runs scripts with RestrictedPython, our helpers and a time budget per outermost run."""

    def __init__(self, budget_seconds: float = DEFAULT_BUDGET_SECONDS) -> None:
        super().__init__({})
        self.budget_seconds = budget_seconds

    def evaluate(self, expression: str, context: Mapping[str, Any],
                 external_context: Mapping[str, Any] | None = None) -> Any:
        code = compile_script(expression, "eval")
        namespace = {**external_context, **context} if external_context else dict(context)
        with budget_scope(self.budget_seconds) as budget:
            namespace["__builtins__"] = run_builtins(budget)
            try:
                return finish(budget, eval(code, namespace))
            except (Exception, KeyboardInterrupt):
                raise
            except BaseException as exc:
                raise _escape_refused(exc) from exc

    def execute(self, script: str, context: dict[str, Any],
                external_context: Mapping[str, Any] | None = None) -> bool:
        code = compile_script(script, "exec")
        private = {key for key in context if key.startswith("_")}
        if external_context:
            context.update(external_context)
        with budget_scope(self.budget_seconds) as budget:
            context["__builtins__"] = run_builtins(budget)
            try:
                exec(code, context)
                finish(budget, None)
            except (Exception, KeyboardInterrupt):
                raise
            except BaseException as exc:
                raise _escape_refused(exc) from exc
            finally:
                _clean(context, external_context, private)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise ScriptSecurityError("service tasks are not supported by this engine")


def _escape_refused(exc: BaseException) -> ScriptSecurityError:
    """SystemExit, GeneratorExit or a bare BaseException from a script would pass SpiffWorkflow's
    `except Exception` and stop the worker; report it as a script failure instead."""
    return ScriptSecurityError(f"raising {type(exc).__name__} is not allowed in scripts", failure_line(exc))


def _clean(context: dict[str, Any], external_context: Mapping[str, Any] | None, private: set[str]) -> None:
    context.pop("__builtins__", None)
    doomed = [key for key, value in context.items()
              if (type(value) not in _PLAIN and _not_data(value))
              or (key.startswith("_") and key not in private)]  # `_print` and other compiler temporaries
    if external_context:
        doomed.extend(external_context)
    for key in doomed:
        context.pop(key, None)
