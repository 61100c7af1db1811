"""Reading an uploaded .xlsx safely: only a real Office Open XML workbook, size-bounded, nothing evaluated.

Checks before openpyxl sees the bytes: at most 5 MB; a zip archive; a bounded number of entries and
uncompressed size (zip bombs); `[Content_Types].xml` declaring the spreadsheetml main part (so .xlsm
with macros, .docx and other zips are refused); no DOCTYPE/ENTITY in any XML part and no UTF-16 parts
(openpyxl parses worksheets with the standard library's expat). Cells are read with `data_only=False`:
a formula comes back as its text (`=HYPERLINK(…)`) and is stored as that text, never evaluated and
never replaced by a cached result the file's author chose.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from openpyxl import load_workbook

from engine.definitions.problems import DefinitionError
from engine.definitions.xml_safety import parse_xml
from engine.errors import InvalidInput, PayloadTooLarge

MAX_XLSX_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_ENTRIES = 500
MAX_ROWS = 5000
MAX_COLUMNS = 40
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
UPLOAD_MEDIA_TYPES = (XLSX_MEDIA_TYPE, "application/octet-stream", "")
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (Excel row number, cell values)


def check_xlsx(data: bytes, name: str) -> None:
    """Refuse anything that is not a plain .xlsx workbook within the limits."""
    if len(data) > MAX_XLSX_BYTES:
        raise PayloadTooLarge(f"{name}: larger than {MAX_XLSX_BYTES // (1024 * 1024)} MB", field="file")
    if not data.startswith(b"PK\x03\x04"):
        raise InvalidInput(f"{name}: not an .xlsx workbook (not a zip archive)", field="file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InvalidInput(f"{name}: not an .xlsx workbook (damaged zip archive)", field="file") from None
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES:
        raise InvalidInput(f"{name}: the workbook unpacks to too much data", field="file")
    with archive:
        _check_content_types(archive, name)
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels", ".vml")):
                _check_xml_part(archive, entry, name)


def _check_content_types(archive: zipfile.ZipFile, name: str) -> None:
    try:
        root = parse_xml(archive.read("[Content_Types].xml"), "[Content_Types].xml")
    except (KeyError, DefinitionError, zipfile.BadZipFile, OSError, RuntimeError):
        raise InvalidInput(f"{name}: not an .xlsx workbook (no valid [Content_Types].xml)", field="file") from None
    types = {o.get("ContentType") for o in root.iter(f"{{{_CT_NS}}}Override")}
    if WORKBOOK_CONTENT_TYPE not in types:
        raise InvalidInput(f"{name}: not an .xlsx workbook (wrong content type; macro-enabled and other "
                           "Office files are refused)", field="file")


def _check_xml_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str) -> None:
    try:
        with archive.open(entry) as part:
            head = part.read(2)
            if head in (b"\xff\xfe", b"\xfe\xff"):
                raise InvalidInput(f"{name}: {entry.filename} is UTF-16, which is refused", field="file")
            tail = head
            while chunk := part.read(64 * 1024):
                if _DOCTYPE.search(tail[-16:] + chunk):
                    raise InvalidInput(f"{name}: {entry.filename} declares a DOCTYPE or entity, which is refused",
                                       field="file")
                tail = chunk
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError):
        raise InvalidInput(f"{name}: damaged or encrypted entry {entry.filename}", field="file") from None


def plain_value(value: Any) -> Any:
    """A cell value as data: text, number, date; a formula (or array formula) as its text."""
    if value is None or isinstance(value, str | int | float | bool | date | datetime):
        if isinstance(value, datetime) and value.time() == time(0):
            return value.date()
        return value
    return str(getattr(value, "text", value))


def read_sheet(data: bytes, name: str) -> Sheet:
    """The first worksheet: row 1 holds the headers; empty rows are skipped."""
    check_xlsx(data, name)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds of error on malformed parts
        raise InvalidInput(f"{name}: cannot read the workbook ({type(exc).__name__})", field="file") from None
    try:
        return _rows(workbook, name)
    except InvalidInput:
        raise
    except Exception as exc:  # parts are parsed lazily, while iterating
        raise InvalidInput(f"{name}: cannot read the workbook ({type(exc).__name__})", field="file") from None
    finally:
        workbook.close()


def _rows(workbook: Any, name: str) -> Sheet:
    if not workbook.worksheets:
        raise InvalidInput(f"{name}: the workbook has no worksheet", field="file")
    rows = workbook.worksheets[0].iter_rows(min_row=1, min_col=1, values_only=True)
    header_row = next(rows, None)
    if header_row is None:
        raise InvalidInput(f"{name}: the first worksheet is empty", field="file")
    headers = [str(plain_value(h) or "").strip() for h in header_row[:MAX_COLUMNS + 1]]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise InvalidInput(f"{name}: more than {MAX_COLUMNS} columns", field="file")
    body: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(rows, start=2):
        values = [plain_value(v) for v in row[:len(headers)]]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(body) >= MAX_ROWS:
            raise InvalidInput(f"{name}: more than {MAX_ROWS} rows; split the file", field="file")
        body.append((number, values + [None] * (len(headers) - len(values))))
    return Sheet(headers, body)
