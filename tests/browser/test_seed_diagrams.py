"""The seed processes carry a diagram layout: the case page draws each of them with bpmn-js (lanes,
tasks, the current step marked), without a console error."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from engine.demo import seed_seed_organisation
from engine.runtime.instances import start_instance
from tests.browser.pages import Console, shot, signed_in_page

CASES = [  # process, unit, start data, who looks, the step it waits at, automatic steps already passed
    ("ky_ket_giao_uoc_khoi", "khoi_2_dt", None, "tp_dt", "hop_giao_uoc", ()),
    ("xet_chon_dien_hinh_cum", "cum_thpt_1", None, "ld_so", "de_xuat", ()),
    ("doi_moi_sang_tao_truong", "th_ub_bac_son", None, "tp_ub", "dang_ky_mau_1", ("tach",)),
    ("chon_dien_hinh_nganh", "phong_hm", None, "tp_hm", "tong_hop", ("khoi_tao", "chon_dot", "cho_dot")),
]
PLANS = {"khoi_2_dt": "58/KH-PGDĐT", "cum_thpt_1": "…/KH-SGDĐT", "th_ub_bac_son": "…/KH-PGD&ĐT",
         "phong_hm": "49/KH-GDDT"}


@pytest.mark.parametrize(("key", "unit", "data", "viewer", "current", "passed"), CASES)
def test_seed_process_is_drawn_on_the_case_page(browser: Browser, server: str, product, key, unit, data,
                                                viewer, current, passed) -> None:
    from sqlalchemy import select

    from engine.models import Plan

    seed_seed_organisation(product)
    with product.transaction() as session:
        plan_id = session.scalar(select(Plan.id).where(Plan.number == PLANS[unit]))
    case_id = start_instance(product, None, key, unit, data=data, plan_id=plan_id).id
    console = Console()
    page = signed_in_page(browser, server, viewer, console, viewport=(1400, 900))
    page.goto(f"{server}/cases/{case_id}")
    diagram = page.locator("#case-diagram")
    expect(diagram).to_have_attribute("data-state", "ready")
    expect(diagram.locator(f"g.djs-element.tdkt-current[data-element-id='{current}']")).to_have_count(1)
    for step in ("start", *passed):  # script tasks, gateways and events the case went through are done too
        expect(diagram.locator(f"g.djs-element.tdkt-done[data-element-id='{step}']")).to_have_count(1)
    expect(diagram.locator("g.djs-element[data-element-id^='Lane_']").first).to_be_visible()
    shot(page, f"seed-{key}")
    assert console.errors == []
    page.context.close()
