"""Case data in the shapes of processes/CASE_DATA.md for the document tests, and readers of the generated files."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.table import Table
from openpyxl import load_workbook

NOMINATIONS = [
    {"ma": "dn1", "loai": "ca_nhan", "ho_ten": "Nguyễn Thị Lan", "username": "gv_a1",
     "don_vi": "Trường Tiểu học Văn Yên", "chuc_vu": "Giáo viên", "danh_hieu": "chien_si_thi_dua_co_so",
     "thanh_tich": "Giáo viên dạy giỏi cấp thành phố; sáng kiến “Dạy học STEM lớp 5” được công nhận."},
    {"ma": "dn2", "loai": "ca_nhan", "ho_ten": "Vũ Văn Minh", "chuc_vu": "Tổ trưởng chuyên môn",
     "danh_hieu": "lao_dong_tien_tien", "thanh_tich": "Hoàn thành tốt nhiệm vụ."},
    {"ma": "dn3", "loai": "tap_the", "ho_ten": "Tổ Khối 5", "danh_hieu": "tap_the_lao_dong_xuat_sac",
     "thanh_tich": "100% học sinh hoàn thành chương trình.", "hop_le": False, "ly_do": "Thiếu biên bản bình xét"},
]
VOTES = [
    {"ma": "dn1", "ho_ten": "Nguyễn Thị Lan", "danh_hieu": "chien_si_thi_dua_co_so", "tan_thanh": 9,
     "khong_tan_thanh": 2, "tong_thanh_vien": 11, "ty_le": 9 / 11, "nguong": 0.8, "dat": True},
    {"ma": "dn2", "ho_ten": "Vũ Văn Minh", "danh_hieu": "lao_dong_tien_tien", "tan_thanh": 5,
     "khong_tan_thanh": 6, "tong_thanh_vien": 11, "ty_le": 5 / 11, "nguong": 0.5, "dat": False},
]
MINUTES = {"ten_hoi_dong": "Hội đồng Thi đua - Khen thưởng Trường Tiểu học Văn Yên", "ngay_hop": "2024-05-14",
           "tong_thanh_vien": 11, "vang_mat": ["Lê Văn Ất", "Trần Thị Bính"], "dia_diem": "Phòng họp nhà trường",
           "co_mat": ["Hoàng Văn Hiệu", "Vũ Văn Minh", "Nguyễn Thị Lan", "Đỗ Văn Bốn", "Lý Thị Năm", "Mai Văn Sáu",
                      "Cao Thị Bảy", "Hà Văn Tám", "Đinh Thị Chín"], "so_phieu": 10,
           "bieu_quyet_van_ban": ["Lê Văn Ất"], "du_so_luong": True, "bo_phieu_kin": True,
           "chu_tri": "Hoàng Văn Hiệu", "thu_ky": "Vũ Văn Minh", "ket_luan": "Đề nghị công nhận 01 CSTĐ cơ sở."}
LETTER = {"so": "12/TTr-THVY", "ngay": "2024-05-15", "kinh_gui": "Phòng Giáo dục và Đào tạo quận Hà Đông",
          "noi_dung": "Căn cứ Luật Thi đua, khen thưởng năm 2022;\nCăn cứ biên bản họp Hội đồng ngày 14/5/2024,",
          "nguoi_ky": "Hoàng Văn Hiệu", "chuc_vu_nguoi_ky": "Hiệu trưởng", "dia_danh": "Hà Đông"}


def full_case() -> dict[str, Any]:
    """A school's case after the council and the letter: every document can be made from it."""
    return {"nam_hoc": "2023-2024", "de_nghi": NOMINATIONS, "ket_qua_hop_xet": VOTES, "bien_ban": MINUTES,
            "de_nghi_dat": [NOMINATIONS[0]], "to_trinh": LETTER}


def docx_lines(content: bytes) -> tuple[list[str], list[list[str]]]:
    """(paragraph texts, table rows as cell texts) of a Word file, in document order."""
    doc = Document(io.BytesIO(content))
    paragraphs: list[str] = []
    rows: list[list[str]] = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraphs.append("".join(node.text or "" for node in block.iter() if node.tag.endswith("}t")))
        elif tag == "tbl":
            rows += [[cell.text for cell in row.cells] for row in Table(block, doc).rows]
    return paragraphs, rows


def xlsx_rows(content: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: [[c for c in row] for row in sheet.iter_rows(values_only=True)] for sheet in book}
