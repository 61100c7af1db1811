"""Official documents generated from case data: each file opens with python-docx / openpyxl and holds the
right rows (names with diacritics, titles, vote figures, totals), laid out as an administrative document."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from engine.documents import KINDS, MissingData, available, generate
from engine.documents.source import CaseData, DocumentSource, Letterhead, place_date
from engine.errors import NotFound
from tests.document_cases import LETTER, NOMINATIONS, docx_lines, full_case, xlsx_rows

HEAD = Letterhead("Trường Tiểu học Văn Yên", "Phòng GDĐT quận Hà Đông")


def source(variables, *more: tuple[str, dict], per_unit: bool = False) -> DocumentSource:
    cases = (CaseData(1, "Trường Tiểu học Văn Yên", variables),
             *(CaseData(i + 2, unit, data) for i, (unit, data) in enumerate(more)))
    return DocumentSource(HEAD, cases, issued_on=date(2024, 5, 15), place="Hà Đông", per_unit=per_unit)


def test_letterhead_motto_and_font_follow_the_administrative_layout():
    content = generate("to_trinh", "docx", source(full_case()), "x").content
    doc = Document(io.BytesIO(content))
    assert doc.styles["Normal"].font.name == "Times New Roman" and doc.styles["Normal"].font.size.pt == 13
    properties = [child.tag.rsplit("}", 1)[-1] for child in doc.tables[0]._tbl.tblPr]
    assert properties == ["tblW", "tblBorders", "tblLook"]  # borderless, in the schema's order (Word checks it)
    _paragraphs, rows = docx_lines(content)
    left, right = rows[0]
    assert left.split("\n")[:2] == ["PHÒNG GDĐT QUẬN HÀ ĐÔNG", "TRƯỜNG TIỂU HỌC VĂN YÊN"]
    assert "Số: 12/TTr-THVY" in left
    assert right.split("\n")[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert right.endswith("Hà Đông, ngày 15 tháng 5 năm 2024")
    assert place_date("Hà Nội", date(2024, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2024"  # NĐ 30: leading zeros
    assert place_date(None, None) == "……………, ngày …… tháng …… năm ……"


def test_danh_sach_trich_ngang_docx_has_sections_rows_and_totals():
    paragraphs, rows = docx_lines(generate("danh_sach_trich_ngang", "docx", source(full_case()), "x").content)
    assert "DANH SÁCH" in paragraphs and "Năm học 2023-2024" in paragraphs
    assert "(Kèm theo Tờ trình số 12/TTr-THVY ngày 15/05/2024)" in paragraphs
    assert "I. Chiến sĩ thi đua cơ sở" in paragraphs  # rows are the nominations that passed the council
    data = [r for r in rows if r[0] == "1."]
    assert data == [["1.", "Nguyễn Thị Lan, Giáo viên, Trường Tiểu học Văn Yên",
                     "Giáo viên dạy giỏi cấp thành phố; sáng kiến “Dạy học STEM lớp 5” được công nhận."]]
    assert "Danh sách có 00 tập thể và 01 cá nhân./." in paragraphs
    assert rows[-1][1].split("\n")[0] == "HIỆU TRƯỞNG" and rows[-1][1].endswith("Hoàng Văn Hiệu")


def test_danh_sach_trich_ngang_from_the_annex_form_groups_by_title_collectives_first():
    annex = {"giai_doan": "2015-2020", "danh_sach": [
        {"loai": "ca_nhan", "ho_ten": "Bà Nguyễn Thị Ánh", "chuc_vu": "Giáo viên", "don_vi": "Trường THPT Quang Trung",
         "danh_hieu": "Nhà giáo Ưu tú", "thanh_tich": "Tóm tắt thành tích nổi bật", "so_quyet_dinh": "1234/QĐ-CTN"},
        {"loai": "tap_the", "ho_ten": "Trường Tiểu học Văn Yên", "danh_hieu": "Anh hùng lao động",
         "thanh_tich": "Tóm tắt hành động anh hùng"},
        {"loai": "ca_nhan", "ho_ten": "Ông Trần Văn Đức", "danh_hieu": "Nhà giáo Ưu tú", "thanh_tich": "Dạy giỏi"},
        {"loai": "tap_the", "ho_ten": "Tổ Ngữ văn", "danh_hieu": "Nhà giáo Ưu tú", "thanh_tich": "Tập thể"}]}
    paragraphs, rows = docx_lines(generate("danh_sach_trich_ngang", "docx", source(annex), "x").content)
    assert "Giai đoạn 2015-2020" in paragraphs
    assert paragraphs.index("I. Nhà giáo Ưu tú") < paragraphs.index("II. Anh hùng lao động")
    names = [r[1] for r in rows if r[0].endswith(".") and r[0][:-1].isdigit()]
    assert names == ["Tổ Ngữ văn, Trường Tiểu học Văn Yên",
                     "Bà Nguyễn Thị Ánh, Giáo viên, Trường THPT Quang Trung",
                     "Ông Trần Văn Đức, Trường Tiểu học Văn Yên", "Trường Tiểu học Văn Yên"]
    assert any(len(r) == 3 and "- Đạt danh hiệu theo Quyết định số: 1234/QĐ-CTN" in r[2] for r in rows)
    assert "Danh sách có 02 tập thể và 02 cá nhân./." in paragraphs


def test_danh_sach_trich_ngang_xlsx_rows_and_count_line():
    sheets = xlsx_rows(generate("danh_sach_trich_ngang", "xlsx", source(full_case()), "x").content)
    [(name, rows)] = sheets.items()
    assert name == "Danh sách trích ngang"
    header = rows.index(["TT", "Tập thể/Cá nhân", "Tên tập thể/Họ và tên", "Chức vụ", "Đơn vị công tác",
                         "Danh hiệu", "Tóm tắt thành tích", "Quyết định số"])
    assert rows[0][0] == "PHÒNG GDĐT QUẬN HÀ ĐÔNG" and rows[1][0] == "TRƯỜNG TIỂU HỌC VĂN YÊN"
    assert rows[header + 1][:6] == [1, "Cá nhân", "Nguyễn Thị Lan", "Giáo viên", "Trường Tiểu học Văn Yên",
                                    "Chiến sĩ thi đua cơ sở"]
    assert [c for c in rows[-1] if c] == ["Danh sách có 00 tập thể và 01 cá nhân./."]


def test_bang_dang_ky_of_title_registrations_splits_collectives_and_individuals():
    variables = {"nam_hoc": "2023-2024", "de_nghi": NOMINATIONS}
    paragraphs, rows = docx_lines(generate("bang_dang_ky", "docx", source(variables), "x").content)
    assert "BẢNG ĐĂNG KÝ DANH HIỆU THI ĐUA" in paragraphs and "Năm học 2023-2024" in paragraphs
    assert ["01", "Tổ Khối 5", "Tập thể lao động xuất sắc", "Chưa đủ điều kiện: Thiếu biên bản bình xét"] in rows
    assert ["01", "Nguyễn Thị Lan", "Giáo viên", "Trường Tiểu học Văn Yên", "Chiến sĩ thi đua cơ sở", ""] in rows
    assert ["02", "Vũ Văn Minh", "Tổ trưởng chuyên môn", "Trường Tiểu học Văn Yên", "Lao động tiên tiến", ""] in rows
    sheets = xlsx_rows(generate("bang_dang_ky", "xlsx", source(variables), "x").content)
    rows = sheets["Đăng ký danh hiệu"]
    assert [c for c in rows[rows.index(next(r for r in rows if r[0] == "I. TẬP THỂ"))] if c] == ["I. TẬP THỂ"]
    assert ["01", "Nguyễn Thị Lan", "Giáo viên", "Trường Tiểu học Văn Yên", "Chiến sĩ thi đua cơ sở", None] in rows


def test_bang_dang_ky_dien_hinh_tien_tien_like_seed_001():
    annex = {"giai_doan": "2021-2025", "danh_sach": [
        {"loai": "tap_the", "ho_ten": "Trường Tiểu học Văn Yên", "linh_vuc": "Chuyển đổi số trong dạy học",
         "thanh_tich": "100% giáo viên dùng học liệu số"},
        {"loai": "ca_nhan", "ho_ten": "Nguyễn Thị Lan", "chuc_vu": "Giáo viên", "linh_vuc": "Đổi mới phương pháp",
         "thanh_tich": "Giải Nhất giáo viên dạy giỏi cấp huyện"}]}
    paragraphs, rows = docx_lines(generate("bang_dang_ky", "docx", source(annex), "x").content)
    assert "BẢNG ĐĂNG KÝ ĐIỂN HÌNH TIÊN TIẾN" in paragraphs and "Giai đoạn 2021 – 2025" in paragraphs
    assert ["STT", "TÊN ĐƠN VỊ", "LĨNH VỰC ĐIỂN HÌNH TIÊN TIẾN", "THÀNH TÍCH NỔI BẬT"] in rows
    assert ["01", "Trường Tiểu học Văn Yên", "Chuyển đổi số trong dạy học", "100% giáo viên dùng học liệu số"] in rows
    assert ["01", "Nguyễn Thị Lan", "Giáo viên, Trường Tiểu học Văn Yên", "Đổi mới phương pháp",
            "Giải Nhất giáo viên dạy giỏi cấp huyện"] in rows
    assert "Điển hình tiên tiến" in xlsx_rows(generate("bang_dang_ky", "xlsx", source(annex), "x").content)


def test_bang_dang_ky_mau_1_and_mau_2_one_form_per_row_like_seed_003():
    mau_1 = {"nam_hoc": "2016-2017", "danh_sach": [
        {"ho_ten": "Phạm Thị Hoa", "nhiem_vu": "Dạy Toán lớp 5", "linh_vuc_doi_moi": "Phương pháp giảng dạy",
         "thuc_trang": "Học sinh ngại giải toán có lời văn"},
        {"ho_ten": "Lê Văn Bình", "nhiem_vu": "Tổng phụ trách Đội", "linh_vuc_doi_moi": "Quản lý giáo dục học sinh"}]}
    mau_2 = {"nam_hoc": "2016-2017", "danh_sach": [
        {"ten_nhom": "Nhóm Toán 5", "thanh_vien": "Phạm Thị Hoa, Lê Văn Bình", "van_de": "Dạy học phân hóa",
         "diem_manh": "Nhiều kinh nghiệm"}]}
    both = source(mau_1, ("Trường Tiểu học Kim Đồng", mau_2), per_unit=True)
    paragraphs, _rows = docx_lines(generate("bang_dang_ky", "docx", both, "x").content)
    assert paragraphs.count("Mẫu gợi ý số 1") == 2 and paragraphs.count("Mẫu gợi ý số 2") == 1
    assert "1. Họ tên người đăng ký: Phạm Thị Hoa" in paragraphs
    assert "4. Thực trạng vấn đề dự kiến đổi mới (tồn tại): Học sinh ngại giải toán có lời văn" in paragraphs
    assert "Thời gian thực hiện: năm học 2016-2017" in paragraphs
    assert "Đơn vị: Trường Tiểu học Kim Đồng" in paragraphs and "Nhóm Toán 5" in paragraphs
    assert "5. Điểm mạnh của các thành viên trong nhóm về vấn đề đang quan tâm: Nhiều kinh nghiệm" in paragraphs
    sheets = xlsx_rows(generate("bang_dang_ky", "xlsx", both, "x").content)
    mau_1_rows = sheets["Mẫu 1 - Đổi mới sáng tạo"]
    assert mau_1_rows[-2][:4] == [1, "Trường Tiểu học Văn Yên", "Phạm Thị Hoa", "Dạy Toán lớp 5"]
    assert mau_1_rows[-1][:3] == [2, "Trường Tiểu học Văn Yên", "Lê Văn Bình"]
    assert sheets["Mẫu 2 - Nhóm nhà giáo"][-1][:4] == [1, "Trường Tiểu học Kim Đồng", "Phạm Thị Hoa, Lê Văn Bình", None]


def test_bien_ban_has_quorum_vote_table_and_totals():
    paragraphs, rows = docx_lines(generate("bien_ban", "docx", source(full_case()), "x").content)
    assert "BIÊN BẢN" in paragraphs
    assert "Họp Hội đồng Thi đua - Khen thưởng Trường Tiểu học Văn Yên xét thi đua, khen thưởng năm học 2023-2024" \
        in paragraphs
    assert "Thành viên Hội đồng: tổng số 11; có mặt 9; vắng mặt 2; biểu quyết bằng văn bản 1." in paragraphs
    assert "Vắng mặt: Lê Văn Ất, Trần Thị Bính." in paragraphs and "Địa điểm: Phòng họp nhà trường." in paragraphs
    assert "Thành viên có mặt: Hoàng Văn Hiệu, Vũ Văn Minh, Nguyễn Thị Lan" in paragraphs[paragraphs.index(
        "Vắng mặt: Lê Văn Ất, Trần Thị Bính.") - 1]
    assert "Số phiếu thu về: 10." in paragraphs
    assert ("Số thành viên dự họp và biểu quyết bằng văn bản: 10/11 — đủ số lượng thành viên theo quy định, "
            "phiên họp hợp lệ.") in paragraphs
    assert "Hình thức biểu quyết: bỏ phiếu kín." in paragraphs
    assert ["1", "Nguyễn Thị Lan", "Chiến sĩ thi đua cơ sở", "9", "2", "11", "81,82 %", "80 %", "Đạt"] in rows
    assert ["2", "Vũ Văn Minh", "Lao động tiên tiến", "5", "6", "11", "45,45 %", "50 %", "Không đạt"] in rows
    assert "Số đề nghị đạt: 1/2." in paragraphs
    signers = rows[-1]
    assert signers[0].startswith("THƯ KÝ") and signers[0].endswith("Vũ Văn Minh")
    assert signers[1].startswith("CHỦ TRÌ") and signers[1].endswith("Hoàng Văn Hiệu")
    assert rows[0][1].endswith("Hà Đông, ngày 14 tháng 5 năm 2024")  # dated the day of the meeting


def test_bien_ban_without_quorum_says_so():
    variables = {**full_case(), "bien_ban": {**full_case()["bien_ban"], "co_mat": 5, "bieu_quyet_van_ban": 0,
                                             "du_so_luong": False, "bo_phieu_kin": False}}
    paragraphs, _rows = docx_lines(generate("bien_ban", "docx", source(variables), "x").content)
    assert ("Số thành viên dự họp và biểu quyết bằng văn bản: 5/11 — không đủ số lượng thành viên theo quy định."
            in paragraphs)
    assert "Hình thức biểu quyết: biểu quyết công khai." in paragraphs


def test_to_trinh_counts_the_passed_proposals_per_title():
    paragraphs, rows = docx_lines(generate("to_trinh", "docx", source(full_case()), "x").content)
    assert "TỜ TRÌNH" in paragraphs and "Kính gửi: Phòng Giáo dục và Đào tạo quận Hà Đông." in paragraphs
    assert "Căn cứ Luật Thi đua, khen thưởng năm 2022;" in paragraphs
    assert "- Chiến sĩ thi đua cơ sở: 01 cá nhân;" in paragraphs
    assert not any("Lao động tiên tiến" in p for p in paragraphs)  # did not pass the council
    assert rows[-1][0].startswith("Nơi nhận:") and rows[-1][1].endswith(LETTER["nguoi_ky"])
    without_council = {"nam_hoc": "2023-2024", "de_nghi": NOMINATIONS, "to_trinh": LETTER}
    paragraphs, _rows = docx_lines(generate("to_trinh", "docx", source(without_council), "x").content)
    assert "- Chiến sĩ thi đua cơ sở: 01 cá nhân;" in paragraphs and "- Lao động tiên tiến: 01 cá nhân;" in paragraphs
    assert not any("Tập thể lao động xuất sắc" in p for p in paragraphs)  # flagged as not eligible


@pytest.mark.parametrize(("kind", "ext", "reason"), [
    ("danh_sach_trich_ngang", "docx", "no_honorees"), ("bang_dang_ky", "xlsx", "no_registrations"),
    ("bien_ban", "docx", "no_votes"), ("to_trinh", "docx", "no_letter")])
def test_missing_data_is_named(kind, ext, reason):
    with pytest.raises(MissingData) as caught:
        generate(kind, ext, source({"nam_hoc": "2023-2024"}), "x")
    assert caught.value.reason == reason and caught.value.status == 409


def test_catalogue_unknown_kinds_formats_and_per_unit_documents():
    with pytest.raises(NotFound):
        generate("quyet_dinh", "docx", source(full_case()), "x")
    with pytest.raises(NotFound):
        generate("bien_ban", "xlsx", source(full_case()), "x")
    with pytest.raises(MissingData) as caught:
        generate("bien_ban", "docx", source(full_case(), per_unit=True), "x")
    assert caught.value.reason == "per_case_only"
    assert [k.code for k, _f in available(source(full_case()))] == list(KINDS)
    assert [k.code for k, _f in available(source({"de_nghi": NOMINATIONS}))] == ["danh_sach_trich_ngang",
                                                                                 "bang_dang_ky"]
    named = generate("bien_ban", "docx", source(full_case()), "2023-2024/th_a").filename
    assert named == "Biên bản họp xét - 2023-2024-th_a.docx"


def test_annex_lists_kept_aside_are_found_when_danh_sach_holds_another():
    mau_1 = [{"ho_ten": "Phạm Thị Hoa", "nhiem_vu": "Dạy Toán lớp 5", "linh_vuc_doi_moi": "Phương pháp giảng dạy"}]
    mau_2 = [{"ten_nhom": "Nhóm Toán 5", "thanh_vien": "Phạm Thị Hoa, Lê Văn Bình", "van_de": "Dạy học phân hóa"}]
    honorees = [{"loai": "ca_nhan", "ho_ten": "Lê Văn Bình", "thanh_tich": "Bước đầu thực hiện tốt đổi mới"}]
    variables = {"nam_hoc": "2016-2017", "mau_1": mau_1, "mau_2": mau_2, "danh_sach": mau_2,
                 "danh_sach_bieu_duong": honorees}
    paragraphs, _rows = docx_lines(generate("bang_dang_ky", "docx", source(variables), "x").content)
    assert paragraphs.count("Mẫu gợi ý số 1") == 1 and paragraphs.count("Mẫu gợi ý số 2") == 1
    _paragraphs, rows = docx_lines(generate("danh_sach_trich_ngang", "docx", source(variables), "x").content)
    assert ["1.", "Lê Văn Bình, Trường Tiểu học Văn Yên", "Bước đầu thực hiện tốt đổi mới"] in rows
