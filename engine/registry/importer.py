"""Importing past rewards from a spreadsheet, with an error per bad row (row number, column, message).

Row 1 holds headers, in Vietnamese ("Họ và tên", "Danh hiệu", "Năm học", "Số quyết định"…) or as the API's
field names; "STT" is ignored, any other unknown header is an error. Every row is checked first; nothing
is saved if any row fails, unless `partial` asks to save the good rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from engine.authz import Viewer
from engine.errors import EngineError, Forbidden, InvalidInput
from engine.models import Person
from engine.registry import access
from engine.registry.awards import AwardInput, parse_award, record_awards, recorded_keys
from engine.registry.spreadsheet import read_sheet
from engine.registry.subjects import Lookups
from engine.registry.titles import fold

COLUMNS: dict[str, tuple[str, ...]] = {  # field -> accepted headers, folded (no diacritics, lower case)
    "username": ("ten dang nhap", "tai khoan", "username"),
    "name": ("ho va ten", "ho ten", "name"),
    "unit": ("don vi", "ma don vi", "unit"),
    "subject": ("doi tuong", "subject"),
    "title": ("danh hieu", "hinh thuc khen thuong", "danh hieu, hinh thuc", "danh hieu / hinh thuc", "title"),
    "kind": ("loai khen thuong", "loai", "kind"),
    "school_year": ("nam hoc", "school_year"),
    "decision_number": ("so quyet dinh", "so qd", "decision_number"),
    "decision_date": ("ngay quyet dinh", "ngay qd", "decision_date"),
    "deciding_unit": ("don vi quyet dinh", "ma don vi quyet dinh", "deciding_unit"),
    "deciding_authority": ("co quan quyet dinh", "cap quyet dinh", "deciding_authority"),
    "note": ("ghi chu", "note"),
}
IGNORED = ("stt", "tt", "so thu tu")
REQUIRED = ("title", "school_year", "decision_number", "decision_date", "unit")
_BY_HEADER = {header: name for name, headers in COLUMNS.items() for header in headers}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None  # the header as written in the file
    cell: str | None  # e.g. "E7"
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "cell": self.cell, "message": self.message}


@dataclass
class ImportReport:
    rows: int = 0
    saved: int = 0
    errors: list[RowError] = field(default_factory=list)
    award_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "saved": self.saved, "errors": [e.as_dict() for e in self.errors],
                "awards": self.award_ids}


def _columns(headers: list[str]) -> tuple[dict[str, int], list[RowError]]:
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, header in enumerate(headers):
        key = fold(header)
        letter = f"{get_column_letter(index + 1)}1"
        if not key or key in IGNORED:
            continue
        name = _BY_HEADER.get(key)
        if name is None:
            errors.append(RowError(1, header, letter, f"unknown column {header!r}"))
        elif name in positions:
            errors.append(RowError(1, header, letter, f"column {header!r} appears twice"))
        else:
            positions[name] = index
    if "username" in positions and "unit" not in positions:
        positions.pop("unit", None)  # the person's own unit is used
    missing = [n for n in REQUIRED if n not in positions and not (n == "unit" and "username" in positions)]
    for name in missing:
        errors.append(RowError(1, None, None, f"missing column {COLUMNS[name][0]!r} ({name})"))
    return positions, errors


def _row_data(values: list[Any], positions: dict[str, int]) -> dict[str, Any]:
    data = {name: values[index] for name, index in positions.items() if values[index] not in (None, "")}
    subject = fold(str(data.pop("subject", "")))
    if subject in ("tap the", "collective"):
        data.pop("username", None)
        data.pop("name", None)
    elif subject in ("ca nhan", "person") and not (data.get("username") or data.get("name")):
        raise InvalidInput("a person (cá nhân) needs a username or a name", field="name")
    elif subject not in ("", "ca nhan", "person"):
        raise InvalidInput(f"subject: {subject!r} is neither 'Cá nhân' nor 'Tập thể'", field="subject")
    return data


def import_awards(session: Session, data: bytes, filename: str, *, viewer: Viewer | None, actor: Person | None,
                  partial: bool = False) -> ImportReport:
    """Check every row, then save all of them (or, with `partial`, the good ones). `viewer` None: no
    authorization (the CLI, run by the operator)."""
    if viewer is not None and not viewer.manage_unit_ids:
        raise Forbidden("only managers may import rewards")
    sheet = read_sheet(data, filename)
    positions, errors = _columns(sheet.headers)
    report = ImportReport(rows=len(sheet.rows), errors=errors)
    if errors:
        return report
    header_of = {name: sheet.headers[index] for name, index in positions.items()}
    lookups = Lookups(session)
    checked: list[tuple[int, AwardInput]] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for number, values in sheet.rows:
        try:
            item = parse_award(session, _row_data(values, positions), lookups)
            if viewer is not None:
                access.require_may_record(viewer, item.subject, item.deciding_unit)
            if item.duplicate_key() in seen:
                raise EngineError(f"same award as row {seen[item.duplicate_key()]}", field="decision_number")
        except EngineError as exc:
            report.errors.append(_row_error(exc, number, positions, header_of))
            continue
        seen[item.duplicate_key()] = number
        checked.append((number, item))
    recorded = recorded_keys(session, [item for _, item in checked])
    good: list[AwardInput] = []
    for number, item in checked:
        if item.duplicate_key() in recorded:
            error = EngineError("already recorded in the registry", field="decision_number")
            report.errors.append(_row_error(error, number, positions, header_of))
        else:
            good.append(item)
    report.errors.sort(key=lambda e: e.row)
    if report.errors and not partial:
        return report
    report.award_ids = [a.id for a in record_awards(session, good, actor, source=f"import:{filename}")]
    report.saved = len(good)
    return report


def _row_error(exc: EngineError, number: int, positions: dict[str, int], header_of: dict[str, str]) -> RowError:
    column = header_of.get(exc.field or "")
    cell = f"{get_column_letter(positions[exc.field] + 1)}{number}" if column and exc.field else None
    return RowError(number, column, cell, exc.message)
