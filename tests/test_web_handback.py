"""Hand back with a reason (task page and API): back to who delegated the task, else to the role's
candidates; the reason is required, audited, shown in the case's history, and the new holders are told."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.models import AuditEvent, HumanTask, Notification
from engine.runtime.instances import start_instance
from engine.runtime.tasks import claim, delegate
from tests.browser.support import csrf_from, sign_in
from tests.helpers import open_tasks, person_id
from webui import create_app


@pytest.fixture
def app(product):
    return create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real"})


@pytest.fixture
def task(product):
    """The registration task of a school A case (role giao_vien at th_a: gv_a1 and gv_a2)."""
    case = start_instance(product, None, "dang_ky_thi_dua", "th_a", title="Đăng ký thi đua — Văn Yên")
    return open_tasks(product, case.id)[0]


def signed_in(app, username):
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def hand_back_form(client, task_id, reason):
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    return client.post(f"/tasks/{task_id}/hand-back", data={"csrf_token": csrf_from(page), "reason": reason})


def holder(product, task_id):
    with product.transaction() as s:
        return s.get(HumanTask, task_id).assignee_id


def notifications(product, username, kind="task_handed_back"):
    with product.transaction() as s:
        return list(s.scalars(select(Notification).where(Notification.person_id == person_id(product, username),
                                                         Notification.kind == kind)))


def test_claimed_task_goes_back_to_the_candidates_with_the_reason(app, product, task):
    claim(product, person_id(product, "gv_a1"), task.id)
    client = signed_in(app, "gv_a1")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'data-testid="hand-back"' in page and "Trả lại kèm lý do" in page
    done = hand_back_form(client, task.id, "  Tôi nghỉ phép   đến hết tuần ")
    assert done.status_code == 302 and done.headers["Location"].endswith("/inbox")
    assert holder(product, task.id) is None
    with product.transaction() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "task.handed_back"))
        assert event.actor_id == person_id(product, "gv_a1") and event.task_id == task.id
        assert event.details == {"reason": "Tôi nghỉ phép đến hết tuần", "to": None}
    [told] = notifications(product, "gv_a2")
    assert "Tôi nghỉ phép đến hết tuần" in told.body and told.task_id == task.id
    assert notifications(product, "gv_a1") == []  # the person handing back is not told
    other = signed_in(app, "gv_a2")
    assert f'data-task-id="{task.id}"' in other.get("/inbox?view=unclaimed").get_data(as_text=True)
    history = other.get(f"/cases/{task.instance_id}").get_data(as_text=True)
    assert re.search(r'data-action="task.handed_back">.*?trả lại.*?Tôi nghỉ phép đến hết tuần', history, re.S)


def test_delegated_task_goes_back_to_who_delegated_it(app, product, task):
    claim(product, person_id(product, "gv_a1"), task.id)
    delegate(product, person_id(product, "gv_a1"), task.id, "gv_a2")
    client = signed_in(app, "gv_a2")
    assert "Nguyễn Thị Lan" in client.get(f"/tasks/{task.id}").get_data(as_text=True)  # says where it goes
    assert hand_back_form(client, task.id, "Không thuộc tổ của tôi").status_code == 302
    assert holder(product, task.id) == person_id(product, "gv_a1")
    [told] = notifications(product, "gv_a1")
    assert "Không thuộc tổ của tôi" in told.body and "Vũ Văn Minh" in told.body
    with product.transaction() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "task.handed_back"))
        assert event.details["to"] == "gv_a1"


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_the_reason_is_required_and_explained_next_to_the_field(app, product, task, reason):
    claim(product, person_id(product, "gv_a1"), task.id)
    refused = hand_back_form(signed_in(app, "gv_a1"), task.id, reason)
    assert refused.status_code == 422
    error = re.search(r'data-testid="hand-back-error">([^<]+)<', refused.get_data(as_text=True))
    assert error and error[1] == "Hãy ghi lý do trả lại nhiệm vụ."
    assert holder(product, task.id) == person_id(product, "gv_a1")
    with product.transaction() as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "task.handed_back")) is None


def test_only_the_holder_can_hand_back(app, product, task):
    claim(product, person_id(product, "gv_a1"), task.id)
    colleague = signed_in(app, "gv_a2")  # a candidate, but the task is held by gv_a1
    assert 'data-testid="hand-back"' not in colleague.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert hand_back_form(colleague, task.id, "thử").status_code == 403
    assert hand_back_form(signed_in(app, "gv_b1"), task.id, "thử").status_code == 404  # another school
    assert holder(product, task.id) == person_id(product, "gv_a1")


def test_api_hand_back(client, token, product, task):
    url = f"/api/v1/tasks/{task.id}/hand-back"
    claim(product, person_id(product, "gv_a1"), task.id)
    missing = client.post(url, json={}, headers=token("gv_a1"))
    assert missing.status_code == 422 and missing.json["error"]["field"] == "reason"
    assert client.post(url, json={"reason": 5}, headers=token("gv_a1")).status_code == 422
    assert client.post(url, json={"reason": "x" * 1001}, headers=token("gv_a1")).status_code == 422
    assert client.post(url, json={"reason": "bận"}, headers=token("gv_a2")).status_code == 403
    assert client.post(url, json={"reason": "bận"}, headers=token("gv_x1")).status_code == 404
    done = client.post(url, json={"reason": "Thiếu minh chứng"}, headers=token("gv_a1"))
    assert done.status_code == 200 and done.json["assignee"] is None
    assert client.post(url, json={"reason": "lần nữa"}, headers=token("gv_a1")).status_code == 403  # not held now
    assert len(notifications(product, "gv_a2")) == 1
