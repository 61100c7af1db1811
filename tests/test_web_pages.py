"""The officers' web pages through the Flask test client on a real database (Vietnamese by default)."""

from __future__ import annotations

import re

import pytest

from engine.runtime.instances import start_instance
from tests.browser.support import csrf_from, deploy_drawn_process, sign_in
from webui import create_app

GOOD = {"ho_ten": "Nguyễn Thị Lan", "danh_hieu": "lao_dong_tien_tien", "nam_hoc": "2026-2027"}


@pytest.fixture
def app(product):
    return create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def case(product):
    """A registration case of school A, waiting for a teacher (role giao_vien) to register."""
    ref = start_instance(product, None, "dang_ky_thi_dua", "th_a", business_key="2026-2027/th_a",
                         title="Đăng ký thi đua 2026-2027 — Văn Yên")
    return ref.id


def as_user(app, username):
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def task_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-task-id="(\d+)"', html)]


def open_task_id(client, case_id: int) -> int:
    found = re.search(r'href="/tasks/(\d+)"', text(client.get(f"/cases/{case_id}")))
    assert found, "no workable task on the case page"
    return int(found.group(1))


def post(client, url, data=None, **kwargs):
    token = csrf_from(text(client.get("/inbox")))
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def test_sign_in_out_and_session_cookie(app, client):
    first = client.get("/inbox")
    assert first.status_code == 302 and "/login?next=/inbox" in first.headers["Location"]
    page = text(client.get("/login"))
    assert "Đăng nhập" in page and 'lang="vi"' in page
    wrong = sign_in(client, "gv_a1", "sai-mat-khau")
    assert wrong.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in text(wrong)
    ok = sign_in(client, "gv_a1")
    assert ok.status_code == 302 and ok.headers["Location"] == "/inbox"
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    inbox = text(client.get("/inbox"))
    assert "Việc của tôi" in inbox and "Nguyễn Thị Lan" in inbox and "Trường Tiểu học Văn Yên" in inbox
    assert 'data-testid="unread-count"' in inbox
    out = client.post("/logout", data={"csrf_token": csrf_from(inbox)})
    assert out.status_code == 302 and out.headers["Location"] == "/login"
    assert "Bạn đã đăng xuất" in text(client.get("/login"))
    assert client.get("/inbox").status_code == 302


def test_secure_cookie_behind_https_and_no_open_redirect(product, monkeypatch):
    monkeypatch.setenv("TDKT_SECURE_COOKIES", "1")
    app = create_app({"DATABASE_URL": product.url, "TESTING": True})
    client = app.test_client()
    token = csrf_from(text(client.get("/login")))
    response = client.post("/login", data={"username": "gv_a1", "password": "demo1234", "csrf_token": token,
                                           "next": "//evil.example/x"})
    assert "Secure" in response.headers["Set-Cookie"] and response.headers["Location"] == "/inbox"


def test_repeated_failures_lock_the_account(client):
    for _ in range(5):
        sign_in(client, "gv_a2", "x")
    locked = sign_in(client, "gv_a2")
    assert locked.status_code == 401 and "tạm thời bị khoá" in text(locked)


