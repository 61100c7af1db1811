"""The studio's library, migration, plan, form and preview pages through the Flask client on a real database:
designers only, CSRF on every POST, bad input refused with a clear 4xx and nothing changed."""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest
from sqlalchemy import func, select

from engine.bootstrap import init
from engine.config import load_settings
from engine.forms import latest_form
from engine.models import AuditEvent, FormDefinition, HumanTask, Instance, Milestone, Plan, ProcessDefinition
from engine.runtime.instances import start_instance
from tests.browser.support import csrf_from
from tests.deadline_cases import deadline_process, make_plan
from tests.helpers import deploy_bytes, open_tasks
from tests.test_plans import SEED_ROWS
from tests.test_web_pages import as_user, text
from webui import create_app

GET_PAGES = ["/studio/processes", "/studio/processes/dang_ky_thi_dua", "/studio/processes/dang_ky_thi_dua/migrate",
             "/studio/processes/dang_ky_thi_dua/versions/1/file", "/studio/forms", "/studio/forms/duyet_dang_ky",
             "/studio/plans", "/studio/preview"]


@pytest.fixture
def app(product):
    return create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real"})


@pytest.fixture
def designer(app):
    return as_user(app, "thietke")


def post(client, url, data=None, **kwargs):
    token = csrf_from(text(client.get("/studio/")))
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def count(db, model, *where) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def first_plan_id(db) -> int:
    with db.transaction() as session:
        return session.scalar(select(Plan.id).order_by(Plan.id))


def person_hash(session, username: str) -> str:
    from engine.org import person_by_username

    return person_by_username(session, username).password_hash


def post_urls(db) -> list[str]:
    plan_id = first_plan_id(db)
    with db.transaction() as session:
        key = session.scalar(select(Milestone.key).where(Milestone.plan_id == plan_id))
    return ["/studio/processes/dang_ky_thi_dua/migrate", f"/studio/plans/{plan_id}/milestones/{key}",
            "/studio/plans/import", "/studio/forms/duyet_dang_ky/preview", "/studio/forms/duyet_dang_ky",
            "/studio/preview"]


def test_designers_get_each_page_others_403_outsiders_sign_in(app, product):
    from engine.org import add_person

    with product.transaction() as session:
        add_person(session, "ngoai", "Người Ngoài", "th_b", [], password_hash=person_hash(session, "gv_a1"))
    urls = [*GET_PAGES, f"/studio/plans/{first_plan_id(product)}"]
    designer, teacher, manager = as_user(app, "thietke"), as_user(app, "gv_a1"), as_user(app, "ld_phong")
    no_role, signed_out = as_user(app, "ngoai"), app.test_client()
    for url in urls:
        assert designer.get(url).status_code == 200, url
        assert teacher.get(url).status_code == 403, url
        assert manager.get(url).status_code == 403, url
        assert no_role.get(url).status_code == 403, url
        response = signed_out.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    for url in post_urls(product):
        assert post(teacher, url, {"title": "x"}).status_code == 403, url
        assert post(manager, url, {"title": "x"}).status_code == 403, url
        assert post(no_role, url, {"title": "x"}).status_code == 403, url
        response = signed_out.post(url, data={"title": "x"})
        assert response.status_code in (302, 400), url  # no session: no token, no way in


def test_every_post_needs_the_csrf_token(designer, product):
    audits = count(product, AuditEvent)
    for url in post_urls(product):
        response = designer.post(url, data={"title": "x", "due": "01/01/2030", "schema": "{}", "action": "save"})
        assert response.status_code == 400 and "thiếu hoặc sai mã" in text(response), url
    assert count(product, AuditEvent) == audits


