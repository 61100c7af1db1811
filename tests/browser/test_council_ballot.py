"""A council member votes in a real browser (Debian's chromium, Playwright): the ballot lists the
nominations the process gave, the choice is made per row, and the case diagram of the council process
shows the ballot step as current."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.pages import Console, shot, signed_in_page
from tests.council_scene import MEMBERS, open_meeting, pid, ready, start_meeting


@pytest.mark.usefixtures("council")
def test_member_votes_in_the_browser(browser: Browser, server: str, product) -> None:
    case = start_meeting(product)
    open_meeting(product, case, absent={})
    own = next(t for t in ready(product, case, "bo_phieu") if t.assignee_id == pid(product, MEMBERS[0]))
    console = Console()
    page = signed_in_page(browser, server, MEMBERS[0], console)
    row = page.locator(f"tr#task-{own.id}")
    expect(row).to_have_count(1)
    expect(row.get_by_role("button", name="Nhận việc")).to_have_count(0)
    page.goto(f"{server}/cases/{case}")
    diagram = page.locator("#case-diagram")
    expect(diagram).to_have_attribute("data-state", "ready")
    expect(diagram.locator("g.djs-element.tdkt-current[data-element-id='bo_phieu']")).to_have_count(1)
    expect(diagram.locator("g.djs-element.tdkt-done[data-element-id='mo_phien_hop']")).to_have_count(1)
    shot(page, "council-01-so-do")
    page.goto(f"{server}/tasks/{own.id}")
    expect(page.locator("span.readonly-cell[data-readonly='ho_ten']").first).to_have_text("Lê Thị Mai")
    expect(page.locator("[name='bieu_quyet.0.ho_ten']")).to_have_attribute("type", "hidden")
    expect(page.locator("[name='bo_phieu_cho']")).to_have_value("Thành Viên Số 1")
    expect(page.get_by_role("button", name="Thêm dòng")).to_have_count(0)
    for i in range(3):
        page.locator(f"select[name='bieu_quyet.{i}.lua_chon']").select_option(label="Tán thành")
    shot(page, "council-02-phieu-bau")
    page.get_by_role("button", name="Hoàn thành").click()
    expect(page).to_have_url(f"{server}/cases/{case}")
    assert all(t.id != own.id for t in ready(product, case, "bo_phieu"))
    assert console.errors == []
    page.context.close()
