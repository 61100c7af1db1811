"""Nomination bookkeeping of the core flow (engine/routing/nominations.py) on a real database: edits of the
consolidation form, eligibility flags for people and collectives, grouping by next level, recording a
decision once, and the checks on a decision before it is recorded."""

from __future__ import annotations

from datetime import date

from engine.org import unit_by_code
from engine.routing import nominations as nom

ON = date(2025, 5, 15)  # before 1/7/2025: TH schools answer to the Phòng


def nomination(code: str, title: str, **extra) -> dict:
    return {"ma": code, "loai": "ca_nhan", "ho_ten": "Nguyễn Thị Lan", "username": "gv_a1", "danh_hieu": title,
            **extra}


def test_form_edits_keep_hidden_keys_add_new_rows_and_withdraw_missing_ones():
    before = [nomination("cn1", "lao_dong_tien_tien", tuyen=["truong", "huyen"], hop_le=False, ly_do="x"),
              nomination("cn2", "chien_si_thi_dua_co_so")]
    edited = [{"ma": "cn1", "xep_loai": "HTTNV", "hop_le": True, "ly_do": "typed by hand"},
              {"loai": "tap_the", "ho_ten": "Tổ khối 5", "danh_hieu": "giay_khen"}]
    after = {n["ma"]: n for n in nom.merge_edits(before, edited)}
    assert after["cn1"]["username"] == "gv_a1" and after["cn1"]["xep_loai"] == "HTTNV"
    assert "hop_le" not in after["cn1"] and "ly_do" not in after["cn1"]  # computed again, never typed
    assert after["bs1"]["loai"] == "tap_the" and after["bs1"]["ho_ten"] == "Tổ khối 5"
    assert after["cn2"]["rut"] is True and after["cn2"]["trang_thai"] == "rut"


def test_flags_people_and_collectives_and_titles_without_tables(org):
    with org.transaction() as session:
        school = unit_by_code(session, "th_a")
        routed = nom.with_routes([
            nomination("cn1", "lao_dong_tien_tien", xep_loai="HTTNV"),
            nomination("cn2", "lao_dong_tien_tien"),
            {"ma": "tt1", "loai": "tap_the", "ho_ten": "Trường", "danh_hieu": "tap_the_lao_dong_tien_tien",
             "xep_loai": "HTTNV"},
            {"ma": "gk", "loai": "tap_the", "ho_ten": "Tổ 1", "danh_hieu": "giay_khen"},
            nomination("x", "huy_hieu"),
            nomination("u", "lao_dong_tien_tien", username="khong_co", xep_loai="HTTNV"),
            nomination("r", "lao_dong_tien_tien", rut=True),
            nomination("co", "co_thi_dua_tinh")], "th", ON)
        checked = {n["ma"]: n for n in nom.check_eligibility(session, school, routed, ON, "2024-2025")}
    assert checked["cn1"]["hop_le"] is True and checked["cn1"]["ly_do"] == ""
    assert checked["cn2"]["hop_le"] is False and "xếp loại" in checked["cn2"]["ly_do"].lower()
    assert checked["tt1"]["hop_le"] is False and checked["tt1"]["ly_do"]  # no member is LĐTT yet
    assert checked["gk"]["hop_le"] is True and checked["gk"]["ly_do"] == nom.NO_RULES
    assert checked["x"]["hop_le"] is False and "Không xác định được cấp quyết định" in checked["x"]["ly_do"]
    assert checked["u"]["hop_le"] is False and "khong_co" in checked["u"]["ly_do"]
    assert "hop_le" not in checked["r"]  # withdrawn: not checked, not blocking
    assert checked["co"]["hop_le"] is False and "chỉ xét cho tập thể" in checked["co"]["ly_do"]
    message = nom.refusal_message(list(checked.values()))
    assert message.startswith("Chưa thể trình: 5 đề nghị") and "(Lao động tiên tiến)" in message


