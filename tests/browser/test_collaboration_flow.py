"""Handing a task back and commenting on a case, in a real browser (Debian's chromium through Playwright):
an officer returns the task she took, with a reason (first without one: the message shows next to the
field), her colleague sees it again in the inbox and is notified; a comment added on the case page
appears in the case's history at once (htmx) and after a reload. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from engine.runtime.instances import start_instance
from tests.browser.pages import Console, shot, signed_in_page

TITLE = "Đăng ký thi đua 2026-2027 — tổ Toán"
REASON = "Tôi đi tập huấn đến hết tuần, nhờ đồng nghiệp xử lý"


def test_hand_back_with_a_reason_and_comment_on_the_case(browser: Browser, server: str, product) -> None:
    case_id = start_instance(product, None, "dang_ky_thi_dua", "th_a", title=TITLE).id
    console = Console()
    page = signed_in_page(browser, server, "gv_a1", console)
    row = page.locator("tr.task-row", has_text=TITLE)
    row.get_by_role("button", name="Nhận việc").click()
    expect(row.locator(".holder")).to_have_text("Nguyễn Thị Lan")
    row.get_by_role("link", name="Đăng ký danh hiệu thi đua").click()

    page.get_by_text("Trả lại kèm lý do").click()
    expect(page.get_by_text("Nhiệm vụ sẽ trở lại với những người cùng vai trò")).to_be_visible()
    page.get_by_role("button", name="Gửi trả lại").click()
    expect(page.get_by_test_id("hand-back-error")).to_have_text("Hãy ghi lý do trả lại nhiệm vụ.")
    shot(page, "09-tra-lai-thieu-ly-do")
    page.get_by_label("Lý do").fill(REASON)
    page.get_by_role("button", name="Gửi trả lại").click()
    expect(page.get_by_role("heading", name="Việc của tôi")).to_be_visible()
    expect(page.get_by_text("Đã trả lại nhiệm vụ cho những người cùng vai trò.")).to_be_visible()
    expect(page.locator("tr.task-row", has_text=TITLE).locator(".holder")).to_have_text("Chưa ai nhận")

    colleague = signed_in_page(browser, server, "gv_a2", console)
    again = colleague.locator("tr.task-row", has_text=TITLE)
    expect(again.get_by_role("button", name="Nhận việc")).to_be_visible()
    colleague.get_by_test_id("unread-count").click()
    expect(colleague.get_by_test_id("notifications")).to_contain_text("Trả lại nhiệm vụ: Đăng ký danh hiệu thi đua")
    colleague.get_by_text("Chi tiết").first.click()
    expect(colleague.get_by_test_id("notifications")).to_contain_text(REASON)
    shot(colleague, "10-thong-bao")

    colleague.goto(f"{server}/cases/{case_id}")
    history = colleague.get_by_test_id("timeline")
    expect(history.locator("li[data-action='task.handed_back']")).to_contain_text(REASON)
    colleague.get_by_label("Ý kiến", exact=True).fill("Em nhận hồ sơ này, sẽ nộp trước thứ Sáu.")
    colleague.get_by_role("button", name="Gửi ý kiến").click()
    comment = history.locator("li[data-action='case.commented']")
    expect(comment).to_contain_text("Vũ Văn Minh")
    expect(comment).to_contain_text("Em nhận hồ sơ này, sẽ nộp trước thứ Sáu.")
    expect(colleague.get_by_label("Ý kiến", exact=True)).to_have_value("")
    shot(colleague, "11-y-kien")
    colleague.reload()
    expect(colleague.get_by_test_id("timeline").locator("li[data-action='case.commented']")).to_have_count(1)
    assert console.errors == []
    page.context.close()
