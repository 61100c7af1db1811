"""Seed 002 (Kế hoạch 85/KH-PGD&ĐT, Phòng GD&ĐT quận Hà Đông, năm 2019) month by month on the virtual clock
with the demo people: Kỷ niệm chương dossiers in February (a late school escalated), the initiative
(SKKN) grading councils in March-April with the report by 10/5, the year-end review on the core flow
`xet_thi_dua_nam_hoc` (2019 dossiers flagged for a manual check: no encoded rule set before 2024; schools'
councils in April, the tờ trình to the district council by 20/5, the Ngành council, the district's
decision in June, khen cao in July), the Phòng's dossiers
to the Sở by 30/5, the summary conference in August, next year's registration in October and the 20/11
rewards."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine.calendar.helpers import working_days_before
from engine.demo.cases import HA_DONG_CORE_DEADLINES
from engine.demo.form_data import form_data, honoree
from engine.models import Person, Unit
from tests.seeds.support import World, at, hold_council, task_data

PLAN = "85/KH-PGD&ĐT"
SCHOOLS = {"th_le_loi_hd": "gv_th_le_loi_hd_1", "thcs_van_yen": "gv_thcs_van_yen_1"}
DISTRICT = "Chủ tịch UBND quận Hà Đông"


def to_trinh(school: str) -> dict[str, str]:
    return {"so": f"15/TTr-{school}", "ngay": "2019-05-17", "kinh_gui": "Hội đồng Thi đua - Khen thưởng quận Hà Đông",
            "noi_dung": "Đề nghị công nhận danh hiệu thi đua năm học 2018-2019", "nguoi_ky": "Hiệu trưởng"}


def test_ha_dong_2019_month_by_month(product):
    world = World.start(product, "ha_dong", PLAN, at(24, 1, 2019))
    with product.transaction() as session:
        names = dict(session.execute(select(Person.username, Person.full_name)).all())
        units = dict(session.execute(select(Unit.code, Unit.name)).all())

    # 01-02/2019: Kỷ niệm chương dossiers, the Phòng aggregates and sends them to the Sở
    medals = {s: world.start_case("ho_so_de_nghi_len_so", s, {"moc_han": "cac_don_vi_gui_ho_so"}) for s in SCHOOLS}
    assert world.task(medals["th_le_loi_hd"], "lap_ho_so").due_at == at(1, 3, 2019, 0)
    world.walk(at(25, 2, 2019))
    world.do(medals["th_le_loi_hd"], "lap_ho_so", "ht_th_le_loi_hd", {"danh_sach": [honoree(
        "ca_nhan", names["ht_th_le_loi_hd"], units["th_le_loi_hd"], danh_hieu="ky_niem_chuong_vi_su_nghiep_giao_duc",
        thanh_tich="22 năm công tác liên tục trong ngành")]})
    world.walk(at(4, 3, 2019))
    reminder_day = date.fromisoformat(working_days_before("2019-03-01T00:00:00+07:00", 3)[:10])
    assert ("ht_thcs_van_yen", reminder_day) in world.notifications("task_reminder", medals["thcs_van_yen"])
    assert sorted(world.notifications("task_escalated", medals["thcs_van_yen"])) == \
        [("ld_phong", date(2019, 3, 1)), ("tp_hd", date(2019, 3, 1))]
    world.do(medals["thcs_van_yen"], "lap_ho_so", "ht_thcs_van_yen", {"danh_sach": [honoree(
        "ca_nhan", names["ht_thcs_van_yen"], units["thcs_van_yen"], danh_hieu="ky_niem_chuong_vi_su_nghiep_giao_duc")]})
    for case in medals.values():
        world.do(case, "tong_hop_trinh_so", "cv_phong", form_data("nop_ho_so", world.today()))
        world.do(case, "so_tiep_nhan", "cv_so_hn", form_data("tiep_nhan_ho_so", world.today()))

    # the year-end review runs on the core flow (xet_thi_dua_nam_hoc), one case per school, on the plan's
    # milestones; the 2019 dossiers predate the encoded rule sets (Luật 2022), so each nomination is flagged
    # for a manual check instead of being refused
    lan, yen = names["gv_th_le_loi_hd_1"], names["gv_thcs_van_yen_1"]
    year_end = {school: world.start_case("xet_thi_dua_nam_hoc", school, {
        "nam_hoc": "2018-2019", "ngay_ho_so": "2019-04-25", "moc_han": HA_DONG_CORE_DEADLINES,
        "ds_giao_vien": [{"username": teacher, "ho_ten": names[teacher]}]}) for school, teacher in SCHOOLS.items()}
    assert {t.due_at for c in year_end.values() for t in world.open_tasks(c)} == {at(1, 5, 2019, 0)}

    # 03-05/2019: SKKN councils — the school's in March, the Ngành's in April, the report before 10/5
    skkn = world.start_case("cham_sang_kien", "th_le_loi_hd", {"moc": {
        "cap_truong": "cac_don_vi_thanh_lap_hoi", "cap_nganh": "thanh_lap_hoi_dong_cham_skkn",
        "bao_cao": "bao_cao_hoi_dong_kh_skkn"}})
    world.walk(at(28, 3, 2019))
    world.do(skkn, "cham_cap_truong", "ht_th_le_loi_hd", form_data("ket_qua_cham_skkn", world.today()))
    world.walk(at(25, 4, 2019))
    # 04/2019: registrations, each school's consolidation (the secretary sees the manual-check flags) and council
    rows = {"th_le_loi_hd": [
        {"ma": "cn1", "loai": "ca_nhan", "ho_ten": lan, "danh_hieu": "lao_dong_tien_tien", "xep_loai": "HTXSNV"},
        {"ma": "cs1", "loai": "ca_nhan", "ho_ten": lan, "danh_hieu": "chien_si_thi_dua_co_so", "xep_loai": "HTXSNV"},
        {"ma": "ct1", "loai": "ca_nhan", "ho_ten": lan, "danh_hieu": "chien_si_thi_dua_tinh", "xep_loai": "HTXSNV"}],
        "thcs_van_yen": [
        {"ma": "cn1", "loai": "ca_nhan", "ho_ten": yen, "danh_hieu": "lao_dong_tien_tien", "xep_loai": "HTTNV"},
        {"ma": "tt1", "loai": "tap_the", "ho_ten": units["thcs_van_yen"],
         "danh_hieu": "tap_the_lao_dong_tien_tien"}]}
    for school, teacher in SCHOOLS.items():
        world.do(year_end[school], "dang_ky_ca_nhan", teacher, {
            "ho_ten": names[teacher], "danh_hieu": "lao_dong_tien_tien", "nam_hoc": "2018-2019"})
        world.do(year_end[school], "dang_ky_tap_the", f"ht_{school}", {"tap_the": []})
        consolidate = world.task(year_end[school], "tong_hop")
        assert consolidate.due_at == at(1, 5, 2019, 0)
        shown = task_data(world.db, consolidate)["de_nghi"]
        assert [(n["hop_le"], n["ly_do"]) for n in shown] == \
            [(True, "Không có bộ tiêu chí cho ngày 25/04/2019: kiểm tra thủ công")] * len(shown)
        world.do(year_end[school], "tong_hop", teacher, {"de_nghi": rows[school]})
        checked = world.data(year_end[school])["de_nghi"]
        assert all(n["hop_le"] and n["kiem_tra_thu_cong"] for n in checked), checked
        hold_council(world, year_end[school], world.today())
    world.do(skkn, "cham_cap_nganh", "cv_phong", form_data("ket_qua_cham_skkn", world.today()))
    assert world.task(skkn, "bao_cao").due_at == at(10, 5, 2019, 0)
    world.walk(at(8, 5, 2019))
    world.do(skkn, "bao_cao", "tp_hd", form_data("nop_ho_so", world.today()))

    # 05/2019: the tờ trình to the district council before 20/5; THCS Văn Yên's is late: its principal is
    # reminded 3 working days before and told on 20/5 that it is overdue
    world.walk(at(17, 5, 2019))
    world.do(year_end["th_le_loi_hd"], "lap_to_trinh", "ht_th_le_loi_hd", to_trinh("th_le_loi_hd"))
    submit = world.task(year_end["thcs_van_yen"], "lap_to_trinh")
    assert (submit.due_at, submit.role_code) == (at(20, 5, 2019, 0), "hieu_truong")
    world.walk(at(21, 5, 2019))
    reminder_day = date.fromisoformat(working_days_before("2019-05-20T00:00:00+07:00", 3)[:10])
    assert ("ht_thcs_van_yen", reminder_day) in world.notifications("task_reminder", year_end["thcs_van_yen"])
    assert ("ht_thcs_van_yen", date(2019, 5, 20)) in world.notifications("task_overdue", year_end["thcs_van_yen"])
    world.do(year_end["thcs_van_yen"], "lap_to_trinh", "ht_thcs_van_yen", to_trinh("thcs_van_yen"))
    for case in year_end.values():
        world.do(case, "tiep_nhan", "cv_phong", form_data("tiep_nhan_ho_so", world.today()))
    # the Ngành council (the Phòng's) on each dossier: five members, one absent without a written vote; the
    # thresholds in force on 23/5/2019 (council's rule table) pass 4/5; two vote against the collective (2/5)
    world.walk(at(23, 5, 2019))
    no = {"th_le_loi_hd": set(), "thcs_van_yen": {"bs1"}}  # a row added at consolidation gets code bs<n>
    against = {school: {"hd_hd_tv1": no[school], "hd_hd_tv2": no[school]} for school in SCHOOLS}
    for school in SCHOOLS:
        meeting = hold_council(world, year_end[school], world.today(), absent={"hd_hd_tv3": False},
                               against=against[school])
        assert len(meeting["thanh_vien"]) == 5
        assert world.data(year_end[school])["bien_ban"]["du_so_luong"] is True
    assert [k["dat"] for k in world.data(year_end["thcs_van_yen"])["ket_qua_hop_xet"]] == [True, False]
    # the Phòng's dossiers and self-assessment to the Sở before 30/5/2019
    report = world.start_case("bao_cao_len_so", "phong_hd", {"moc_han": "hoan_thien_ho_so_thi_dua"})
    world.walk(at(28, 5, 2019))
    world.do(report, "gui_so", "cv_phong", form_data("nop_ho_so", world.today(), noi_nhan="Sở GD&ĐT Hà Nội"))
    world.do(report, "so_tiep_nhan", "cv_so_hn", form_data("tiep_nhan_ho_so", world.today()))
    # 06/2019: the district's decision, entered by the Phòng's officer (due by the end of June), approved by
    # the Trưởng phòng; 07/2019: the khen cao dossier for the CSTĐ tỉnh (due by the end of July)
    world.walk(at(14, 6, 2019))
    for school in SCHOOLS:
        assert world.task(year_end[school], "quyet_dinh_cap").due_at == at(1, 7, 2019, 0)
        world.do(year_end[school], "quyet_dinh_cap", "cv_phong", {
            "so": "2456/QĐ-UBND", "ngay": "2019-06-12", "co_quan": DISTRICT, "nguoi_ky": "Chủ tịch UBND quận"})
        world.do(year_end[school], "duyet_qd_phong", "tp_hd", {"ket_qua_duyet": "dong_y"})
    assert world.status(year_end["thcs_van_yen"]) == "completed"
    assert world.task(year_end["th_le_loi_hd"], "lap_to_trinh_len").due_at == at(1, 8, 2019, 0)
    world.walk(at(10, 7, 2019))
    world.do(year_end["th_le_loi_hd"], "lap_to_trinh_len", "cv_phong", {
        "so": "88/TTr-PGD", "ngay": world.today().isoformat(), "kinh_gui": "UBND thành phố Hà Nội",
        "noi_dung": "Đề nghị tặng danh hiệu Chiến sĩ thi đua cấp thành phố", "nguoi_ky": "Phạm Thị Lệ Hằng"})
    # 08/2019: the city's decision on the khen cao; the summary conference commends the best collectives
    world.walk(at(20, 8, 2019))
    world.do(year_end["th_le_loi_hd"], "nhap_quyet_dinh_ngoai", "cv_phong", {
        "so": "4521/QĐ-UBND", "ngay": "2019-08-15", "co_quan": "Chủ tịch UBND thành phố Hà Nội",
        "nguoi_ky": "Chủ tịch UBND thành phố"})
    assert world.status(year_end["th_le_loi_hd"]) == "completed"
    summary = world.start_case("bieu_duong_khen_thuong", "phong_hd", {
        "nam_hoc": "2018-2019", "moc": {"khen_thuong": "to_chuc_hoi_nghi_tong_ket"}})
    world.do(summary, "lap_danh_sach", "cv_phong", {"danh_sach": [
        honoree("tap_the", units[s], units[s]) for s in SCHOOLS]})
    world.do(summary, "quyet_dinh", "tp_hd", form_data("ghi_quyet_dinh", world.today(), so="310/QĐ-PGD",
                                                      co_quan="Trưởng phòng GD&ĐT quận Hà Đông",
                                                      nguoi_ky="Phạm Thị Lệ Hằng"))

    # 10/2019: next year's registration through the core flow, due by the end of October
    world.walk(at(1, 10, 2019), step="1w")
    next_year = world.start_case("xet_thi_dua_nam_hoc", "th_le_loi_hd", {
        "nam_hoc": "2019-2020", "moc_han": {"dang_ky": "cac_don_vi_gui_ban_dang"}})
    assert {t.due_at for t in world.open_tasks(next_year)} == {at(1, 11, 2019, 0)}
    world.walk(at(4, 11, 2019))
    assert ("ht_th_le_loi_hd", date(2019, 11, 1)) in world.notifications("task_overdue", next_year)
    world.do(next_year, "dang_ky_ca_nhan", "gv_th_le_loi_hd_1", {
        "ho_ten": names["gv_th_le_loi_hd_1"], "danh_hieu": "lao_dong_tien_tien", "nam_hoc": "2019-2020"})
    world.do(next_year, "dang_ky_tap_the", "ht_th_le_loi_hd", {"tap_the": []})
    # 11/2019: rewards on the Vietnamese Teachers' Day (20/11)
    world.walk(at(15, 11, 2019))
    teachers_day = world.start_case("bieu_duong_khen_thuong", "phong_hd", {
        "moc": {"khen_thuong": "khen_thuong_cac_tap_the_va"}})
    world.do(teachers_day, "lap_danh_sach", "cv_phong", {"danh_sach": [
        honoree("ca_nhan", names["gv_thcs_van_yen_1"], units["thcs_van_yen"])]})
    world.walk(at(19, 11, 2019))
    world.do(teachers_day, "quyet_dinh", "tp_hd", form_data("ghi_quyet_dinh", world.today(), so="402/QĐ-PGD",
                                                           co_quan="Trưởng phòng GD&ĐT quận Hà Đông",
                                                           nguoi_ky="Phạm Thị Lệ Hằng"))

    done = [*medals.values(), skkn, *year_end.values(), report, summary, teachers_day]
    assert [world.status(c) for c in done] == ["completed"] * len(done)
    assert world.status(next_year) == "running"  # the 2019-2020 year goes on
    phong = "Trưởng phòng GD&ĐT quận Hà Đông"
    assert world.awards("2018-2019") == sorted([
        ("chien_si_thi_dua_co_so", lan, "2018-2019", "2456/QĐ-UBND", DISTRICT),
        ("chien_si_thi_dua_tinh", lan, "2018-2019", "4521/QĐ-UBND", "Chủ tịch UBND thành phố Hà Nội"),
        ("giay_khen", units["th_le_loi_hd"], "2018-2019", "310/QĐ-PGD", phong),
        ("giay_khen", units["thcs_van_yen"], "2018-2019", "310/QĐ-PGD", phong),
        ("lao_dong_tien_tien", lan, "2018-2019", "2456/QĐ-UBND", DISTRICT),
        ("lao_dong_tien_tien", yen, "2018-2019", "2456/QĐ-UBND", DISTRICT)])
    assert world.awards("2019-2020") == [("giay_khen", yen, "2019-2020", "402/QĐ-PGD", phong)]
