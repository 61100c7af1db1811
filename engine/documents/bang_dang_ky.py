"""Registration tables (bảng đăng ký): every registration a case (or a unit's cases) holds, one part each —
the title registrations `de_nghi` (I. Tập thể, II. Cá nhân), the Bảng đăng ký điển hình tiên tiến of
seed 001, and the registrations of seed 003 (Mẫu gợi ý số 1: innovation; Mẫu số 2: "Nhà giáo cùng nhau
phát triển" groups), printed one per page as the models ask. In Excel, one sheet per part."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from docx.enum.text import WD_BREAK

from engine.documents import docx_layout as w
from engine.documents import xlsx_layout as x
from engine.documents.source import DocumentSource, MissingData, annex_rows, honoree, rows_of

MAU_1_ITEMS = (
    ("ho_ten", "Họ tên người đăng ký"), ("nhiem_vu", "Nhiệm vụ được giao"),
    ("linh_vuc_doi_moi", "Dự kiến thực hiện đổi mới sáng tạo trong lĩnh vực"),
    ("thuc_trang", "Thực trạng vấn đề dự kiến đổi mới (tồn tại)"), ("muc_tieu_giai_phap", "Mục tiêu giải pháp đổi mới"),
    ("ket_qua_du_kien", "Dự kiến kết quả sẽ đạt được sau khi thực hiện đổi mới"),
    ("thoi_gian", "Dự kiến thời gian tiến hành"), ("cac_buoc", "Các bước tiến hành khi thực hiện đổi mới"),
    ("pham_vi_nhan_rong", "Phạm vi công bố và nhân rộng kết quả đổi mới"),
)
MAU_2_ITEMS = (
    ("thanh_vien", "Họ và tên những người tham gia nhóm"), ("nhiem_vu_chung", "Nhiệm vụ chung đang được giao"),
    ("van_de", "Vấn đề mà các thành viên trong nhóm đang quan tâm"),
    ("thuc_trang", "Thực trạng của vấn đề mà các thành viên trong nhóm đang quan tâm"),
    ("diem_manh", "Điểm mạnh của các thành viên trong nhóm về vấn đề đang quan tâm"),
    ("han_che", "Điểm hạn chế của các thành viên trong nhóm về vấn đề đang quan tâm"),
    ("huong_giai_quyet", "Hướng giải quyết của nhóm để cải thiện vấn đề"),
    ("ket_qua_du_kien", "Dự kiến kết quả sẽ đạt được"), ("thoi_gian", "Dự kiến thời gian tiến hành"),
)


@dataclass(frozen=True)
class Section:
    label: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    widths_mm: tuple[int, ...]


@dataclass(frozen=True)
class TablePart:
    sheet: str
    heading: str
    subtitle: str
    sections: list[Section]


@dataclass(frozen=True)
class FormPart:
    """One model form per row (Mẫu 1 / Mẫu 2): `entries` are (unit name, row)."""

    sheet: str
    model: str
    heading: str
    subheading: str
    items: tuple[tuple[str, str], ...]
    entries: list[tuple[str, dict[str, Any]]]
    year: str


def _split(rows: list[tuple[str, dict[str, Any]]]) -> tuple[list[tuple[str, dict[str, Any]]], ...]:
    collectives = [(unit, row) for unit, row in rows if row.get("loai") == "tap_the"]
    return collectives, [(unit, row) for unit, row in rows if row.get("loai") != "tap_the"]


def _numbered(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [(f"{n:02d}", *row) for n, row in enumerate(rows, start=1)]


def _note(person: Any) -> str:
    if person.hop_le is False:
        return "Chưa đủ điều kiện" + (f": {person.ly_do}" if person.ly_do else "")
    return ""


def title_registrations(source: DocumentSource) -> TablePart | None:
    people = [honoree(row, case.unit_name) for case in source.cases for row in rows_of(case.variables.get("de_nghi"))]
    if not people:
        return None
    year = source.year()
    collectives = [(p.ho_ten, p.danh_hieu, _note(p)) for p in people if p.collective]
    individuals = [(p.ho_ten, p.chuc_vu, p.don_vi, p.danh_hieu, _note(p)) for p in people if not p.collective]
    return TablePart("Đăng ký danh hiệu", "Bảng đăng ký danh hiệu thi đua", f"Năm học {year}" if year else "", [
        Section("I. TẬP THỂ", ("STT", "Tên tập thể", "Danh hiệu đăng ký", "Ghi chú"), _numbered(collectives),
                (12, 100, 80, 60)),
        Section("II. CÁ NHÂN", ("STT", "Họ và tên", "Chức vụ", "Đơn vị", "Danh hiệu đăng ký", "Ghi chú"),
                _numbered(individuals), (12, 55, 40, 60, 50, 35))])


def model_registrations(source: DocumentSource) -> TablePart | None:
    rows = [(case.unit_name, row) for case in source.cases for row in annex_rows(case, "bang_dang_ky_dien_hinh")]
    if not rows:
        return None
    collectives, individuals = _split(rows)
    spans = {str(c.variables["giai_doan"]) for c in source.cases if isinstance(c.variables.get("giai_doan"), str)}
    span = spans.pop().replace("-", " – ") if len(spans) == 1 else ""
    return TablePart("Điển hình tiên tiến", "Bảng đăng ký điển hình tiên tiến",
                     f"Giai đoạn {span}" if span else "", [
        Section("I. TẬP THỂ", ("STT", "TÊN ĐƠN VỊ", "LĨNH VỰC ĐIỂN HÌNH TIÊN TIẾN", "THÀNH TÍCH NỔI BẬT"),
                _numbered([(r.get("ho_ten", ""), r.get("linh_vuc", ""), r.get("thanh_tich", ""))
                           for _u, r in collectives]), (12, 70, 75, 95)),
        Section("II. CÁ NHÂN", ("STT", "TÊN CÁ NHÂN", "CHỨC VỤ", "LĨNH VỰC ĐIỂN HÌNH TIÊN TIẾN", "THÀNH TÍCH NỔI BẬT"),
                _numbered([(r.get("ho_ten", ""), ", ".join(s for s in (r.get("chuc_vu"), r.get("don_vi") or u) if s),
                            r.get("linh_vuc", ""), r.get("thanh_tich", "")) for u, r in individuals]),
                (12, 50, 45, 65, 80))])


def _form_part(source: DocumentSource, kind: str, sheet: str, model: str, heading: str, subheading: str,
               items: tuple[tuple[str, str], ...]) -> FormPart | None:
    entries = [(case.unit_name, row) for case in source.cases for row in annex_rows(case, kind)]
    if not entries:
        return None
    years = {str(c.variables["nam_hoc"]) for c in source.cases if isinstance(c.variables.get("nam_hoc"), str)}
    return FormPart(sheet, model, heading, subheading, items, entries, years.pop() if len(years) == 1 else "")


def parts(source: DocumentSource) -> list[TablePart | FormPart]:
    found: list[TablePart | FormPart | None] = [
        title_registrations(source), model_registrations(source),
        _form_part(source, "mau_1_dang_ky_doi_moi", "Mẫu 1 - Đổi mới sáng tạo", "Mẫu gợi ý số 1",
                   "Đăng ký thực hiện nhiệm vụ", "Đổi mới, sáng tạo trong dạy và học", MAU_1_ITEMS),
        _form_part(source, "mau_2_nhom_nha_giao", "Mẫu 2 - Nhóm nhà giáo", "Mẫu gợi ý số 2",
                   "Đăng ký thành lập", "Nhóm nhà giáo cùng nhau phát triển", MAU_2_ITEMS),
    ]
    out = [part for part in found if part is not None]
    if not out:
        raise MissingData("there is no registration yet: no nominations (de_nghi) and no registration annex "
                          "(danh_sach)", reason="no_registrations")
    return out


def _page_break(doc: Any) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _docx_table(doc: Any, part: TablePart) -> None:
    w.title(doc, part.heading, part.subtitle)
    for section in part.sections:
        w.para(doc, section.label, bold=True, before=6, after=3)
        w.grid(doc, section.headers, section.rows or [("",) * len(section.headers)], widths_mm=section.widths_mm)


def _docx_forms(doc: Any, part: FormPart, first: bool) -> None:
    for index, (unit, row) in enumerate(part.entries):
        if index or not first:
            _page_break(doc)
        w.para(doc, part.model, italic=True, align="right")
        w.para(doc, f"Đơn vị: {unit}", bold=True)
        w.title(doc, part.heading, part.subheading,
                str(row.get("ten_nhom") or ""), f"Thời gian thực hiện: năm học {part.year or '……'}")
        for number, (key, label) in enumerate(part.items, start=1):
            paragraph = w.para(doc, f"{number}. {label}: ", bold=True, before=4, align="justify")
            w.text(paragraph, str(row.get(key) or "……"))


def docx(source: DocumentSource) -> bytes:
    found = parts(source)
    doc = w.new_document(landscape=True)
    w.letterhead(doc, source.letterhead, None, source.issued_on, source.place)
    for index, part in enumerate(found):
        if isinstance(part, TablePart):
            if index:
                _page_break(doc)
            _docx_table(doc, part)
        else:
            _docx_forms(doc, part, first=index == 0)
    return w.to_bytes(doc)


def _xlsx_table(book: Any, source: DocumentSource, part: TablePart) -> None:
    widest = max(part.sections, key=lambda s: len(s.headers))
    sheet = x.annex_sheet(book, part.sheet, source.letterhead, part.heading, (part.subtitle,), widest.headers,
                          tuple(max(8, width // 3) for width in widest.widths_mm))
    for section in part.sections:
        x.section_row(sheet, section.label, len(widest.headers))
        if section is not widest:
            x.data_row(sheet, section.headers)
        for row in section.rows:
            x.data_row(sheet, row)


def _xlsx_forms(book: Any, source: DocumentSource, part: FormPart) -> None:
    headers = ("STT", "Đơn vị", *(label for _key, label in part.items))
    sheet = x.annex_sheet(book, part.sheet, source.letterhead, f"{part.heading} {part.subheading}",
                          (part.model, f"Năm học {part.year}" if part.year else ""), headers,
                          (6, 28, *(30 for _ in part.items)))
    for number, (unit, row) in enumerate(part.entries, start=1):
        x.data_row(sheet, (number, unit, *(str(row.get(key) or "") for key, _label in part.items)))


WRITERS: dict[type, Callable[[Any, DocumentSource, Any], None]] = {TablePart: _xlsx_table, FormPart: _xlsx_forms}


def xlsx(source: DocumentSource) -> bytes:
    book = x.new_workbook()
    for part in parts(source):
        WRITERS[type(part)](book, source, part)
    return x.to_bytes(book)
