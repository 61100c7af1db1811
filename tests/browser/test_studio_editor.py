"""A designer in the studio's editors, in a real browser (Debian's chromium via Playwright): edit the seed
process through the diagram and the properties panel, meet a validation error on its element, fix it,
deploy a new version and start a case on it; edit a decision-table row and test it; others are refused."""

from __future__ import annotations

import re

from lxml import etree
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from engine.definitions.repository import latest_definition
from engine.models import AuditEvent, DefinitionDraft, Instance
from engine.runtime.instances import start_instance
from tests.browser.pages import Console, shot, sign_in, signed_in_page

SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
MILESTONE = "cac_don_vi_gui_ho_so"


def open_group(page: Page, title: str) -> None:
    header = page.locator(".bio-properties-panel-group-header", has=page.get_by_text(title, exact=True))
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def element(page: Page, element_id: str):
    return page.locator(f"#editor-canvas g.djs-element[data-element-id='{element_id}']")


def selected(page: Page) -> list[str]:
    return page.evaluate("window.tdktModeler.get('selection').get().map(e => e.id)")


def pick(page: Page, element_id: str) -> None:
    """Click the element's shape on the canvas (its hit area), which selects it and opens its context pad.
    (A click while the canvas still scrolls after a modelling action may land beside the shape: once more.)"""
    for _ in range(3):
        hit = element(page, element_id).locator(".djs-hit").first
        hit.click(force="djs-hit-stroke" in (hit.get_attribute("class") or ""))  # a flow's hit line is invisible
        if selected(page) == [element_id]:
            break
        page.wait_for_timeout(300)
    assert selected(page) == [element_id]
    expect(page.locator(".djs-context-pad")).to_be_visible()


def context_action(page: Page, action: str) -> None:
    page.locator(f".djs-context-pad [data-action='{action}']").click()


def task_properties(source: bytes, task_id: str) -> dict[str, str]:
    root = etree.fromstring(source)
    task = root.xpath("//*[@id=$id]", id=task_id)[0]
    return {p.get("name"): p.get("value") for p in task.iter(f"{SPIFF}property")}


def test_designer_edits_validates_deploys_and_starts_a_case(browser: Browser, server: str, product) -> None:
    console = Console()
    page = signed_in_page(browser, server, "thietke", console, viewport=(1400, 1000))
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{server}/studio/")
    page.get_by_role("link", name="Sửa quy trình và bảng quyết định").click()
    page.locator("tr[data-key='dang_ky_thi_dua']").get_by_role("link", name="Sửa").click()
    editor = page.locator("#bpmn-editor")
    expect(editor).to_have_attribute("data-state", "ready")
    expect(page.get_by_test_id("editor-origin")).to_contain_text("tự động dàn trang")  # the seed has no drawing
    expect(page.locator(".bjsl-button")).to_be_visible()  # bpmnlint runs in the editor

    # replace the end: tiep_nhan → a new user task → a new end event
    pick(page, "end")
    context_action(page, "delete")
    pick(page, "tiep_nhan")
    context_action(page, "append.append-task")
    page.keyboard.type("Phòng báo cáo kết quả")
    page.locator("#editor-canvas").click(position={"x": 650, "y": 40})  # ends the label's direct editing
    task_id = page.evaluate("window.tdktModeler.get('elementRegistry').filter(e => e.type === 'bpmn:Task')[0].id")
    pick(page, task_id)
    context_action(page, "replace")
    page.locator(".djs-popup [data-id='replace-with-user-task']").click()
    pick(page, task_id)
    context_action(page, "append.end-event")
    pick(page, task_id)

    open_group(page, "Người thực hiện")
    page.get_by_label("Biểu mẫu (formKey)").select_option("tong_hop_dang_ky")
    open_group(page, "Hạn")
    page.get_by_label("Chèn mốc kế hoạch hoặc hàm ngày làm việc").select_option(f"m:milestone('{MILESTONE}')")
    due = page.get_by_label("Hạn hoàn thành (dueDate)")
    expect(due).to_have_value(f"milestone('{MILESTONE}')")
    page.get_by_label("Chèn mốc kế hoạch hoặc hàm ngày làm việc").select_option("h:working_days_before({expr}, 3)")
    expect(due).to_have_value(f"working_days_before(milestone('{MILESTONE}'), 3)")
    page.get_by_label("Nhắc trước bao nhiêu ngày làm việc (reminderDays)").fill("2")

    # no lane is drawn, so the new task has no role yet: the server's validation says so, on the task
    page.get_by_role("button", name="Kiểm tra").click()
    badge = page.locator(f".tdkt-problem-badge[data-element='{task_id}']")
    expect(badge).to_be_visible()
    expect(element(page, task_id)).to_have_class(lambda_has("tdkt-has-problem"))
    problem = page.get_by_test_id("problems").locator(f"li[data-element='{task_id}']")
    expect(problem).to_contain_text("user task has no role")
    expect(problem).to_contain_text("dòng ")
    shot(page, "20-studio-loi-tren-so-do")

    pick(page, task_id)
    open_group(page, "Người thực hiện")
    page.get_by_label("Vai trò (candidateRole)").select_option("chuyen_vien_thi_dua")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_test_id("editor-status")).to_have_text("Đã lưu nháp. Bản nháp không bao giờ được chạy.")
    expect(badge).to_have_count(0)
    page.get_by_role("button", name="Triển khai phiên bản mới").click()
    expect(editor).to_have_attribute("data-deployed-version", "2")
    expect(page.get_by_test_id("editor-status")).to_contain_text("Đã triển khai phiên bản 2")
    shot(page, "21-studio-trien-khai")

    with product.transaction() as session:
        deployed = latest_definition(session, "dang_ky_thi_dua")
        assert deployed is not None and deployed.version == 2
        assert task_properties(deployed.source, task_id) == {
            "formKey": "tong_hop_dang_ky", "candidateRole": "chuyen_vien_thi_dua", "reminderDays": "2",
            "dueDate": f"working_days_before(milestone('{MILESTONE}'), 3)"}
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "definition.deployed")).all()
        assert [(a.details["key"], a.details["version"], a.details["via"]) for a in audit] == \
            [("dang_ky_thi_dua", 2, "studio")]
    case = start_instance(product, None, "dang_ky_thi_dua", "th_a", title="Đăng ký — phiên bản 2")
    with product.transaction() as session:
        assert session.get(Instance, case.id).definition.version == 2
    page.goto(f"{server}/cases/{case.id}")
    diagram = page.locator("#case-diagram")
    expect(diagram).to_have_attribute("data-state", "ready")
    expect(diagram.locator(f"g.djs-element[data-element-id='{task_id}']")).to_have_count(1)
    assert console.errors == []
    page.context.close()


