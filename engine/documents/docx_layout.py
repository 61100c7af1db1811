"""Word building blocks laid out like a Vietnamese administrative document (NĐ 30/2020/NĐ-CP, Phụ lục I):
A4, margins 20/20/30/15 mm, Times New Roman 13–14; the issuing body on the left and the national motto
on the right in a borderless two-column header, the number under the issuing body and the place-date line
under the motto, a bold centred title, the body, and the signature block with "Nơi nhận"."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from engine.documents.source import Letterhead, place_date

FONT = "Times New Roman"
BODY_PT = 13
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUB = "Độc lập - Tự do - Hạnh phúc"


def new_document(landscape: bool = False) -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_after = Pt(0)
    return doc


def text(paragraph: Paragraph, content: str, *, bold: bool = False, italic: bool = False, size: int | None = None,
         underline: bool = False) -> Paragraph:
    run = paragraph.add_run(content)
    run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
    if size:
        run.font.size = Pt(size)
    return paragraph


def para(container: object, content: str = "", *, align: str = "left", bold: bool = False, italic: bool = False,
         size: int | None = None, before: int = 0, after: int = 0, indent_first: bool = False) -> Paragraph:
    paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                           "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    paragraph.paragraph_format.space_before, paragraph.paragraph_format.space_after = Pt(before), Pt(after)
    if indent_first:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    if content:
        text(paragraph, content, bold=bold, italic=italic, size=size)
    return paragraph


_AFTER_TBL_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


def _no_borders(table: Table) -> None:
    """A layout table (letterhead, signatures): no borders. `w:tblBorders` goes at its place in the
    schema's sequence of `w:tblPr`, which Word insists on."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties = table._tbl.tblPr
    following = next((child for child in properties if child.tag in {qn(t) for t in _AFTER_TBL_BORDERS}), None)
    if following is not None:
        following.addprevious(borders)
    else:
        properties.append(borders)


def _cell_text(cell: _Cell, lines: Sequence[tuple[str, dict[str, object]]]) -> None:
    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    first = True
    for content, style in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        text(paragraph, content, **style)  # type: ignore[arg-type]
        first = False


def letterhead(doc: DocxDocument, head: Letterhead, number: str | None, issued_on: date | None,
               place: str | None) -> None:
    """Issuing body and number on the left; national motto and place-date line on the right."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(70), Mm(95)
    lines: list[tuple[str, dict[str, object]]] = []
    if head.parent_name:
        lines.append((head.parent_name.upper(), {"size": 12}))
    lines.append((head.unit_name.upper(), {"bold": True, "size": 12}))
    lines.append(("———", {"size": 10}))
    if number is not None:
        lines.append((f"Số: {number}", {"size": 13}))
    _cell_text(left, lines)
    _cell_text(right, [(MOTTO, {"bold": True, "size": 12}), (MOTTO_SUB, {"bold": True, "size": 13}),
                       ("———————————", {"size": 10}),
                       (place_date(place, issued_on), {"italic": True, "size": 13})])


def title(doc: DocxDocument, heading: str, *subtitles: str) -> None:
    para(doc, heading.upper(), align="center", bold=True, size=14, before=12)
    for line in subtitles:
        if line:
            para(doc, line, align="center", bold=True, size=14)
    para(doc, "———", align="center", size=10, after=6)


def grid(doc: DocxDocument, headers: Sequence[str], rows: Sequence[Sequence[str]],
         widths_mm: Sequence[int] | None = None, size: int = 12) -> Table:
    """A bordered table: bold centred header row, then the rows (first column centred: the number)."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        text(cell.paragraphs[0], header, bold=True, size=size)
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
            lines = str(value).split("\n")
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER if i == 0 else WD_ALIGN_PARAGRAPH.LEFT
            text(cell.paragraphs[0], lines[0], size=size)
            for extra in lines[1:]:
                text(cell.add_paragraph(), extra, size=size)
    if widths_mm:  # the grid for LibreOffice, each cell for Word
        table.autofit = False
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(width)
    return table


def signatures(doc: DocxDocument, *, recipients: Sequence[str] = (), left: tuple[str, str] | None = None,
               right: tuple[str, str] | None = None) -> None:
    """"Nơi nhận" (or a second signer) on the left, the signer on the right: (position, name)."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    cell_left, cell_right = table.rows[0].cells
    if recipients:
        paragraph = cell_left.paragraphs[0]
        text(paragraph, "Nơi nhận:", bold=True, italic=True, size=12)
        for line in recipients:
            text(cell_left.add_paragraph(), f"- {line}", size=11)
    elif left:
        _signer(cell_left, *left)
    if right:
        _signer(cell_right, *right)


def _signer(cell: _Cell, position: str, name: str) -> None:
    lines: list[tuple[str, dict[str, object]]] = [(position.upper(), {"bold": True, "size": 13}),
                                                  ("(Ký, ghi rõ họ tên)", {"italic": True, "size": 12})]
    lines += [("", {})] * 3
    lines.append((name or "", {"bold": True, "size": 13}))
    _cell_text(cell, lines)


def to_bytes(doc: DocxDocument) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
