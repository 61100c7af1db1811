"""The demo people walk a core-flow case (processes/xet_thi_dua_nam_hoc.bpmn with its council and tờ trình
sub-processes) up to a given step: each open task is done by its holder with what they would type (the
council's members all present and for every nomination), until the wanted task is open at the wanted unit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from engine.assignment import candidate_person_ids
from engine.db import Database
from engine.demo.form_data import form_data
from engine.models import HumanTask, Person, Unit
from engine.runtime import tasks
from engine.runtime.prefill import task_prefill
from engine.runtime.tasks import task_form_schema

Answer = Callable[[HumanTask, dict[str, Any], str], dict[str, Any]]  # task, its prefill, the actor's name


def _council_opening(_task: HumanTask, prefill: dict[str, Any], _name: str) -> dict[str, Any]:
    rows = [{"username": m["username"], "co_mat": True, "van_ban": False} for m in prefill["thanh_vien"]]
    return {"ngay_hop": date.today().isoformat(), "dia_diem": "Phòng họp", "thanh_vien": rows}


def _ballot(_task: HumanTask, prefill: dict[str, Any], _name: str) -> dict[str, Any]:
    return {"bieu_quyet": [{"ma": r["ma"], "lua_chon": "tan_thanh"} for r in prefill["bieu_quyet"]]}


def answers(school_name: str, school_year: str, nominations: list[dict[str, Any]]) -> dict[str, Answer]:
    """What each core-flow task's holder types, for a school's case of `school_year` with the consolidated
    `nominations`."""
    today = date.today()
    rows = [{k: v for k, v in n.items() if k != "username"} for n in nominations]  # the form lists no accounts
    return {
        "dang_ky_ca_nhan": lambda _t, _p, name: {"ho_ten": name, "danh_hieu": "lao_dong_tien_tien",
                                                 "nam_hoc": school_year},
        "dang_ky_tap_the": lambda _t, _p, _n: {"tap_the": []},
        "tong_hop": lambda _t, _p, _n: {"de_nghi": rows},
        "mo_phien_hop": _council_opening,
        "bo_phieu": _ballot,
        "lap_bien_ban": lambda _t, _p, _n: {"ket_luan": "Hội đồng thống nhất kết quả."},
        "ky_bien_ban": lambda _t, _p, _n: {"ky_duyet": "ky"},
        "quyet_dinh_truong": lambda _t, _p, name: form_data("ghi_quyet_dinh", today, co_quan="Hiệu trưởng",
                                                            nguoi_ky=name),
        "lap_to_trinh": lambda _t, _p, name: form_data("trinh_cap_tren", today, nguoi_ky=name,
                                                       noi_dung=f"Đề nghị công nhận danh hiệu thi đua — {school_name}"),
        "tiep_nhan": lambda _t, _p, _n: form_data("tiep_nhan_ho_so", today),
        "quyet_dinh_cap": lambda _t, _p, _n: form_data("ghi_quyet_dinh", today, co_quan="Chủ tịch UBND huyện",
                                                       nguoi_ky="Chủ tịch UBND huyện"),
    }


def advance(db: Database, case: int, until: str, unit: str, replies: dict[str, Answer], limit: int = 60) -> None:
    """Do the case's open tasks, oldest first, until task `until` is open at unit `unit`."""
    for _ in range(limit):
        with db.transaction() as session:
            open_tasks = list(session.scalars(select(HumanTask).where(
                HumanTask.instance_id == case, HumanTask.status == "ready").order_by(HumanTask.id)))
            at = {(t.name, session.get_one(Unit, t.unit_id).code if t.unit_id else None) for t in open_tasks}
            if (until, unit) in at:
                return
            if not open_tasks:
                raise RuntimeError(f"case {case} has no open task before {until} @ {unit}")
            task = open_tasks[0]
            actor = task.assignee_id or min(candidate_person_ids(session, task.role_code, task.unit_id))
            prefill = task_prefill(session, task, task_form_schema(session, task))
            name = session.get_one(Person, actor).full_name
        if task.name not in replies:
            raise RuntimeError(f"the demo does not know how to do {task.name} (case {case})")
        tasks.complete(db, actor, task.id, replies[task.name](task, prefill, name))
    raise RuntimeError(f"case {case} did not reach {until} @ {unit}")