def lambda_has(css_class: str):
    return re.compile(rf"(^|\s){css_class}(\s|$)")


def test_designer_edits_a_decision_row_and_tests_it(browser: Browser, server: str, product) -> None:
    console = Console()
    page = signed_in_page(browser, server, "thietke", console, viewport=(1400, 1000))
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{server}/studio/decisions/eligibility_lao_dong_tien_tien/edit")
    expect(page.locator("#dmn-editor")).to_have_attribute("data-state", "ready")
    panel = page.get_by_test_id("test-panel")
    panel.get_by_label("Hiệu lực từ (ngày nhận hồ sơ) (receipt_date)").fill("2024-09-05")
    panel.get_by_label("Xếp loại năm đề nghị (HTXSNV, HTTNV, HTNV, KHTNV) (rating)").fill("HTNV")
    panel.get_by_role("button", name="Chạy thử").click()
    expect(panel.get_by_test_id("matched-rows")).to_have_text("Các dòng khớp: 1")
    expect(panel.get_by_test_id("test-result")).to_contain_text("khong_dat")
    expect(page.locator("#editor-canvas [data-row-id='ldtt_xep_loai_chua_dat'].dmn-matched").first).to_be_visible()

    # row 1 no longer refuses HTNV: nothing matches it any more
    cell = page.locator("#editor-canvas td[data-element-id='ldtt_xep_loai_chua_dat_i2']")
    cell.click()
    cell.locator(".cm-content").fill('? not in ("HTTNV", "HTXSNV", "HTNV")')
    page.get_by_role("heading", name="Chạy thử bảng quyết định").click()
    panel.get_by_role("button", name="Chạy thử").click()
    expect(panel.get_by_test_id("matched-rows")).to_have_text("Không có dòng nào khớp với các giá trị này.")
    panel.get_by_label("Xếp loại năm đề nghị (HTXSNV, HTTNV, HTNV, KHTNV) (rating)").fill("KHTNV")
    panel.get_by_role("button", name="Chạy thử").click()
    expect(panel.get_by_test_id("matched-rows")).to_have_text("Các dòng khớp: 1")
    shot(page, "22-studio-dmn-thu")
    page.get_by_role("button", name="Triển khai phiên bản mới").click()
    expect(page.locator("#dmn-editor")).to_have_attribute("data-deployed-version", "2")
    with product.transaction() as session:
        deployed = latest_definition(session, "eligibility_lao_dong_tien_tien")
        assert deployed is not None and deployed.version == 2
        assert b'? not in ("HTTNV", "HTXSNV", "HTNV")' in deployed.source
    assert console.errors == []
    page.context.close()


def test_non_designer_cannot_reach_the_studio(browser: Browser, server: str, product) -> None:
    console = Console()
    page = console.watch(browser.new_context(locale="vi-VN").new_page())
    sign_in(page, server, "cv_phong")
    expect(page.get_by_role("link", name="Thiết kế quy trình")).to_have_count(0)
    for url in ("/studio/", "/studio/processes/dang_ky_thi_dua/edit", "/studio/decisions/eligibility_hold/edit"):
        response = page.goto(f"{server}{url}")
        assert response is not None and response.status == 403, url
        expect(page.locator("body")).to_contain_text("chỉ dành cho cán bộ thiết kế quy trình")
        expect(page.locator("#bpmn-editor, #dmn-editor")).to_have_count(0)


