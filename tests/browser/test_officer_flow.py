"""An officer's day in a real browser: Debian's chromium driven by Playwright against a real server.

Chromium comes from `make install` (apt); this test fails rather than skips without it. Screenshots
of the main pages are saved under tests/artifacts/ for people to look at.
"""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, expect
from sqlalchemy import update

from engine import clock
from engine.models import HumanTask
from engine.runtime.instances import start_instance
from tests.browser.pages import Console, shot, sign_in, signed_in_page
from tests.browser.support import deploy_drawn_process


def test_officer_registers_and_outsider_is_refused(browser: Browser, server: str, product) -> None:
    case_id = start_instance(product, None, "dang_ky_thi_dua", "th_a", business_key="2026-2027/th_a",
                             title="Đăng ký thi đua năm học 2026-2027 — Văn Yên").id
    console = Console()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = console.watch(context.new_page())
    page.goto(f"{server}/login")
    shot(page, "01-dang-nhap")
    sign_in(page, server, "gv_a1")
    expect(page.get_by_test_id("user-name")).to_have_text("Nguyễn Thị Lan")
    row = page.locator("tr.task-row", has_text="Đăng ký thi đua năm học 2026-2027 — Văn Yên")
    expect(row).to_have_count(1)
    shot(page, "02-viec-cua-toi")
    row.get_by_role("button", name="Nhận việc").click()  # htmx swaps the row in place
    expect(row.get_by_role("button", name="Trả lại việc")).to_be_visible()
    expect(row.locator(".holder")).to_have_text("Nguyễn Thị Lan")

    row.get_by_role("link", name="Đăng ký danh hiệu thi đua").click()
    expect(page.get_by_role("heading", name="Đăng ký danh hiệu thi đua", exact=True)).to_be_visible()
    expect(page.get_by_text("Điền bảng đăng ký danh hiệu thi đua của năm học.")).to_be_visible()
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Lan")
    page.get_by_label("Danh hiệu đăng ký").select_option(label="Chiến sĩ thi đua cơ sở")
    page.get_by_label("Năm học").fill("2026")
    page.get_by_role("button", name="Hoàn thành").click()
    error = page.locator("#field-nam_hoc [data-error-for='nam_hoc']")
    expect(error).to_have_text("Giá trị không đúng định dạng yêu cầu.")
    expect(page.locator("#field-ho_ten .field-error")).to_have_count(0)
    expect(page.get_by_label("Họ và tên")).to_have_value("Nguyễn Thị Lan")
    shot(page, "03-bieu-mau-loi")

    page.get_by_label("Năm học").fill("2026-2027")
    page.get_by_role("button", name="Hoàn thành").click()
    expect(page).to_have_url(f"{server}/cases/{case_id}")
    expect(page.get_by_text("Đã hoàn thành công việc «Đăng ký danh hiệu thi đua».").first).to_be_visible()
    expect(page.get_by_test_id("current-tasks")).to_contain_text("Hiệu trưởng duyệt đăng ký")
    diagram = page.locator("#case-diagram")  # the file has no drawing: laid out by bpmn-auto-layout
    expect(diagram).to_have_attribute("data-state", "ready")
    expect(diagram).to_have_attribute("data-layout", "auto")
    expect(diagram.locator("g.djs-element.tdkt-current[data-element-id='duyet']")).to_have_count(1)
    diagram.locator("g.djs-element.tdkt-done[data-element-id='dang_ky']").click()
    expect(page.locator("#case-steps li.step-highlight")).to_have_attribute("data-element", "dang_ky")
    shot(page, "04-ho-so")
    page.goto(f"{server}/inbox")
    expect(page.locator("tr.task-row")).to_have_count(0)

    outsider = console.watch(browser.new_context(locale="vi-VN").new_page())
    sign_in(outsider, server, "gv_b1")
    response = outsider.goto(f"{server}/cases/{case_id}")
    assert response is not None and response.status == 404
    expect(outsider.get_by_role("heading", name="Không tìm thấy")).to_be_visible()
    expect(outsider.locator("body")).not_to_contain_text("Văn Yên")
    shot(outsider, "05-tu-choi")
    assert console.errors == []
    context.close()


def test_case_diagram_and_phone_layout(browser: Browser, server: str, product) -> None:
    key = deploy_drawn_process(product)
    case_id = start_instance(product, None, key, "th_a", title="Nộp minh chứng — Văn Yên").id
    with product.transaction() as session:  # an overdue task, to see the colours
        session.execute(update(HumanTask).where(HumanTask.instance_id == case_id)
                        .values(due_at=clock.now() - timedelta(hours=30)))
    console = Console()
    page = signed_in_page(browser, server, "gv_a1", console)
    page.goto(f"{server}/cases/{case_id}")
    diagram = page.locator("#case-diagram")
    expect(diagram).to_have_attribute("data-state", "ready")
    expect(diagram.locator("g.djs-element.tdkt-current[data-element-id='nop_minh_chung']")).to_have_count(1)
    expect(diagram.locator("g.djs-element.tdkt-done[data-element-id='bat_dau']")).to_have_count(1)
    shot(page, "06-so-do")
    page.get_by_role("link", name="Mở biểu mẫu").click()
    expect(page.locator("input[name='minh_chung.0.ten']")).to_be_visible()
    page.get_by_role("button", name="Thêm dòng").click()
    expect(page.locator("input[name='minh_chung.1.ten']")).to_be_visible()
    shot(page, "07-bieu-mau-bang")
    phone = console.watch(browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                              is_mobile=True, has_touch=True).new_page())
    sign_in(phone, server, "gv_a1")
    expect(phone.locator("tr.task-row.urgency-overdue")).to_have_count(1)
    expect(phone.locator(".tag-overdue")).to_have_text("Quá hạn")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "08-dien-thoai")
    assert console.errors == []
    page.context.close()


def test_a_wide_annex_table_scrolls_inside_its_card(browser: Browser, server: str, product) -> None:
    """Mẫu số 2 has ten columns: on a laptop and on a phone the table scrolls (or stacks) inside the form,
    the page itself never becomes wider than the screen."""
    import json

    from engine.config import PROJECT_ROOT
    from tests.helpers import add_form

    schema = json.loads((PROJECT_ROOT / "forms" / "mau_2_nhom_nha_giao.json").read_text(encoding="utf-8"))
    schema.pop("type", None)
    add_form(product, "dang_ky_danh_hieu", schema)  # a new version of the task's form: open tasks show it
    start_instance(product, None, "dang_ky_thi_dua", "th_a", title="Đăng ký nhóm — Văn Yên")
    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        page = context.new_page()
        sign_in(page, server, "gv_a1")
        page.locator("tr.task-row a", has_text="Đăng ký danh hiệu thi đua").first.click()
        expect(page.get_by_text("Các nhóm đăng ký")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"mau-2-{width}")
        context.close()
