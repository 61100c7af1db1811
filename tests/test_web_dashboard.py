"""The manager's dashboard, bulk actions, Excel exports and plan timelines through the test client:
who may open what beyond the route table, the reasons in Vietnamese, the heat map rule, the exports."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from engine import calendar, clock
from engine.clock import VN_TZ
from engine.models import AuditEvent, HumanTask, Notification, Person
from tests import dashboard_scene
from tests.browser.support import csrf_from, sign_in
from webui import create_app
from webui.views.workdays import WorkingDays, stuck_cutoff


@pytest.fixture
def scene(product):
    return dashboard_scene.build(product)


@pytest.fixture
def app(product, scene):
    return create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real"})


def client_for(app, username):
    client = app.test_client()
    if username:
        assert sign_in(client, username).status_code == 302
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def test_dashboard_scope_edges(app, scene):
    """Beyond the route table (tests/test_web_route_authz.py): a principal does not see a case of another
    school that the district manager sees; unknown plans and list names are 404; a page past the end of
    a list goes back to the list."""
    principal, district = client_for(app, "ht_a"), client_for(app, "ld_phong")
    assert principal.get(f"/cases/{scene.stuck_case}").status_code == 404
    assert district.get(f"/cases/{scene.stuck_case}").status_code == 200
    for client in (principal, district):
        assert client.get("/dashboard/export/heatmap.xlsx?plan=987654").status_code == 404
        assert client.get("/dashboard/export/nothing.xlsx").status_code == 404
        assert client.get("/dashboard/lists/stuck?page=2").status_code == 302
        assert client.get("/plans/987654").status_code == 404


def test_dashboard_refusal_page_and_navigation(app, scene):
    officer = client_for(app, "gv_a1")
    refused = officer.get("/dashboard")
    assert refused.status_code == 403 and "Trang theo dõi dành cho lãnh đạo" in text(refused)
    assert 'href="/dashboard"' not in text(officer.get("/inbox"))
    assert 'href="/dashboard"' in text(client_for(app, "ld_phong").get("/inbox"))
    assert 'href="/plans"' in text(officer.get("/inbox"))


def test_reasons_in_vietnamese_and_holders(app, scene, product):
    page = text(client_for(app, "ld_phong").get("/dashboard"))
    now = clock.now()
    days = WorkingDays(calendar.current(), now)
    created = (scene.overdue_due - timedelta(days=7)).astimezone(VN_TZ).strftime("%d/%m/%Y")
    late = days.past_deadline(scene.overdue_due)
    assert late == calendar.current().working_days_between(scene.overdue_due, now) >= 1
    assert (f"chờ Giáo viên Trường Tiểu học Văn Yên xử lý «Đăng ký danh hiệu thi đua» từ {created}, "
            f"quá hạn {late} ngày làm việc") in page
    idle = days.since(scene.stuck_since)
    assert (f"không có tiến triển {idle} ngày làm việc (từ {scene.stuck_since.astimezone(VN_TZ):%d/%m/%Y}): "
            "chờ Giáo viên Trường Tiểu học Kim Đồng xử lý «Đăng ký danh hiệu thi đua»") in page
    today = now.astimezone(VN_TZ).strftime("%d/%m/%Y")
    assert ("không có ai giữ vai trò Tổ trưởng chuyên môn tại Trường Tiểu học Văn Yên nên không ai nhận được "
            f"«Tổ trưởng xác nhận minh chứng» (từ {today})") in page
    assert re.search(r"bước «Tính điểm» bị lỗi lúc \d\d/\d\d/\d{4} \d\d:\d\d: .*ZeroDivisionError", page)
    assert "Giáo viên @ Trường Tiểu học Văn Yên" in page and "Tổ trưởng chuyên môn @ Trường Tiểu học Văn Yên" in page
    assert "người quản lý (chạy lại sau khi khắc phục)" in page
    for kind, total in (("overdue", 1), ("stuck", 1), ("orphans", 1), ("incidents", 1)):
        assert f'data-testid="total-{kind}">{total}<' in page
    assert 'data-status="running"' in page and "3 công việc hoàn thành trong 30 ngày qua." in page


def test_principal_sees_only_own_school(app, scene):
    page = text(client_for(app, "ht_a").get("/dashboard"))
    assert dashboard_scene.OVERDUE_TITLE in page and dashboard_scene.ORPHAN_TITLE in page
    assert dashboard_scene.STUCK_TITLE not in page and dashboard_scene.INCIDENT_TITLE not in page


def test_orphan_when_nobody_holds_the_role_any_more_and_stuck_threshold(app, scene, product):
    with product.transaction() as session:
        session.execute(update(Person).where(Person.username == "gv_b1").values(active=False))
    page = text(client_for(app, "ld_phong").get("/dashboard"))
    assert "không có ai giữ vai trò Giáo viên tại Trường Tiểu học Kim Đồng" in page
    patient = create_app({"DATABASE_URL": product.url, "TESTING": True, "STUCK_WORKING_DAYS": 40})
    assert 'data-testid="total-stuck">0<' in text(client_for(patient, "ld_phong").get("/dashboard"))
    assert 'data-testid="total-stuck">1<' in page


def test_bulk_reassign_remind_retry(app, scene, product):
    manager = client_for(app, "ld_phong")
    token = csrf_from(text(manager.get("/dashboard")))
    refused = manager.post("/dashboard/actions", data={"list": "overdue", "action": "remind",
                                                        "ids": str(scene.overdue_task)})
    assert refused.status_code == 400  # no CSRF token
    done = manager.post("/dashboard/actions", data={"csrf_token": token, "list": "overdue", "action": "reassign",
                                                     "ids": str(scene.overdue_task), "username": "gv_a2"})
    assert done.status_code == 302 and done.headers["Location"].endswith("#overdue")
    page = text(manager.get("/dashboard"))
    assert "Đã giao lại 1 công việc." in page
    row = re.search(rf'data-item-id="{scene.overdue_task}".*?</tr>', page, re.S).group(0)
    assert "Vũ Văn Minh" in row and "chờ Vũ Văn Minh xử lý" in row
    for _ in range(2):  # the second reminder of the day reaches nobody again
        manager.post("/dashboard/actions", data={"csrf_token": token, "list": "overdue", "action": "remind",
                                                 "ids": str(scene.overdue_task)})
    manager.post("/dashboard/actions", data={"csrf_token": token, "list": "stuck", "action": "remind",
                                             "ids": str(scene.stuck_case)})
    with product.transaction() as session:
        sent = session.execute(select(Person.username, Notification.kind)
                               .join(Person, Person.id == Notification.person_id)
                               .where(Notification.dedupe_key.like("manual_reminder:%"))).all()
        audits = session.scalars(select(AuditEvent.action).where(AuditEvent.action.in_(
            ("task.reassigned", "task.reminded")))).all()
    assert sorted(sent) == [("gv_a2", "task_overdue"), ("gv_b1", "task_reminder")]
    assert sorted(audits) == ["task.reassigned", "task.reminded", "task.reminded", "task.reminded"]
    retried = manager.post("/dashboard/actions", data={"csrf_token": token, "list": "incidents", "action": "retry",
                                                        "ids": str(scene.incident_case)}, follow_redirects=True)
    assert f"#{scene.incident_case}: bước bị lỗi lại" in text(retried)
    orphan = manager.post("/dashboard/actions", data={"csrf_token": token, "list": "orphans", "action": "remind",
                                                       "ids": str(scene.orphan_task)}, follow_redirects=True)
    assert "Thao tác này không dùng được cho danh sách này." in text(orphan)


def test_principal_cannot_act_outside_school(app, scene):
    principal = client_for(app, "ht_a")
    token = csrf_from(text(principal.get("/dashboard")))
    answer = principal.post("/dashboard/actions", data={
        "csrf_token": token, "list": "stuck", "action": "remind", "ids": str(scene.stuck_case)},
        follow_redirects=True)
    assert f"#{scene.stuck_case}: Không tìm thấy" in text(answer)
    wrong_person = principal.post("/dashboard/actions", data={
        "csrf_token": token, "list": "overdue", "action": "reassign", "ids": str(scene.overdue_task),
        "username": "gv_b1"}, follow_redirects=True)
    assert "Người này không công tác tại đơn vị của công việc." in text(wrong_person)


def test_excel_export_of_lists_and_heat_map(app, scene):
    manager = client_for(app, "ld_phong")
    response = manager.get("/dashboard/export/overdue.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "theo-doi-overdue-" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Mã hồ sơ", "Hồ sơ", "Đơn vị", "Công việc", "Người xử lý", "Hạn", "Từ ngày",
                       "Số ngày làm việc", "Lý do")
    assert len(rows) == 2
    case_id, title, unit, task, holder, due, since, days, why = rows[1]
    assert (case_id, title, unit, task) == (scene.overdue_case, dashboard_scene.OVERDUE_TITLE,
                                            "Trường Tiểu học Văn Yên", "Đăng ký danh hiệu thi đua")
    assert holder == "Giáo viên @ Trường Tiểu học Văn Yên" and days >= 1 and why.startswith("chờ Giáo viên")
    assert due == scene.overdue_due.astimezone(VN_TZ).replace(tzinfo=None)
    assert sheet["F2"].number_format == "dd/mm/yyyy hh:mm" and sheet["G2"].number_format == "dd/mm/yyyy"
    assert isinstance(since, datetime)
    stuck = load_workbook(io.BytesIO(manager.get("/dashboard/export/stuck.xlsx").data)).active
    assert [r[1] for r in stuck.iter_rows(min_row=2, values_only=True)] == [dashboard_scene.STUCK_TITLE]
    heat = load_workbook(io.BytesIO(manager.get(f"/dashboard/export/heatmap.xlsx?plan={scene.plan_id}").data)).active
    table = {r[0]: r[1:] for r in heat.iter_rows(min_row=2, values_only=True)}
    assert table == {"Trường Tiểu học Kim Đồng": ("Đúng hạn (1/1)", "Quá hạn"),
                     "Trường Tiểu học Văn Yên": ("Quá hạn (0/1)", "Quá hạn (0/1)")}


def test_heat_map_chart_and_plan_timeline(app, scene):
    manager = client_for(app, "ld_phong")
    page = text(manager.get("/dashboard"))
    cells = re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', page, re.S)
    states = {unit: re.findall(r'data-state="(\w+)"', body) for unit, body in cells}
    assert states == {"Trường Tiểu học Kim Đồng": ["on_time", "overdue"],
                      "Trường Tiểu học Văn Yên": ["overdue", "overdue"]}
    assert 'data-testid="completions-chart"' in page and page.count('class="chart-bar') == 30
    timeline = text(manager.get(f"/plans/{scene.plan_id}"))
    assert 'data-testid="gantt"' in timeline and 'class="gantt-today"' in timeline
    share = re.search(r'data-testid="share-nop_dang_ky">(.*?)</span>', timeline, re.S).group(1)
    assert "1/2 đơn vị đã xong (50%)" in share
    assert "không gắn với quy trình" in timeline
    teacher = text(client_for(app, "gv_a1").get(f"/plans/{scene.plan_id}"))
    assert "0/1 đơn vị đã xong (0%)" in teacher
    listing = text(manager.get("/plans"))
    assert dashboard_scene.PLAN_NUMBER in listing and "85/KH-PGD&amp;ĐT" in listing


def test_working_day_counter_matches_the_calendar(product):
    cal = calendar.current()
    now = datetime(2024, 2, 19, 10, 0, tzinfo=VN_TZ)  # the Monday after Tết 2024
    days = WorkingDays(cal, now)
    for back in range(0, 400, 7):
        instant = (now - timedelta(days=back, hours=3)).astimezone(UTC)
        assert days.since(instant) == max(0, cal.working_days_between(instant, now)), back
    for n in range(1, 12):
        cutoff = stuck_cutoff(cal, now, n)
        assert days.since(cutoff - timedelta(microseconds=1)) >= n > days.since(cutoff), n
    assert days.past_deadline(datetime(2024, 2, 19, 0, 0, tzinfo=VN_TZ)) == 1  # "trước ngày 19/02": 1 day late
    assert days.past_deadline(datetime(2024, 2, 19, 17, 0, tzinfo=VN_TZ)) == 0


def test_lists_page_with_htmx_and_past_the_end(app, scene, product):
    from engine.runtime.instances import start_instance

    cases = [start_instance(product, None, "dang_ky_thi_dua", "th_b", title=f"Hồ sơ trễ {i:02d}").id for i in range(22)]
    with product.transaction() as session:
        session.execute(update(HumanTask).where(HumanTask.instance_id.in_(cases))
                        .values(due_at=clock.now() - timedelta(days=3)))
    manager = client_for(app, "ld_phong")
    first = text(manager.get("/dashboard"))
    assert 'data-testid="total-overdue">23<' in first and "Trang 1/2" in first
    second = manager.get("/dashboard/lists/overdue?page=2", headers={"HX-Request": "true"})
    body = text(second)
    assert body.lstrip().startswith('<div id="list-overdue"') and "<html" not in body
    assert body.count('class="monitor-row"') == 3 and "Trang 2/2" in body
    past_end = text(manager.get("/dashboard?overdue_page=9"))
    assert "Trang 2/2" in past_end
    plain = manager.get("/dashboard/lists/overdue?page=2")  # without htmx: the whole page at that place
    assert plain.headers["Location"].endswith("/dashboard?overdue_page=2#overdue")
