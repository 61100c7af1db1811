"""Which level decides which title, and the chain of levels a proposal travels (domain notes §0, §1.5).

Pure data and functions, no database: given the school's level (mn, th, thcs, thpt), a title code and
the dossier's date, `route()` gives the proposing chain from the school up to the deciding level and
who signs there. Two periods:

- before 01/07/2025 (three-level local government, Luật TĐKT 2022 Điều 80 k2): MN/TH/THCS schools go
  through the Phòng GDĐT to the Chủ tịch UBND huyện, who decides LĐTT, CSTĐ cơ sở, TTLĐTT;
- from 01/07/2025 (Luật 72/2025/QH15, NĐ 129/2025/NĐ-CP Điều 59): MN/TH/THCS go to the Chủ tịch UBND
  xã, who decides those titles; THPT schools go to the Giám đốc Sở GDĐT in both periods.

Higher titles (TTLĐXS, CSTĐ tỉnh, Cờ tỉnh, Bằng khen tỉnh) are decided by the Chủ tịch UBND tỉnh;
Bằng khen Bộ trưởng and the KNC "Vì sự nghiệp giáo dục" by the Bộ trưởng (KNC proposed by the Sở,
TT 29/2023 Điều 12); national ones (CSTĐ toàn quốc, Cờ Chính phủ, Bằng khen Thủ tướng, Huân chương,
Nhà giáo Ưu tú/Nhân dân) by the Thủ tướng / Chủ tịch nước, proposed by the Chủ tịch UBND tỉnh.
A Giấy khen of the school is decided by the Hiệu trưởng.

A level is a tuple of unit kinds (`Unit.kind`): the level's unit for a case is the nearest unit above
the school whose kind is one of them (the district level is the Phòng GDĐT or the UBND huyện).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

CUTOVER = date(2025, 7, 1)  # two-level local government; NĐ 152/2025 replaces NĐ 98/2023
SCHOOL_LEVELS = ("mn", "th", "thcs", "thpt")
LEVEL_NAMES = {"mn": "Mầm non", "th": "Tiểu học", "thcs": "Trung học cơ sở", "thpt": "Trung học phổ thông"}


@dataclass(frozen=True)
class Level:
    key: str  # truong | huyen | xa | so | tinh | bo | trung_uong
    kinds: tuple[str, ...]  # Unit.kind values that stand for this level, nearest first
    name: str  # the receiving body, for people
    authority: str  # who signs a decision at this level


TRUONG = Level("truong", ("truong",), "Trường", "Hiệu trưởng")
HUYEN = Level("huyen", ("phong", "ubnd_huyen"), "Phòng GDĐT (UBND huyện)", "Chủ tịch UBND huyện")
XA = Level("xa", ("ubnd_xa",), "UBND xã, phường", "Chủ tịch UBND xã")
SO = Level("so", ("so",), "Sở GDĐT", "Giám đốc Sở GDĐT")
TINH = Level("tinh", ("ubnd_tinh",), "UBND tỉnh", "Chủ tịch UBND tỉnh")
BO = Level("bo", ("bo",), "Bộ GDĐT", "Bộ trưởng Bộ GDĐT")
TRUNG_UONG = Level("trung_uong", ("trung_uong",), "Thủ tướng Chính phủ", "Thủ tướng Chính phủ / Chủ tịch nước")
LEVELS = {level.key: level for level in (TRUONG, HUYEN, XA, SO, TINH, BO, TRUNG_UONG)}

# Title groups by who decides them (titles of engine/registry/titles.py).
TITLE_GROUPS: dict[str, str] = {
    "giay_khen": "truong",
    "lao_dong_tien_tien": "co_so",
    "chien_si_thi_dua_co_so": "co_so",
    "tap_the_lao_dong_tien_tien": "co_so",
    "tap_the_lao_dong_xuat_sac": "tinh",
    "chien_si_thi_dua_tinh": "tinh",
    "co_thi_dua_tinh": "tinh",
    "bang_khen_tinh": "tinh",
    "bang_khen_bo": "bo",
    "ky_niem_chuong_vi_su_nghiep_giao_duc": "bo_nganh",
    "chien_si_thi_dua_toan_quoc": "nha_nuoc",
    "co_thi_dua_chinh_phu": "nha_nuoc",
    "bang_khen_thu_tuong": "nha_nuoc",
    "huan_chuong_lao_dong_hang_ba": "nha_nuoc",
    "nha_giao_uu_tu": "nha_nuoc",
    "nha_giao_nhan_dan": "nha_nuoc",
}


class RoutingError(ValueError):
    """A school level, title or date the table has no route for."""


@dataclass(frozen=True)
class Route:
    title: str
    school_level: str
    period: str  # truoc_01_07_2025 | tu_01_07_2025
    chain: tuple[Level, ...]  # from the school to the deciding level, both included

    @property
    def deciding(self) -> Level:
        return self.chain[-1]

    def as_dict(self) -> dict[str, object]:
        return {"danh_hieu": self.title, "cap_hoc": self.school_level, "giai_doan": self.period,
                "tuyen": [level.key for level in self.chain], "cap_quyet_dinh": self.deciding.key,
                "loai_don_vi_quyet_dinh": list(self.deciding.kinds),
                "co_quan_quyet_dinh": self.deciding.authority}


def period_of(on: date) -> str:
    return "tu_01_07_2025" if on >= CUTOVER else "truoc_01_07_2025"


def _local_level(school_level: str, on: date) -> Level:
    """The level a school answers to for local titles: Sở for THPT, else the district or the commune."""
    if school_level == "thpt":
        return SO
    return XA if on >= CUTOVER else HUYEN


def route(school_level: str, title: str, on: date) -> Route:
    """The proposing chain of `title` for a school of `school_level`, for a dossier dated `on`."""
    if school_level not in SCHOOL_LEVELS:
        raise RoutingError(f"unknown school level {school_level!r}; known: {', '.join(SCHOOL_LEVELS)}")
    group = TITLE_GROUPS.get(title)
    if group is None:
        raise RoutingError(f"no route for title {title!r}; known: {', '.join(TITLE_GROUPS)}")
    local = _local_level(school_level, on)
    chains: dict[str, tuple[Level, ...]] = {
        "truong": (TRUONG,),
        "co_so": (TRUONG, local),
        "tinh": (TRUONG, local, TINH),
        # Bằng khen Bộ trưởng: the Sở proposes for its own schools, the UBND tỉnh for the others
        "bo": (TRUONG, SO, BO) if local is SO else (TRUONG, local, TINH, BO),
        "bo_nganh": (TRUONG, SO, BO) if local is SO else (TRUONG, local, SO, BO),
        "nha_nuoc": (TRUONG, local, TINH, TRUNG_UONG),
    }
    return Route(title, school_level, period_of(on), chains[group])


_PREFIXES = (("thpt", "thpt"), ("thcs", "thcs"), ("mn", "mn"), ("mg", "mn"), ("th", "th"))
_NAME_MARKS = (("trung học phổ thông", "thpt"), ("thpt", "thpt"), ("trung học cơ sở", "thcs"), ("thcs", "thcs"),
               ("tiểu học", "th"), ("th ", "th"), ("mầm non", "mn"), ("mẫu giáo", "mn"), ("mn ", "mn"),
               ("mg ", "mn"), ("nhà trẻ", "mn"), ("liên cấp", "thcs"), ("ptdtbt", "thcs"), ("gdtx", "thpt"))


def school_level_of(code: str, name: str) -> str | None:
    """mn / th / thcs / thpt read from a school's name ("Trường Tiểu học Văn Yên") or, failing that,
    its code prefix ("thpt_x"); None when neither says."""
    folded = f" {' '.join(name.casefold().split())} "
    for mark, level in _NAME_MARKS:
        if f" {mark}" in folded or f"trường {mark}" in folded:
            return level
    lowered = code.casefold()
    for prefix, level in _PREFIXES:
        if lowered.startswith(prefix + "_") or lowered == prefix:
            return level
    return None