def test_next_level_groups_by_unit_and_goes_outside_the_organisation(org):
    with org.transaction() as session:
        school = unit_by_code(session, "th_a")
        items = nom.with_routes([nomination("a", "lao_dong_tien_tien"), nomination("b", "chien_si_thi_dua_tinh"),
                                 nomination("c", "ky_niem_chuong_vi_su_nghiep_giao_duc")], "th", ON)
        items = nom.apply_council(items, ["a", "b", "c"], items, "truong")
        first = nom.next_hop(school, items)
        assert (first["cap"], first["don_vi"], first["ma"], first["buoc"]) == ("huyen", "phong_hd", ["a", "b", "c"], 1)
        items = nom.apply_council(items, ["a", "b", "c"], [i for i in items if i["ma"] != "c"], "huyen")
        assert [i["trang_thai"] for i in items] == ["cho_quyet_dinh", "cho_trinh", "khong_dat"]
        second = nom.next_hop(school, items)
        assert (second["cap"], second["don_vi"], second["co_quan"]) == ("tinh", None, "Chủ tịch UBND tỉnh")
        items = nom.apply_council(items, ["b"], [], "tinh")
        assert nom.next_hop(school, items) is None


def test_a_decision_is_recorded_once_and_refusals_are_kept_out(org):
    decision = {"so": "9/QĐ", "ngay": "2025-06-01", "co_quan": "Chủ tịch UBND quận", "khong_dat": ["b"]}
    with org.transaction() as session:
        school = unit_by_code(session, "th_a")
        items = [{**n, "trang_thai": "cho_quyet_dinh"} for n in nom.with_routes(
            [nomination("a", "lao_dong_tien_tien"), nomination("b", "chien_si_thi_dua_co_so")], "th", ON)]
        for _ in range(2):  # a retried step records nothing twice
            after = nom.record_decision(session, school, items, ["a", "b"], decision, school_year="2024-2025",
                                        deciding_unit="phong_hd", authority="Chủ tịch UBND huyện", instance_id=None)
        from engine.registry.awards import search_awards

        found = search_awards(session, None, person="gv_a1")
    assert [(a.title_code, a.decision_number, a.deciding_authority) for a in found] == [
        ("lao_dong_tien_tien", "9/QĐ", "Chủ tịch UBND quận")]
    assert [n["trang_thai"] for n in after] == ["da_khen", "khong_dat"]


def test_decision_checks():
    today = date(2025, 6, 1)
    assert nom.decision_problem({"so": "1", "ngay": "2025-06-01"}, "2024-2025", today) == ""
    assert nom.decision_problem({"so": " ", "ngay": "2025-06-01"}, "2024-2025", today) == "Thiếu số quyết định."
    assert "không đúng dạng ngày" in nom.decision_problem({"so": "1", "ngay": "mai"}, "2024-2025", today)
    assert "sau ngày hôm nay" in nom.decision_problem({"so": "1", "ngay": "2025-06-02"}, "2024-2025", today)
    assert "trước năm học 2024-2025" in nom.decision_problem({"so": "1", "ngay": "2023-12-31"}, "2024-2025", today)


def test_first_level_falls_back_to_the_schools_parent_unit(org):
    """A TH school still under a Phòng in the tree, dossier after 1/7/2025: the Phòng receives it."""
    with org.transaction() as session:
        school = unit_by_code(session, "th_a")
        items = nom.with_routes([nomination("a", "lao_dong_tien_tien"), nomination("b", "chien_si_thi_dua_tinh")],
                                "th", date(2025, 9, 1))
        items = nom.apply_council(items, ["a", "b"], items, "truong")
        hop = nom.next_hop(school, items)
        assert (hop["cap"], hop["don_vi"], hop["co_quan"]) == ("xa", "phong_hd", "Chủ tịch UBND xã")
        items = nom.apply_council(items, ["a", "b"], items, "xa")
        hop = nom.next_hop(school, items)  # further levels never fall back: the UBND tỉnh is outside
        assert (hop["cap"], hop["don_vi"]) == ("tinh", None)
