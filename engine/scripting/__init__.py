"""The one script environment: RestrictedPython with a time budget, for every script and expression.

Script tasks, gateway conditions, pre/post scripts, timer, multi-instance and DMN expressions run
through `make_script_engine()`; unit-scope and due-date expressions through `evaluate_expression`.
SpiffWorkflow's default engine runs arbitrary Python and must never be used.
"""

from engine.scripting.budget import DEFAULT_BUDGET_SECONDS
from engine.scripting.environment import RestrictedScriptEnvironment
from engine.scripting.errors import ScriptBudgetExceeded, ScriptError, ScriptSecurityError, ScriptSyntaxError
from engine.scripting.helpers import SCRIPT_HELPERS, register_helper, running_action
from engine.scripting.script_engine import (
    RestrictedPythonScriptEngine,
    describe_script_failure,
    evaluate_expression,
    make_script_engine,
)
from engine.scripting.syntax import script_problems

__all__ = [
    "DEFAULT_BUDGET_SECONDS",
    "SCRIPT_HELPERS",
    "RestrictedPythonScriptEngine",
    "RestrictedScriptEnvironment",
    "ScriptBudgetExceeded",
    "ScriptError",
    "ScriptSecurityError",
    "ScriptSyntaxError",
    "describe_script_failure",
    "evaluate_expression",
    "make_script_engine",
    "register_helper",
    "running_action",
    "script_problems",
]