def test_library_lists_versions_downloads_compares_and_names_the_plans(designer, product):
    source = (product_path := __import__("engine.config", fromlist=["PROJECT_ROOT"]).PROJECT_ROOT
              / "processes" / "dang_ky_thi_dua.bpmn").read_bytes()
    changed = source.replace('name="Hiệu trưởng duyệt'.encode(), 'name="Xem xét duyệt'.encode(), 1)
    assert changed != source, product_path
    deploy_bytes(product, "dang_ky_thi_dua.bpmn", changed, by="thietke")
    start_instance(product, None, "dang_ky_thi_dua", "th_a", plan_id=first_plan_id(product))
    page = text(designer.get("/studio/processes/dang_ky_thi_dua"))
    assert 'data-version="2"' in page and 'data-version="1"' in page and "Nguyễn Thị Thiết Kế" in page
    assert re.search(r'data-testid="live-2">\s*1<', page)
    assert 'data-testid="plan-uses"' in page and "1 hồ sơ" in page
    download = designer.get("/studio/processes/dang_ky_thi_dua/versions/1/file")
    assert download.data == source and "attachment" in download.headers["Content-Disposition"]
    assert download.mimetype == "application/xml"
    compare = designer.get("/studio/processes/dang_ky_thi_dua/compare?old=1&new=2")
    assert compare.status_code == 200
    html = text(compare)
    changed_list = html.split('data-testid="changed"')[1].split("</ul>")[0]
    assert 'data-aspect="name"' in changed_list and "Xem xét duyệt" in changed_list
    assert 'data-testid="added"><li class="muted">' in html
    bad = designer.get("/studio/processes/dang_ky_thi_dua/compare?old=1&new=9")
    assert bad.status_code == 400 and "new: choose one of the deployed versions (2, 1)" in text(bad)
    assert designer.get("/studio/processes/khong_co").status_code == 404
    assert designer.get("/studio/processes/dang_ky_thi_dua/versions/7/file").status_code == 404


@pytest.fixture
def two_versions(product):
    deploy_bytes(product, "han_nop.bpmn", deadline_process("han_nop"), by="thietke")
    cases = [start_instance(product, None, "han_nop", "th_a").id for _ in range(2)]
    deploy_bytes(product, "han_nop.bpmn", deadline_process("han_nop", due="'2031-01-01T00:00:00+07:00'"),
                 by="thietke")
    return cases


def test_migration_page_previews_then_moves_the_chosen_cases(designer, product, two_versions):
    first, second = two_versions
    page = text(designer.get("/studio/processes/han_nop/migrate?from=1"))
    assert f'data-case="{first}"' in page and f'data-case="{second}"' in page
    preview = post(designer, "/studio/processes/han_nop/migrate",
                   {"from": "1", "to": "2", "case": str(first), "action": "preview"})
    assert preview.status_code == 200 and "có thể chuyển sang phiên bản 2" in text(preview)
    assert count(product, AuditEvent, AuditEvent.action == "case.migrated") == 0
    applied = post(designer, "/studio/processes/han_nop/migrate",
                   {"from": "1", "to": "2", "case": str(first), "action": "apply"})
    assert applied.status_code == 200 and "đã chuyển sang phiên bản 2" in text(applied)
    with product.transaction() as session:
        versions = dict(session.execute(select(Instance.id, ProcessDefinition.version).join(
            ProcessDefinition, ProcessDefinition.id == Instance.definition_id)).all())
    assert versions == {first: 2, second: 1}
    [row] = open_tasks(product, first)
    assert row.due_at is not None and row.due_at.year == 2030  # 01/01/2031 00:00 +07:00 is 31/12/2030 UTC


@pytest.mark.parametrize(("form", "message"), [
    ({"from": "1", "to": "2", "case": "999999", "action": "apply"}, "case: &#39;999999&#39; is not a live case"),
    ({"from": "1", "to": "2", "action": "apply"}, "case: choose at least one case"),
    ({"from": "1", "to": "7", "case": "1", "action": "apply"}, "to: &#39;7&#39; is not a deployed version"),
    ({"from": "2", "to": "1", "action": "apply"}, "choose a version newer"),
])
def test_migration_refuses_bad_input_and_changes_nothing(designer, product, two_versions, form, message):
    form = {**form, "case": str(two_versions[0])} if form.get("case") == "1" else form
    response = post(designer, "/studio/processes/han_nop/migrate", form)
    assert 400 <= response.status_code < 500 and message in text(response)
    assert count(product, AuditEvent, AuditEvent.action == "case.migrated") == 0


