"""Cases in flight under each of the five seed plans, for `tdkt demo` / `make run`.

Each plan gets cases of its seed processes at various steps: the demo people have done some of their
tasks (with the sample data of engine.demo.form_data), others wait in their inboxes. The plans are
historical, so on the real clock their deadlines have passed: the first scheduler sweep sends the
overdue notices and escalations, as it would after a long downtime.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from engine import clock
from engine.assignment import candidate_person_ids
from engine.db import Database
from engine.demo.base import PEOPLE, UNITS
from engine.demo.core_flow import advance, answers
from engine.demo.form_data import form_data, honoree, model_row
from engine.demo.organisation import DT_BLOCKS, seed_seed_organisation
from engine.models import HumanTask, Instance, Person, Plan, Unit
from engine.runtime import tasks
from engine.runtime.instances import start_instance


class _Demo:
    def __init__(self, db: Database) -> None:
        self.db = db
        with db.transaction() as session:
            self.plans = dict(session.execute(select(Plan.number, Plan.id)).all())
            self.names = dict(session.execute(select(Person.username, Person.full_name)).all())
            self.units = dict(session.execute(select(Unit.code, Unit.name)).all())

    def start(self, plan: str, key: str, unit: str, data: dict[str, Any] | None = None) -> int:
        return start_instance(self.db, None, key, unit, data=data, plan_id=self.plans[plan]).id

    def open(self, case: int, name: str) -> list[HumanTask]:
        with self.db.transaction() as session:
            return list(session.scalars(select(HumanTask).where(
                HumanTask.instance_id == case, HumanTask.name == name, HumanTask.status == "ready")
                .order_by(HumanTask.id)))

    @staticmethod
    def complete_as(db: Database, username: str, case: int, name: str, data: dict[str, Any]) -> None:
        with db.transaction() as session:
            actor = session.scalar(select(Person.id).where(Person.username == username))
            task = session.scalar(select(HumanTask.id).where(
                HumanTask.instance_id == case, HumanTask.name == name, HumanTask.status == "ready"))
        assert actor is not None and task is not None, (username, case, name)
        tasks.complete(db, actor, task, data)

    def do(self, case: int, name: str, data: dict[str, Any], count: int = 1) -> None:
        """The holders of the first `count` open tasks `name` of the case complete them with `data`."""
        for task in self.open(case, name)[:count]:
            actor = task.assignee_id
            if actor is None:
                with self.db.transaction() as session:
                    actor = min(candidate_person_ids(session, task.role_code, task.unit_id))
            tasks.complete(self.db, actor, task.id, data)


def _ha_noi(d: _Demo, day: date) -> None:
    plan = "…/KH-SGDĐT"
    for step, school in enumerate(["thpt_phan_dinh_phung", "thpt_viet_duc", "thpt_le_quy_don_hd"]):
        case = d.start(plan, "hoi_nghi_dien_hinh_co_so", school)
        if step >= 1:
            d.do(case, "to_chuc_hoi_nghi", form_data("bao_cao_hoi_nghi", day))
        if step >= 2:
            d.do(case, "gui_danh_sach", {"danh_sach": [honoree(
                "ca_nhan", d.names[f"gv_{school}_1"], d.units[school], danh_hieu="Chiến sỹ thi đua toàn quốc")]})
    for step, (cluster, head, other) in enumerate([("cum_thpt_1", "thpt_phan_dinh_phung", "thpt_tay_ho"),
                                                   ("cum_thpt_2", "thpt_viet_duc", "thpt_thang_long"),
                                                   ("cum_thpt_3", "thpt_le_quy_don_hd", "thpt_x")]):
        case = d.start(plan, "xet_chon_dien_hinh_cum", cluster)
        if step >= 1:
            person = "gv_x1" if other == "thpt_x" else f"gv_{other}_1"
            d.do(case, "de_xuat", {"danh_sach": [honoree("tap_the", d.units[head], d.units[head]),
                                                 honoree("ca_nhan", d.names[person], d.units[other])]})
            d.do(case, "bieu_quyet", {"tan_thanh": True}, count=2 if step == 1 else 3)
    synthesis = d.start(plan, "tong_hop_hoi_nghi_nganh", "so_hn")
    d.do(synthesis, "tong_hop", {"danh_sach": [honoree(
        "ca_nhan", d.names["gv_thpt_viet_duc_1"], d.units["thpt_viet_duc"], danh_hieu="Chiến sỹ thi đua toàn quốc")]})
    advance(d.db, synthesis, "bo_phieu", "so_hn", answers(d.units["so_hn"], "2019-2020", []))  # the Ngành council


def _hoc_mon(d: _Demo, day: date) -> None:
    plan = "49/KH-GDDT"
    with d.db.transaction() as session:
        phong = session.scalar(select(Unit.id).where(Unit.code == "phong_hm"))
        schools = list(session.scalars(select(Unit.code).where(Unit.parent_id == phong).order_by(Unit.id)))
    for n, school in enumerate(schools):
        case = d.start(plan, "dien_hinh_tien_tien_truong", school)
        if n < 6:
            d.do(case, "dang_ky", {"giai_doan": "2021-2025", "danh_sach": [
                model_row("tap_the", d.units[school], d.units[school]),
                model_row("ca_nhan", d.names[f"gv_{school}_1"], d.units[school], "Cải cách hành chính")]})
        if n < 4:
            d.do(case, "tiep_nhan_dang_ky", form_data("tiep_nhan_ho_so", day))
    choice = d.start(plan, "chon_dien_hinh_nganh", "phong_hm")
    d.do(choice, "tong_hop", {"giai_doan": "2021-2025", "danh_sach": [  # five of each: the Ngành council meets
        *(model_row("tap_the", d.units[school], d.units[school]) for school in schools[:5]),
        *(model_row("ca_nhan", d.names[f"gv_{school}_1"], d.units[school]) for school in schools[:5])]})
    advance(d.db, choice, "bo_phieu", "phong_hm", answers(d.units["phong_hm"], "2021-2022", []))


# The core flow's steps on Hà Đông's milestones (85/KH-PGD&ĐT): schools' councils in April, the tờ trình to the
# district council before 20/5, the district's decision in June, khen cao dossiers in July.
HA_DONG_CORE_DEADLINES = {"dang_ky": "huong_dan_cac_don_vi_to", "hop_xet_truong": "huong_dan_cac_don_vi_to",
                          "nop_ho_so": "trinh_hoi_dong_thi_dua_khen", "hop_xet_phong": "thong_bao_ket_qua_xet_thi",
                          "khen_cao": "huong_dan_cac_don_vi_hoan"}


def _ha_dong(d: _Demo, day: date) -> None:
    plan = "85/KH-PGD&ĐT"
    for n, school in enumerate(["th_le_loi_hd", "thcs_van_yen"]):
        case = d.start(plan, "ho_so_de_nghi_len_so", school, {"moc_han": "cac_don_vi_gui_ho_so"})
        if n == 0:
            d.do(case, "lap_ho_so", {"danh_sach": [honoree("ca_nhan", d.names[f"ht_{school}"], d.units[school],
                                                           danh_hieu="ky_niem_chuong_vi_su_nghiep_giao_duc")]})
    skkn = d.start(plan, "cham_sang_kien", "th_le_loi_hd", {"moc": {
        "cap_truong": "cac_don_vi_thanh_lap_hoi", "cap_nganh": "thanh_lap_hoi_dong_cham_skkn",
        "bao_cao": "bao_cao_hoi_dong_kh_skkn"}})
    d.do(skkn, "cham_cap_truong", form_data("ket_qua_cham_skkn", day))
    # the year-end review (the core flow, 2019 dossier): Lê Lợi's secretary consolidates (a teacher without
    # a rating is flagged as not eligible); Văn Yên's dossier went through its council, the Phòng's council
    # has voted and its chair is to sign the minutes
    teacher = {"ma": "ld1", "loai": "ca_nhan", "ho_ten": d.names["gv_th_le_loi_hd_1"],
               "username": "gv_th_le_loi_hd_1", "danh_hieu": "lao_dong_tien_tien"}
    for school in ("th_le_loi_hd", "thcs_van_yen"):
        nominee = teacher if school == "th_le_loi_hd" else {
            **teacher, "ho_ten": d.names[f"gv_{school}_1"], "username": f"gv_{school}_1", "xep_loai": "HTXSNV"}
        case = d.start(plan, "xet_thi_dua_nam_hoc", school, {
            "nam_hoc": "2018-2019", "ngay_ho_so": "2019-04-15", "moc_han": HA_DONG_CORE_DEADLINES,
            "de_nghi": [nominee]})
        replies = answers(d.units[school], "2018-2019", [nominee])
        if school == "th_le_loi_hd":
            advance(d.db, case, "tong_hop", school, replies)
        else:
            advance(d.db, case, "ky_bien_ban", "phong_hd", replies)
    awards = d.start(plan, "bieu_duong_khen_thuong", "phong_hd", {"moc": {"khen_thuong": "khen_thuong_cac_tap_the_va"}})
    d.do(awards, "lap_danh_sach", {"danh_sach": [honoree(
        "tap_the", d.units["thcs_van_yen"], d.units["thcs_van_yen"], danh_hieu="giay_khen")]})


def _uong_bi(d: _Demo, day: date) -> None:
    plan = "…/KH-PGD&ĐT"
    schools = ["mn_ub_hoa_hong", "th_ub_quang_trung", "th_ub_bac_son", "thcs_ub_nguyen_trai", "thcs_ub_yen_thanh"]
    for n, school in enumerate(schools):
        case = d.start(plan, "doi_moi_sang_tao_truong", school)
        if n >= 2:
            d.do(case, "dang_ky_mau_1", form_data("mau_1_dang_ky_doi_moi", day))
            d.do(case, "dang_ky_mau_2", form_data("mau_2_nhom_nha_giao", day))
        if n >= 3:
            d.do(case, "duyet", form_data("duyet_dang_ky", day))
        if n >= 4:
            d.do(case, "toa_dam", form_data("bao_cao_hoi_nghi", day))
    mid_year = d.start(plan, "bieu_duong_khen_thuong", "phong_ub", {
        "nam_hoc": "2016-2017", "moc": {"khen_thuong": "bieu_duong_so_ket_hoc_ky_1"}})
    d.do(mid_year, "lap_danh_sach", {"danh_sach": [honoree(
        "ca_nhan", d.names["gv_th_ub_quang_trung_1"], d.units["th_ub_quang_trung"])]})


def _dau_tieng(d: _Demo, day: date) -> None:
    plan = "58/KH-PGDĐT"
    for n, (block, *_rest) in enumerate(DT_BLOCKS):
        case = d.start(plan, "ky_ket_giao_uoc_khoi", block)
        if n >= 1:
            d.do(case, "hop_giao_uoc", form_data("giao_uoc_thi_dua", day))
            d.do(case, "ky_giao_uoc", form_data("ky_giao_uoc", day), count=10 if n == 1 else 100)
        if n >= 2:
            d.do(case, "so_ket", form_data("bao_cao_khoi", day))
    # the core flow: Tiểu học số 1's decision waits for the Trưởng phòng's approval, THCS số 2's dossier is
    # before the Ngành council, its ballots open
    for school, until in (("th_dt_01", "duyet_qd_phong"), ("thcs_dt_02", "bo_phieu")):
        nominee = {"ma": "ld1", "loai": "ca_nhan", "ho_ten": d.names[f"gv_{school}_1"], "username": f"gv_{school}_1",
                   "danh_hieu": "lao_dong_tien_tien", "xep_loai": "HTXSNV"}
        case = d.start(plan, "xet_thi_dua_nam_hoc", school, {"nam_hoc": "2023-2024", "ngay_ho_so": "2024-07-25",
                                                             "de_nghi": [nominee], "moc_han": {
            "dang_ky": "nop_ho_so_dang_ky_thi_dua", "hop_xet_truong": "hop_tong_ket_truong",
            "nop_ho_so": "nop_bao_cao_tong_ket_don_vi", "hop_xet_phong": "hop_xet_cuoi_nam_hoi_dong_nganh",
            "khen_cao": "nop_ho_so_khen_thuong_cap_tinh"}})
        advance(d.db, case, until, "phong_dt", answers(d.units[school], "2023-2024", [nominee]))
    d.start(plan, "cham_sang_kien", "mn_dt_01", {"moc": {
        "cap_truong": "nop_ho_so_sang_kien", "cap_nganh": "hoi_dong_danh_gia_sang_kien",
        "bao_cao": "hoi_dong_danh_gia_sang_kien"}})


def seed_plan_cases(db: Database) -> int:
    """Start the plans' demo cases once (nothing when any case of a plan exists). Returns how many."""
    with db.transaction() as session:
        if session.scalar(select(func.count(Instance.id)).where(Instance.plan_id.is_not(None))):
            return 0
    demo = _Demo(db)
    today = clock.now_local().date()
    for build in (_ha_noi, _hoc_mon, _ha_dong, _uong_bi, _dau_tieng):
        build(demo, today)
    with db.transaction() as session:
        return int(session.scalar(select(func.count(Instance.id)).where(Instance.plan_id.is_not(None))) or 0)


