"""A task's JSON Schema as an HTML form: which widget each property gets, and the way back from the
submitted strings to typed form data (validation proper is the engine's `validate_form_data`).

Widgets: string → text (textarea when maxLength > 200), number/integer, string with format "date"
(typed as dd/mm/yyyy, stored as ISO yyyy-mm-dd), enum → select (labels from "x-enumNames"), array of
enum → multi-select checkboxes, boolean → checkbox, array of objects → a table of rows.
string with format "attachment" → a file input ("x-accept": extensions, "x-maxBytes": size limit); the
upload itself is stored by the task page (engine.attachments) and the form value is the attachment id.
Other file encodings (data-url, contentMediaType) are not supported: such fields show a note.

Submitted values are kept as a flat dict of strings (`FormValues`): a table cell is `name.<row>.<column>`,
so a form that fails validation is shown again exactly as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

MAX_TABLE_ROWS = 200
TEXTAREA_AFTER = 200
DEFAULT_ACCEPT = (".pdf", ".docx", ".xlsx", ".jpg", ".png")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


@dataclass
class FormField:
    name: str
    label: str
    kind: str  # text textarea number integer date select multiselect checkbox table attachment file unsupported
    required: bool = False
    description: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)
    columns: list[FormField] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    enum: list[Any] = field(default_factory=list)


@dataclass
class FormValues:
    values: dict[str, Any] = field(default_factory=dict)  # key -> str, or list[str] for multi-selects
    rows: dict[str, int] = field(default_factory=dict)  # table name -> number of rows shown

    def get(self, key: str) -> Any:
        return self.values.get(key, "")


def _main_type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


def _options(schema: dict[str, Any]) -> tuple[list[Any], list[tuple[str, str]]]:
    enum = list(schema.get("enum") or [])
    names = schema.get("x-enumNames") or []
    labels = [str(names[i]) if i < len(names) else str(v) for i, v in enumerate(enum)]
    return enum, [(str(v), label) for v, label in zip(enum, labels, strict=True)]


def _attrs(schema: dict[str, Any]) -> dict[str, Any]:
    names = {"maxLength": "maxlength", "minimum": "min", "maximum": "max"}
    return {html: schema[key] for key, html in names.items() if isinstance(schema.get(key), int | float)}


def field_of(name: str, schema: dict[str, Any], required: bool, nested: bool = False) -> FormField:
    kind = _main_type(schema)
    made = FormField(name=name, label=str(schema.get("title") or name), kind="unsupported", required=required,
                     description=schema.get("description"), attrs=_attrs(schema))
    if schema.get("readOnly") is True:
        made.attrs["readonly"] = True  # shown as the process filled it in (engine.runtime.prefill)
    if schema.get("x-fixedRows") is True:
        made.attrs["fixed_rows"] = True  # rows come from the process: none added or removed
    items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    if "enum" in schema:
        made.kind = "select"
        made.enum, made.options = _options(schema)
    elif kind == "boolean":
        made.kind = "checkbox"
    elif kind == "array" and "enum" in items:
        made.kind = "multiselect"
        made.enum, made.options = _options(items)
    elif kind == "array" and _main_type(items) == "object" and not nested:
        made.kind = "table"
        made.columns = fields_of(items, nested=True)
    elif kind in ("integer", "number"):
        made.kind = kind
    elif kind == "string" and schema.get("format") == "attachment":
        made.kind = "attachment"
        made.attrs["accept"] = [str(e).lower() for e in schema.get("x-accept") or DEFAULT_ACCEPT]
        made.attrs["max_bytes"] = int(schema.get("x-maxBytes") or DEFAULT_MAX_BYTES)
    elif kind == "string" and (schema.get("format") == "data-url" or "contentMediaType" in schema):
        made.kind = "file"
    elif kind == "string" and schema.get("format") == "date":
        made.kind = "date"
    elif kind == "string":
        long_text = int(schema.get("maxLength") or 0) > TEXTAREA_AFTER or schema.get("x-widget") == "textarea"
        made.kind = "textarea" if long_text else "text"
    return made


def fields_of(schema: dict[str, Any] | None, nested: bool = False) -> list[FormField]:
    if not schema:
        return []
    required = set(schema.get("required") or [])
    properties = schema.get("properties") or {}
    return [field_of(name, sub if isinstance(sub, dict) else {}, name in required, nested)
            for name, sub in properties.items()]


def _display(f: FormField, value: Any) -> Any:
    if f.kind == "checkbox":
        return "on" if value is True else ""
    if f.kind == "multiselect":
        return [str(v) for v in value] if isinstance(value, list) else []
    if f.kind == "date" and isinstance(value, str) and (match := _ISO.match(value)):
        return f"{match[3]}/{match[2]}/{match[1]}"
    return "" if value is None else str(value)


def values_from_data(fields: list[FormField], data: dict[str, Any] | None) -> FormValues:
    out = FormValues()
    data = data or {}
    for f in fields:
        if f.kind == "table":
            rows = data.get(f.name) if isinstance(data.get(f.name), list) else []
            out.rows[f.name] = max(1, len(rows))
            for i, row in enumerate(rows):
                for column in f.columns:
                    cell = row.get(column.name) if isinstance(row, dict) else None
                    out.values[f"{f.name}.{i}.{column.name}"] = _display(column, cell)
        elif f.name in data:
            out.values[f.name] = _display(f, data[f.name])
    return out


def values_from_request(fields: list[FormField], form: MultiDict[str, str]) -> FormValues:
    out = FormValues()
    for f in fields:
        if f.kind == "table":
            try:
                count = int(form.get(f"{f.name}.__rows", "1"))
            except ValueError:
                count = 1
            out.rows[f.name] = min(max(count, 0), MAX_TABLE_ROWS)
            for i in range(out.rows[f.name]):
                for column in f.columns:
                    key = f"{f.name}.{i}.{column.name}"
                    out.values[key] = form.getlist(key) if column.kind == "multiselect" else form.get(key, "")
        elif f.kind == "multiselect":
            out.values[f.name] = form.getlist(f.name)
        elif f.kind != "file":
            out.values[f.name] = form.get(f.name, "")
    return out


def add_row(values: FormValues, table: str) -> None:
    values.rows[table] = min(values.rows.get(table, 0) + 1, MAX_TABLE_ROWS)


def remove_row(values: FormValues, table: FormField, index: int) -> None:
    count = values.rows.get(table.name, 0)
    if not 0 <= index < count:
        return
    for i in range(index, count):
        for column in table.columns:
            following = values.values.get(f"{table.name}.{i + 1}.{column.name}", "")
            values.values[f"{table.name}.{i}.{column.name}"] = following
    for column in table.columns:
        values.values.pop(f"{table.name}.{count - 1}.{column.name}", None)
    values.rows[table.name] = count - 1


def _blank(raw: Any) -> bool:
    return raw == [] or raw is None or (isinstance(raw, str) and not raw.strip())


def _convert(f: FormField, raw: Any) -> tuple[Any, str | None]:
    """(typed value, error message); raw is never blank here."""
    if f.kind == "integer":
        try:
            return int(str(raw).strip()), None
        except ValueError:
            return None, _("Enter a whole number.")
    if f.kind == "number":
        try:
            number = float(str(raw).strip().replace(",", "."))
        except ValueError:
            return None, _("Enter a number.")
        return (int(number) if number.is_integer() else number), None
    if f.kind == "date":
        parsed = parse_vn_date(str(raw))
        return (parsed.isoformat(), None) if parsed else (None, _("Enter a valid date as dd/mm/yyyy."))
    if f.kind in ("select", "multiselect"):
        by_text = {str(v): v for v in f.enum}
        if isinstance(raw, list):
            return [by_text.get(r, r) for r in raw], None
        return by_text.get(raw, raw), None
    return str(raw), None


def parse_vn_date(text: str) -> date | None:
    match = _DMY.match(text) or None
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        iso = _ISO.match(text)
        return date(int(iso[1]), int(iso[2]), int(iso[3])) if iso else None
    except ValueError:
        return None


@dataclass
class Parsed:
    data: dict[str, Any]
    errors: dict[str, list[str]]
    row_index: dict[str, list[int]]  # table name -> form row of each data row (blank rows are dropped)


def _parse_into(fields: list[FormField], get: Any, prefix: str, data: dict[str, Any],
                errors: dict[str, list[str]]) -> None:
    for f in fields:
        key = f"{prefix}{f.name}"
        raw = get(key)
        if f.kind == "checkbox":
            data[f.name] = raw == "on"
        elif f.kind in ("file", "unsupported", "table") or _blank(raw):
            continue
        else:
            value, problem = _convert(f, raw)
            if problem:
                errors.setdefault(key, []).append(problem)
            else:
                data[f.name] = value


def parse(fields: list[FormField], values: FormValues) -> Parsed:
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    row_index: dict[str, list[int]] = {}
    _parse_into(fields, values.get, "", data, errors)
    for table in (f for f in fields if f.kind == "table"):
        rows, kept = [], []
        for i in range(values.rows.get(table.name, 0)):
            prefix = f"{table.name}.{i}."
            if all(_blank(values.get(prefix + c.name)) for c in table.columns):
                continue
            row: dict[str, Any] = {}
            _parse_into(table.columns, values.get, prefix, row, errors)
            rows.append(row)
            kept.append(i)
        row_index[table.name] = kept
        if rows:
            data[table.name] = rows
    return Parsed(data, errors, row_index)
