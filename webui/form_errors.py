"""Why form data failed its JSON Schema, in the reader's language and keyed by the form field.

The engine's `validate_form_data` decides (and refuses the completion); its error details carry
jsonschema's English text only, so after a refusal we run the same schema through the validator
again to learn, for each failure, which keyword failed (required, minLength, pattern, …).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

FORM_LEVEL = ""


def _type_name(kind: Any) -> str:
    names = {"string": _("text"), "integer": _("whole number"), "number": _("number"),
             "boolean": _("yes/no"), "array": _("list"), "object": _("group of fields"), "null": _("empty")}
    kinds = kind if isinstance(kind, list) else [kind]
    return ", ".join(names.get(str(k), str(k)) for k in kinds)


def _format_message(value: Any) -> str:
    if value == "date":
        return _("Enter a valid date as dd/mm/yyyy.")
    if value == "email":
        return _("Enter a valid e-mail address.")
    return _("The value is not a valid %(format)s.", format=str(value))


MESSAGES: dict[str, Callable[[Any], str]] = {
    "required": lambda v: _("This field is required."),
    "minLength": lambda v: _("Enter at least %(num)s characters.", num=v),
    "maxLength": lambda v: _("Enter at most %(num)s characters.", num=v),
    "pattern": lambda v: _("The value does not have the expected format."),
    "enum": lambda v: _("Choose one of the listed values."),
    "const": lambda v: _("This value is not allowed here."),
    "type": lambda v: _("Enter a value of type: %(type)s.", type=_type_name(v)),
    "minimum": lambda v: _("The value must be at least %(num)s.", num=v),
    "maximum": lambda v: _("The value must be at most %(num)s.", num=v),
    "exclusiveMinimum": lambda v: _("The value must be greater than %(num)s.", num=v),
    "exclusiveMaximum": lambda v: _("The value must be less than %(num)s.", num=v),
    "multipleOf": lambda v: _("The value must be a multiple of %(num)s.", num=v),
    "minItems": lambda v: _("Choose or add at least %(num)s items.", num=v),
    "maxItems": lambda v: _("Choose or add at most %(num)s items.", num=v),
    "uniqueItems": lambda v: _("The items must not repeat."),
    "additionalProperties": lambda v: _("This form has no such field."),
    "format": _format_message,
}


def message_for(error: ValidationError) -> str:
    make = MESSAGES.get(str(error.validator))
    return make(error.validator_value) if make else _("The value is not valid.")


def _key(path: list[Any], row_index: dict[str, list[int]]) -> str:
    """Form key of a data path: a table row's data index becomes its row number in the form."""
    parts = [str(p) for p in path]
    if len(parts) >= 2 and parts[0] in row_index and isinstance(path[1], int):
        kept = row_index[parts[0]]
        parts[1] = str(kept[path[1]]) if path[1] < len(kept) else parts[1]
    return ".".join(parts)


def explain(schema: dict[str, Any], data: dict[str, Any],
            row_index: dict[str, list[int]] | None = None) -> dict[str, list[str]]:
    """{form key: [messages]}; failures that belong to no field are under FORM_LEVEL ("")."""
    out: dict[str, list[str]] = {}
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    for error in validator.iter_errors(data):
        path = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [name for name in error.validator_value if name not in error.instance]
            for name in missing:
                out.setdefault(_key([*path, name], row_index or {}), []).append(message_for(error))
            continue
        key = _key(path, row_index or {})
        if error.validator == "additionalProperties":
            key = FORM_LEVEL
        messages = out.setdefault(key, [])
        if (text := message_for(error)) not in messages:
            messages.append(text)
    return out
