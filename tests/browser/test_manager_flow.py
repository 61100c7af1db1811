"""A manager's morning in a real browser (Debian's chromium through Playwright, as the officer test):
find the overdue case on the dashboard, reassign it to another teacher of the school, see the list
change; look at the heat map and at the plan's timeline, on a desktop and on a phone.
Screenshots go to tests/artifacts/."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests import dashboard_scene
from tests.browser.pages import Console, shot, sign_in, signed_in_page

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_manager_reassigns_an_overdue_task(browser: Browser, server: str, product) -> None:
    scene = dashboard_scene.build(product)
    console = Console()
    page = signed_in_page(browser, server, "ld_phong", console)
    page.get_by_role("link", name="Theo dõi").click()
    expect(page.get_by_role("heading", name="Theo dõi", exact=True)).to_be_visible()
    overdue = page.locator("#list-overdue")
    row = overdue.locator("tr.monitor-row", has_text=dashboard_scene.OVERDUE_TITLE)
    expect(row).to_have_count(1)
    expect(row.locator(".holder")).to_have_text("Giáo viên @ Trường Tiểu học Văn Yên")
    expect(row.locator(".reason")).to_contain_text("chờ Giáo viên Trường Tiểu học Văn Yên xử lý")
    expect(row.locator(".reason")).to_contain_text("ngày làm việc")
    expect(page.get_by_test_id("heatmap")).to_be_visible()
    shot(page, "09-theo-doi")

    row.get_by_role("checkbox").check()
    overdue.get_by_label("Giao cho").select_option(label="Vũ Văn Minh")
    overdue.get_by_role("button", name="Giao lại").click()
    expect(page.get_by_text("Đã giao lại 1 công việc.")).to_be_visible()
    row = page.locator("#list-overdue tr.monitor-row", has_text=dashboard_scene.OVERDUE_TITLE)
    expect(row.locator(".holder")).to_have_text("Vũ Văn Minh")
    expect(row.locator(".reason")).to_contain_text("chờ Vũ Văn Minh xử lý")

    page.locator("#heatmap").get_by_role("link", name="Tiến độ thời gian").click()
    expect(page.get_by_test_id("gantt")).to_be_visible()
    expect(page.locator(".gantt-row[data-key='nop_dang_ky'] .gantt-share")).to_contain_text("1/2 đơn vị đã xong")
    expect(page.locator("svg.gantt-bar .gantt-today").first).to_be_attached()
    shot(page, "10-ke-hoach")

    phone = console.watch(browser.new_context(locale="vi-VN", **PHONE).new_page())
    sign_in(phone, server, "ld_phong")
    phone.goto(f"{server}/dashboard")
    expect(phone.locator("#list-overdue tr.monitor-row")).to_have_count(1)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "11-theo-doi-dien-thoai")
    phone.goto(f"{server}/plans/{scene.plan_id}")
    expect(phone.get_by_test_id("gantt")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "12-ke-hoach-dien-thoai")
    assert console.errors == []
    page.context.close()
