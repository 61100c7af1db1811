"""Shared by the core-flow tests: deploying the flow (with the council placeholder while the council
branch is not merged), extra units, reading a task's data, completing tasks by name."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import select

from engine import clock
from engine.config import PROJECT_ROOT
from engine.db import Database
from engine.definitions.repository import deploy
from engine.definitions.validation import SourceFile
from engine.forms import deploy_form_file
from engine.models import Award, HumanTask
from engine.org import add_person, add_unit
from engine.plans.repository import create_plan
from engine.plans.spec import plan_spec
from engine.runtime import instances, tasks
from engine.serialization import load_workflow
from tests.helpers import instance_row, open_tasks, person_id

PROCESSES = PROJECT_ROOT / "processes"
COUNCIL_PLACEHOLDER = Path(__file__).parent / "fixtures" / "core_flow" / "hop_xet_hoi_dong.bpmn"
CORE_FILES = ("xet_thi_dua_nam_hoc.bpmn", "trinh_cap_tren.bpmn")


def deploy_core_flow(db: Database, *, real_council: bool = False) -> None:
    """Forms, eligibility tables and the core flow's processes (not the rest of processes/), with the council
    branch's processes/hop_xet_hoi_dong.bpmn or a placeholder that passes every nomination not marked
    `hoi_dong_bac` (the flow's own tests need no ballots)."""
    with db.transaction() as session:
        for path in sorted((PROJECT_ROOT / "forms").glob("*.json")):
            deploy_form_file(session, path)
        council = PROCESSES / "hop_xet_hoi_dong.bpmn" if real_council else COUNCIL_PLACEHOLDER
        files = [PROCESSES / name for name in CORE_FILES] + [council]
        files += sorted((PROCESSES / "rules").glob("*.dmn"))
        deploy(session, [SourceFile(p.name, p.read_bytes()) for p in files], None)


def add_commune_school(db: Database) -> None:
    """After 1/7/2025: UBND xã Văn Yên with its officer, and a primary school under it."""
    with db.transaction() as session:
        add_unit(session, "xa_vy", "UBND xã Văn Yên", "ubnd_xa")
        add_unit(session, "th_c", "Trường Tiểu học Văn Yên B", "truong", "xa_vy")
        add_person(session, "cv_xa", "Lý Thị Xã", "xa_vy", ["chuyen_vien_thi_dua"])
        add_person(session, "ld_xa", "Mai Văn Xã", "xa_vy", ["lanh_dao_ubnd_xa"])
        add_person(session, "ht_c", "Đinh Văn Cường", "th_c", ["hieu_truong", "thu_ky_hoi_dong"])
        add_person(session, "gv_c1", "Tạ Thị Mai", "th_c", ["giao_vien"])
        add_person(session, "gv_c2", "Hà Văn Tùng", "th_c", ["giao_vien"])
        add_person(session, "tk_x", "Mạc Văn Ký", "thpt_x", ["thu_ky_hoi_dong"])


def make_core_plan(db: Database, year: int) -> int:
    """A plan with the core flow's milestones in the school year `year`-`year+1`."""
    dues = {"dang_ky": f"{year}-10-15", "hop_xet_truong": f"{year + 1}-05-10", "nop_ho_so": f"{year + 1}-05-20",
            "hop_xet_phong": f"{year + 1}-06-10", "khen_cao": f"{year + 1}-07-15"}
    milestones = [{"key": k, "title": f"Mốc {k}", "due": f"{d}T00:00:00+07:00"} for k, d in dues.items()]
    with db.transaction() as session:
        return create_plan(session, plan_spec({"number": f"KH-{year}", "title": f"Kế hoạch TĐKT {year}",
                                               "school_year": f"{year}-{year + 1}", "milestones": milestones}),
                           strict_unit=False).id


def set_clock(db: Database, iso: str) -> None:
    clock.configure("virtual", db)
    clock.set_virtual(db, datetime.fromisoformat(iso))


def start(db: Database, unit: str, plan_id: int | None, **data: Any) -> int:
    return instances.start_instance(db, None, "xet_thi_dua_nam_hoc", unit, plan_id=plan_id, data=data).id


def task_data(db: Database, row: HumanTask) -> dict[str, Any]:
    workflow = load_workflow(instance_row(db, row.instance_id).state)
    return dict(workflow.get_task_from_id(UUID(row.spiff_task_id)).data)


def ready(db: Database, case: int, name: str | None = None) -> list[HumanTask]:
    rows = open_tasks(db, case)
    return [r for r in rows if name is None or r.name == name]


def only(db: Database, case: int, name: str) -> HumanTask:
    rows = ready(db, case, name)
    assert len(rows) == 1, (name, [(r.name, r.assignment_problem) for r in open_tasks(db, case)],
                            instance_row(db, case).incident_message)
    return rows[0]


def complete(db: Database, case: int, name: str, username: str, data: dict[str, Any]) -> HumanTask:
    row = only(db, case, name)
    tasks.complete(db, person_id(db, username), row.id, data)
    return row


NOMINEE = {"ma": "ld1", "loai": "ca_nhan", "ho_ten": "Nguyễn Thị Lan", "username": "gv_a1",
           "danh_hieu": "lao_dong_tien_tien"}


def case_at_consolidation(db: Database, nominee: dict[str, Any] = NOMINEE) -> int:
    """A case of school th_a on 12/05/2025 (school year 2024-2025) with one teacher's nomination and the
    collective registration done: the secretary's consolidation `tong_hop` is open (without a rating
    `xep_loai`, `nominee` is flagged as not eligible)."""
    set_clock(db, "2025-05-12T08:00:00+07:00")
    case = start(db, "th_a", None, nam_hoc="2024-2025", ngay_ho_so="2025-05-12", ds_giao_vien=[], de_nghi=[nominee])
    complete(db, case, "dang_ky_tap_the", "ht_a", {"tap_the": []})
    return case


def awards(db: Database, case: int) -> list[tuple[str, str, str, str | None, str | None]]:
    """(subject name, title, decision number, deciding unit code, authority) of the case's registry rows."""
    with db.transaction() as session:
        rows = session.scalars(select(Award).where(Award.instance_id == case).order_by(Award.id))
        return [(a.person.full_name if a.person else (a.person_name or a.unit.name), a.title_code,
                 a.decision_number, a.deciding_unit.code if a.deciding_unit else None, a.deciding_authority)
                for a in rows]


def unit_of(db: Database, row: HumanTask) -> str | None:
    from engine.models import Unit

    with db.transaction() as session:
        unit = session.get(Unit, row.unit_id) if row.unit_id is not None else None
        return unit.code if unit else None
