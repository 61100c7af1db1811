"""Read-only form fields (`readOnly: true` in a task's JSON Schema) stay as the process filled them in.

A task page shows them (engine.runtime.prefill) and a client may send a copy back; the copy never wins:

- a top-level read-only property is dropped from the submitted values (the task data keeps its own);
- a read-only cell of a table row (a property of an array's `items`) is replaced by the process's value of
  the same row when the table has fixed rows (`x-fixedRows`: rows are matched by position) and the process
  holds that row, and dropped otherwise. A read-only cell the row schema *requires* identifies the row (a
  ballot's nomination code `ma`, an attendance row's `username`): it is kept as sent, and the process
  checks it against its own rows.
"""

from __future__ import annotations

import copy
from typing import Any


def _is_read_only(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("readOnly") is True


def _row_schema(schema: Any) -> dict[str, Any] | None:
    items = schema.get("items") if isinstance(schema, dict) and schema.get("type") == "array" else None
    return items if isinstance(items, dict) and isinstance(items.get("properties"), dict) else None


def _rows(value: Any, process_value: Any, items: dict[str, Any], fixed: bool) -> Any:
    locked = [name for name, sub in items["properties"].items()
              if _is_read_only(sub) and name not in set(items.get("required") or [])]
    if not locked or not isinstance(value, list):
        return value
    given = process_value if fixed and isinstance(process_value, list) else []
    out = []
    for index, row in enumerate(value):
        if not isinstance(row, dict):
            out.append(row)
            continue
        kept = {k: v for k, v in row.items() if k not in locked}
        original = given[index] if index < len(given) and isinstance(given[index], dict) else {}
        kept.update({k: copy.deepcopy(original[k]) for k in locked if k in original})
        out.append(kept)
    return out


def without_read_only(schema: dict[str, Any] | None, values: dict[str, Any],
                      process_data: dict[str, Any]) -> dict[str, Any]:
    """The submitted `values` with every read-only field back to the process's (`process_data`: the task data)."""
    properties = (schema or {}).get("properties") or {}
    out: dict[str, Any] = {}
    for name, value in values.items():
        sub = properties.get(name)
        if _is_read_only(sub):
            continue
        items = _row_schema(sub)
        out[name] = _rows(value, process_data.get(name), items, sub.get("x-fixedRows") is True) if items else value
    return out
