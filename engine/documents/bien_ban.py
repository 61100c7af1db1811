"""Biên bản: the minutes of the council meeting with the vote results — who chaired, members present,
absent and voting in writing, the quorum line, the vote form, one row per nomination (yes, no, all members,
share of all members, threshold, passed) and the conclusion; signed by the secretary and the chair.
Made from the council's outputs `bien_ban` and `ket_qua_hop_xet` (processes/CASE_DATA.md)."""

from __future__ import annotations

from typing import Any

from engine.documents import docx_layout as w
from engine.documents.source import DocumentSource, MissingData, iso_date, percent, rows_of, title_name


def _count(value: Any) -> int | None:
    """A count given as a number or as the list of the people counted."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, list):
        return len(value)
    return None


def _names(value: Any) -> str:
    if isinstance(value, list):
        names = [str(v.get("ho_ten") or v.get("username") or "") if isinstance(v, dict) else str(v) for v in value]
        return ", ".join(n for n in names if n)
    return ""


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def results(variables: dict[str, Any]) -> list[dict[str, Any]]:
    rows = rows_of(variables.get("ket_qua_hop_xet"))
    if not rows:
        raise MissingData("the council has not voted on this case yet (no ket_qua_hop_xet)", reason="no_votes")
    return rows


def quorum_line(minutes: dict[str, Any]) -> str:
    total, present = _count(minutes.get("tong_thanh_vien")), _count(minutes.get("co_mat"))
    in_writing = _count(minutes.get("bieu_quyet_van_ban")) or 0
    counted = f"{present + in_writing}/{total}" if total is not None and present is not None else "……"
    met = minutes.get("du_so_luong")
    verdict = ("đủ số lượng thành viên theo quy định, phiên họp hợp lệ" if met is True else
               "không đủ số lượng thành viên theo quy định" if met is False else "……")
    return f"Số thành viên dự họp và biểu quyết bằng văn bản: {counted} — {verdict}."


def vote_rows(rows: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    return [(str(n), str(r.get("ho_ten") or ""), title_name(r.get("danh_hieu")), str(_int(r.get("tan_thanh"))),
             str(_int(r.get("khong_tan_thanh"))), str(_int(r.get("tong_thanh_vien"))), percent(r.get("ty_le")),
             percent(r.get("nguong")), "Đạt" if r.get("dat") is True else "Không đạt")
            for n, r in enumerate(rows, start=1)]


def docx(source: DocumentSource) -> bytes:
    if source.per_unit:
        raise MissingData("minutes are made per case", reason="per_case_only")
    variables = source.single()
    rows = results(variables)
    minutes = variables.get("bien_ban") if isinstance(variables.get("bien_ban"), dict) else {}
    council = str(minutes.get("ten_hoi_dong") or "Hội đồng Thi đua - Khen thưởng")
    day = iso_date(minutes.get("ngay_hop"))
    year = source.year()
    doc = w.new_document()
    w.letterhead(doc, source.letterhead, None, day or source.issued_on,
                 str(minutes.get("dia_danh") or "") or source.place)
    w.title(doc, "Biên bản", f"Họp {council} xét thi đua, khen thưởng" + (f" năm học {year}" if year else ""))
    lines = [
        f"Thời gian: ngày {day:%d/%m/%Y}." if day else "Thời gian: ……",
        f"Địa điểm: {minutes.get('dia_diem') or '……'}.",
        f"Chủ trì: {minutes.get('chu_tri') or '……'}. Thư ký: {minutes.get('thu_ky') or '……'}.",
        "Thành viên Hội đồng: tổng số {}; có mặt {}; vắng mặt {}; biểu quyết bằng văn bản {}.".format(
            *(_count(minutes.get(k)) if _count(minutes.get(k)) is not None else "……"
              for k in ("tong_thanh_vien", "co_mat", "vang_mat", "bieu_quyet_van_ban"))),
    ]
    if present := _names(minutes.get("co_mat")):
        lines.append(f"Thành viên có mặt: {present}.")
    if absent := _names(minutes.get("vang_mat")):
        lines.append(f"Vắng mặt: {absent}.")
    if in_writing := _names(minutes.get("bieu_quyet_van_ban")):
        lines.append(f"Biểu quyết bằng văn bản: {in_writing}.")
    lines.append(quorum_line(minutes))
    secret = minutes.get("bo_phieu_kin")
    lines.append("Hình thức biểu quyết: " + ("bỏ phiếu kín." if secret else "biểu quyết công khai."))
    if secret and _count(minutes.get("so_phieu")) is not None:
        lines.append(f"Số phiếu thu về: {_count(minutes.get('so_phieu'))}.")
    for line in lines:
        w.para(doc, line, align="justify", before=3, indent_first=True)
    w.para(doc, "Kết quả biểu quyết (tỷ lệ tính trên tổng số thành viên Hội đồng):", bold=True, before=6, after=3)
    w.grid(doc, ("TT", "Họ và tên / Tập thể", "Danh hiệu đề nghị", "Tán thành", "Không tán thành",
                 "Tổng số thành viên", "Tỷ lệ tán thành", "Tỷ lệ yêu cầu", "Kết quả"), vote_rows(rows),
           widths_mm=(8, 34, 32, 14, 15, 15, 16, 15, 16), size=11)
    passed = sum(1 for r in rows if r.get("dat") is True)
    w.para(doc, f"Số đề nghị đạt: {passed}/{len(rows)}.", bold=True, before=6)
    if minutes.get("ket_luan"):
        w.para(doc, f"Kết luận: {minutes['ket_luan']}", align="justify", before=3, indent_first=True)
    w.para(doc, "Biên bản được lập và thông qua tại phiên họp./.", italic=True, before=6, after=12)
    w.signatures(doc, left=("Thư ký", str(minutes.get("thu_ky") or "")),
                 right=("Chủ trì", str(minutes.get("chu_tri") or "")))
    return w.to_bytes(doc)
