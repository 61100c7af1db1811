"""What a nomination tells the rules that the registry cannot know: ratings (xếp loại), sáng kiến,
years of service, member counts… Each hint is checked here; an unknown name is an error (a typo would
otherwise silently count as "not given")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from engine.errors import InvalidInput
from engine.plans.school_year import SchoolYear
from engine.registry.subjects import parse_date
from engine.registry.titles import title

RATINGS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
SCOPES = ("", "co_so", "tinh", "toan_quoc")
MAX_COUNT = 100_000


def _choice(options: tuple[str, ...]) -> Callable[[Any, str], str]:
    def read(value: Any, field: str) -> str:
        text = value.strip() if isinstance(value, str) else None
        if text is None or text.upper() not in {o.upper() for o in options}:
            shown = ", ".join(o or '""' for o in options)
            raise InvalidInput(f"{field}: must be one of {shown}", field=field)
        return next(o for o in options if o.upper() == text.upper())
    return read


def _count(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise InvalidInput(f"{field}: must be a whole number from 0", field=field)
    return value


def _years(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 80:
        raise InvalidInput(f"{field}: must be a number of years from 0 to 80", field=field)
    return float(value)


def _flag(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{field}: must be true or false", field=field)
    return value


def _titles(value: Any, field: str) -> list[str]:
    if not isinstance(value, list) or len(value) > 20:
        raise InvalidInput(f"{field}: must be a list of title codes", field=field)
    return [title(v, field).code if isinstance(v, str) else _bad_title(field) for v in value]


def _bad_title(field: str) -> str:
    raise InvalidInput(f"{field}: must be a list of title codes", field=field)


def _school_year(value: Any, field: str) -> SchoolYear:
    return SchoolYear.parse(value, field)


def _date(value: Any, field: str) -> date:
    return parse_date(value, field)


# name -> (reader, Vietnamese label used in messages)
HINTS: dict[str, tuple[Callable[[Any, str], Any], str]] = {
    "school_year": (_school_year, "năm học đề nghị"),
    "rating": (_choice(RATINGS), "xếp loại năm đề nghị"),
    "htxsnv_years": (_count, "số năm liên tục hoàn thành xuất sắc nhiệm vụ"),
    "httnv_years": (_count, "số năm liên tục hoàn thành tốt nhiệm vụ trở lên"),
    "htxsnv_count": (_count, "số năm hoàn thành xuất sắc nhiệm vụ trong giai đoạn xét"),
    "initiative_scope": (_choice(SCOPES), "phạm vi sáng kiến, đề tài được công nhận"),
    "initiatives": (_count, "số sáng kiến, đề tài được công nhận và áp dụng ở cơ sở"),
    "proposed_with": (_titles, "danh hiệu đề nghị cùng năm"),
    "in_sector": (_flag, "công tác trong ngành giáo dục"),
    "years_in_sector": (_years, "số năm công tác trong ngành"),
    "service_start": (_date, "ngày vào ngành"),
    "years_dbkk": (_years, "số năm công tác ở vùng đặc biệt khó khăn"),
    "leadership_years": (_years, "số năm giữ chức vụ lãnh đạo"),
    "collective_rating": (_choice(RATINGS), "xếp loại tập thể"),
    "members": (_count, "số thành viên"),
    "members_ldtt": (_count, "số thành viên đạt Lao động tiên tiến"),
    "members_cstdcs": (_count, "số thành viên đạt Chiến sĩ thi đua cơ sở"),
    "members_htnv": (_count, "số thành viên hoàn thành nhiệm vụ trở lên"),
    "disciplined_members": (_count, "số thành viên bị kỷ luật từ cảnh cáo trở lên"),
}

# Hints a title's table depends on: when absent the input is taken as "not met", with a warning.
NEEDED: dict[str, tuple[str, ...]] = {
    "lao_dong_tien_tien": ("rating",),
    "chien_si_thi_dua_co_so": ("rating", "initiative_scope"),
    "chien_si_thi_dua_tinh": ("initiative_scope",),
    "chien_si_thi_dua_toan_quoc": ("initiative_scope",),
    "tap_the_lao_dong_tien_tien": ("collective_rating",),
    "tap_the_lao_dong_xuat_sac": ("collective_rating", "members_htnv"),
    "bang_khen_tinh": ("htxsnv_years", "initiatives"),
    "bang_khen_bo": ("htxsnv_years", "initiatives"),
    "bang_khen_thu_tuong": ("httnv_years",),
    "huan_chuong_lao_dong_hang_ba": ("httnv_years", "htxsnv_count"),
    "ky_niem_chuong_vi_su_nghiep_giao_duc": ("years_in_sector",),
}


def read_hints(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """Checked hints; InvalidInput naming `hints.<name>` for a bad or unknown one."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InvalidInput("hints: must be an object", field="hints")
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in HINTS:
            raise InvalidInput(f"hints.{name}: unknown hint; known: {', '.join(HINTS)}", field=f"hints.{name}")
        if value is None:
            continue
        reader, _label = HINTS[name]
        out[name] = reader(value, f"hints.{name}")
    return out


def missing_warnings(title_code: str, hints: Mapping[str, Any]) -> list[str]:
    missing = [n for n in NEEDED.get(title_code, ()) if n not in hints
               and not (n == "years_in_sector" and "service_start" in hints)]
    return [f"Chưa có thông tin “{HINTS[n][1]}” ({n}): coi như chưa đạt" for n in missing]
