"""The inbox "Việc của tôi" through the Flask test client: who sees which task, filters, paging,
claim / release / hand over in one click (htmx row swaps)."""

from __future__ import annotations

import re

import pytest

from engine.runtime.instances import start_instance
from tests.browser.support import csrf_from
from tests.test_web_pages import as_user, open_task_id, post, task_ids, text
from webui import create_app


@pytest.fixture
def app(product):
    return create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real"})


@pytest.fixture
def case(product):
    return start_instance(product, None, "dang_ky_thi_dua", "th_a", business_key="2026-2027/th_a",
                          title="Đăng ký thi đua 2026-2027 — Văn Yên").id


def test_inbox_lists_the_right_tasks_per_person(app, product, case):
    other = start_instance(product, None, "dang_ky_thi_dua", "th_b", title="Đăng ký thi đua — Kim Đồng").id
    gv_a1, gv_a2, gv_b1, ht_a = (as_user(app, u) for u in ("gv_a1", "gv_a2", "gv_b1", "ht_a"))
    [task_a] = task_ids(text(gv_a1.get("/inbox")))
    assert "Đăng ký thi đua 2026-2027 — Văn Yên" in text(gv_a1.get("/inbox"))
    assert task_ids(text(gv_a2.get("/inbox"))) == [task_a]
    [task_b] = task_ids(text(gv_b1.get("/inbox")))
    assert task_b != task_a and open_task_id(gv_b1, other) == task_b
    assert task_ids(text(ht_a.get("/inbox"))) == []  # the teachers' task, not the principal's
    assert post(gv_a1, f"/tasks/{task_a}/claim").status_code == 302
    assert task_ids(text(gv_a1.get("/inbox?view=mine"))) == [task_a]
    assert task_ids(text(gv_a2.get("/inbox"))) == []  # held by a colleague now
    assert task_ids(text(gv_a2.get("/inbox?view=unclaimed"))) == []
    assert task_ids(text(gv_a1.get("/inbox?process=dang_ky_thi_dua&unit=th_a&sort=title&dir=desc"))) == [task_a]
    assert task_ids(text(gv_a1.get("/inbox?process=khac"))) == []
    assert task_ids(text(gv_a1.get("/inbox?due_from=01/01/2020&due_to=31/12/2030"))) == []  # no deadline
    bad_date = text(gv_a1.get("/inbox?due_from=32/13/2020"))
    assert "không phải là ngày" in bad_date and task_ids(bad_date) == [task_a]


def test_inbox_pages_and_htmx_partial(app, product):
    for n in range(23):
        start_instance(product, None, "dang_ky_thi_dua", "th_a", title=f"Hồ sơ {n:02d}")
    user = as_user(app, "gv_a1")
    first, second = text(user.get("/inbox")), text(user.get("/inbox?page=2"))
    assert len(task_ids(first)) == 20 and len(task_ids(second)) == 3
    assert "23 công việc" in first and "Trang 1/2" in first
    assert not set(task_ids(first)) & set(task_ids(second))
    partial = text(user.get("/inbox?page=2", headers={"HX-Request": "true", "HX-Target": "inbox-results"}))
    assert "<html" not in partial and len(task_ids(partial)) == 3


def test_claim_release_and_delegate_in_one_click(app, case):
    user = as_user(app, "gv_a1")
    task_id = open_task_id(user, case)
    token = csrf_from(text(user.get("/inbox")))
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}
    row = text(user.post(f"/tasks/{task_id}/claim", headers=htmx))
    assert row.lstrip().startswith("<tr") and "Nguyễn Thị Lan" in row and "Trả lại việc" in row
    row = text(user.post(f"/tasks/{task_id}/unclaim", headers=htmx))
    assert "Chưa ai nhận" in row and "Nhận việc" in row
    assert 'value="gv_b1"' not in row  # colleagues of the task's unit only
    wrong = user.post(f"/tasks/{task_id}/delegate", data={"username": "gv_b1"}, headers=htmx)
    assert wrong.status_code == 422 and "không công tác tại đơn vị" in text(wrong)
    row = text(user.post(f"/tasks/{task_id}/delegate", data={"username": "gv_a2"}, headers=htmx))
    assert "Vũ Văn Minh" in row and "Nhận việc" not in row
    again = user.post(f"/tasks/{task_id}/claim", headers=htmx)
    assert again.status_code == 409 and "vừa thay đổi" in text(again)
    assert task_ids(text(as_user(app, "gv_a2").get("/inbox?view=mine"))) == [task_id]


def test_due_dates_are_coloured_and_filterable(app, product):
    from datetime import timedelta

    from sqlalchemy import update

    from engine import clock
    from engine.models import HumanTask

    ids = [start_instance(product, None, "dang_ky_thi_dua", "th_a", title=f"Hồ sơ {n}").id for n in range(3)]
    now = clock.now()
    with product.transaction() as session:
        for case_id, due in zip(ids, (now - timedelta(days=1), now + timedelta(days=1), now + timedelta(days=20)),
                                strict=True):
            session.execute(update(HumanTask).where(HumanTask.instance_id == case_id).values(due_at=due))
    html = text(as_user(app, "gv_a1").get("/inbox"))
    rows = re.findall(r'<tr id="task-\d+" class="task-row( urgency-\w+)?"', html)
    assert rows == [" urgency-overdue", " urgency-soon", ""]  # sorted by due date
    assert "Quá hạn" in html and "Sắp đến hạn" in html
    later = (now + timedelta(days=10)).astimezone(clock.VN_TZ).strftime("%d/%m/%Y")
    in_range = text(as_user(app, "gv_a1").get(f"/inbox?due_from={later}"))
    assert len(task_ids(in_range)) == 1 and "Hồ sơ 2" in in_range
    newest_first = text(as_user(app, "gv_a1").get("/inbox?sort=due&dir=desc"))
    assert task_ids(newest_first) == list(reversed(task_ids(html)))

