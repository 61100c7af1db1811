"""Danh sách trích ngang: the list of collectives and individuals with the summary of their achievements,
laid out like the annex of seed 000 (sections by title; TT | name, position, unit | summary), the list that
goes with every tờ trình. Rows come from the honorees annex form (`danh_sach` of `danh_sach_trich_ngang`),
else from the nominations that passed the council (`de_nghi_dat`), else from the nominations (`de_nghi`)."""

from __future__ import annotations

from engine.documents import docx_layout as w
from engine.documents import xlsx_layout as x
from engine.documents.source import (
    SUBJECT_NAMES,
    DocumentSource,
    Honoree,
    MissingData,
    annex_rows,
    honoree,
    iso_date,
    rows_of,
)

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")


def honorees(source: DocumentSource) -> list[Honoree]:
    out: list[Honoree] = []
    for case in source.cases:
        rows = annex_rows(case, "danh_sach_trich_ngang") or rows_of(case.variables.get("de_nghi_dat")) \
            or rows_of(case.variables.get("de_nghi"))
        out += [honoree(row, case.unit_name) for row in rows]
    if not out:
        raise MissingData("there is no list of honorees yet: fill in the annex list (danh_sach) or the nominations "
                          "(de_nghi)", reason="no_honorees")
    return out


def sections(people: list[Honoree]) -> list[tuple[str, list[Honoree]]]:
    """Rows grouped by title in order of first appearance, collectives before individuals in each."""
    groups: dict[str, list[Honoree]] = {}
    for person in people:
        groups.setdefault(person.danh_hieu, []).append(person)
    return [(name, sorted(rows, key=lambda p: not p.collective)) for name, rows in groups.items()]


def count_line(people: list[Honoree]) -> str:
    collectives = sum(1 for p in people if p.collective)
    return f"Danh sách có {collectives:02d} tập thể và {len(people) - collectives:02d} cá nhân./."


def period(source: DocumentSource) -> str:
    first = source.cases[0].variables if source.cases else {}
    span = first.get("giai_doan") if isinstance(first.get("giai_doan"), str) else None
    if span:
        return f"Giai đoạn {span}"
    year = source.year()
    return f"Năm học {year}" if year else ""


def achievements(person: Honoree) -> str:
    lines = [person.thanh_tich] if person.thanh_tich else []
    if person.so_quyet_dinh:
        lines.append(f"- Đạt danh hiệu theo Quyết định số: {person.so_quyet_dinh}")
    return "\n".join(lines)


def _attached_to(source: DocumentSource) -> str:
    letter = source.single().get("to_trinh")
    if not isinstance(letter, dict) or not letter.get("so"):
        return ""
    day = iso_date(letter.get("ngay"))
    return f"(Kèm theo Tờ trình số {letter['so']}" + (f" ngày {day:%d/%m/%Y})" if day else ")")


def docx(source: DocumentSource) -> bytes:
    people = honorees(source)
    doc = w.new_document(landscape=True)
    w.letterhead(doc, source.letterhead, None, source.issued_on, source.place)
    w.title(doc, "Danh sách", "Tập thể, cá nhân đề nghị khen thưởng và trích ngang thành tích", period(source))
    if attached := _attached_to(source):
        w.para(doc, attached, align="center", italic=True, after=6)
    headers = ("TT", "Tên tập thể/cá nhân (chức vụ, đơn vị công tác)", "Tóm tắt thành tích")
    for index, (name, rows) in enumerate(sections(people)):
        if name:
            w.para(doc, f"{ROMAN[index] if index < len(ROMAN) else index + 1}. {name}", bold=True, before=6,
                   after=3)
        w.grid(doc, headers, [(f"{n}.", p.name_line(), achievements(p)) for n, p in enumerate(rows, start=1)],
               widths_mm=(12, 90, 150))
    w.para(doc, count_line(people), italic=True, before=6)
    letter = source.single().get("to_trinh")
    signer = (str(letter.get("chuc_vu_nguoi_ky") or "Thủ trưởng đơn vị"), str(letter.get("nguoi_ky") or "")) \
        if isinstance(letter, dict) else ("Thủ trưởng đơn vị", "")
    w.signatures(doc, right=signer)
    return w.to_bytes(doc)


XLSX_HEADERS = ("TT", "Tập thể/Cá nhân", "Tên tập thể/Họ và tên", "Chức vụ", "Đơn vị công tác", "Danh hiệu",
                "Tóm tắt thành tích", "Quyết định số")


def xlsx(source: DocumentSource) -> bytes:
    people = honorees(source)
    book = x.new_workbook()
    sheet = x.annex_sheet(book, "Danh sách trích ngang", source.letterhead, "Danh sách",
                          ("Tập thể, cá nhân đề nghị khen thưởng và trích ngang thành tích", period(source)),
                          XLSX_HEADERS, (6, 12, 30, 18, 30, 28, 60, 18))
    number = 0
    for _name, rows in sections(people):
        for person in rows:
            number += 1
            x.data_row(sheet, (number, SUBJECT_NAMES[person.loai], person.ho_ten, person.chuc_vu, person.don_vi,
                               person.danh_hieu, person.thanh_tich, person.so_quyet_dinh))
    x.note_row(sheet, count_line(people), len(XLSX_HEADERS))
    return x.to_bytes(book)
