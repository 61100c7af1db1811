"""A council of seven at a test school (built here with engine.org, independent of the demo data),
and helpers to run processes/hop_xet_hoi_dong.bpmn through the engine as its members would."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import select

from engine.accounts import hash_password
from engine.db import Database
from engine.models import HumanTask, Person
from engine.org import add_person, add_unit
from engine.runtime import instances, tasks

UNIT = "thcs_hx"
CHAIR, SECRETARY = "hx_chu_tich", "hx_thu_ky"
MEMBERS = ["hx_tv1", "hx_tv2", "hx_tv3", "hx_tv4", "hx_tv5"]
COUNCIL = [CHAIR, SECRETARY, *MEMBERS]
OUTSIDER = "hx_giao_vien"
PASSWORD = "demo1234"

NOMINATIONS = [
    {"ma": "cs1", "loai": "ca_nhan", "ho_ten": "Lê Thị Mai", "username": "hx_tv3", "don_vi": "Trường THCS Hòa Xá",
     "danh_hieu": "chien_si_thi_dua_co_so"},
    {"ma": "cs2", "loai": "ca_nhan", "ho_ten": "Trần Văn Bình", "don_vi": "Trường THCS Hòa Xá",
     "danh_hieu": "chien_si_thi_dua_co_so"},
    {"ma": "tinh1", "loai": "ca_nhan", "ho_ten": "Phạm Thị Hoa", "don_vi": "Trường THCS Hòa Xá",
     "danh_hieu": "chien_si_thi_dua_tinh"},
]


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def build_council(db: Database, unit: str = UNIT) -> None:
    hashed = _password_hash()
    with db.transaction() as session:
        add_unit(session, "phong_hx", "Phòng GDĐT Hòa Xá", "phong")
        add_unit(session, unit, "Trường THCS Hòa Xá", "truong", "phong_hx")
        add_person(session, CHAIR, "Nguyễn Văn Chủ Tịch", unit, ["hieu_truong", "chu_tich_hoi_dong"],
                   password_hash=hashed)
        add_person(session, SECRETARY, "Đỗ Thị Thư Ký", unit, ["giao_vien", "thu_ky_hoi_dong"], password_hash=hashed)
        for i, username in enumerate(MEMBERS, start=1):
            add_person(session, username, f"Thành Viên Số {i}", unit, ["giao_vien", "thanh_vien_hoi_dong"],
                       password_hash=hashed)
        add_person(session, OUTSIDER, "Giáo Viên Ngoài", unit, ["giao_vien"], password_hash=hashed)


def pid(db: Database, username: str) -> int:
    with db.transaction() as session:
        found = session.scalar(select(Person.id).where(Person.username == username))
        assert found is not None, username
        return found


def start_meeting(db: Database, *, secret: bool = True, nominations: list[dict[str, Any]] | None = None) -> int:
    data = {"de_nghi": nominations or NOMINATIONS, "hoi_dong_don_vi": UNIT, "bo_phieu_kin": secret,
            "ten_hoi_dong": "Hội đồng Thi đua - Khen thưởng Trường THCS Hòa Xá", "nam_hoc": "2024-2025"}
    return instances.start_instance(db, pid(db, CHAIR), "hop_xet_hoi_dong", UNIT, data=data,
                                    title="Họp xét thi đua năm học 2024-2025").id


def ready(db: Database, instance_id: int, name: str | None = None) -> list[HumanTask]:
    with db.transaction() as session:
        query = select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == "ready")
        if name:
            query = query.where(HumanTask.name == name)
        return list(session.scalars(query.order_by(HumanTask.id)))


def open_meeting(db: Database, instance_id: int, *, absent: dict[str, bool], day: str = "2024-08-12") -> None:
    """The secretary opens the meeting; `absent` maps absent usernames to whether they voted in writing."""
    [task] = ready(db, instance_id, "mo_phien_hop")
    rows = [{"username": u, "co_mat": u not in absent, "van_ban": absent.get(u, False)} for u in COUNCIL]
    tasks.complete(db, pid(db, SECRETARY), task.id, {"ngay_hop": day, "dia_diem": "Phòng họp", "thanh_vien": rows})


def ballot(choices: dict[str, str], comment: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"bieu_quyet": [{"ma": code, "lua_chon": choice} for code, choice in choices.items()]}
    if comment:
        data["gop_y"] = comment
    return data


def ballots_by_holder(db: Database, instance_id: int) -> dict[int, list[HumanTask]]:
    out: dict[int, list[HumanTask]] = {}
    for task in ready(db, instance_id, "bo_phieu"):
        out.setdefault(task.assignee_id, []).append(task)
    return out


def finish_minutes(db: Database, instance_id: int, conclusion: str | None = None) -> None:
    [minutes] = ready(db, instance_id, "lap_bien_ban")
    tasks.complete(db, pid(db, SECRETARY), minutes.id, {"ket_luan": conclusion or "Hội đồng thống nhất kết quả."})
    [sign] = ready(db, instance_id, "ky_bien_ban")
    tasks.complete(db, pid(db, CHAIR), sign.id, {"ky_duyet": "ky"})


def case_data(db: Database, instance_id: int) -> dict[str, Any]:
    """The data of a completed case (what a caller of the process receives), read from its state."""
    from engine.definitions.repository import load_specs
    from engine.models import Instance
    from engine.serialization import load_workflow

    with db.transaction() as session:
        instance = session.get(Instance, instance_id)
        load_specs(session, instance.definition)
        return dict(load_workflow(instance.state).data)
