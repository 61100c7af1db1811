"""The catalogue of titles (danh hiệu thi đua) and forms of commendation (hình thức khen thưởng) the
registry records (Luật Thi đua, khen thưởng 06/2022/QH15 Điều 9, 19, 20; TT 29/2023/TT-BGDĐT)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from engine.errors import InvalidInput

KIND_NAMES = {
    "cong_trang": "Công trạng",
    "dot_xuat": "Đột xuất",
    "chuyen_de": "Chuyên đề",
    "cong_hien": "Quá trình cống hiến",
    "nien_han": "Niên hạn",
    "doi_ngoai": "Đối ngoại",
}


@dataclass(frozen=True)
class Title:
    code: str
    name: str
    subject: str  # person | collective | both
    category: str  # danh_hieu (danh hiệu thi đua) | hinh_thuc (hình thức khen thưởng) | vinh_du
    kind: str  # the usual kind of award; an award may say otherwise (e.g. a Bằng khen đột xuất)

    def allows(self, subject_kind: str) -> bool:
        return self.subject in ("both", subject_kind)

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "subject": self.subject, "category": self.category,
                "kind": self.kind, "kind_name": KIND_NAMES[self.kind]}


TITLES: dict[str, Title] = {t.code: t for t in (
    Title("lao_dong_tien_tien", "Lao động tiên tiến", "person", "danh_hieu", "cong_trang"),
    Title("chien_si_thi_dua_co_so", "Chiến sĩ thi đua cơ sở", "person", "danh_hieu", "cong_trang"),
    Title("chien_si_thi_dua_tinh", "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh", "person", "danh_hieu",
          "cong_trang"),
    Title("chien_si_thi_dua_toan_quoc", "Chiến sĩ thi đua toàn quốc", "person", "danh_hieu", "cong_trang"),
    Title("tap_the_lao_dong_tien_tien", "Tập thể lao động tiên tiến", "collective", "danh_hieu", "cong_trang"),
    Title("tap_the_lao_dong_xuat_sac", "Tập thể lao động xuất sắc", "collective", "danh_hieu", "cong_trang"),
    Title("co_thi_dua_tinh", "Cờ thi đua của bộ, ban, ngành, tỉnh", "collective", "danh_hieu", "cong_trang"),
    Title("co_thi_dua_chinh_phu", "Cờ thi đua của Chính phủ", "collective", "danh_hieu", "cong_trang"),
    Title("giay_khen", "Giấy khen", "both", "hinh_thuc", "cong_trang"),
    Title("bang_khen_tinh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "both", "hinh_thuc", "cong_trang"),
    Title("bang_khen_bo", "Bằng khen của Bộ trưởng", "both", "hinh_thuc", "cong_trang"),
    Title("bang_khen_thu_tuong", "Bằng khen của Thủ tướng Chính phủ", "both", "hinh_thuc", "cong_trang"),
    Title("huan_chuong_lao_dong_hang_ba", "Huân chương Lao động hạng Ba", "both", "hinh_thuc", "cong_trang"),
    Title("ky_niem_chuong_vi_su_nghiep_giao_duc", "Kỷ niệm chương “Vì sự nghiệp giáo dục”", "person",
          "hinh_thuc", "nien_han"),
    Title("nha_giao_uu_tu", "Nhà giáo Ưu tú", "person", "vinh_du", "cong_trang"),
    Title("nha_giao_nhan_dan", "Nhà giáo Nhân dân", "person", "vinh_du", "cong_trang"),
)}


def fold(text: str) -> str:
    """Lower case without diacritics and extra spaces, for matching names typed by hand."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("“", "").replace("”", "").replace('"', "").casefold().split())


_BY_FOLDED_NAME = {fold(t.name): t for t in TITLES.values()}
_KIND_BY_FOLDED_NAME = {fold(name): code for code, name in KIND_NAMES.items()}


def title(code: str, field: str = "title") -> Title:
    """The title with this code, or with this Vietnamese name (diacritics and case ignored)."""
    found = TITLES.get(code.strip()) or _BY_FOLDED_NAME.get(fold(code))
    if found is None:
        raise InvalidInput(f"unknown title {code!r}; known codes: {', '.join(TITLES)}", field=field)
    return found


def award_kind(text: str, field: str = "kind") -> str:
    """A kind code from its code or Vietnamese name ("Đột xuất")."""
    code = text.strip()
    if code in KIND_NAMES:
        return code
    found = _KIND_BY_FOLDED_NAME.get(fold(text))
    if found is None:
        raise InvalidInput(f"unknown award kind {text!r}; known: {', '.join(KIND_NAMES)}", field=field)
    return found