@pytest.fixture
def planned(product):
    deploy_bytes(product, "han_nop.bpmn", deadline_process("han_nop"), by="thietke")
    plan_id = make_plan(product, "09/KH-TEST")
    cases = [start_instance(product, None, "han_nop", "th_a", plan_id=plan_id).id for _ in range(2)]
    return plan_id, cases


def test_moving_a_milestone_shows_the_count_then_reschedules(designer, product, planned):
    plan_id, cases = planned
    url = f"/studio/plans/{plan_id}/milestones/nop_ho_so"
    page = text(designer.get(f"/studio/plans/{plan_id}"))
    assert 'value="21/05/2026"' in page and 'data-testid="gantt"' in page
    ask = post(designer, url, {"title": "Mốc nop_ho_so", "start": "", "due": "29/05/2026", "kind": ""})
    assert ask.status_code == 200
    assert "2 trong số 2 hồ sơ đang chạy của kế hoạch sẽ được tính lại hạn" in text(ask)
    assert count(product, AuditEvent, AuditEvent.action == "plan.milestone_moved") == 0
    done = post(designer, url, {"title": "Mốc nop_ho_so", "start": "", "due": "29/05/2026", "kind": "", "confirm": "1"})
    assert done.status_code == 302 and "rescheduled=2" in done.headers["Location"]
    with product.transaction() as session:
        due = session.scalar(select(Milestone.due_at).where(Milestone.plan_id == plan_id))
        task_dues = set(session.scalars(select(HumanTask.due_at).where(HumanTask.instance_id.in_(cases))))
    assert f"{due:%Y-%m-%d %H}" == "2026-05-29 17"
    assert {f"{d:%Y-%m-%d %H}" for d in task_dues} == {"2026-05-29 17"}
    assert count(product, AuditEvent, AuditEvent.action == "case.rescheduled") == 2


@pytest.mark.parametrize(("form", "message"), [
    ({"title": "Mốc", "due": "31/02/2026"}, "due: &#39;31/02/2026&#39; is not a valid date"),
    ({"title": "Mốc", "due": "20/05/2026", "start": "25/05/2026"}, "start: the window start 25/05/2026 is not before"),
    ({"title": "", "due": "21/05/2026"}, "title: write the milestone"),
    ({"title": "Mốc", "due": "21/05/2026", "kind": "Trường!"}, "kind: &#39;Trường!&#39; must be a unit kind"),
])
def test_milestone_bad_input_is_refused_and_nothing_changes(designer, product, planned, form, message):
    plan_id, _cases = planned
    response = post(designer, f"/studio/plans/{plan_id}/milestones/nop_ho_so", {"kind": "", "start": "", **form})
    assert response.status_code == 400 and message in text(response)
    with product.transaction() as session:
        milestone = session.scalar(select(Milestone).where(Milestone.plan_id == plan_id))
        assert (milestone.title, f"{milestone.due_at:%d/%m}", milestone.unit_kind) == ("Mốc nop_ho_so", "21/05", None)
    assert designer.post(f"/studio/plans/{plan_id}/milestones/khong_co", data={
        "csrf_token": csrf_from(text(designer.get("/studio/"))), "title": "x", "due": "01/01/2027"}).status_code == 404


def test_importing_a_timeline_reports_unreadable_lines_and_saves_only_clean_text(designer, product):
    base = {"number": "88/KH-TEST", "title": "Nhập thử", "school_year": "2023-2024"}
    unreadable = SEED_ROWS + "\nDòng không có ngày"
    read = post(designer, "/studio/plans/import", {**base, "text": unreadable, "action": "preview"})
    html = text(read)
    assert read.status_code == 200 and 'data-key="hoi_dong_danh_gia_sang_kien"' in html
    assert "Dòng không có ngày" in html.split('data-testid="unreadable"')[1]
    refused = post(designer, "/studio/plans/import", {**base, "text": unreadable, "action": "save"})
    assert refused.status_code == 422 and "1 line(s) could not be read" in text(refused)
    assert count(product, Plan, Plan.number == "88/KH-TEST") == 0
    for bad, message in (({"school_year": "2023"}, "school_year"), ({"text": ""}, "text: paste the timeline"),
                         ({"number": ""}, "number: must be a non-empty text")):
        response = post(designer, "/studio/plans/import", {**base, "text": SEED_ROWS, "action": "save", **bad})
        assert 400 <= response.status_code < 500 and message in text(response), bad
    assert count(product, Plan, Plan.number == "88/KH-TEST") == 0
    saved = post(designer, "/studio/plans/import", {**base, "text": SEED_ROWS, "action": "save"})
    assert saved.status_code == 302
    with product.transaction() as session:
        plan = session.scalar(select(Plan).where(Plan.number == "88/KH-TEST"))
        assert len(plan.milestones) == 3
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "plan.created",
                                                              AuditEvent.details["plan_id"].as_integer() == plan.id))


