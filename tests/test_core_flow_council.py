"""The core flow with the council branch's real `hop_xet_hoi_dong`: the school's council and the Phòng's
council vote by ballot (all members, thresholds on all members) and only what they pass is decided."""

from __future__ import annotations

import pytest

from engine.org import add_person
from engine.runtime import tasks
from engine.serialization import load_workflow
from tests.core_flow_support import awards, complete, deploy_core_flow, only, ready, set_clock, start, task_data
from tests.council_scene import CHAIR, COUNCIL, SECRETARY, UNIT, ballot, build_council, pid
from tests.helpers import instance_row

PHONG_COUNCIL = ["phx_chu_tich", "phx_thu_ky", "phx_tv1"]


@pytest.fixture
def councils(org):
    deploy_core_flow(org, real_council=True)
    build_council(org)  # Trường THCS Hòa Xá (7 members) under Phòng GDĐT Hòa Xá
    with org.transaction() as session:
        add_person(session, "phx_cv", "Chuyên Viên Hòa Xá", "phong_hx", ["chuyen_vien_thi_dua"])
        add_person(session, "phx_ld", "Lãnh Đạo Hòa Xá", "phong_hx", ["lanh_dao_phong"])
        for username, role in zip(PHONG_COUNCIL, ["chu_tich_hoi_dong", "thu_ky_hoi_dong", "thanh_vien_hoi_dong"],
                                  strict=True):
            add_person(session, username, f"Hội đồng Phòng {username[-3:]}", "phong_hx", [role])
    return org


def hold_meeting(db, case: int, members: list[str], secretary: str, chair: str, votes: dict[str, str]) -> None:
    """Everyone present, each member casts the same ballot, the minutes are written and signed."""
    [opening] = ready(db, case, "mo_phien_hop")
    rows = [{"username": u, "co_mat": True, "van_ban": False} for u in members]
    tasks.complete(db, pid(db, secretary), opening.id, {"ngay_hop": "2025-05-12", "dia_diem": "Phòng họp",
                                                        "thanh_vien": rows})
    for row in ready(db, case, "bo_phieu"):
        tasks.complete(db, row.assignee_id, row.id, ballot(votes))
    complete(db, case, "lap_bien_ban", secretary, {"ket_luan": "Hội đồng thống nhất kết quả."})
    complete(db, case, "ky_bien_ban", chair, {"ky_duyet": "ky"})


def test_two_councils_vote_and_only_what_passes_is_decided(councils):
    db = councils
    set_clock(db, "2025-05-12T08:00:00+07:00")
    case = start(db, UNIT, None, nam_hoc="2024-2025", ngay_ho_so="2025-05-12",
                 ds_giao_vien=[{"username": "hx_tv1", "ho_ten": "Thành Viên Số 1"},
                               {"username": "hx_tv2", "ho_ten": "Thành Viên Số 2"}])
    for row in ready(db, case, "dang_ky_ca_nhan"):
        username = task_data(db, row)["giao_vien"]["username"]
        tasks.complete(db, pid(db, username), row.id, {"ho_ten": username, "danh_hieu": "lao_dong_tien_tien",
                                                       "nam_hoc": "2024-2025"})
    complete(db, case, "dang_ky_tap_the", CHAIR, {"tap_the": []})
    rows = task_data(db, only(db, case, "tong_hop"))["de_nghi"]
    form = [{"ma": n["ma"], "loai": "ca_nhan", "ho_ten": n["ho_ten"], "danh_hieu": n["danh_hieu"], "xep_loai": "HTTNV"}
            for n in rows]
    complete(db, case, "tong_hop", SECRETARY, {"de_nghi": form})

    # the school council: everyone yes to cn1, everyone no to cn2 -> cn2 stops here
    hold_meeting(db, case, COUNCIL, SECRETARY, CHAIR, {"cn1": "tan_thanh", "cn2": "khong_tan_thanh"})
    complete(db, case, "lap_to_trinh", CHAIR, {"so": "5/TTr", "ngay": "2025-05-12", "kinh_gui": "Phòng GDĐT Hòa Xá",
                                               "noi_dung": "Đề nghị công nhận LĐTT", "nguoi_ky": "Hiệu trưởng",
                                               "chuc_vu_nguoi_ky": "Hiệu trưởng"})
    complete(db, case, "tiep_nhan", "phx_cv", {"so_vao_so": "1", "ngay_nhan": "2025-05-12"})
    assert task_data(db, only(db, case, "mo_phien_hop"))["hoi_dong_don_vi"] == "phong_hx"
    hold_meeting(db, case, PHONG_COUNCIL, "phx_thu_ky", "phx_chu_tich", {"cn1": "tan_thanh"})
    complete(db, case, "quyet_dinh_cap", "phx_cv", {"so": "77/QĐ-UBND", "ngay": "2025-05-12",
                                                    "co_quan": "Chủ tịch UBND huyện Hòa Xá", "nguoi_ky": "Chủ tịch"})
    complete(db, case, "duyet_qd_phong", "phx_ld", {"ket_qua_duyet": "dong_y"})
    assert awards(db, case) == [("Thành Viên Số 1", "lao_dong_tien_tien", "77/QĐ-UBND", "phong_hx",
                                 "Chủ tịch UBND huyện Hòa Xá")]
    done = instance_row(db, case)
    assert done.status == "completed", done.incident_message
    data = load_workflow(done.state).data
    final = {n["ma"]: (n["trang_thai"], n["cap_da_xet"]) for n in data["de_nghi"]}
    assert final == {"cn1": ("da_khen", "huyen"), "cn2": ("khong_dat", "truong")}
    assert data["bien_ban"]["ten_hoi_dong"].endswith("Phòng GDĐT Hòa Xá")  # the last meeting's minutes