def test_timers_scripts_and_conditions_in_the_panel(browser: Browser, server: str, product) -> None:
    console = Console()
    page = signed_in_page(browser, server, "thietke", console, viewport=(1400, 1000))
    page.goto(f"{server}/studio/processes/mau_nhac_han_leo_thang/edit")
    expect(page.locator("#bpmn-editor")).to_have_attribute("data-state", "ready")
    pick(page, "nhac_truoc_han")
    open_group(page, "Hẹn giờ")
    expect(page.get_by_label("Loại hẹn giờ")).to_have_value("timeDate")
    value = page.get_by_label("Giá trị hẹn giờ (biểu thức)")
    expect(value).to_have_value("working_days_before(milestone(moc_han), 3)")
    page.get_by_label("Chèn mốc kế hoạch hoặc hàm ngày làm việc").select_option(f"m:milestone('{MILESTONE}')")
    expect(value).to_have_value(f"milestone('{MILESTONE}')")
    page.get_by_label("Chèn mốc kế hoạch hoặc hàm ngày làm việc").select_option("h:working_days_before({expr}, 3)")
    expect(value).to_have_value(f"working_days_before(milestone('{MILESTONE}'), 3)")

    pick(page, "ghi_nhac")  # a script escape is refused on save, marked on the script task
    open_group(page, "Mã lệnh (script)")
    script = page.get_by_label("Mã lệnh (Python, bị giới hạn)")
    expect(script).to_have_value(re.compile(r"^remind\(task='nop_ho_so'"))
    script.fill("x = ().__class__.__bases__[0].__subclasses__()")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_test_id("editor-status")).to_contain_text("script:")
    expect(page.locator(".tdkt-problem-badge[data-element='ghi_nhac']")).to_be_visible()
    with product.transaction() as session:
        assert session.scalar(select(DefinitionDraft.key)) is None
    pick(page, "ghi_nhac")
    open_group(page, "Mã lệnh (script)")
    page.get_by_label("Mã lệnh (Python, bị giới hạn)").fill("remind(task='nop_ho_so')")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_test_id("editor-status")).to_have_text("Đã lưu nháp. Bản nháp không bao giờ được chạy.")
    with product.transaction() as session:
        draft = session.get(DefinitionDraft, "mau_nhac_han_leo_thang")
        assert draft is not None
        root = etree.fromstring(draft.source)
        assert root.xpath("//*[@id='nhac_truoc_han']//*[local-name()='timeDate']/text()") == \
            [f"working_days_before(milestone('{MILESTONE}'), 3)"]
        assert root.xpath("//*[@id='ghi_nhac']/*[local-name()='script']/text()") == ["remind(task='nop_ho_so')"]
    shot(page, "23-studio-hen-gio")

    page.goto(f"{server}/studio/processes/dang_ky_thi_dua/edit")
    expect(page.locator("#bpmn-editor")).to_have_attribute("data-state", "ready")
    pick(page, "f4")
    open_group(page, "Điều kiện rẽ nhánh")
    expect(page.get_by_label("Điều kiện (biểu thức Python)")).to_have_value("ket_qua == 'dong_y'")
    assert console.errors == []
    page.context.close()


def test_new_process_with_a_lane_bound_to_a_role(browser: Browser, server: str, product) -> None:
    console = Console()
    page = signed_in_page(browser, server, "thietke", console, viewport=(1400, 1000))
    page.goto(f"{server}/studio/editor")
    page.get_by_role("link", name="Quy trình mới").click()
    expect(page.locator("#bpmn-editor")).to_have_attribute("data-state", "ready")
    expect(page.get_by_test_id("editor-origin")).to_have_text("Quy trình mới")
    # a pool with two lanes around the start event (drawn through the modeler's own commands)
    lane_id = page.evaluate("""() => {
        const modeler = window.tdktModeler, modeling = modeler.get('modeling');
        const pool = modeling.createShape({ type: 'bpmn:Participant' }, { x: 400, y: 200 },
                                          modeler.get('canvas').getRootElement());
        modeling.splitLane(pool, 2);
        return modeler.get('elementRegistry').filter(e => e.type === 'bpmn:Lane')[0].id;
    }""")
    pick(page, lane_id)
    open_group(page, "Vai trò của làn")
    page.get_by_label("Vai trò", exact=True).select_option("hieu_truong")
    expect(element(page, lane_id)).to_contain_text("Hiệu trưởng")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_test_id("editor-status")).to_contain_text("Đã lưu nháp")
    with product.transaction() as session:
        draft = session.get(DefinitionDraft, "quy_trinh_moi")
        assert draft is not None
        root = etree.fromstring(draft.source)
        assert root.xpath("//*[@id=$id]/@name", id=lane_id) == ["Hiệu trưởng"]
    assert console.errors == []
    page.context.close()
