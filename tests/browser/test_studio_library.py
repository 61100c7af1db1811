"""A designer in a real browser (Debian's chromium through Playwright): compares two versions of a drawn
process and sees the changed step marked on the diagram; moves a plan milestone, is told how many live
cases it reschedules, confirms, and sees the new date. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from engine.runtime.instances import start_instance
from tests.browser.pages import Console, shot, signed_in_page
from tests.browser.support import FIXTURES, deploy_drawn_process
from tests.deadline_cases import deadline_process, make_plan
from tests.helpers import deploy_bytes


def test_designer_compares_versions_on_the_diagram(browser: Browser, server: str, product) -> None:
    key = deploy_drawn_process(product)
    source = (FIXTURES / "web_minh_chung.bpmn").read_bytes()
    deploy_bytes(product, "web_minh_chung.bpmn",
                 source.replace("Hiệu trưởng xác nhận".encode(), "Hiệu trưởng phê duyệt".encode()), by="thietke")
    console = Console()
    page = signed_in_page(browser, server, "thietke", console)
    page.goto(f"{server}/studio/")
    page.get_by_role("link", name="Thư viện quy trình").click()
    page.get_by_role("link", name="Nộp minh chứng thi đua").click()
    expect(page.get_by_test_id("versions").locator("tr[data-version]")).to_have_count(2)
    page.get_by_role("button", name="So sánh").click()
    expect(page.get_by_role("heading", name="So sánh phiên bản: 1 → 2")).to_be_visible()
    changed = page.get_by_test_id("changed").locator("li[data-element='xac_nhan']")
    expect(changed).to_contain_text("Hiệu trưởng phê duyệt")
    expect(changed.locator("del")).to_have_text("Hiệu trưởng xác nhận")
    for diagram in ("new-diagram", "old-diagram"):
        expect(page.get_by_test_id(diagram)).to_have_attribute("data-state", "ready")
        expect(page.get_by_test_id(diagram)).to_have_attribute("data-marked", "xac_nhan")
        expect(page.get_by_test_id(diagram).locator("g.djs-element.diff-changed[data-element-id='xac_nhan']")
               ).to_have_count(1)
    shot(page, "20-so-sanh-phien-ban")
    assert console.errors == []
    page.context.close()
    assert key == "web_minh_chung"


def test_designer_moves_a_milestone_after_seeing_the_count(browser: Browser, server: str, product) -> None:
    deploy_bytes(product, "han_nop.bpmn", deadline_process("han_nop"), by="thietke")
    plan_id = make_plan(product, "10/KH-TRINH-DUYET")
    for _ in range(3):
        start_instance(product, None, "han_nop", "th_a", plan_id=plan_id)
    console = Console()
    page = signed_in_page(browser, server, "thietke", console)
    page.goto(f"{server}/studio/plans")
    page.get_by_role("link", name="10/KH-TRINH-DUYET").click()
    row = page.get_by_test_id("milestones").locator("tr[data-key='nop_ho_so']")
    row.get_by_label("Hạn").fill("29/05/2026")
    row.get_by_role("button", name="Lưu").click()
    expect(page.get_by_test_id("reschedule-count")).to_contain_text("3 trong số 3 hồ sơ đang chạy")
    shot(page, "21-doi-moc-xac-nhan")
    page.get_by_role("button", name="Dời mốc và tính lại hạn").click()
    expect(page.get_by_test_id("saved")).to_contain_text("Đã tính lại hạn cho 3 hồ sơ đang chạy.")
    expect(page.get_by_test_id("milestones").locator("tr[data-key='nop_ho_so']").get_by_label("Hạn")
           ).to_have_value("29/05/2026")
    expect(page.locator(".gantt-row[data-key='nop_ho_so'] .gantt-when")).to_contain_text("29/05/2026")
    assert console.errors == []
    page.context.close()