def test_csrf_token_required_on_every_state_change(app, client, case):
    login_page = text(client.get("/login"))
    refused = client.post("/login", data={"username": "gv_a1", "password": "demo1234"})
    assert refused.status_code == 400 and "mã bảo mật" in text(refused)
    user = as_user(app, "gv_a1")
    task_id = open_task_id(user, case)
    assert user.post(f"/tasks/{task_id}/claim").status_code == 400
    assert user.post(f"/tasks/{task_id}/claim", data={"csrf_token": csrf_from(login_page)}).status_code == 400
    assert user.post("/logout", headers={"X-CSRF-Token": "sai"}).status_code == 400
    token = csrf_from(text(user.get("/inbox")))
    claimed = user.post(f"/tasks/{task_id}/claim", headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert claimed.status_code == 200 and "Trả lại việc" in text(claimed)


def test_security_headers(client, app):
    for response in (client.get("/login"), as_user(app, "gv_a1").get("/inbox"), client.get("/nowhere")):
        headers = response.headers
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_form_shows_instructions_and_vietnamese_messages_next_to_fields(app, case):
    user = as_user(app, "gv_a1")
    task_id = open_task_id(user, case)
    page = text(user.get(f"/tasks/{task_id}"))
    assert "Điền bảng đăng ký danh hiệu thi đua của năm học." in page
    assert "Họ và tên" in page and "Chiến sĩ thi đua cơ sở" in page and 'name="ghi_chu"' in page
    assert re.search(r'<textarea id="ghi_chu"', page) and re.search(r'<input id="ho_ten"', page)
    bad = post(user, f"/tasks/{task_id}", {"action": "complete", "ho_ten": "", "nam_hoc": "2026",
                                           "danh_hieu": "", "chuc_vu": "x" * 10})
    html = text(bad)
    assert bad.status_code == 422
    field = re.search(r'id="field-ho_ten".*?</div>', html, re.S).group(0)
    assert 'data-error-for="ho_ten">Trường này là bắt buộc.' in field
    assert 'data-error-for="nam_hoc">Giá trị không đúng định dạng yêu cầu.' in html
    assert 'data-error-for="danh_hieu">Trường này là bắt buộc.' in html
    assert 'value="2026"' in html  # shown again as typed
    short = text(post(user, f"/tasks/{task_id}", {"action": "complete", **GOOD, "ho_ten": "L"}))
    assert 'data-error-for="ho_ten">Hãy nhập ít nhất 2 ký tự.' in short


def test_complete_moves_the_case_on(app, case):
    user = as_user(app, "gv_a1")
    task_id = open_task_id(user, case)
    done = post(user, f"/tasks/{task_id}", {"action": "complete", **GOOD})
    assert done.status_code == 302 and done.headers["Location"] == f"/cases/{case}"
    page = text(user.get(f"/cases/{case}"))
    assert "Đã hoàn thành công việc «Đăng ký danh hiệu thi đua»." in page
    assert 'data-task-name="duyet"' in page and "Hiệu trưởng duyệt đăng ký" in page
    assert "Nguyễn Thị Lan" in page  # the timeline names who did it
    assert 'data-testid="task-status">Đã hoàn thành' in text(user.get(f"/tasks/{task_id}"))
    principal = as_user(app, "ht_a")
    [review] = task_ids(text(principal.get("/inbox")))
    assert "Ý kiến duyệt đăng ký" in text(principal.get(f"/tasks/{review}"))
    twice = post(user, f"/tasks/{task_id}", {"action": "complete", **GOOD})
    assert twice.status_code == 409


def test_save_draft_keeps_typed_values(app, case):
    user = as_user(app, "gv_a1")
    task_id = open_task_id(user, case)
    saved = post(user, f"/tasks/{task_id}", {"action": "save", "ho_ten": "Nguyễn Thị Lan", "nam_hoc": "2026-20"})
    assert saved.status_code == 302
    page = text(user.get(f"/tasks/{task_id}"))
    assert "Đã lưu nháp" in page and 'value="Nguyễn Thị Lan"' in page and 'value="2026-20"' in page


def test_outsider_gets_404_for_case_and_task_urls(app, case):
    insider = as_user(app, "gv_a1")
    task_id = open_task_id(insider, case)
    outsider = as_user(app, "gv_b1")  # same role, school B
    for url in (f"/cases/{case}", f"/tasks/{task_id}", f"/cases/{case}/diagram.bpmn", "/cases/999999"):
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert "không có quyền xem" in text(response) and "Đăng ký thi đua 2026-2027" not in text(response)
    for url in (f"/tasks/{task_id}/claim", f"/tasks/{task_id}", f"/cases/{case}/suspend"):
        assert post(outsider, url, {"action": "complete", **GOOD}).status_code == 404, url
    assert task_ids(text(insider.get("/inbox"))) == [task_id]  # nothing changed


def test_case_page_steps_without_drawing_and_manager_actions(app, case):
    teacher, manager = as_user(app, "gv_a1"), as_user(app, "ld_phong")
    page = text(teacher.get(f"/cases/{case}"))  # the file has no drawing: the browser lays it out
    assert 'data-testid="no-diagram"' not in page and 'id="case-diagram"' in page and 'data-drawn="auto"' in page
    assert re.search(r'class="step step-current" data-element="dang_ky"', page)
    assert re.search(r'class="step step-done" data-element="start"', page)
    assert "Quản lý hồ sơ" not in page and "2026-2027/th_a" in page
    assert post(teacher, f"/cases/{case}/suspend").status_code == 403
    assert "Quản lý hồ sơ" in text(manager.get(f"/cases/{case}"))
    suspended = post(manager, f"/cases/{case}/suspend", {"reason": "Chờ bổ sung hồ sơ"}, follow_redirects=True)
    assert "Hồ sơ đã tạm dừng." in text(suspended) and "Chờ bổ sung hồ sơ" in text(suspended)
    assert post(manager, f"/cases/{case}/resume", follow_redirects=True).status_code == 200
    assert 'data-testid="case-status">Đang xử lý' in text(manager.get(f"/cases/{case}"))
    conflict = post(manager, f"/cases/{case}/retry", follow_redirects=True)
    assert "vừa thay đổi" in text(conflict)


def test_case_page_draws_a_diagram_when_the_file_has_one(app, product):
    key = deploy_drawn_process(product)
    case_id = start_instance(product, None, key, "th_a", title="Minh chứng — Văn Yên").id
    user = as_user(app, "gv_a1")
    page = text(user.get(f"/cases/{case_id}"))
    assert 'id="case-diagram"' in page and "build/case-diagram.js" in page and 'data-drawn="file"' in page
    assert "&#34;current&#34;: [&#34;nop_minh_chung&#34;]" in page
    source = user.get(f"/cases/{case_id}/diagram.bpmn")
    assert source.status_code == 200 and source.mimetype == "application/xml" and b"BPMNDiagram" in source.data
    assert source.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in source.headers["Content-Security-Policy"]


def test_unread_notification_badge_hook(app, monkeypatch):
    import webui.notify

    page = text(as_user(app, "gv_a1").get("/inbox"))
    assert re.search(r'data-testid="unread-count">Thông báo <span class="badge[^"]*">\d+</span>', page)
    monkeypatch.setattr(webui.notify, "_engine_counter", lambda: None)  # engine.notifications absent
    assert '<span class="badge badge-zero">0</span>' in text(as_user(app, "gv_a1").get("/inbox"))
    monkeypatch.setattr(webui.notify, "_engine_counter", lambda: lambda session, person_id: 3)
    assert '<span class="badge">3</span>' in text(as_user(app, "gv_a1").get("/inbox"))


def test_password_change(app):
    user = as_user(app, "gv_x1")
    token = csrf_from(text(user.get("/account/password")))
    wrong = user.post("/account/password", data={"csrf_token": token, "current": "x", "new": "matkhau-moi-1",
                                                 "confirm": "matkhau-moi-1"})
    assert wrong.status_code == 422 and "Mật khẩu hiện tại không đúng" in text(wrong)
    mismatch = user.post("/account/password", data={"csrf_token": token, "current": "demo1234",
                                                    "new": "matkhau-moi-1", "confirm": "khac"})
    assert mismatch.status_code == 422 and "không khớp" in text(mismatch)
    ok = user.post("/account/password", data={"csrf_token": token, "current": "demo1234", "new": "matkhau-moi-1",
                                              "confirm": "matkhau-moi-1"})
    assert ok.status_code == 302
    assert sign_in(app.test_client(), "gv_x1").status_code == 401
    assert sign_in(app.test_client(), "gv_x1", "matkhau-moi-1").status_code == 302


def test_english_is_the_second_language(app):
    user = as_user(app, "gv_a1")
    token = csrf_from(text(user.get("/inbox")))
    assert user.post("/language", data={"csrf_token": token, "locale": "en", "next": "/inbox"}).status_code == 302
    page = text(user.get("/inbox"))
    assert "My tasks" in page and 'lang="en"' in page and "Việc của tôi" not in page


def test_dates_are_shown_dd_mm_yyyy_in_hanoi_time(app, case):
    from datetime import UTC, datetime

    from webui.i18n import vn_date, vn_datetime

    assert vn_datetime(datetime(2026, 11, 10, 17, 30, tzinfo=UTC)) == "11/11/2026 00:30"
    assert vn_date(datetime(2026, 11, 10, 16, 59, tzinfo=UTC)) == "10/11/2026"
    page = text(as_user(app, "gv_a1").get(f"/cases/{case}"))
    assert re.search(r"<time>\d{2}/\d{2}/\d{4} \d{2}:\d{2}</time>", page)


def test_incident_is_shown_and_a_manager_can_retry(app, product):
    from tests.helpers import bpmn, deploy_bytes, flow, user_task

    deploy_bytes(product, "chia.bpmn", bpmn("chia", "\n".join([
        '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
        '<bpmn:scriptTask id="tinh" name="Tính điểm"><bpmn:incoming>f0</bpmn:incoming>'
        '<bpmn:outgoing>f1</bpmn:outgoing><bpmn:script>diem = 10 / he_so</bpmn:script></bpmn:scriptTask>',
        user_task("xem", "Xem kết quả", incoming="f1", outgoing="f2"),
        '<bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>',
        flow("f0", "s", "tinh"), flow("f1", "tinh", "xem"), flow("f2", "xem", "e")]),
        lanes={"giao_vien": ["s", "tinh", "xem", "e"]}, name="Chia điểm"))
    case_id = start_instance(product, None, "chia", "th_a", data={"he_so": 0}).id
    principal = as_user(app, "ht_a")  # hiệu trưởng: manages school A
    page = text(principal.get(f"/cases/{case_id}"))
    assert 'data-testid="case-status">Sự cố' in page and "ZeroDivisionError" in page
    assert re.search(r'class="step step-incident" data-element="tinh"', page)
    assert "Chạy lại bước bị lỗi" in page and "Một bước bị lỗi" in page
    retried = post(principal, f"/cases/{case_id}/retry", follow_redirects=True)
    assert "Đã chạy lại bước bị lỗi." in text(retried) and "Sự cố" in text(retried)  # fails again: he_so is 0
    assert "Chạy lại bước bị lỗi" not in text(as_user(app, "gv_a1").get(f"/cases/{case_id}"))


def test_a_draft_too_large_for_the_cookie_is_refused(app, case):
    import secrets

    user = as_user(app, "gv_a1")
    task_id = open_task_id(user, case)
    refused = post(user, f"/tasks/{task_id}", {"action": "save", "ghi_chu": secrets.token_urlsafe(1500),
                                                     "chuc_vu": secrets.token_urlsafe(1500)})
    assert refused.status_code == 413 and "Bản nháp quá dài" in text(refused)
    assert user.get("/inbox").status_code == 200  # still signed in: the session cookie was not overfilled


def test_case_history_tells_deadline_events_in_words(app, product, case):
    """Overdue notices, escalations and rescheduling read as sentences in the history, not as engine codes."""
    from datetime import timedelta

    from sqlalchemy import update

    from engine import clock
    from engine.models import HumanTask
    from engine.runtime.context import audit
    from engine.runtime.deadlines import send_due_reminders

    with product.transaction() as s:
        s.execute(update(HumanTask).where(HumanTask.instance_id == case)
                  .values(due_at=clock.now() - timedelta(days=2)))
    send_due_reminders(product)
    with product.transaction() as s:  # as escalate() and a moved milestone write them
        audit(s, "task.escalated", instance_id=case, note="Trường chưa nộp đúng hạn.", role="lanh_dao_phong")
        audit(s, "case.rescheduled", instance_id=case, plan_id=1, milestone="dang_ky", timers=0, tasks=1)
    page = text(as_user(app, "gv_a1").get(f"/cases/{case}"))
    assert "Công việc «Đăng ký danh hiệu thi đua» đã quá hạn: đã báo người xử lý." in page
    assert "Đã báo cáo cấp trên về công việc" in page and "Trường chưa nộp đúng hạn." in page
    assert "hạn của hồ sơ đã được tính lại" in page
    for code in ("task.overdue", "task.escalated", "case.rescheduled"):
        assert f'data-action="{code}"' in page and f">{code}<" not in page


def test_a_plan_deadline_reads_as_its_last_day_everywhere(app, product, case):
    """"Trước ngày 11/11/2026" is stored as 11/11/2026 00:00 (+07:00): the inbox, the task, the case and the
    dashboard's overdue list say "10/11/2026", as the plan page does, not "11/11/2026 00:00"."""
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import select, update

    from engine.models import HumanTask

    due = datetime(2026, 11, 11, tzinfo=timezone(timedelta(hours=7)))
    with product.transaction() as s:
        s.execute(update(HumanTask).where(HumanTask.instance_id == case).values(due_at=due))
        task_id = s.scalars(select(HumanTask.id).where(HumanTask.instance_id == case)).one()
    teacher, manager = as_user(app, "gv_a1"), as_user(app, "ld_phong")
    for page in (text(teacher.get("/inbox")), text(teacher.get(f"/tasks/{task_id}")),
                 text(teacher.get(f"/cases/{case}")), text(manager.get("/dashboard"))):
        assert "10/11/2026" in page
        assert "11/11/2026 00:00" not in page


def test_current_tasks_name_their_unit_when_it_is_not_the_cases(app, product, case):
    """A block's case has one signing task per member school: each line says which school holds it."""
    from sqlalchemy import select, update

    from engine.models import HumanTask, Unit

    page = text(as_user(app, "ld_phong").get(f"/cases/{case}"))
    assert 'data-testid="task-unit"' not in page  # the task is in the case's own school: nothing to add
    with product.transaction() as s:
        other = s.scalar(select(Unit.id).where(Unit.code == "th_b"))
        s.execute(update(HumanTask).where(HumanTask.instance_id == case).values(unit_id=other))
    page = text(as_user(app, "ld_phong").get(f"/cases/{case}"))
    assert '<span class="muted" data-testid="task-unit">· Trường Tiểu học Kim Đồng</span>' in page


def test_case_page_names_its_plan_by_number(app, product):
    """The case header shows the plan's number and title linking to the plan page, not its database id."""
    from sqlalchemy import select

    from engine.models import Plan

    with product.transaction() as session:
        plan_id = session.scalar(select(Plan.id).where(Plan.number == "85/KH-PGD&ĐT"))
    case_id = start_instance(product, None, "dang_ky_thi_dua", "th_a", plan_id=plan_id).id
    page = text(as_user(app, "gv_a1").get(f"/cases/{case_id}"))
    assert f'<a href="/plans/{plan_id}" data-testid="case-plan">85/KH-PGD&amp;ĐT</a>' in page
    assert "Công tác Thi đua - Khen thưởng" in page and f"Kế hoạch số {plan_id}" not in page