def test_form_editor_previews_as_officers_see_it_and_saves_a_new_version(designer, product):
    schema = {"type": "object", "title": "Phiếu thử", "required": ["ho_ten"], "properties": {
        "ho_ten": {"type": "string", "title": "Họ và tên"},
        "xep_loai": {"type": "string", "title": "Xếp loại", "enum": ["tot", "kha"], "x-enumNames": ["Tốt", "Khá"]}}}
    preview = post(designer, "/studio/forms/duyet_dang_ky/preview", {"schema": json.dumps(schema)},
                   headers={"HX-Request": "true"})
    html = text(preview)
    assert preview.status_code == 200 and 'id="ho_ten"' in html and "<option value=\"tot\"" in html and "Khá" in html
    before = count(product, FormDefinition, FormDefinition.key == "duyet_dang_ky")
    saved = post(designer, "/studio/forms/duyet_dang_ky", {"schema": json.dumps(schema)})
    assert saved.status_code == 302
    assert count(product, FormDefinition, FormDefinition.key == "duyet_dang_ky") == before + 1
    assert count(product, AuditEvent, AuditEvent.action == "form.deployed") == 1
    again = post(designer, "/studio/forms/duyet_dang_ky", {"schema": json.dumps(schema)})
    assert again.status_code == 302  # the same content keeps its version
    assert count(product, FormDefinition, FormDefinition.key == "duyet_dang_ky") == before + 1
    init(product, load_settings())  # `tdkt init` again: forms/duyet_dang_ky.json has not changed
    with product.transaction() as session:
        assert latest_form(session, "duyet_dang_ky").title == "Phiếu thử"
    page = text(designer.get("/studio/forms/duyet_dang_ky"))
    assert "Phiếu thử" in page and f"Phiên bản {before + 1}" in page


@pytest.mark.parametrize(("schema", "path", "message"), [
    ('{"type": "object",\n "properties": {', "(text)", "line 2"),
    ('{"type": "object", "properties": {"a": {"type": "strin"}}}', "properties/a/type", "is not valid under"),
    ('{"type": "object", "required": ["b"], "properties": {"a": {"type": "string"}}}', "required/0",
     "required field &#39;b&#39; is not among the properties"),
    ('{"type": "object", "properties": {"a": {"type": "object", "properties": {}}}}', "properties/a",
     "Trang công việc không hiển thị được trường này"),
    ('{"type": "array"}', "type", "a form schema must say"),
])
def test_schema_problems_are_listed_with_their_path_and_nothing_is_saved(designer, product, schema, path, message):
    preview = text(post(designer, "/studio/forms/duyet_dang_ky/preview", {"schema": schema}))
    assert f'data-path="{path}"' in preview and message in preview
    before = count(product, FormDefinition)
    response = post(designer, "/studio/forms/duyet_dang_ky", {"schema": schema})
    assert response.status_code == 422 and f'data-path="{path}"' in text(response)
    assert count(product, FormDefinition) == before
    assert count(product, AuditEvent, AuditEvent.action == "form.deployed") == 0


def test_form_keys_and_sizes_are_checked(designer, product):
    assert designer.get("/studio/forms/Bad-Key").status_code == 404
    assert designer.get("/studio/forms/new?key=Bad-Key").status_code == 400
    assert designer.get("/studio/forms/new?key=phieu_moi").headers["Location"].endswith("/studio/forms/phieu_moi")
    big = post(designer, "/studio/forms/duyet_dang_ky", {"schema": " " * (600 * 1024)})
    assert big.status_code == 413


