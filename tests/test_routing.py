"""The routing table (engine/routing/table.py): who decides which title, and the proposing chain, for every
school level and title, on both sides of 1/7/2025 (two-level local government)."""

from __future__ import annotations

from datetime import date

import pytest

from engine.registry.titles import TITLES
from engine.routing import CUTOVER, RoutingError, route, school_level_of
from engine.routing.table import TITLE_GROUPS

BEFORE, AFTER = date(2025, 6, 30), date(2025, 7, 1)
LOCAL = ("lao_dong_tien_tien", "chien_si_thi_dua_co_so", "tap_the_lao_dong_tien_tien")
PROVINCIAL = ("tap_the_lao_dong_xuat_sac", "chien_si_thi_dua_tinh", "co_thi_dua_tinh", "bang_khen_tinh")
NATIONAL = ("chien_si_thi_dua_toan_quoc", "co_thi_dua_chinh_phu", "bang_khen_thu_tuong",
            "huan_chuong_lao_dong_hang_ba", "nha_giao_uu_tu", "nha_giao_nhan_dan")


def chain(level: str, title: str, on: date) -> list[str]:
    return [step.key for step in route(level, title, on).chain]


def test_every_title_of_the_catalogue_has_a_route():
    assert set(TITLE_GROUPS) == set(TITLES)
    for level in ("mn", "th", "thcs", "thpt"):
        for title in TITLES:
            for on in (BEFORE, AFTER):
                found = route(level, title, on)
                assert found.chain[0].key == "truong" and found.deciding is found.chain[-1]


@pytest.mark.parametrize("level", ["mn", "th", "thcs"])
@pytest.mark.parametrize("title", LOCAL)
def test_local_titles_move_from_the_district_to_the_commune_on_1_7_2025(level, title):
    before, after = route(level, title, BEFORE), route(level, title, AFTER)
    assert chain(level, title, BEFORE) == ["truong", "huyen"]
    assert before.deciding.kinds == ("phong", "ubnd_huyen") and before.deciding.authority == "Chủ tịch UBND huyện"
    assert chain(level, title, AFTER) == ["truong", "xa"]
    assert after.deciding.kinds == ("ubnd_xa",) and after.deciding.authority == "Chủ tịch UBND xã"
    assert (before.period, after.period) == ("truoc_01_07_2025", "tu_01_07_2025")


@pytest.mark.parametrize("on", [BEFORE, AFTER])
def test_upper_secondary_schools_answer_to_the_so_in_both_periods(on):
    for title in LOCAL:
        assert chain("thpt", title, on) == ["truong", "so"]
        assert route("thpt", title, on).deciding.authority == "Giám đốc Sở GDĐT"
    for title in PROVINCIAL:
        assert chain("thpt", title, on) == ["truong", "so", "tinh"]
    assert chain("thpt", "bang_khen_bo", on) == ["truong", "so", "bo"]
    assert chain("thpt", "ky_niem_chuong_vi_su_nghiep_giao_duc", on) == ["truong", "so", "bo"]
    for title in NATIONAL:
        assert chain("thpt", title, on) == ["truong", "so", "tinh", "trung_uong"]


def test_higher_awards_go_up_through_the_local_level():
    for title in PROVINCIAL:
        assert chain("th", title, BEFORE) == ["truong", "huyen", "tinh"]
        assert chain("thcs", title, AFTER) == ["truong", "xa", "tinh"]
    # KNC is proposed by the Sở, a công trạng Bằng khen Bộ trưởng by the UBND tỉnh (TT 29/2023 Điều 12)
    assert chain("mn", "ky_niem_chuong_vi_su_nghiep_giao_duc", BEFORE) == ["truong", "huyen", "so", "bo"]
    assert chain("mn", "ky_niem_chuong_vi_su_nghiep_giao_duc", AFTER) == ["truong", "xa", "so", "bo"]
    assert chain("th", "bang_khen_bo", AFTER) == ["truong", "xa", "tinh", "bo"]
    for title in NATIONAL:
        assert chain("th", title, AFTER) == ["truong", "xa", "tinh", "trung_uong"]
        assert route("th", title, AFTER).deciding.authority.startswith("Thủ tướng")


def test_giay_khen_is_decided_at_the_school():
    for on in (BEFORE, AFTER):
        assert chain("thcs", "giay_khen", on) == ["truong"]
        assert route("thpt", "giay_khen", on).deciding.authority == "Hiệu trưởng"


def test_the_cutover_day_belongs_to_the_new_chain():
    assert CUTOVER == AFTER
    assert chain("th", "lao_dong_tien_tien", CUTOVER) == ["truong", "xa"]
    assert chain("th", "lao_dong_tien_tien", date(2025, 6, 30)) == ["truong", "huyen"]


def test_unknown_level_or_title_is_refused_with_the_known_values():
    with pytest.raises(RoutingError, match="unknown school level 'dai_hoc'.*mn, th, thcs, thpt"):
        route("dai_hoc", "lao_dong_tien_tien", AFTER)
    with pytest.raises(RoutingError, match="no route for title 'huy_hieu'"):
        route("th", "huy_hieu", AFTER)


def test_as_dict_for_case_data():
    assert route("th", "chien_si_thi_dua_tinh", BEFORE).as_dict() == {
        "danh_hieu": "chien_si_thi_dua_tinh", "cap_hoc": "th", "giai_doan": "truoc_01_07_2025",
        "tuyen": ["truong", "huyen", "tinh"], "cap_quyet_dinh": "tinh", "loai_don_vi_quyet_dinh": ["ubnd_tinh"],
        "co_quan_quyet_dinh": "Chủ tịch UBND tỉnh"}


@pytest.mark.parametrize(("code", "name", "level"), [
    ("th_a", "Trường Tiểu học Văn Yên", "th"),
    ("x1", "Trường TH Kim Đồng", "th"),
    ("x2", "Trường THCS Lê Lợi", "thcs"),
    ("x3", "Trường Trung học cơ sở Nguyễn Du", "thcs"),
    ("x4", "Trường THPT Quang Trung", "thpt"),
    ("x5", "Trường Mầm non Hoa Sen", "mn"),
    ("x6", "Trường Mẫu giáo Sơn Ca", "mn"),
    ("thpt_y", "Trường Chu Văn An", "thpt"),
    ("mn_y", "Trường Hoa Hồng", "mn"),
    ("thcs_y", "Trường Lê Quý Đôn", "thcs"),
    ("abc", "Trường Lê Quý Đôn", None),
])
def test_school_level_from_name_or_code(code, name, level):
    assert school_level_of(code, name) == level
