"""The objects the authorization table's URLs point at, built through the engine for each row's test."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from engine import clock
from engine.attachments import store_attachment
from engine.calendar import local_date
from engine.clock import VN_TZ
from engine.db import Database
from engine.models import Instance
from engine.notifications import notify
from engine.plans.repository import create_plan
from engine.plans.spec import MilestoneSpec, PlanSpec
from engine.runtime.instances import start_instance
from engine.runtime.tasks import claim
from tests.helpers import open_tasks, person_id

PDF = b"%PDF-1.4\n% route table\n" + b"0" * 64


@dataclass(frozen=True)
class Scene:
    case: int  # a case of school th_a, its task unclaimed (role giao_vien: gv_a1, gv_a2)
    task: int
    held_case: int  # another case of th_a whose task gv_a1 holds
    held_task: int
    plan: int
    attachment: int  # a document of `case`
    notification: int  # one of gv_a1's notifications


def build(db: Database, attachments: Path) -> Scene:
    case = start_instance(db, None, "dang_ky_thi_dua", "th_a", title="Đăng ký thi đua — bảng phân quyền").id
    held_case = start_instance(db, None, "dang_ky_thi_dua", "th_a", title="Đăng ký thi đua — đang giữ").id
    officer = person_id(db, "gv_a1")
    [task], [held_task] = open_tasks(db, case), open_tasks(db, held_case)
    claim(db, officer, held_task.id)
    due = datetime.combine(local_date(clock.now()) + timedelta(days=30), time.min, tzinfo=VN_TZ)
    with db.transaction() as s:
        plan = create_plan(s, PlanSpec(number="77/KH-TEST", title="Kế hoạch kiểm tra phân quyền",
                                       school_year="2026-2027", issuing_unit="phong_hd",
                                       milestones=[MilestoneSpec("nop", "Nộp hồ sơ", due)])).id
        attachment = store_attachment(s, s.get(Instance, case), None, "bien_ban.pdf", io.BytesIO(PDF), 10_000,
                                      [".pdf"], field="document", root=attachments, uploaded_by_id=officer).id
        [notification] = notify(s, person_ids=[officer], kind="test", subject="Thông báo thử", body="…",
                                instance_id=case, dedupe_key="authz-table", email=False)
    return Scene(case, task.id, held_case, held_task.id, plan, attachment, notification)
