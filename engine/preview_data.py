"""Generated form data for the plan-year preview: a value for every field of a JSON Schema form that the
form accepts (the first choice of a list, the smallest allowed number, a short text within its limits,
today's date), so each task can be completed as it opens."""

from __future__ import annotations

from datetime import date
from typing import Any

MAX_DEPTH = 4


def _kind(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


def _text(schema: dict[str, Any], name: str) -> str:
    low, high = int(schema.get("minLength") or 0), schema.get("maxLength")
    text = f"Mẫu {name}"
    if len(text) < low:
        text += "x" * (low - len(text))
    if isinstance(high, int):
        text = text[:high]
    return text


def _number(schema: dict[str, Any], integer: bool) -> int | float:
    value: float = 1
    if isinstance(schema.get("minimum"), int | float):
        value = schema["minimum"]
    elif isinstance(schema.get("exclusiveMinimum"), int | float):
        value = schema["exclusiveMinimum"] + 1
    if isinstance(schema.get("maximum"), int | float) and value > schema["maximum"]:
        value = schema["maximum"]
    return int(value) if integer else value


def sample_value(schema: dict[str, Any], name: str, today: date, depth: int = 0) -> Any:
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    kind = _kind(schema)
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return _number(schema, kind == "integer")
    if kind == "array":
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        count = max(1, int(schema.get("minItems") or 0))
        if depth >= MAX_DEPTH:
            return []
        return [sample_value(items, name, today, depth + 1) for _ in range(count)]
    if kind == "object":
        return sample_data(schema, today, depth + 1) if depth < MAX_DEPTH else {}
    if kind == "string":
        if schema.get("format") == "date":
            return today.isoformat()
        if schema.get("format") == "date-time":
            return f"{today.isoformat()}T08:00:00+07:00"
        if schema.get("format") == "email":
            return "mau@example.vn"
        return _text(schema, name)
    return None


def sample_data(schema: dict[str, Any] | None, today: date, depth: int = 0) -> dict[str, Any]:
    """Data for every property (attachments left out: the preview uploads no files)."""
    if not schema:
        return {}
    data = {}
    for name, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, dict) or sub.get("format") == "attachment":
            continue
        value = sample_value(sub, name, today, depth)
        if value is not None:
            data[name] = value
    return data
