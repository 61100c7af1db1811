"""The inbox's plan and milestone column, its plan filter, due colours counted in working days, and the
bounded total (the inbox never counts more than it can show)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select, update

from engine import calendar, clock
from engine.calendar import local_date
from engine.clock import VN_TZ
from engine.models import HumanTask
from engine.plans.repository import create_plan
from engine.plans.spec import MilestoneSpec, PlanSpec
from engine.runtime.instances import start_instance
from engine.runtime.projection import milestone_of
from tests.helpers import bpmn, deploy_bytes, flow, open_tasks, user_task
from tests.test_web_pages import as_user, task_ids, text
from webui import create_app
from webui.views import inbox as inbox_view

DUE_FROM_PLAN = bpmn("nop_minh_chung", "\n".join([
    '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
    user_task("nop", "Nộp minh chứng", incoming="f0", outgoing="f1",
              dueDate="working_days_before(milestone('nop_ho_so'), 2)"),
    '<bpmn:endEvent id="e"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>',
    flow("f0", "s", "nop"), flow("f1", "nop", "e"),
]), lanes={"giao_vien": ["s", "nop", "e"]}, name="Nộp minh chứng")


@pytest.fixture
def app(product):
    return create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real"})


def plan(product, number: str) -> int:
    due = datetime.combine(local_date(clock.now()) + timedelta(days=40), time.min, tzinfo=VN_TZ)
    spec = PlanSpec(number=number, title=f"Kế hoạch {number}", school_year="2026-2027", issuing_unit="phong_hd",
                    milestones=[MilestoneSpec("nop_ho_so", "Các trường nộp hồ sơ đề nghị khen thưởng", due)])
    with product.transaction() as s:
        return create_plan(s, spec).id


def test_plan_number_and_milestone_of_the_due_date_with_a_plan_filter(app, product):
    deploy_bytes(product, "nop_minh_chung.bpmn", DUE_FROM_PLAN)
    first, second = plan(product, "12/KH-PGDĐT"), plan(product, "34/KH-PGDĐT")
    in_first = start_instance(product, None, "nop_minh_chung", "th_a", title="Minh chứng kế hoạch 12", plan_id=first)
    in_second = start_instance(product, None, "nop_minh_chung", "th_a", title="Minh chứng kế hoạch 34",
                               plan_id=second)
    without = start_instance(product, None, "dang_ky_thi_dua", "th_a", title="Đăng ký không theo kế hoạch")
    [task] = open_tasks(product, in_first.id)
    assert task.milestone_key == "nop_ho_so" and task.due_at is not None
    assert open_tasks(product, without.id)[0].milestone_key is None
    user = as_user(app, "gv_a1")
    page = text(user.get("/inbox"))
    row = re.search(rf'<tr id="task-{task.id}".*?</tr>', page, re.S)[0]
    assert "12/KH-PGDĐT" in row and "Mốc: Các trường nộp hồ sơ đề nghị khen thưởng" in row
    assert f'<option value="{first}"' in page and "34/KH-PGDĐT</option>" in page
    [only] = task_ids(text(user.get(f"/inbox?plan={second}")))
    assert only == open_tasks(product, in_second.id)[0].id
    assert len(task_ids(text(user.get("/inbox?plan=abc")))) == 3  # an unreadable plan filter is ignored


def test_api_task_names_its_milestone(client, token, product):
    deploy_bytes(product, "nop_minh_chung.bpmn", DUE_FROM_PLAN)
    case = start_instance(product, None, "nop_minh_chung", "th_a", plan_id=plan(product, "56/KH-SGDĐT"))
    [task] = open_tasks(product, case.id)
    shown = client.get(f"/api/v1/tasks/{task.id}", headers=token("gv_a1")).json
    assert shown["milestone"] == "nop_ho_so" and shown["due_at"] is not None


def test_due_soon_counts_working_days(app, product):
    ids = [start_instance(product, None, "dang_ky_thi_dua", "th_a", title=f"Hồ sơ {n}").id for n in range(2)]
    today = local_date(clock.now())
    business = calendar.current()

    def end_of_working_day(n: int) -> datetime:  # a due written "trước ngày …": midnight after the n-th day
        return datetime.combine(business.add_working_days(today, n) + timedelta(days=1), time.min, tzinfo=VN_TZ)

    soon, later = end_of_working_day(3), end_of_working_day(4)
    assert soon - clock.now() > timedelta(days=3)  # not "soon" if counted in calendar days
    with product.transaction() as s:
        for case_id, due in zip(ids, (soon, later), strict=True):
            s.execute(update(HumanTask).where(HumanTask.instance_id == case_id).values(due_at=due))
    html = text(as_user(app, "gv_a1").get("/inbox"))
    assert re.findall(r'<tr id="task-\d+" class="task-row( urgency-\w+)?"', html) == [" urgency-soon", ""]


def test_the_total_is_bounded(app, product, monkeypatch):
    for n in range(5):
        start_instance(product, None, "dang_ky_thi_dua", "th_a", title=f"Hồ sơ {n}")
    monkeypatch.setattr(inbox_view, "MAX_COUNTED", 3)
    monkeypatch.setattr(inbox_view, "PAGE_SIZE", 2)
    user = as_user(app, "gv_a1")
    first = text(user.get("/inbox"))
    assert "Hơn 3 công việc" in first and len(task_ids(first)) == 2 and "Trang 1/2" in first
    with product.transaction() as s:
        assert len(list(s.scalars(select(HumanTask.id)))) == 5


@pytest.mark.parametrize(("expression", "key"), [
    ("milestone('nop_ho_so')", "nop_ho_so"),
    ('working_days_before(milestone("tong_ket"), 3)', "tong_ket"),
    ("milestone_start('xet_chon')", "xet_chon"),
    ("min(milestone('a'), milestone('a'))", "a"),
    ("min(milestone('a'), milestone('b'))", None),  # two milestones: which one is not said
    ("milestone(ten_moc)", None),  # a variable: not known before the case runs
    ("add_days(ngay_nop, 10)", None),
    (None, None),
])
def test_the_milestone_a_due_date_reads(expression, key):
    assert milestone_of(expression) == key
