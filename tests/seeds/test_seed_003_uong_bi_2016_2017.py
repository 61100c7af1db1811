"""Seed 003 (Phòng GD&ĐT Uông Bí, phong trào “Đổi mới, sáng tạo trong dạy và học”, năm học 2016-2017) over
its school year on the virtual clock with the demo people: every school registers its innovations (Mẫu gợi
ý số 1) and its “Nhà giáo cùng nhau phát triển” groups (Mẫu số 2) by 05/11/2016 (a late school escalated,
a registration sent back once), the 20/11 talk, the commendation at the end of term I (registry), the
evaluation in May-June 2017 and the Phòng's summary in August 2017."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine.demo.form_data import form_data, honoree
from engine.models import Person, Unit
from tests.seeds.support import World, at

PLAN = "…/KH-PGD&ĐT"
SCHOOLS = ["mn_ub_hoa_hong", "th_ub_quang_trung", "th_ub_bac_son", "thcs_ub_nguyen_trai", "thcs_ub_yen_thanh"]
LATE, SENT_BACK = "thcs_ub_yen_thanh", "th_ub_bac_son"


def register(world: World, case: int, school: str) -> None:
    head = f"gv_{school}_1"  # tổ trưởng chuyên môn
    world.do(case, "dang_ky_mau_1", head, form_data("mau_1_dang_ky_doi_moi", world.today()))
    world.do(case, "dang_ky_mau_2", head, form_data("mau_2_nhom_nha_giao", world.today()))


def test_uong_bi_innovation_movement(product):
    world = World.start(product, "uong_bi", PLAN, at(3, 10, 2016))
    with product.transaction() as session:
        names = dict(session.execute(select(Person.username, Person.full_name)).all())
        units = dict(session.execute(select(Unit.code, Unit.name)).all())
    cases = {s: world.start_case("doi_moi_sang_tao_truong", s) for s in SCHOOLS}
    first = world.open_tasks(cases[LATE])
    assert sorted(t.name for t in first) == ["dang_ky_mau_1", "dang_ky_mau_2"]
    assert {(t.role_code, t.due_at) for t in first} == {("to_truong", at(6, 11, 2016, 0))}

    world.walk(at(2, 11, 2016))
    for school, case in cases.items():
        if school != LATE:
            register(world, case, school)
    world.do(cases[SENT_BACK], "duyet", f"ht_{SENT_BACK}", {"ket_qua": "tra_lai", "y_kien": "Bổ sung mục tiêu"})
    assert sorted(t.name for t in world.open_tasks(cases[SENT_BACK])) == ["dang_ky_mau_1", "dang_ky_mau_2"]
    register(world, cases[SENT_BACK], SENT_BACK)
    for school, case in cases.items():
        if school != LATE:
            world.do(case, "duyet", f"ht_{school}", form_data("duyet_dang_ky", world.today()))
            assert world.data(case)["mau_1"][0]["linh_vuc_doi_moi"] == "Phương pháp giảng dạy"
    # 05/11/2016 is the last day: the late school's leaders at the Phòng are told on Sunday 06/11
    world.walk(at(8, 11, 2016))
    assert world.notifications("task_escalated", cases[LATE]) == [("tp_ub", date(2016, 11, 6))]
    assert all(world.notifications("task_escalated", c) == [] for s, c in cases.items() if s != LATE)
    register(world, cases[LATE], LATE)
    world.do(cases[LATE], "duyet", f"ht_{LATE}", form_data("duyet_dang_ky", world.today()))

    # 11/2016: the talk around 20/11
    world.walk(at(21, 11, 2016))
    for school, case in cases.items():
        assert world.task(case, "toa_dam").due_at == at(1, 12, 2016, 0)
        world.do(case, "toa_dam", f"ht_{school}", form_data("bao_cao_hoi_nghi", world.today()))
    # 12/2016-01/2017: the schools' and the Phòng's commendations at the end of term I
    world.walk(at(10, 1, 2017))
    for school, case in cases.items():
        world.do(case, "bieu_duong", f"ht_{school}", {"danh_sach": [
            honoree("ca_nhan", names[f"gv_{school}_1"], units[school], thanh_tich="Dạy học theo góc hiệu quả")]})
    mid_year = world.start_case("bieu_duong_khen_thuong", "phong_ub", {
        "nam_hoc": "2016-2017", "moc": {"khen_thuong": "bieu_duong_so_ket_hoc_ky_1"}})
    world.do(mid_year, "lap_danh_sach", "cv_ub", {"danh_sach": [
        honoree("ca_nhan", names[f"gv_{s}_1"], units[s]) for s in SCHOOLS[:3]] + [
        honoree("tap_the", units["thcs_ub_nguyen_trai"], units["thcs_ub_nguyen_trai"])]})
    world.walk(at(16, 1, 2017))
    world.do(mid_year, "quyet_dinh", "tp_ub", form_data("ghi_quyet_dinh", world.today(), so="15/QĐ-PGDĐT",
                                                       co_quan="Trưởng phòng GD&ĐT thành phố Uông Bí",
                                                       nguoi_ky="Phan Hồng Anh"))
    # 05-06/2017: the evaluation opens on 01/05 (not before)
    world.walk(at(30, 4, 2017), step="1w")
    assert all(world.open_tasks(c) == [] for c in cases.values())
    world.walk(at(5, 6, 2017))
    for school, case in cases.items():
        assert world.task(case, "danh_gia").due_at == at(1, 7, 2017, 0)
        world.do(case, "danh_gia", f"ht_{school}", form_data("danh_gia_doi_moi", world.today()))
    # 08/2017: the Phòng's summary in the school year's closing conference
    world.walk(at(25, 8, 2017), step="1w")
    for case in cases.values():
        summary = world.task(case, "tong_ket")
        assert (world.holder_unit(summary), summary.due_at) == ("phong_ub", at(1, 9, 2017, 0))
        world.do(case, "tong_ket", "cv_ub", form_data("bao_cao_hoi_nghi", world.today()))
    assert [world.status(c) for c in [*cases.values(), mid_year]] == ["completed"] * 6
    awards = world.awards("2016-2017")
    assert len(awards) == 4 and {(a[0], a[3], a[4]) for a in awards} == {
        ("giay_khen", "15/QĐ-PGDĐT", "Trưởng phòng GD&ĐT thành phố Uông Bí")}
