"""The core flow's consolidation in a real browser (Debian's chromium, Playwright): the secretary sees the
school's nominations with the reason one of them cannot be submitted, fixes it in the table, submits,
and the case page draws the process with the current step."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.pages import serving, sign_in
from tests.core_flow_support import case_at_consolidation, deploy_core_flow, only, ready, set_clock
from webui import create_app


@pytest.fixture
def server(org) -> Iterator[str]:
    deploy_core_flow(org)
    with serving(create_app({"DATABASE_URL": org.url, "CLOCK_MODE": "virtual"})) as base:
        yield base


def test_secretary_fixes_a_flagged_nomination_and_submits(browser: Browser, server: str, org) -> None:
    case = case_at_consolidation(org)
    task = only(org, case, "tong_hop")

    errors: list[str] = []
    page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN").new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, server, "gv_a2")
    page.goto(f"{server}/tasks/{task.id}")
    expect(page.locator("textarea[name='thong_bao']")).to_contain_text("Chưa thể trình: 1 đề nghị")
    expect(page.locator("input[name='de_nghi.0.ho_ten']")).to_have_value("Nguyễn Thị Lan")
    page.locator("select[name='de_nghi.0.xep_loai']").select_option("HTTNV")
    page.get_by_role("button", name="Hoàn thành").click()
    expect(page).to_have_url(f"{server}/cases/{case}")

    assert ready(org, case, "tong_hop") == [] and only(org, case, "lap_to_trinh").role_code == "hieu_truong"
    diagram = page.locator("#case-diagram")
    expect(diagram).to_have_attribute("data-state", "ready")
    expect(diagram.locator("g.djs-element.tdkt-current[data-element-id='lap_to_trinh']")).to_have_count(1)
    expect(diagram.locator("g.djs-element.tdkt-done[data-element-id='tong_hop']")).to_have_count(1)
    assert errors == []


def test_a_levels_process_is_drawn_with_the_leaders_approval(browser: Browser, server: str, org) -> None:
    """trinh_cap_tren (one level's review) drawn on its case page: the three leaders' lanes and approval steps."""
    from engine.runtime.instances import start_instance

    set_clock(org, "2025-05-12T08:00:00+07:00")
    case = start_instance(org, None, "trinh_cap_tren", "th_a", data={
        "nam_hoc": "2024-2025", "de_nghi": [], "cap_tiep": {"cap": "huyen", "don_vi": "phong_hd", "buoc": 1,
                                                            "ten_don_vi": "Phòng GDĐT quận Hà Đông", "ma": []}}).id
    errors: list[str] = []
    page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN").new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, server, "cv_phong")
    page.goto(f"{server}/cases/{case}")
    diagram = page.locator("#case-diagram")
    expect(diagram).to_have_attribute("data-state", "ready")
    expect(diagram.locator("g.djs-element.tdkt-current[data-element-id='tiep_nhan']")).to_have_count(1)
    for element in ("Lane_ld_phong", "Lane_ld_so", "Lane_ld_xa", "duyet_qd_phong", "duyet_qd_so", "duyet_qd_xa",
                    "gw_duyet", "f_tra_lai"):
        expect(diagram.locator(f"g.djs-element[data-element-id='{element}']")).to_have_count(1)
    assert errors == []
