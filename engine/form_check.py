"""Everything wrong with a form's JSON Schema text at once, each problem with its JSON path (and line, for
text that is not JSON): the JSON Schema metaschema (draft 2020-12), our form conventions (an object
schema, field names that can be stored as case data, `required` naming fields that exist, one
`x-enumNames` label per `enum` value). What the task page can draw is checked by the web layer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from engine.forms import MAX_FORM_BYTES


@dataclass(frozen=True)
class SchemaProblem:
    path: str  # JSON path such as properties/ho_ten/type, "(root)", or "(text)" for unreadable JSON
    message: str
    line: int | None = None


def _path(parts: Any) -> str:
    return "/".join(str(p) for p in parts) or "(root)"


def _fields(schema: dict[str, Any], prefix: list[Any], problems: list[SchemaProblem]) -> None:
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for name, sub in properties.items():
        where = [*prefix, "properties", name]
        if not name.isidentifier() or name.startswith("_"):
            problems.append(SchemaProblem(_path(where), f"field name {name!r} must be letters, digits and "
                                                        f"underscores, not starting with a digit or _"))
        if not isinstance(sub, dict):
            continue
        enum, names = sub.get("enum"), sub.get("x-enumNames")
        if names is not None and (not isinstance(enum, list) or not isinstance(names, list)
                                  or len(names) != len(enum)):
            problems.append(SchemaProblem(_path([*where, "x-enumNames"]),
                                          "x-enumNames must give one label per enum value"))
        items = sub.get("items")
        if isinstance(items, dict) and items.get("type") == "object":
            _fields(items, [*where, "items"], problems)
    for index, name in enumerate(schema.get("required") or []):
        if isinstance(name, str) and name not in properties:
            problems.append(SchemaProblem(_path([*prefix, "required", index]), f"required field {name!r} is not "
                                                                                f"among the properties"))


def schema_problems(text: str) -> tuple[dict[str, Any] | None, list[SchemaProblem]]:
    """The parsed schema (None if the text is not a JSON object) and every problem found in it."""
    if len(text.encode("utf-8")) > MAX_FORM_BYTES:
        return None, [SchemaProblem("(text)", f"the form is larger than {MAX_FORM_BYTES} bytes")]
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [SchemaProblem("(text)", f"line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}",
                                    exc.lineno)]
    except RecursionError:
        return None, [SchemaProblem("(text)", "the JSON is nested too deeply")]
    if not isinstance(schema, dict):
        return None, [SchemaProblem("(root)", "a form schema must be a JSON object")]
    problems = [SchemaProblem(_path(e.absolute_path), e.message)
                for e in sorted(Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(schema),
                                key=lambda e: [str(p) for p in e.absolute_path])]
    if schema.get("type") != "object":
        problems.append(SchemaProblem("type", 'a form schema must say "type": "object"'))
    if not isinstance(schema.get("properties", {}), dict):
        return schema, problems
    _fields(schema, [], problems)
    return schema, problems
