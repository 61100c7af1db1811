"""The core flow `xet_thi_dua_nam_hoc` end to end on the virtual clock: registration, the eligibility gate
before submission, the school council, the tờ trình, the supervising level's council and decision (Phòng
before 1/7/2025, UBND xã after, Sở for THPT), decided titles written to the reward registry, and a khen cao
proposal going up beyond the organisation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from engine.authz import load_viewer
from engine.documents import generate
from engine.documents.case_data import source_for_case
from engine.errors import Forbidden, InvalidInput
from engine.models import HumanTask, Instance, Notification
from engine.notifications import messages
from engine.org import person_by_username
from engine.registry.awards import parse_award, record_award
from engine.runtime import instances, tasks
from engine.runtime.deadlines import send_due_reminders
from engine.runtime.prefill import task_prefill
from engine.serialization import load_workflow
from tests.core_flow_support import (
    add_commune_school,
    awards,
    complete,
    deploy_core_flow,
    make_core_plan,
    only,
    ready,
    set_clock,
    start,
    task_data,
    unit_of,
)
from tests.document_cases import docx_lines
from tests.helpers import bpmn, deploy_bytes, instance_row, person_id, script_task
from tests.helpers import flow as helper_flow

TO_TRINH = {"so": "15/TTr-THVY", "ngay": "2025-05-19", "kinh_gui": "Phòng GDĐT quận Hà Đông",
            "noi_dung": "Đề nghị công nhận danh hiệu thi đua năm học 2024-2025", "nguoi_ky": "Hoàng Văn Hiệu",
            "chuc_vu_nguoi_ky": "Hiệu trưởng"}


def decision(number: str, day: str, body: str, **extra: str) -> dict[str, str]:
    return {"so": number, "ngay": day, "co_quan": body, "nguoi_ky": "Người ký", **extra}


@pytest.fixture
def flow(org):
    deploy_core_flow(org)
    add_commune_school(org)
    return org


def past_award(db, username: str, title: str, year: int) -> None:
    with db.transaction() as session:
        record_award(session, parse_award(session, {
            "username": username, "title": title, "school_year": f"{year}-{year + 1}",
            "decision_number": f"{year}/QĐ-UBND", "decision_date": f"{year + 1}-06-20",
            "deciding_authority": "Chủ tịch UBND quận Hà Đông"}), None)


def rows_for_form(nominations):
    keep = ("ma", "loai", "ho_ten", "chuc_vu", "danh_hieu", "xep_loai", "pham_vi_sang_kien", "thanh_tich", "rut")
    return [{k: n[k] for k in keep if n.get(k) is not None} for n in nominations]


def test_primary_school_before_1_7_2025_goes_to_the_phong_and_khen_cao_goes_up(flow):
    set_clock(flow, "2024-10-01T08:00:00+07:00")
    plan = make_core_plan(flow, 2024)
    for year in (2022, 2023):  # two CSTĐ cơ sở before; the third is proposed in this dossier
        past_award(flow, "gv_a2", "chien_si_thi_dua_co_so", year)
    case = start(flow, "th_a", plan, nam_hoc="2024-2025", ngay_ho_so="2025-05-15", de_nghi=[
        {"ma": "ld2", "loai": "ca_nhan", "ho_ten": "Vũ Văn Minh", "username": "gv_a2",
         "danh_hieu": "lao_dong_tien_tien", "xep_loai": "HTXSNV"},
        {"ma": "cs2", "loai": "ca_nhan", "ho_ten": "Vũ Văn Minh", "username": "gv_a2",
         "danh_hieu": "chien_si_thi_dua_co_so", "xep_loai": "HTXSNV"}])

    # registration: one task per teacher, one for the school's collectives, all due at the plan's milestone
    personal = ready(flow, case, "dang_ky_ca_nhan")
    assert len(personal) == 2 and {r.role_code for r in personal} == {"giao_vien"}
    assert {r.due_at for r in ready(flow, case)} == {datetime(2024, 10, 14, 17, 0, tzinfo=UTC)}
    teachers = {task_data(flow, r)["giao_vien"]["username"]: r for r in personal}
    assert {person_id(flow, u): r.assignee_id for u, r in teachers.items()} == {
        person_id(flow, u): person_id(flow, u) for u in teachers}  # each teacher registers for themself
    with pytest.raises(Forbidden):
        tasks.complete(flow, person_id(flow, "gv_a1"), teachers["gv_a2"].id,
                       {"ho_ten": "Vũ Văn Minh", "danh_hieu": "giay_khen", "nam_hoc": "2024-2025"})
    tasks.complete(flow, person_id(flow, "gv_a1"), teachers["gv_a1"].id,
                   {"ho_ten": "Nguyễn Thị Lan", "danh_hieu": "lao_dong_tien_tien", "nam_hoc": "2024-2025"})
    tasks.complete(flow, person_id(flow, "gv_a2"), teachers["gv_a2"].id,
                   {"ho_ten": "Vũ Văn Minh", "danh_hieu": "chien_si_thi_dua_tinh", "nam_hoc": "2024-2025"})
    complete(flow, case, "dang_ky_tap_the", "ht_a",
             {"tap_the": [{"ten_tap_the": "Tổ khối 5", "danh_hieu": "giay_khen", "thanh_tich": "Dẫn đầu phong trào"}]})

    # consolidation: the eligibility tables flag what cannot be submitted, with the reason
    set_clock(flow, "2025-05-05T08:00:00+07:00")
    row = only(flow, case, "tong_hop")
    assert row.role_code == "thu_ky_hoi_dong" and row.due_at == datetime(2025, 5, 9, 17, 0, tzinfo=UTC)
    data = task_data(flow, row)
    by_code = {n["ma"]: n for n in data["de_nghi"]}
    assert set(by_code) == {"ld2", "cs2", "cn1", "cn2", "tt1"}
    assert by_code["cn1"]["hop_le"] is False and by_code["cn1"]["ly_do"]  # no rating given yet
    assert by_code["cn2"]["hop_le"] is False  # CSTĐ tỉnh without a provincial-scope initiative
    assert by_code["ld2"]["hop_le"] is True and by_code["cs2"]["hop_le"] is True
    assert by_code["tt1"]["hop_le"] is True  # Giấy khen: no table, the council decides
    assert "Chưa thể trình" in data["thong_bao"] and "Nguyễn Thị Lan" in data["thong_bao"]

    # submitting unchanged is refused: the same task comes back with the reason
    complete(flow, case, "tong_hop", "gv_a2", {"de_nghi": rows_for_form(data["de_nghi"])})
    again = only(flow, case, "tong_hop")
    assert again.id != row.id
    assert "Nguyễn Thị Lan" in task_data(flow, again)["thong_bao"]

    # fixed: rating for Lan, provincial initiative for Minh
    fixed = rows_for_form(data["de_nghi"])
    for n in fixed:
        if n["ma"] == "cn1":
            n["xep_loai"] = "HTTNV"
        if n["ma"] == "cn2":
            n["pham_vi_sang_kien"] = "tinh"
    complete(flow, case, "tong_hop", "gv_a2", {"de_nghi": fixed})

    # the school council passed everything; the Hiệu trưởng decides the Giấy khen; a decision dated after
    # today is sent back with the reason instead of being recorded
    complete(flow, case, "quyet_dinh_truong", "ht_a", decision("20/QĐ-THVY", "2025-05-16", "Hiệu trưởng"))
    back = only(flow, case, "quyet_dinh_truong")
    assert "16/05/2025 sau ngày hôm nay (05/05/2025)" in task_data(flow, back)["loi_quyet_dinh"]
    assert awards(flow, case) == []
    set_clock(flow, "2025-05-16T15:00:00+07:00")
    complete(flow, case, "quyet_dinh_truong", "ht_a", decision("20/QĐ-THVY", "2025-05-16", "Hiệu trưởng"))
    assert awards(flow, case) == [("Trường Tiểu học Văn Yên", "giay_khen", "20/QĐ-THVY", "th_a", "Hiệu trưởng")]

    # tờ trình to the Phòng (route by the dossier's date: before 1/7/2025)
    submit = only(flow, case, "lap_to_trinh")
    assert submit.role_code == "hieu_truong" and submit.due_at == datetime(2025, 5, 19, 17, 0, tzinfo=UTC)
    complete(flow, case, "lap_to_trinh", "ht_a", TO_TRINH)

    receive = only(flow, case, "tiep_nhan")
    assert receive.role_code == "chuyen_vien_thi_dua" and unit_of(flow, receive) == "phong_hd"
    assert receive.due_at == datetime(2025, 6, 9, 17, 0, tzinfo=UTC)
    complete(flow, case, "tiep_nhan", "cv_phong", {"so_vao_so": "112", "ngay_nhan": "2025-05-20"})
    set_clock(flow, "2025-06-05T08:00:00+07:00")
    complete(flow, case, "quyet_dinh_cap", "cv_phong",
             decision("456/QĐ-UBND", "2025-06-04", "Chủ tịch UBND quận Hà Đông"))
    # the Phòng's leader approves the decision before it is recorded; sent back, it returns with the reason
    approval = only(flow, case, "duyet_qd_phong")
    assert (approval.role_code, unit_of(flow, approval)) == ("lanh_dao_phong", "phong_hd")
    assert approval.due_at == datetime(2025, 6, 9, 17, 0, tzinfo=UTC)
    shown = task_data(flow, approval)
    assert shown["so"] == "456/QĐ-UBND" and sorted(r["ho_ten"] for r in shown["danh_sach_quyet_dinh"]) == [
        "Nguyễn Thị Lan", "Vũ Văn Minh", "Vũ Văn Minh"]
    with pytest.raises(Forbidden):  # the officer cannot approve their own entry
        tasks.complete(flow, person_id(flow, "cv_phong"), approval.id, {"ket_qua_duyet": "dong_y"})
    with pytest.raises(InvalidInput):  # sending back needs a reason
        tasks.complete(flow, person_id(flow, "ld_phong"), approval.id, {"ket_qua_duyet": "tra_lai"})
    complete(flow, case, "duyet_qd_phong", "ld_phong",
             {"ket_qua_duyet": "tra_lai", "ly_do_tra_lai": "Sai số quyết định, đúng là 465/QĐ-UBND"})
    assert awards(flow, case)[1:] == []
    back = only(flow, case, "quyet_dinh_cap")
    assert "Sai số quyết định, đúng là 465/QĐ-UBND" in task_data(flow, back)["loi_quyet_dinh"]
    complete(flow, case, "quyet_dinh_cap", "cv_phong",
             decision("456/QĐ-UBND", "2025-06-04", "Chủ tịch UBND quận Hà Đông"))
    again = only(flow, case, "duyet_qd_phong")
    assert task_data(flow, again)["ket_qua_duyet"] == ""  # not pre-selected as "sent back"
    complete(flow, case, "duyet_qd_phong", "ld_phong", {"ket_qua_duyet": "dong_y"})
    decided = awards(flow, case)[1:]
    assert sorted(decided) == sorted([
        ("Vũ Văn Minh", "lao_dong_tien_tien", "456/QĐ-UBND", "phong_hd", "Chủ tịch UBND quận Hà Đông"),
        ("Vũ Văn Minh", "chien_si_thi_dua_co_so", "456/QĐ-UBND", "phong_hd", "Chủ tịch UBND quận Hà Đông"),
        ("Nguyễn Thị Lan", "lao_dong_tien_tien", "456/QĐ-UBND", "phong_hd", "Chủ tịch UBND quận Hà Đông")])

    # khen cao: CSTĐ tỉnh goes up from the Phòng to the UBND tỉnh (outside this organisation)
    complete(flow, case, "lap_to_trinh_len", "cv_phong", {**TO_TRINH, "so": "30/TTr-PGD", "kinh_gui": "UBND thành phố"})
    outside = only(flow, case, "nhap_quyet_dinh_ngoai")
    assert unit_of(flow, outside) == "phong_hd" and outside.due_at == datetime(2025, 7, 14, 17, 0, tzinfo=UTC)
    set_clock(flow, "2025-07-10T08:00:00+07:00")
    complete(flow, case, "nhap_quyet_dinh_ngoai", "cv_phong",
             decision("789/QĐ-UBND", "2025-07-08", "Chủ tịch UBND thành phố Hà Nội"))
    assert awards(flow, case)[-1] == ("Vũ Văn Minh", "chien_si_thi_dua_tinh", "789/QĐ-UBND", None,
                                      "Chủ tịch UBND thành phố Hà Nội")
    done = instance_row(flow, case)
    assert done.status == "completed", done.incident_message
    data = load_workflow(done.state).data
    assert (data["to_trinh"]["so"], data["to_trinh"]["don_vi_gui"]) == ("30/TTr-PGD", "phong_hd")  # the last one
    # every level's letter is kept, each proposing only what goes up from there: not the school's own Giấy
    # khen in the school's letter, only the CSTĐ tỉnh in the Phòng's
    letters = [(t["so"], t["don_vi_gui"], t["cap"], sorted(n["ma"] for n in t["de_nghi"]))
               for t in data["cac_to_trinh"]]
    assert letters == [("15/TTr-THVY", "th_a", "truong", ["cn1", "cn2", "cs2", "ld2"]),
                       ("30/TTr-PGD", "phong_hd", "huyen", ["cn2"])]
    with flow.transaction() as session:
        instance = session.get(Instance, case)
        school, phong, latest = (docx_lines(generate("to_trinh", "docx", source_for_case(
            session, instance, date(2025, 7, 10), cap), "x").content)[0] for cap in ("th_a", "phong_hd", None))
    assert "Trường Tiểu học Văn Yên kính đề nghị xét tặng:" in school
    assert [line for line in school if line.startswith("- ")] == [
        "- Lao động tiên tiến: 02 cá nhân;", "- Chiến sĩ thi đua cơ sở: 01 cá nhân;",
        "- Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh: 01 cá nhân;"]
    assert [line for line in phong if line.startswith("- ")] == [
        "- Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh: 01 cá nhân;"]
    assert "Phòng GDĐT quận Hà Đông kính đề nghị xét tặng:" in phong and latest == phong
    final = {n["ma"]: n for n in data["de_nghi"]}
    assert {n["trang_thai"] for n in final.values()} == {"da_khen"}
    assert final["cn2"]["tuyen"] == ["truong", "huyen", "tinh"]


def reminded(db) -> set[int]:
    with db.transaction() as session:
        return set(session.scalars(select(Notification.person_id).where(Notification.kind == messages.TASK_REMINDER)))


def register_and_consolidate(db, case: int, teachers: dict[str, tuple[str, str]], secretary: str, head: str,
                             ratings: dict[str, str]) -> list[dict]:
    """Each teacher registers (username -> (name, title)), no collectives, the secretary fills the ratings."""
    for row in ready(db, case, "dang_ky_ca_nhan"):
        username = task_data(db, row)["giao_vien"]["username"]
        name, title = teachers[username]
        tasks.complete(db, person_id(db, username), row.id,
                       {"ho_ten": name, "danh_hieu": title, "nam_hoc": "2025-2026"})
    complete(db, case, "dang_ky_tap_the", head, {"tap_the": []})
    rows = rows_for_form(task_data(db, only(db, case, "tong_hop"))["de_nghi"])
    for row in rows:
        if row["ho_ten"] in ratings:
            row["xep_loai"] = ratings[row["ho_ten"]]
    complete(db, case, "tong_hop", secretary, {"de_nghi": rows})
    return rows


def test_primary_school_after_1_7_2025_goes_to_the_ubnd_xa(flow):
    set_clock(flow, "2025-10-01T08:00:00+07:00")
    plan = make_core_plan(flow, 2025)
    case = start(flow, "th_c", plan, nam_hoc="2025-2026", ngay_ho_so="2026-05-04")
    # the plan's registration milestone (before 15/10) reminds each teacher 3 working days ahead
    [teacher_task] = [r for r in ready(flow, case, "dang_ky_ca_nhan") if r.assignee_id == person_id(flow, "gv_c1")]
    assert teacher_task.remind_at == datetime(2025, 10, 9, 17, 0, tzinfo=UTC)
    assert send_due_reminders(flow, now=datetime(2025, 10, 9, 17, 1, tzinfo=UTC)).reminded == 3
    assert person_id(flow, "gv_c1") in reminded(flow)
    set_clock(flow, "2026-05-04T08:00:00+07:00")
    rows = register_and_consolidate(flow, case, {"gv_c1": ("Tạ Thị Mai", "lao_dong_tien_tien"),
                                                 "gv_c2": ("Hà Văn Tùng", "khong_dang_ky")}, "ht_c", "ht_c",
                                    {"Tạ Thị Mai": "HTTNV"})
    assert [r["ho_ten"] for r in rows] == ["Tạ Thị Mai"]  # "Không đăng ký" makes no nomination
    complete(flow, case, "lap_to_trinh", "ht_c", {**TO_TRINH, "kinh_gui": "UBND xã Văn Yên"})
    receive = only(flow, case, "tiep_nhan")
    assert unit_of(flow, receive) == "xa_vy" and receive.due_at == datetime(2026, 6, 9, 17, 0, tzinfo=UTC)
    complete(flow, case, "tiep_nhan", "cv_xa", {"so_vao_so": "7", "ngay_nhan": "2026-05-04"})
    complete(flow, case, "quyet_dinh_cap", "cv_xa", decision("12/QĐ-UBND", "2026-05-04", "Chủ tịch UBND xã Văn Yên"))
    approval = only(flow, case, "duyet_qd_xa")  # the UBND xã's leader approves
    assert (approval.role_code, unit_of(flow, approval)) == ("lanh_dao_ubnd_xa", "xa_vy")
    assert awards(flow, case) == []
    complete(flow, case, "duyet_qd_xa", "ld_xa", {"ket_qua_duyet": "dong_y"})
    assert awards(flow, case) == [("Tạ Thị Mai", "lao_dong_tien_tien", "12/QĐ-UBND", "xa_vy",
                                   "Chủ tịch UBND xã Văn Yên")]
    done = instance_row(flow, case)
    assert done.status == "completed", done.incident_message
    with flow.transaction() as session:  # the UBND xã's leaders manage the cases of the schools under it
        leader = load_viewer(session, person_by_username(session, "ld_xa"))
        assert instance_row(flow, case).unit_id in leader.manage_unit_ids
    [nomination] = load_workflow(done.state).data["de_nghi"]
    assert (nomination["tuyen"], nomination["co_quan_quyet_dinh"]) == (["truong", "xa"], "Chủ tịch UBND xã")


def test_upper_secondary_school_goes_to_the_so_and_a_council_refusal_is_not_recorded(flow):
    set_clock(flow, "2026-05-04T08:00:00+07:00")
    case = start(flow, "thpt_x", None, nam_hoc="2025-2026", ngay_ho_so="2026-05-04", de_nghi=[
        {"ma": "gk1", "loai": "tap_the", "ho_ten": "Tổ Toán", "danh_hieu": "giay_khen", "hoi_dong_bac": True}])
    assert {r.due_at for r in ready(flow, case)} == {None}  # no plan: no deadlines, no problem either
    assert {r.assignment_problem for r in ready(flow, case)} == {None}
    register_and_consolidate(flow, case, {"gv_x1": ("Phan Thị Thu", "lao_dong_tien_tien")}, "tk_x", "ht_x",
                             {"Phan Thị Thu": "HTXSNV"})
    assert not ready(flow, case, "quyet_dinh_truong")  # the council turned the Giấy khen down
    complete(flow, case, "lap_to_trinh", "ht_x", {**TO_TRINH, "kinh_gui": "Sở GDĐT Hà Nội"})
    receive = only(flow, case, "tiep_nhan")
    assert unit_of(flow, receive) == "so_hn"
    complete(flow, case, "tiep_nhan", "cv_so", {"so_vao_so": "90", "ngay_nhan": "2026-05-04"})
    complete(flow, case, "quyet_dinh_cap", "cv_so", decision("300/QĐ-SGDĐT", "2026-05-04", "Giám đốc Sở GDĐT"))
    approval = only(flow, case, "duyet_qd_so")  # the Sở's leader approves
    assert (approval.role_code, unit_of(flow, approval)) == ("lanh_dao_so", "so_hn")
    complete(flow, case, "duyet_qd_so", "ld_so", {"ket_qua_duyet": "dong_y"})
    assert awards(flow, case) == [("Phan Thị Thu", "lao_dong_tien_tien", "300/QĐ-SGDĐT", "so_hn", "Giám đốc Sở GDĐT")]
    done = instance_row(flow, case)
    assert done.status == "completed", done.incident_message
    final = {n["ma"]: n["trang_thai"] for n in load_workflow(done.state).data["de_nghi"]}
    assert final == {"gk1": "khong_dat", "cn1": "da_khen"}


def test_routing_table_in_process_expressions(flow):
    """A designer's script asks the table directly; the answer follows the dossier's date."""
    script = ("ld = title_route('lao_dong_tien_tien')\nkn = title_route('ky_niem_chuong_vi_su_nghiep_giao_duc')\n"
              "cap = school_level()")
    deploy_bytes(flow, "hoi_tuyen.bpmn", bpmn("hoi_tuyen", "\n".join([
        '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
        script_task("hoi", "Hỏi tuyến", script, incoming="f0", outgoing="f1"),
        '<bpmn:endEvent id="e"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>',
        helper_flow("f0", "s", "hoi"), helper_flow("f1", "hoi", "e")]), lanes={"giao_vien": ["s", "hoi", "e"]}))
    for day, level in (("2025-06-30", "huyen"), ("2025-07-01", "xa")):
        case = instances.start_instance(flow, None, "hoi_tuyen", "th_a", data={"ngay_ho_so": day}).id
        row = instance_row(flow, case)
        assert row.status == "completed", row.incident_message
        data = load_workflow(row.state).data
        assert data["cap"] == "th" and data["ld"]["cap_quyet_dinh"] == level
        assert data["kn"]["tuyen"] == ["truong", level, "so", "bo"]


def test_a_teachers_registration_keeps_every_field_they_typed(flow):
    """The registration form opens with the teacher's name; position, achievements and note typed there reach
    the school's list of nominations (not only the title)."""
    set_clock(flow, "2025-10-01T08:00:00+07:00")
    case = start(flow, "th_c", None, nam_hoc="2025-2026", ngay_ho_so="2026-05-04")
    mine = {task_data(flow, r)["giao_vien"]["username"]: r for r in ready(flow, case, "dang_ky_ca_nhan")}
    with flow.transaction() as session:
        opened = task_prefill(session, session.get(HumanTask, mine["gv_c1"].id), {"properties": {
            "ho_ten": {}, "nam_hoc": {}}})
    assert opened == {"ho_ten": "Tạ Thị Mai", "nam_hoc": "2025-2026"}
    tasks.complete(flow, person_id(flow, "gv_c1"), mine["gv_c1"].id, {
        "ho_ten": "Tạ Thị Mai", "chuc_vu": "Tổ trưởng tổ 3", "danh_hieu": "chien_si_thi_dua_co_so",
        "nam_hoc": "2025-2026", "thanh_tich": "Sáng kiến cấp cơ sở; 12 học sinh giỏi cấp huyện",
        "ghi_chu": "Đã có xếp loại HTXSNV"})
    tasks.complete(flow, person_id(flow, "gv_c2"), mine["gv_c2"].id,
                   {"ho_ten": "Hà Văn Tùng", "danh_hieu": "lao_dong_tien_tien", "nam_hoc": "2025-2026"})
    complete(flow, case, "dang_ky_tap_the", "ht_c", {"tap_the": []})
    rows = {n["username"]: n for n in task_data(flow, only(flow, case, "tong_hop"))["de_nghi"]}
    assert {k: rows["gv_c1"][k] for k in ("loai", "ho_ten", "chuc_vu", "danh_hieu", "thanh_tich", "ghi_chu")} == {
        "loai": "ca_nhan", "ho_ten": "Tạ Thị Mai", "chuc_vu": "Tổ trưởng tổ 3",
        "danh_hieu": "chien_si_thi_dua_co_so", "thanh_tich": "Sáng kiến cấp cơ sở; 12 học sinh giỏi cấp huyện",
        "ghi_chu": "Đã có xếp loại HTXSNV"}
    assert "chuc_vu" not in rows["gv_c2"] and rows["gv_c2"]["danh_hieu"] == "lao_dong_tien_tien"
