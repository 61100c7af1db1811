"""What a document is generated from: the case variables of processes/CASE_DATA.md (`de_nghi`, `danh_sach`,
`ket_qua_hop_xet`, `bien_ban`, `to_trinh`…) of one case, or of every case of a unit and the units
below it, with the issuing unit's letterhead. Plain data: the generators never touch the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.council.rules import percent_text
from engine.errors import Conflict
from engine.registry.titles import TITLES

SUBJECT_NAMES = {"tap_the": "Tập thể", "ca_nhan": "Cá nhân"}


class MissingData(Conflict):
    """The case (or unit) has not produced the data this document is made of yet; `reason` says which."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Letterhead:
    unit_name: str
    parent_name: str | None = None


@dataclass(frozen=True)
class CaseData:
    case_id: int | None
    unit_name: str
    variables: dict[str, Any]


@dataclass(frozen=True)
class DocumentSource:
    letterhead: Letterhead
    cases: tuple[CaseData, ...]
    issued_on: date | None = None
    place: str | None = None  # địa danh of the place-date line, when the data does not give one
    school_year: str | None = None
    per_unit: bool = False
    sender: Letterhead | None = None  # the unit sending the tờ trình, when not the case's unit (`don_vi_gui`)
    letter: str | None = None  # which tờ trình: its sending unit's code (`don_vi_gui`); None = the latest

    def single(self) -> dict[str, Any]:
        """The variables of a one-case source (documents that exist per case only)."""
        return self.cases[0].variables if len(self.cases) == 1 else {}

    def year(self) -> str | None:
        if self.school_year:
            return self.school_year
        years = {str(c.variables["nam_hoc"]) for c in self.cases if isinstance(c.variables.get("nam_hoc"), str)}
        return years.pop() if len(years) == 1 else None


@dataclass(frozen=True)
class Honoree:
    """One row of a list: a nomination (`de_nghi`) or a row of the honorees annex (`danh_sach`)."""

    loai: str
    ho_ten: str
    chuc_vu: str = ""
    don_vi: str = ""
    danh_hieu: str = ""  # display name
    thanh_tich: str = ""
    so_quyet_dinh: str = ""
    hop_le: bool | None = None
    ly_do: str = ""

    @property
    def collective(self) -> bool:
        return self.loai == "tap_the"

    def name_line(self) -> str:
        """"Name, position, unit" as the annexes print it."""
        parts = [self.ho_ten, self.chuc_vu, "" if self.collective and self.don_vi == self.ho_ten else self.don_vi]
        return ", ".join(p for p in parts if p)


def title_name(code: Any) -> str:
    text = str(code or "").strip()
    found = TITLES.get(text)
    return found.name if found else text


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def honoree(row: dict[str, Any], unit_name: str) -> Honoree:
    loai = _text(row, "loai") or "ca_nhan"
    hop_le = row.get("hop_le")
    return Honoree(loai=loai if loai in SUBJECT_NAMES else "ca_nhan", ho_ten=_text(row, "ho_ten"),
                   chuc_vu=_text(row, "chuc_vu"), don_vi=_text(row, "don_vi") or unit_name,
                   danh_hieu=title_name(row.get("danh_hieu")), thanh_tich=_text(row, "thanh_tich"),
                   so_quyet_dinh=_text(row, "so_quyet_dinh"),
                   hop_le=hop_le if isinstance(hop_le, bool) else None, ly_do=_text(row, "ly_do"))


def rows_of(value: Any) -> list[dict[str, Any]]:
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def annex_kind(rows: list[dict[str, Any]]) -> str | None:
    """Which annex form a `danh_sach` came from, by the fields its rows must have (forms/*.json)."""
    keys = set().union(*(row.keys() for row in rows)) if rows else set()
    if "thanh_vien" in keys:
        return "mau_2_nhom_nha_giao"
    if "nhiem_vu" in keys or "linh_vuc_doi_moi" in keys:
        return "mau_1_dang_ky_doi_moi"
    if "linh_vuc" in keys:
        return "bang_dang_ky_dien_hinh"
    if "ho_ten" in keys:
        return "danh_sach_trich_ngang"
    return None


# Where an annex list may be kept besides `danh_sach` (which the next annex form of the case overwrites): a
# variable named after the form, or the names the seed processes copy it to in a postScript.
ANNEX_VARIABLES = {
    "danh_sach_trich_ngang": ("danh_sach_trich_ngang", "danh_sach_bieu_duong"),
    "bang_dang_ky_dien_hinh": ("bang_dang_ky_dien_hinh",),
    "mau_1_dang_ky_doi_moi": ("mau_1_dang_ky_doi_moi", "mau_1"),
    "mau_2_nhom_nha_giao": ("mau_2_nhom_nha_giao", "mau_2"),
}


def annex_rows(case: CaseData, kind: str) -> list[dict[str, Any]]:
    """The rows of the case's annex list of this form: its own variable first, else `danh_sach`."""
    for name in (*ANNEX_VARIABLES[kind], "danh_sach"):
        rows = rows_of(case.variables.get(name))
        if rows and annex_kind(rows) == kind:
            return rows
    return []


def iso_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def place_date(place: str | None, day: date | None) -> str:
    """"Hà Nội, ngày 05 tháng 02 năm 2024" (NĐ 30/2020: a leading zero for days below 10 and months below 3)."""
    where = place or "……………"
    if day is None:
        return f"{where}, ngày …… tháng …… năm ……"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{where}, ngày {day.day:02d} tháng {month} năm {day.year}"


def percent(value: Any) -> str:
    return percent_text(value)
