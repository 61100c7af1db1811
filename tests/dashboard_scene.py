"""A manager's morning, built through the engine (plus a few projection rows moved back in time):
an overdue task, a stuck case, an orphaned task, an incident, a completed case, and a plan whose
milestones name the processes, for the dashboard tests, the browser test and the screenshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from engine import calendar, clock
from engine.clock import VN_TZ
from engine.db import Database
from engine.models import HumanTask, Instance, Plan
from engine.plans.repository import create_plan
from engine.plans.spec import MilestoneSpec, PlanSpec
from engine.runtime.instances import start_instance
from engine.runtime.tasks import complete
from tests.helpers import bpmn, deploy_bytes, flow, open_tasks, person_id, user_task

PLAN_NUMBER = "99/KH-PGDĐT"
OVERDUE_TITLE = "Đăng ký thi đua 2025-2026 — Văn Yên"
STUCK_TITLE = "Đăng ký thi đua 2025-2026 — Kim Đồng (bổ sung)"
ORPHAN_TITLE = "Tổ trưởng xác nhận minh chứng — Văn Yên"
INCIDENT_TITLE = "Tính điểm thi đua — Kim Đồng"
DONE_TITLE = "Đăng ký thi đua 2025-2026 — Kim Đồng"

ORPHAN_PROCESS = bpmn("xac_nhan_minh_chung", "\n".join([
    '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
    user_task("xac_nhan", "Tổ trưởng xác nhận minh chứng", incoming="f0", outgoing="f1"),
    '<bpmn:endEvent id="e"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>',
    flow("f0", "s", "xac_nhan"), flow("f1", "xac_nhan", "e"),
]), lanes={"Tổ trưởng chuyên môn": ["s", "xac_nhan", "e"]}, name="Xác nhận minh chứng")

INCIDENT_PROCESS = bpmn("tinh_diem", "\n".join([
    '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
    '<bpmn:scriptTask id="tinh" name="Tính điểm"><bpmn:incoming>f0</bpmn:incoming>'
    '<bpmn:outgoing>f1</bpmn:outgoing><bpmn:script>diem = 10 / he_so</bpmn:script></bpmn:scriptTask>',
    user_task("xem", "Xem kết quả", incoming="f1", outgoing="f2"),
    '<bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>',
    flow("f0", "s", "tinh"), flow("f1", "tinh", "xem"), flow("f2", "xem", "e"),
]), lanes={"giao_vien": ["s", "tinh", "xem", "e"]}, name="Tính điểm thi đua")


@dataclass(frozen=True)
class Scene:
    plan_id: int
    overdue_case: int
    overdue_task: int
    overdue_due: datetime
    stuck_case: int
    stuck_since: datetime
    orphan_case: int
    orphan_task: int
    incident_case: int
    done_case: int


def _local(day: date, hour: int = 0) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=VN_TZ)


def _plan(db: Database, now: datetime) -> int:
    today = now.astimezone(VN_TZ).date()
    spec = PlanSpec(number=PLAN_NUMBER, title="Công tác thi đua, khen thưởng năm học 2025-2026 (thử nghiệm)",
                    school_year="2025-2026", issuing_unit="phong_hd", issuer="Phòng GDĐT quận Hà Đông",
                    issue_date=today - timedelta(days=60), milestones=[
                        MilestoneSpec("trien_khai", "Triển khai kế hoạch thi đua đến các trường",
                                      _local(today - timedelta(days=40)), _local(today - timedelta(days=55)),
                                      kind="phong"),
                        MilestoneSpec("nop_dang_ky", "Các trường nộp hồ sơ đăng ký thi đua về Phòng GDĐT",
                                      _local(today + timedelta(days=20)), _local(today - timedelta(days=30)),
                                      kind="truong", process="dang_ky_thi_dua"),
                        MilestoneSpec("xac_nhan", "Tổ trưởng xác nhận minh chứng",
                                      _local(today - timedelta(days=2)), _local(today - timedelta(days=20)),
                                      kind="truong", process="xac_nhan_minh_chung"),
                        MilestoneSpec("tong_ket", "Tổng kết, khen thưởng cuối năm học",
                                      _local(today + timedelta(days=90)), _local(today + timedelta(days=60)))])
    with db.transaction() as session:
        existing = session.scalar(select(Plan.id).where(Plan.number == PLAN_NUMBER))
        return existing if existing is not None else create_plan(session, spec).id


def _complete_registration(db: Database, case_id: int) -> None:
    steps = [("gv_b1", {"ho_ten": "Đặng Văn Nam", "danh_hieu": "lao_dong_tien_tien", "nam_hoc": "2025-2026"}),
             ("ht_b", {"ket_qua": "dong_y"}), ("cv_phong", {"so_van_ban": "15/TN-PGDĐT"})]
    for username, data in steps:
        [task] = open_tasks(db, case_id)
        complete(db, person_id(db, username), task.id, data)


def build(db: Database) -> Scene:
    """Needs the `product` fixture (demo organisation, processes, forms)."""
    deploy_bytes(db, "xac_nhan_minh_chung.bpmn", ORPHAN_PROCESS)
    deploy_bytes(db, "tinh_diem.bpmn", INCIDENT_PROCESS)
    now = clock.now()
    plan_id = _plan(db, now)
    overdue = start_instance(db, None, "dang_ky_thi_dua", "th_a", title=OVERDUE_TITLE, plan_id=plan_id).id
    stuck = start_instance(db, None, "dang_ky_thi_dua", "th_b", title=STUCK_TITLE).id
    orphan = start_instance(db, None, "xac_nhan_minh_chung", "th_a", title=ORPHAN_TITLE, plan_id=plan_id).id
    incident = start_instance(db, None, "tinh_diem", "th_b", title=INCIDENT_TITLE, data={"he_so": 0}).id
    done = start_instance(db, None, "dang_ky_thi_dua", "th_b", title=DONE_TITLE, plan_id=plan_id).id
    _complete_registration(db, done)
    local_now = now.astimezone(VN_TZ)
    due = calendar.current().add_working_days(local_now.replace(hour=17, minute=0, second=0, microsecond=0), -3)
    stuck_since = now - timedelta(days=20)
    with db.transaction() as session:
        overdue_task = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == overdue))
        session.execute(update(HumanTask).where(HumanTask.id == overdue_task)
                        .values(due_at=due, created_at=due - timedelta(days=7)))
        session.execute(update(Instance).where(Instance.id == stuck).values(last_progress_at=stuck_since)
                        .execution_options(synchronize_session=False))
        orphan_task = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == orphan))
    return Scene(plan_id, overdue, overdue_task, due, stuck, stuck_since, orphan, orphan_task, incident, done)
