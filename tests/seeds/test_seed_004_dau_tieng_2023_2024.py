"""Seed 004 (Kế hoạch 58/KH-PGDĐT, Phòng GDĐT Dầu Tiếng, năm học 2023-2024) over its whole year on the
virtual clock: the three emulation blocks (17 MN-MG, 16 TH, 9 THCS schools) sign their pacts, report at
mid-year and year-end; schools register; the initiative council grades; the Ngành council meets
12-14/8/2024 and the provincial proposals go up on 15/8/2024; the province's decision is recorded."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine.calendar.helpers import working_days_before
from engine.demo.form_data import form_data, honoree, votes
from engine.models import Person, Unit
from engine.org_groups import group_members
from engine.runtime import tasks
from tests.seeds.support import World, at

PLAN = "58/KH-PGDĐT"
BLOCKS = {"khoi_1_dt": 17, "khoi_2_dt": 16, "khoi_3_dt": 9}


def test_dau_tieng_school_year(product):
    world = World.start(product, "dau_tieng", PLAN, at(6, 11, 2023))
    with product.transaction() as session:
        members = {block: [u.code for u in group_members(session, block)] for block in BLOCKS}
        names = dict(session.execute(select(Person.username, Person.full_name)).all())
        unit_names = dict(session.execute(select(Unit.code, Unit.name)).all())
    assert {b: len(m) for b, m in members.items()} == BLOCKS

    # rows 1-2: registration due before 11/11/2023 (the plan's pattern process: remind, then escalate)
    on_time = world.start_case("mau_nhac_han_leo_thang", "th_dt_01", {"moc_han": "nop_ho_so_dang_ky_thi_dua"})
    late = world.start_case("mau_nhac_han_leo_thang", "mn_dt_05", {"moc_han": "nop_ho_so_dang_ky_thi_dua"})
    world.do(on_time, "nop_ho_so", "ht_th_dt_01", {})
    # row 3: each block's pact meeting in November 2023, every member school signs
    blocks = {block: world.start_case("ky_ket_giao_uoc_khoi", block) for block in BLOCKS}
    world.walk(at(15, 11, 2023))
    assert [(u, d) for u, d in world.notifications("task_escalated", late)] == [("tp_dt", date(2023, 11, 11))]
    for block, case in blocks.items():
        head = f"ht_{members[block][0]}"
        world.do(case, "hop_giao_uoc", head, form_data("giao_uoc_thi_dua", world.today()))
        signing = world.open_tasks(case, "ky_giao_uoc")
        assert sorted(world.holder_unit(t) for t in signing) == sorted(members[block])
        assert {t.role_code for t in signing} == {"hieu_truong"}
    world.walk(at(20, 11, 2023))
    laggard = members["khoi_2_dt"][-1]
    for block, case in blocks.items():
        for school in members[block]:
            if school != laggard:
                task = next(t for t in world.open_tasks(case, "ky_giao_uoc") if world.holder_unit(t) == school)
                tasks.complete(product, world.person(f"ht_{school}"), task.id, form_data("ky_giao_uoc", world.today()))
    world.walk(at(4, 12, 2023))
    reminder_day = date.fromisoformat(working_days_before("2023-12-01T00:00:00+07:00", 3)[:10])
    assert (f"ht_{laggard}", reminder_day) in world.notifications("task_reminder", blocks["khoi_2_dt"])
    assert ("tp_dt", date(2023, 12, 1)) in world.notifications("task_overdue", blocks["khoi_2_dt"])
    [last] = world.open_tasks(blocks["khoi_2_dt"], "ky_giao_uoc")
    tasks.complete(product, world.person(f"ht_{laggard}"), last.id, form_data("ky_giao_uoc", world.today()))
    assert world.data(blocks["khoi_2_dt"])["so_da_ky"] == 16
    # row 4: mid-year reports before 15/01/2024; block 3 is late and the Phòng's leaders are told that day
    world.walk(at(10, 1, 2024))
    for block in ("khoi_1_dt", "khoi_2_dt"):
        world.do(blocks[block], "so_ket", f"ht_{members[block][0]}", form_data("bao_cao_khoi", world.today()))
    world.walk(at(17, 1, 2024))
    assert world.notifications("task_escalated", blocks["khoi_3_dt"]) == [("tp_dt", date(2024, 1, 15))]
    assert world.notifications("task_escalated", blocks["khoi_1_dt"]) == []
    world.do(blocks["khoi_3_dt"], "so_ket", f"ht_{members['khoi_3_dt'][0]}", form_data("bao_cao_khoi", world.today()))

    # rows 5, 6, 8: initiatives graded at school (February), dossiers by 01/3, the Ngành council 15-29/3/2024
    world.walk(at(1, 2, 2024))
    moc = {"cap_truong": "nop_ho_so_sang_kien", "cap_nganh": "hoi_dong_danh_gia_sang_kien",
           "bao_cao": "hoi_dong_danh_gia_sang_kien"}
    initiative = world.start_case("cham_sang_kien", "th_dt_01", {"moc": moc})
    world.walk(at(26, 2, 2024))
    world.do(initiative, "cham_cap_truong", "ht_th_dt_01", form_data("ket_qua_cham_skkn", world.today()))
    assert len(world.data(initiative)["sang_kien_truong"]) == 1
    grading = world.task(initiative, "cham_cap_nganh")
    assert world.holder_unit(grading) == "phong_dt" and grading.role_code == "thu_ky_hoi_dong"
    world.walk(at(20, 3, 2024))
    world.do(initiative, "cham_cap_nganh", "cv_dt", form_data("ket_qua_cham_skkn", world.today()))
    world.do(initiative, "bao_cao", "tp_dt", form_data("nop_ho_so", world.today()))
    assert world.status(initiative) == "completed"

    # rows 13, 15-17: year-end — blocks' reports by 14/8, council 12-14/8, provincial proposals on 15/8/2024
    world.walk(at(22, 7, 2024))
    year_end = world.start_case("xet_thi_dua_cuoi_nam", "phong_dt", {
        "nam_hoc": "2023-2024", "danh_hieu_mac_dinh": "chien_si_thi_dua_tinh",
        "moc": {"tong_hop": "nop_bao_cao_tong_ket_khoi", "hop": "hop_xet_cuoi_nam_hoi_dong_nganh",
                "trinh": "nop_ho_so_khen_thuong_cap_tinh"}})
    world.walk(at(12, 8, 2024))
    for block, case in blocks.items():
        head = f"ht_{members[block][0]}"
        first = unit_names[members[block][0]]
        world.do(case, "tong_ket", head, {"danh_sach": [honoree("tap_the", first, first, danh_hieu="bang_khen_tinh")]})
        world.do(case, "tiep_nhan", "cv_dt", form_data("tiep_nhan_ho_so", world.today()))
        assert world.status(case) == "completed"
    best, second = names["gv_th_dt_01_1"], names["gv_thcs_dt_02_1"]
    world.do(year_end, "tong_hop", "cv_dt", {"danh_sach": [
        honoree("ca_nhan", best, unit_names["th_dt_01"], chuc_vu="Giáo viên"),
        honoree("ca_nhan", second, unit_names["thcs_dt_02"], chuc_vu="Giáo viên"),
        honoree("tap_the", unit_names["mn_dt_01"], unit_names["mn_dt_01"], danh_hieu="bang_khen_tinh")]})
    de_nghi = world.data(year_end)["de_nghi"]
    assert [d["danh_hieu"] for d in de_nghi] == ["chien_si_thi_dua_tinh", "chien_si_thi_dua_tinh", "bang_khen_tinh"]
    meeting = world.task(year_end, "hop_hoi_dong")
    assert meeting.due_at == at(15, 8, 2024, 0)
    world.walk(at(14, 8, 2024))
    # 6 members, 5 present, 1 written vote: 6/6 ≥ 90 %, 5/6 < 90 %, 4/6 ≥ 50 %
    world.do(year_end, "hop_hoi_dong", "cv_dt", votes(de_nghi, 6, 5, {"DN001": 6, "DN002": 5, "DN003": 4},
                                                      day=world.today()))
    result = world.data(year_end)
    assert [k["dat"] for k in result["ket_qua_hop_xet"]] == [True, False, True]
    assert result["bien_ban"]["du_so_luong"] and result["bien_ban"]["ngay_hop"] == "2024-08-14"
    world.walk(at(15, 8, 2024))
    world.do(year_end, "trinh", "tp_dt", form_data("trinh_cap_tren", world.today(),
                                                  kinh_gui="Thường trực Hội đồng Thi đua - Khen thưởng huyện"))
    assert world.data(year_end)["to_trinh"]["ngay"] == "2024-08-15"
    assert world.notifications("task_escalated", year_end) == []
    world.walk(at(20, 9, 2024))
    world.do(year_end, "nhan_quyet_dinh", "tp_dt", form_data("ghi_quyet_dinh", world.today(), so="2150/QĐ-UBND",
                                                            co_quan="Chủ tịch UBND tỉnh Bình Dương"))
    assert world.status(year_end) == "completed"
    awards = [(a.title_code, a.person_name, a.school_year, a.decision_number, a.deciding_authority)
              for a in world.awards()]
    assert awards == [
        ("chien_si_thi_dua_tinh", best, "2023-2024", "2150/QĐ-UBND", "Chủ tịch UBND tỉnh Bình Dương"),
        ("bang_khen_tinh", None, "2023-2024", "2150/QĐ-UBND", "Chủ tịch UBND tỉnh Bình Dương")]

