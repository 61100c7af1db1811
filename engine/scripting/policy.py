"""The compile-time policy: RestrictedPython's rules, plus budget checks and our own refusals.

Deploy-time lint (`script_problems`) and run time both compile through `compile_script`, so a script
that passes lint compiles at run time and one that fails lint never runs.
"""

from __future__ import annotations

import ast
import re
import textwrap
from functools import lru_cache
from types import CodeType
from typing import Literal

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import IOPERATOR_TO_STR, RestrictingNodeTransformer, copy_locations

from engine.scripting.errors import SCRIPT_FILENAME, ScriptError, ScriptSecurityError, ScriptSyntaxError

Mode = Literal["exec", "eval"]

# Names the inserted nodes call; scripts cannot name them (names starting with "_" are refused).
BUDGET_CHECK = "_budget_check_"
POW_GUARD, MUL_GUARD, LSHIFT_GUARD = "_pow_", "_mul_", "_lshift_"
INPLACE_ITEM = "_inplaceitem_"

# Attributes that reach the class hierarchy without a dunder (`str.mro()[1]` is `object`).
FORBIDDEN_ATTRIBUTES = frozenset({"mro"})

_BINOP_GUARDS = {ast.Pow: POW_GUARD, ast.Mult: MUL_GUARD, ast.LShift: LSHIFT_GUARD}
_LINE = re.compile(r"^Line (\d+|None): (.*)$", re.S)


def _call(name: str, args: list[ast.expr], where: ast.AST) -> ast.Call:
    node = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    copy_locations(node, where)
    copy_locations(node.func, where)
    return node


def _budget_check(where: ast.AST) -> ast.Expr:
    stmt = ast.Expr(_call(BUDGET_CHECK, [], where))
    copy_locations(stmt, where)
    return stmt


class ScriptPolicy(RestrictingNodeTransformer):
    """RestrictedPython's transformer with a budget check in every loop and function body."""

    def visit_Import(self, node: ast.Import) -> ast.AST:
        self.error(node, "import statements are not allowed in scripts")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        self.error(node, "import statements are not allowed in scripts")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "class statements are not allowed in scripts")
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if node.attr in FORBIDDEN_ATTRIBUTES:
            self.error(node, f'"{node.attr}" is not an allowed attribute name')
        return super().visit_Attribute(node)

    def visit_While(self, node: ast.While) -> ast.AST:
        node = self.node_contents_visit(node)
        node.body.insert(0, _budget_check(node.body[0] if node.body else node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _budget_check(node.body[0] if node.body else node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node = super().visit_Lambda(node)
        # `_budget_check_() or body`: the check returns None, so the lambda still returns `body`.
        node.body = ast.BoolOp(op=ast.Or(), values=[_call(BUDGET_CHECK, [], node.body), node.body])
        copy_locations(node.body, node.body.values[1])
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        guard = _BINOP_GUARDS.get(type(node.op))
        if guard is None:
            return node
        return _call(guard, [node.left, node.right], node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        target = node.target
        if not isinstance(target, ast.Subscript) or isinstance(target.slice, ast.Slice):
            return super().visit_AugAssign(node)
        # `d[k] += v` becomes `_inplaceitem_('+=', d, k, v)`: d and k are evaluated once, as in Python.
        args = [ast.Constant(IOPERATOR_TO_STR[type(node.op)]), self.visit(target.value),
                self.visit(target.slice), self.visit(node.value)]
        copy_locations(args[0], node)
        stmt = ast.Expr(_call(INPLACE_ITEM, args, node))
        copy_locations(stmt, node)
        return stmt


def _security_problems(errors: tuple[str, ...] | list[str]) -> list[tuple[int | None, str]]:
    problems: list[tuple[int | None, str]] = []
    for error in errors:
        match = _LINE.match(error)
        if match is None:
            problems.append((None, error.rstrip(". ")))
            continue
        line = None if match.group(1) == "None" else int(match.group(1))
        problems.append((line, match.group(2).rstrip(". ")))
    return problems


Problems = tuple[tuple[int | None, str], ...]


@lru_cache(maxsize=2048)
def _compile(source: str, mode: Mode) -> tuple[CodeType | None, type[ScriptError], Problems]:
    # BPMN editors indent text inside XML elements: an expression is read without surrounding
    # white space, a script with its common indentation removed (line numbers are kept).
    source = source.strip() if mode == "eval" else textwrap.dedent(source)
    try:
        tree = ast.parse(source, SCRIPT_FILENAME, mode)
        compile_fn = compile_restricted_exec if mode == "exec" else compile_restricted_eval
        result = compile_fn(tree, filename=SCRIPT_FILENAME, policy=ScriptPolicy)
    except SyntaxError as exc:
        return None, ScriptSyntaxError, ((exc.lineno, f"syntax error: {exc.msg}"),)
    except ValueError as exc:  # e.g. a NUL byte in the source
        return None, ScriptSyntaxError, ((None, f"syntax error: {exc}"),)
    except (RecursionError, MemoryError):
        return None, ScriptSyntaxError, ((None, "syntax error: the text is nested too deeply to compile"),)
    if result.errors:
        return None, ScriptSecurityError, tuple(_security_problems(result.errors))
    return result.code, ScriptError, ()


def compile_script(source: str, mode: Mode) -> CodeType:
    """Compiled code for `source`, cached per (source, mode); raises ScriptSyntaxError/ScriptSecurityError."""
    code, error_class, problems = _compile(source, mode)
    if code is None:
        line, problem = problems[0]
        raise error_class(problem, line)
    return code


def compile_problems(source: str, mode: Mode) -> list[tuple[int | None, str]]:
    """Every problem compiling `source` as (line or None, message); [] when it compiles."""
    return list(_compile(source, mode)[2])
