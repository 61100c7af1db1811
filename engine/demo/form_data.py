"""What demo people type into each form: the demo's cases in flight and the seed simulations use it.

`form_data(key, day, **extra)` gives valid data for form `key`, dated `day` (dd/mm/yyyy fields are ISO
dates); `extra` overrides or adds fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any


def honoree(loai: str, ho_ten: str, don_vi: str, *, danh_hieu: str | None = None, chuc_vu: str | None = None,
            thanh_tich: str = "Hoàn thành xuất sắc nhiệm vụ; nhiều sáng kiến được áp dụng.") -> dict[str, Any]:
    """A row of the danh sách trích ngang (documents' form `danh_sach_trich_ngang`)."""
    row: dict[str, Any] = {"loai": loai, "ho_ten": ho_ten, "don_vi": don_vi, "thanh_tich": thanh_tich}
    if danh_hieu:
        row["danh_hieu"] = danh_hieu
    if chuc_vu:
        row["chuc_vu"] = chuc_vu
    return row


def model_row(loai: str, ho_ten: str, don_vi: str, linh_vuc: str = "Giáo dục - đào tạo") -> dict[str, Any]:
    """A row of the Bảng đăng ký điển hình tiên tiến (documents' form `bang_dang_ky_dien_hinh`)."""
    return {"loai": loai, "ho_ten": ho_ten, "don_vi": don_vi, "linh_vuc": linh_vuc,
            "thanh_tich": "Mô hình ứng dụng công nghệ thông tin trong dạy học, nhân rộng toàn trường."}


def form_data(key: str, day: date, **extra: Any) -> dict[str, Any]:
    iso = day.isoformat()
    samples: dict[str, dict[str, Any]] = {
        "bao_cao_hoi_nghi": {"ngay_to_chuc": iso, "so_nguoi_du": 60,
                             "noi_dung": "Tổng kết phong trào thi đua 05 năm, phương hướng giai đoạn tới."},
        "tiep_nhan_ho_so": {"so_vao_so": f"TN-{day:%d%m}", "ngay_nhan": iso},
        "phieu_tan_thanh": {"tan_thanh": True},
        "ghi_quyet_dinh": {"so": f"{day:%d%m}/QĐ", "ngay": iso, "co_quan": "", "nguoi_ky": "Thủ trưởng đơn vị"},
        "trinh_cap_tren": {"so": f"{day:%d%m}/TTr", "ngay": iso, "kinh_gui": "Hội đồng Thi đua - Khen thưởng cấp trên",
                           "noi_dung": "Đề nghị khen thưởng các tập thể, cá nhân có thành tích xuất sắc."},
        "ket_qua_cham_skkn": {"danh_sach": [
            {"tac_gia": "Nguyễn Thị Mai", "ten_sang_kien": "Dạy học STEM qua dự án", "diem": 86, "xep_loai": "A"},
            {"tac_gia": "Trần Văn Hùng", "ten_sang_kien": "Sổ điểm điện tử cho tổ chuyên môn", "diem": 58,
             "xep_loai": "khong_dat"}]},
        "danh_gia_doi_moi": {"so_dang_ky": 12, "so_hoan_thanh": 10, "so_nhom": 3,
                             "nhan_xet": "Đa số nội dung đổi mới hoàn thành, có hiệu quả."},
        "giao_uoc_thi_dua": {"ngay_hop": iso, "dia_diem": "Phòng họp trường khối trưởng",
                             "noi_dung_giao_uoc": "Thi đua Dạy tốt - Học tốt; lượng hóa theo 10 tiêu chí của khối.",
                             "tieu_chi_luong_hoa": "Chất lượng giáo dục 40 điểm; phong trào 30; cơ sở vật chất 30."},
        "ky_giao_uoc": {"dong_y": True, "nguoi_ky": "Hiệu trưởng"},
        "bao_cao_khoi": {"ngay": iso, "noi_dung": "Các đơn vị thực hiện tốt giao ước thi đua của khối."},
        "nop_ho_so": {"so_van_ban": f"{day:%d%m}/BC", "ngay_gui": iso, "noi_nhan": "Cấp trên"},
        "duyet_dang_ky": {"ket_qua": "dong_y"},
        "mau_1_dang_ky_doi_moi": {"nam_hoc": "2016-2017", "danh_sach": [
            {"ho_ten": "Nguyễn Thị Hoa", "nhiem_vu": "Giáo viên chủ nhiệm lớp 5A",
             "linh_vuc_doi_moi": "Phương pháp giảng dạy", "muc_tieu_giai_phap": "Dạy học theo góc"}]},
        "mau_2_nhom_nha_giao": {"nam_hoc": "2016-2017", "danh_sach": [
            {"ten_nhom": "Nhóm Toán 5", "thanh_vien": "Nguyễn Thị Hoa, Lê Văn Nam, Phạm Thị Lan",
             "van_de": "Bồi dưỡng học sinh giỏi Toán"}]},
    }
    return {**samples[key], **extra}