def test_preview_page_runs_a_plan_year_without_touching_the_real_cases(designer, product, planned):
    plan_id, _cases = planned
    cases_before, audits_before = count(product, Instance), count(product, AuditEvent)
    response = post(designer, "/studio/preview", {"process": "han_nop", "plan": str(plan_id), "complete": "never",
                                                 "unit": "truong", "start": "11/05/2026", "until": "25/05/2026"})
    html = text(response)
    assert response.status_code == 200, html
    assert 'data-day="19/05/2026"' in html and 'data-kind="reminded"' in html and 'data-kind="overdue"' in html
    assert (count(product, Instance), count(product, AuditEvent)) == (cases_before, audits_before)
    for bad, message in (({"process": "khong_co"}, "process: choose a deployed process"),
                         ({"until": "01/01/2020"}, "until: the end of the preview must be after"),
                         ({"data": "{\"moc_han\": }"},
                          "Dữ liệu ban đầu của hồ sơ: dòng 1, cột 13 không đúng cú pháp JSON"),
                         ({"data": "[1]"}, "Dữ liệu ban đầu của hồ sơ phải là một đối tượng JSON"),
                         ({"complete": "sometimes"}, "complete: choose")):
        refused = post(designer, "/studio/preview", {"process": "han_nop", "plan": str(plan_id), "complete": "0",
                                                    "start": "11/05/2026", **bad})
        assert refused.status_code == 400 and message in text(refused), bad


def test_renaming_a_milestone_needs_no_confirmation_and_is_audited(designer, product, planned):
    plan_id, _cases = planned
    response = post(designer, f"/studio/plans/{plan_id}/milestones/nop_ho_so",
                    {"title": "Nộp hồ sơ thi đua", "start": "", "due": "21/05/2026", "kind": "truong"})
    assert response.status_code == 302
    with product.transaction() as session:
        milestone = session.scalar(select(Milestone).where(Milestone.plan_id == plan_id))
        assert (milestone.title, milestone.unit_kind) == ("Nộp hồ sơ thi đua", "truong")
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "plan.milestone_edited"))
        assert event.details["old_title"] == "Mốc nop_ho_so" and event.details["kind"] == "truong"
    assert count(product, AuditEvent, AuditEvent.action == "plan.milestone_moved") == 0


def test_preview_prefills_the_start_data_and_stops_at_an_incident_in_vietnamese(designer, product):
    """bao_cao_len_so reads its deadline from `milestone(moc_han)`: the page proposes a milestone of the plan,
    runs with it, and without it shows the failing step once, in Vietnamese, and stops there."""
    with product.transaction() as session:
        plan_id = session.scalar(select(Plan.id).where(Plan.number == "58/KH-PGDĐT"))
    html = text(designer.get("/studio/preview"))
    data = re.search(r'<textarea id="preview-data"[^>]*>([^<]*)</textarea>', html).group(1)
    assert '<option value="bao_cao_len_so" selected' in html
    with product.transaction() as session:
        keys = set(session.scalars(select(Milestone.key).where(Milestone.plan_id == plan_id)))
    proposed = json.loads(html_lib.unescape(data))
    assert list(proposed) == ["moc_han"] and proposed["moc_han"] in keys  # a milestone of the chosen plan
    base = {"process": "bao_cao_len_so", "plan": str(plan_id), "complete": "never", "unit": "phong",
            "start": "01/11/2023", "until": "15/11/2023"}
    ran = text(post(designer, "/studio/preview", {**base, "data": ""}))  # empty: the proposed data is used
    assert 'data-kind="opened"' in ran and 'data-kind="incident"' not in ran and "NameError" not in ran
    broken = post(designer, "/studio/preview", {**base, "complete": "0", "data": "{}"})
    page = text(broken)
    assert broken.status_code == 200 and page.count('data-testid="preview-incident"') == 1
    assert "Sự cố: Bước «Quá hạn» bị lỗi (dòng 1):" in html_lib.unescape(page)
    assert "NameError: name &#39;moc_han&#39; is not defined" in page and "Mô phỏng dừng tại đây" in page
    assert "cannot be completed now" not in page and "Không hoàn thành được" not in page
    assert page.count('class="preview-day"') == 1  # the run stopped on the day of the incident
