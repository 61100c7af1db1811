"""Recording a decision with the core flow's `record_decision` for lists that the seed processes build (a
Phòng's or Sở's list naming units by name, no school year in the case): the collective is the named unit,
not the case's; the school year is the decision date's."""

from __future__ import annotations

from engine.org import unit_by_code
from engine.registry.awards import search_awards
from engine.routing import nominations as nom


def test_a_phong_list_records_the_named_school_and_the_decision_dates_school_year(org):
    decision = {"so": "402/QĐ-PGD", "ngay": "2019-11-19", "co_quan": "Trưởng phòng GD&ĐT quận Hà Đông"}
    rows = [{"ma": "DN001", "loai": "tap_the", "ho_ten": "Trường Tiểu học Kim Đồng",
             "don_vi": "Trường Tiểu học Kim Đồng", "danh_hieu": "giay_khen", "trang_thai": "cho_quyet_dinh"},
            {"ma": "DN002", "loai": "ca_nhan", "ho_ten": "Nguyễn Thị Lan", "username": "gv_a1",
             "don_vi": "Trường Tiểu học Văn Yên", "danh_hieu": "giay_khen", "trang_thai": "cho_quyet_dinh"},
            {"ma": "DN003", "loai": "tap_the", "ho_ten": "Tổ Toán", "don_vi": "Không có trong tổ chức",
             "danh_hieu": "giay_khen", "trang_thai": "cho_quyet_dinh"}]
    with org.transaction() as session:
        phong = unit_by_code(session, "phong_hd")
        after = nom.record_decision(session, phong, rows, ["DN001", "DN002", "DN003"], decision, school_year="",
                                    deciding_unit="phong_hd", authority=None, instance_id=None)
        kim_dong = search_awards(session, None, unit="th_b")
        lan = search_awards(session, None, person="gv_a1")
        own = [a.school_year for a in search_awards(session, None, unit="phong_hd")
               if a.unit.code == "phong_hd" and a.person is None]
    assert [n["trang_thai"] for n in after] == ["da_khen"] * 3
    assert [(a.title_code, a.school_year, a.decision_number, a.deciding_authority) for a in kim_dong] == [
        ("giay_khen", "2019-2020", "402/QĐ-PGD", "Trưởng phòng GD&ĐT quận Hà Đông")]
    assert [(a.school_year, a.decision_number) for a in lan] == [("2019-2020", "402/QĐ-PGD")]
    assert own == ["2019-2020"]  # an unknown unit name: the case's unit