def seed(db: Database) -> list[tuple[str, str]]:
    """The whole demo organisation and its cases. Idempotent. Returns (username, description) of logins."""
    seed_seed_organisation(db)
    with db.transaction() as session:
        has_cases = session.scalar(select(func.count(Instance.id))) or 0
    if not has_cases:
        names = {code: name for code, name, _, _ in UNITS}
        full_names = {username: name for username, name, _, _ in PEOPLE}
        teachers = {"th_a": "gv_a1", "th_b": "gv_b1", "thpt_x": "gv_x1"}
        for unit, teacher in teachers.items():  # last year's registration waits for the principal
            for year in ("2025-2026", "2026-2027"):
                case = start_instance(db, None, "dang_ky_thi_dua", unit, business_key=f"{year}/{unit}",
                                      title=f"Đăng ký thi đua năm học {year} — {names[unit]}").id
                if year == "2025-2026":
                    _Demo.complete_as(db, teacher, case, "dang_ky", {
                        "ho_ten": full_names[teacher], "danh_hieu": "lao_dong_tien_tien", "nam_hoc": year})
    seed_plan_cases(db)
    logins = [(u, f"{n} ({', '.join(r)} @ {unit})") for u, n, unit, r in PEOPLE]
    return logins + [(u, d) for u, d in SEED_LOGINS]


SEED_LOGINS = [
    ("ld_so", "Giám đốc Sở GDĐT Hà Nội, Chủ tịch Hội đồng Ngành (000)"),
    ("cv_so_hn", "Văn phòng Sở Hà Nội, thư ký Hội đồng Ngành (000)"),
    ("ht_thpt_phan_dinh_phung", "Hiệu trưởng, Trưởng Cụm trường THPT số 1 (000)"),
    ("tp_hm", "Trưởng phòng GDĐT Hóc Môn (001)"), ("cv_hm", "Bộ phận thi đua Phòng GDĐT Hóc Môn (001)"),
    ("tp_hd", "Trưởng phòng GD&ĐT Hà Đông, Chủ tịch Hội đồng (002)"),
    ("tp_ub", "Trưởng phòng GD&ĐT Uông Bí (003)"), ("gv_th_ub_quang_trung_1", "Tổ trưởng chuyên môn (003)"),
    ("tp_dt", "Trưởng phòng GDĐT Dầu Tiếng (004)"), ("cv_dt", "Chuyên viên thi đua, thư ký Hội đồng (004)"),
    ("ht_mn_dt_01", "Hiệu trưởng, Trưởng Khối thi đua số 1 (004)"),
]
