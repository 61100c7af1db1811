"""Excel building blocks: a sheet that reads like the printed annex (issuing body, motto, title over a
bordered table, Times New Roman) and keeps the table itself plain enough to sort and filter."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from engine.documents.docx_layout import MOTTO, MOTTO_SUB
from engine.documents.source import Letterhead

FONT = "Times New Roman"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
MAX_SHEET_TITLE = 31


def new_workbook() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    return book


def _merged(sheet: Worksheet, row: int, first: int, last: int, value: str, font: Font) -> None:
    sheet.cell(row=row, column=first, value=value).font = font
    sheet.cell(row=row, column=first).alignment = CENTRE
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def annex_sheet(book: Workbook, name: str, head: Letterhead, heading: str, subtitles: Sequence[str],
                headers: Sequence[str], widths: Sequence[int]) -> Worksheet:
    """A sheet with the letterhead and title; returns it with the header row written (rows follow)."""
    sheet = book.create_sheet(name[:MAX_SHEET_TITLE])
    columns = len(headers)
    split = max(1, columns // 2)
    _merged(sheet, 1, 1, split, (head.parent_name or "").upper(), Font(name=FONT, size=12))
    _merged(sheet, 2, 1, split, head.unit_name.upper(), Font(name=FONT, size=12, bold=True))
    _merged(sheet, 1, split + 1, columns, MOTTO, Font(name=FONT, size=12, bold=True))
    _merged(sheet, 2, split + 1, columns, MOTTO_SUB, Font(name=FONT, size=13, bold=True))
    row = 4
    _merged(sheet, row, 1, columns, heading.upper(), Font(name=FONT, size=14, bold=True))
    for line in subtitles:
        if line:
            row += 1
            _merged(sheet, row, 1, columns, line, Font(name=FONT, size=13, italic=True))
    row += 2
    for column, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=row, column=column, value=header)
        cell.font, cell.alignment, cell.border = Font(name=FONT, size=12, bold=True), CENTRE, BOX
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{row + 1}"
    return sheet


def section_row(sheet: Worksheet, label: str, columns: int) -> None:
    row = sheet.max_row + 1
    cell = sheet.cell(row=row, column=1, value=label)
    cell.font = Font(name=FONT, size=12, bold=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)


def data_row(sheet: Worksheet, values: Sequence[object]) -> None:
    row = sheet.max_row + 1
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font, cell.border = Font(name=FONT, size=12), BOX
        cell.alignment = CENTRE if column == 1 else WRAP


def note_row(sheet: Worksheet, text: str, columns: int) -> None:
    row = sheet.max_row + 2
    cell = sheet.cell(row=row, column=1, value=text)
    cell.font = Font(name=FONT, size=12, italic=True)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)


def to_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
