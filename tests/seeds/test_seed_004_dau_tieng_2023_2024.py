"""Seed 004 (Kế hoạch 58/KH-PGDĐT, Phòng GDĐT Dầu Tiếng, năm học 2023-2024) over its whole year on the
virtual clock with the demo people: the three emulation blocks (17 MN-MG, 16 TH, 9 THCS schools) sign
their pacts in November and report at mid-year and year-end; schools register titles through the core
flow; the initiative council grades in March; the Ngành council meets 12-14/8/2024 and the provincial
proposals go up on 15/8/2024; every decision lands in the reward registry."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine.calendar.helpers import working_days_before
from engine.demo.form_data import form_data, honoree
from engine.models import Person, Unit
from engine.org_groups import group_members
from engine.runtime import tasks
from tests.seeds.support import World, at, hold_council, past_award

PLAN = "58/KH-PGDĐT"
BLOCKS = {"khoi_1_dt": 17, "khoi_2_dt": 16, "khoi_3_dt": 9}
CORE_DEADLINES = {"dang_ky": "nop_ho_so_dang_ky_thi_dua", "hop_xet_truong": "hop_tong_ket_truong",
                  "nop_ho_so": "nop_bao_cao_tong_ket_don_vi", "hop_xet_phong": "hop_xet_cuoi_nam_hoi_dong_nganh",
                  "khen_cao": "nop_ho_so_khen_thuong_cap_tinh"}
SCHOOLS = {"th_dt_01": "gv_th_dt_01_1", "thcs_dt_02": "gv_thcs_dt_02_1"}  # school → its teacher (and secretary)


def test_dau_tieng_school_year(product):
    world = World.start(product, "dau_tieng", PLAN, at(6, 11, 2023))
    with product.transaction() as session:
        members = {block: [u.code for u in group_members(session, block)] for block in BLOCKS}
        names = dict(session.execute(select(Person.username, Person.full_name)).all())
        unit_names = dict(session.execute(select(Unit.code, Unit.name)).all())
    assert {b: len(m) for b, m in members.items()} == BLOCKS
    for year in (2021, 2022):  # the CSTĐ tỉnh candidate's CSTĐ cơ sở; the third is proposed this year
        past_award(product, "gv_th_dt_01_1", "chien_si_thi_dua_co_so", year)

    # rows 1-2: registration before 11/11/2023 — the core flow's registration tasks, due at that milestone
    ldtt, cstd = ({"ma": code, "loai": "ca_nhan", "ho_ten": names["gv_th_dt_01_1"], "username": "gv_th_dt_01_1",
                   "danh_hieu": title, "xep_loai": "HTXSNV"}
                  for code, title in (("ld1", "lao_dong_tien_tien"), ("cs1", "chien_si_thi_dua_co_so")))
    core = {school: world.start_case("xet_thi_dua_nam_hoc", school, {
        "nam_hoc": "2023-2024", "ngay_ho_so": "2024-07-25", "moc_han": CORE_DEADLINES,
        "de_nghi": [ldtt, cstd] if school == "th_dt_01" else []}) for school in SCHOOLS}
    assert {t.due_at for c in core.values() for t in world.open_tasks(c)} == {at(11, 11, 2023, 0)}
    world.do(core["th_dt_01"], "dang_ky_ca_nhan", "gv_th_dt_01_1", {
        "ho_ten": names["gv_th_dt_01_1"], "danh_hieu": "chien_si_thi_dua_tinh", "nam_hoc": "2023-2024"})
    world.do(core["th_dt_01"], "dang_ky_tap_the", "ht_th_dt_01", {"tap_the": [
        {"ten_tap_the": "Tổ khối 5", "danh_hieu": "giay_khen", "thanh_tich": "Dẫn đầu phong trào của trường"}]})
    world.do(core["thcs_dt_02"], "dang_ky_tap_the", "ht_thcs_dt_02", {"tap_the": []})
    # row 3: each block's pact meeting in November 2023; every member school signs in its own unit
    blocks = {block: world.start_case("ky_ket_giao_uoc_khoi", block) for block in BLOCKS}
    world.walk(at(15, 11, 2023))
    # the THCS teacher registered late: reminded 3 working days before, the Phòng's leaders told after
    late_teacher = world.notifications("task_reminder", core["thcs_dt_02"])
    assert ("gv_thcs_dt_02_1", date.fromisoformat(working_days_before("2023-11-11T00:00:00+07:00", 3)[:10])) \
        in late_teacher
    assert ("ht_thcs_dt_02", date(2023, 11, 11)) in world.notifications("task_overdue", core["thcs_dt_02"])
    world.do(core["thcs_dt_02"], "dang_ky_ca_nhan", "gv_thcs_dt_02_1", {
        "ho_ten": names["gv_thcs_dt_02_1"], "danh_hieu": "lao_dong_tien_tien", "nam_hoc": "2023-2024"})
    for block, case in blocks.items():
        world.do(case, "hop_giao_uoc", f"ht_{members[block][0]}", form_data("giao_uoc_thi_dua", world.today()))
        signing = world.open_tasks(case, "ky_giao_uoc")
        assert sorted(world.holder_unit(t) for t in signing) == sorted(members[block])
        assert {t.role_code for t in signing} == {"hieu_truong"}
    world.walk(at(20, 11, 2023))
    laggard = members["khoi_2_dt"][-1]
    for case in blocks.values():
        for task in world.open_tasks(case, "ky_giao_uoc"):
            school = world.holder_unit(task)
            if school != laggard:
                tasks.complete(product, world.person(f"ht_{school}"), task.id, form_data("ky_giao_uoc", world.today()))
    world.walk(at(4, 12, 2023))
    reminder_day = date.fromisoformat(working_days_before("2023-12-01T00:00:00+07:00", 3)[:10])
    assert (f"ht_{laggard}", reminder_day) in world.notifications("task_reminder", blocks["khoi_2_dt"])
    assert ("tp_dt", date(2023, 12, 1)) in world.notifications("task_overdue", blocks["khoi_2_dt"])
    [last] = world.open_tasks(blocks["khoi_2_dt"], "ky_giao_uoc")
    tasks.complete(product, world.person(f"ht_{laggard}"), last.id, form_data("ky_giao_uoc", world.today()))
    assert [world.data(blocks[b])["so_da_ky"] for b in BLOCKS] == [17, 16, 9]

    # row 4: mid-year reports before 15/01/2024; block 3 is late and the Phòng's leaders are told that day
    world.walk(at(10, 1, 2024))
    for block in ("khoi_1_dt", "khoi_2_dt"):
        world.do(blocks[block], "so_ket", f"ht_{members[block][0]}", form_data("bao_cao_khoi", world.today()))
    world.walk(at(17, 1, 2024))
    assert world.notifications("task_escalated", blocks["khoi_3_dt"]) == [("tp_dt", date(2024, 1, 15))]
    assert world.notifications("task_escalated", blocks["khoi_1_dt"]) == []
    world.do(blocks["khoi_3_dt"], "so_ket", f"ht_{members['khoi_3_dt'][0]}", form_data("bao_cao_khoi", world.today()))

    # rows 5, 6, 8: initiatives graded at school (February), dossier by 01/3, the Ngành council 15-29/3/2024
    world.walk(at(1, 2, 2024))
    initiative = world.start_case("cham_sang_kien", "th_dt_01", {"moc": {
        "cap_truong": "nop_ho_so_sang_kien", "cap_nganh": "hoi_dong_danh_gia_sang_kien",
        "bao_cao": "hoi_dong_danh_gia_sang_kien"}})
    world.walk(at(26, 2, 2024))
    world.do(initiative, "cham_cap_truong", "ht_th_dt_01", form_data("ket_qua_cham_skkn", world.today()))
    assert len(world.data(initiative)["sang_kien_truong"]) == 1
    grading = world.task(initiative, "cham_cap_nganh")
    assert (world.holder_unit(grading), grading.role_code, grading.due_at) == \
        ("phong_dt", "thu_ky_hoi_dong", at(30, 3, 2024, 0))
    world.walk(at(20, 3, 2024))
    world.do(initiative, "cham_cap_nganh", "cv_dt", form_data("ket_qua_cham_skkn", world.today()))
    world.do(initiative, "bao_cao", "tp_dt", form_data("nop_ho_so", world.today()))
    assert world.status(initiative) == "completed"
    # row 7: Kỷ niệm chương dossiers to the Sở before 15/4/2024, through the Phòng
    world.walk(at(1, 4, 2024))
    medal = world.start_case("ho_so_de_nghi_len_so", "thcs_dt_02", {"moc_han": "nop_ho_so_ky_niem_chuong"})
    world.do(medal, "lap_ho_so", "ht_thcs_dt_02", {"danh_sach": [honoree(
        "ca_nhan", names["ht_thcs_dt_02"], unit_names["thcs_dt_02"], danh_hieu="ky_niem_chuong_vi_su_nghiep_giao_duc",
        thanh_tich="25 năm công tác trong ngành giáo dục")]})
    world.do(medal, "tong_hop_trinh_so", "cv_dt", form_data("nop_ho_so", world.today()))
    world.do(medal, "so_tiep_nhan", "cv_so_bd", form_data("tiep_nhan_ho_so", world.today()))
    assert world.status(medal) == "completed"

    # rows 10-11: Huy hiệu and “Đổi mới, sáng tạo” dossiers (31/5, 15/6); row 14: the Phòng's “Nhà giáo
    # tiêu biểu” nominations to the Sở before 30/7/2024
    world.walk(at(20, 5, 2024))
    badge = world.start_case("ho_so_de_nghi_len_so", "th_dt_01", {"moc_han": "nop_ho_so_huy_hieu"})
    innovation = world.start_case("ho_so_de_nghi_len_so", "thcs_dt_02", {"moc_han": "nop_ho_so_doi_moi_sang_tao"})
    assert (world.task(badge, "lap_ho_so").due_at, world.task(innovation, "lap_ho_so").due_at) == \
        (at(31, 5, 2024, 0), at(15, 6, 2024, 0))
    for case, school in ((badge, "th_dt_01"), (innovation, "thcs_dt_02")):
        world.do(case, "lap_ho_so", f"ht_{school}", {"danh_sach": [honoree(
            "ca_nhan", names[f"gv_{school}_1"], unit_names[school], danh_hieu="Huy hiệu “Vì sự nghiệp trồng người”")]})
        world.do(case, "tong_hop_trinh_so", "cv_dt", form_data("nop_ho_so", world.today()))
        world.do(case, "so_tiep_nhan", "cv_so_bd", form_data("tiep_nhan_ho_so", world.today()))
    teacher_of_year = world.start_case("bao_cao_len_so", "phong_dt", {"moc_han": "nop_ho_so_nha_giao_tieu_bieu"})
    assert world.task(teacher_of_year, "gui_so").due_at == at(30, 7, 2024, 0)

    # rows 12-13: school councils before 19/7/2024, dossiers to the Phòng before 30/7/2024
    world.walk(at(15, 7, 2024))
    known = [{k: v for k, v in n.items() if k != "username"} for n in (ldtt, cstd)]
    rows = {"th_dt_01": [*known, {"ma": "cn1", "loai": "ca_nhan", "ho_ten": names["gv_th_dt_01_1"],
                          "danh_hieu": "chien_si_thi_dua_tinh", "xep_loai": "HTXSNV", "pham_vi_sang_kien": "tinh"},
                         {"ma": "tt1", "loai": "tap_the", "ho_ten": "Tổ khối 5", "danh_hieu": "giay_khen"}],
            "thcs_dt_02": [{"ma": "cn1", "loai": "ca_nhan", "ho_ten": names["gv_thcs_dt_02_1"],
                            "danh_hieu": "lao_dong_tien_tien", "xep_loai": "HTTNV"}]}
    for school, teacher in SCHOOLS.items():
        consolidate = world.task(core[school], "tong_hop")
        assert consolidate.due_at == at(19, 7, 2024, 0) and consolidate.role_code == "thu_ky_hoi_dong"
        world.do(core[school], "tong_hop", teacher, {"de_nghi": rows[school]})
        hold_council(world, core[school], world.today())
    world.do(core["th_dt_01"], "quyet_dinh_truong", "ht_th_dt_01", form_data(
        "ghi_quyet_dinh", world.today(), so="12/QĐ-THTT", co_quan="Hiệu trưởng", nguoi_ky=names["ht_th_dt_01"]))
    world.walk(at(25, 7, 2024))
    for school in SCHOOLS:
        world.do(core[school], "lap_to_trinh", f"ht_{school}", {
            "so": f"20/TTr-{school}", "ngay": world.today().isoformat(), "kinh_gui": "Phòng GDĐT huyện Dầu Tiếng",
            "noi_dung": "Đề nghị công nhận danh hiệu thi đua năm học 2023-2024", "nguoi_ky": names[f"ht_{school}"]})
        world.do(core[school], "tiep_nhan", "cv_dt", form_data("tiep_nhan_ho_so", world.today()))

    world.do(teacher_of_year, "gui_so", "cv_dt", form_data("nop_ho_so", world.today(), noi_nhan="Sở GDĐT Bình Dương"))
    world.do(teacher_of_year, "so_tiep_nhan", "cv_so_bd", form_data("tiep_nhan_ho_so", world.today()))

    # row 15: each block's year-end report and award proposals before 14/8/2024; block 1 is late
    world.walk(at(12, 8, 2024))
    for block in ("khoi_2_dt", "khoi_3_dt"):
        first = unit_names[members[block][0]]
        world.do(blocks[block], "tong_ket", f"ht_{members[block][0]}",
                 {"danh_sach": [honoree("tap_the", first, first, danh_hieu="bang_khen_tinh")]})
        world.do(blocks[block], "tiep_nhan", "cv_dt", form_data("tiep_nhan_ho_so", world.today()))
    # row 16: the Ngành council meets 12-14/8/2024, one dossier a day; one member absent, voting in writing
    for school, day in (("th_dt_01", date(2024, 8, 13)), ("thcs_dt_02", date(2024, 8, 14))):
        world.walk(at(day.day, 8, 2024))
        meeting = hold_council(world, core[school], day, absent={"hd_dt_tv4": True})
        assert len(meeting["thanh_vien"]) == 6  # chair, secretary, four members
        minutes = world.data(core[school])["bien_ban"]
        assert (minutes["ngay_hop"], minutes["tong_thanh_vien"], minutes["so_co_mat"]) == (day.isoformat(), 6, 5)
    # row 17: the district's decision and the provincial proposal on 15/8/2024
    world.walk(at(15, 8, 2024))
    assert world.notifications("task_escalated", blocks["khoi_1_dt"]) == [("tp_dt", date(2024, 8, 14))]
    decision = {"so": "1520/QĐ-UBND", "ngay": "2024-08-15", "co_quan": "Chủ tịch UBND huyện Dầu Tiếng",
                "nguoi_ky": "Chủ tịch UBND huyện"}
    for school in ("thcs_dt_02", "th_dt_01"):  # the officer enters it, the Trưởng phòng approves it
        world.do(core[school], "quyet_dinh_cap", "cv_dt", decision)
        world.do(core[school], "duyet_qd_phong", "tp_dt", {"ket_qua_duyet": "dong_y"})
    world.do(core["th_dt_01"], "lap_to_trinh_len", "cv_dt", {
        "so": "45/TTr-PGDĐT", "ngay": "2024-08-15", "noi_dung": "Đề nghị tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
        "kinh_gui": "Thường trực Hội đồng Thi đua - Khen thưởng huyện (Phòng Nội vụ)", "nguoi_ky": "Tạ Tấn Tuấn"})
    assert world.data(core["th_dt_01"])["to_trinh"]["ngay"] == "2024-08-15"
    world.walk(at(20, 9, 2024))
    world.do(core["th_dt_01"], "nhap_quyet_dinh_ngoai", "cv_dt", {
        "so": "2150/QĐ-UBND", "ngay": "2024-09-18", "co_quan": "Chủ tịch UBND tỉnh Bình Dương",
        "nguoi_ky": "Chủ tịch UBND tỉnh"})
    first = unit_names[members["khoi_1_dt"][0]]
    world.do(blocks["khoi_1_dt"], "tong_ket", f"ht_{members['khoi_1_dt'][0]}",
             {"danh_sach": [honoree("tap_the", first, first, danh_hieu="bang_khen_tinh")]})
    world.do(blocks["khoi_1_dt"], "tiep_nhan", "cv_dt", form_data("tiep_nhan_ho_so", world.today()))

    cases = [*core.values(), *blocks.values(), initiative, medal, badge, innovation, teacher_of_year]
    assert [world.status(c) for c in cases] == ["completed"] * len(cases)
    assert world.awards("2023-2024") == sorted([
        ("chien_si_thi_dua_tinh", names["gv_th_dt_01_1"], "2023-2024", "2150/QĐ-UBND", "Chủ tịch UBND tỉnh Bình Dương"),
        ("chien_si_thi_dua_co_so", names["gv_th_dt_01_1"], "2023-2024", "1520/QĐ-UBND",
         "Chủ tịch UBND huyện Dầu Tiếng"),
        ("lao_dong_tien_tien", names["gv_th_dt_01_1"], "2023-2024", "1520/QĐ-UBND", "Chủ tịch UBND huyện Dầu Tiếng"),
        ("giay_khen", unit_names["th_dt_01"], "2023-2024", "12/QĐ-THTT", "Hiệu trưởng"),
        ("lao_dong_tien_tien", names["gv_thcs_dt_02_1"], "2023-2024", "1520/QĐ-UBND", "Chủ tịch UBND huyện Dầu Tiếng")])
