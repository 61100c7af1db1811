"""Council tasks on the officers' pages: the forms come pre-filled by the process (members to mark
present, nominations to vote on, the tally in the minutes), a ballot is only its member's."""

from __future__ import annotations

import re

import pytest

from tests.browser.support import csrf_from, sign_in
from tests.council_scene import COUNCIL, MEMBERS, SECRETARY, open_meeting, pid, ready, start_meeting
from webui import create_app


@pytest.fixture
def app(council):
    return create_app({"DATABASE_URL": council.url, "TESTING": True, "CLOCK_MODE": "real"})


def signed_in(app, username):
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_opening_form_lists_the_council(app, product):
    case = start_meeting(product)
    [opening] = ready(product, case)
    html = page(signed_in(app, SECRETARY), f"/tasks/{opening.id}")
    for number in range(1, 6):
        assert f"Thành Viên Số {number}" in html
    assert "Nguyễn Văn Chủ Tịch" in html and "Chủ tịch Hội đồng" in html
    # read-only cells are text (a hidden copy only redisplays them): nothing to type there
    assert re.search(r'<span class="readonly-cell" id="thanh_vien\.0\.username"[^>]*>hx_chu_tich</span>', html)
    assert '<input type="hidden" name="thanh_vien.0.username" value="hx_chu_tich">' in html
    assert 'value="add_row:thanh_vien"' not in html  # the members come from the council, not typed in


def test_member_votes_on_the_page_and_cannot_touch_anothers_ballot(app, product):
    case = start_meeting(product)
    open_meeting(product, case, absent={})
    mine = {t.assignee_id: t for t in ready(product, case, "bo_phieu")}
    own, other = mine[pid(product, MEMBERS[0])], mine[pid(product, MEMBERS[1])]
    client = signed_in(app, MEMBERS[0])
    html = page(client, f"/tasks/{own.id}")
    assert "Lê Thị Mai" in html and "Chiến sĩ thi đua cơ sở" in html and "Tán thành" in html
    assert re.search(r'name="bo_phieu_cho" value="Thành Viên Số 1"', html)  # whose ballot it is
    assert 'value="Nhận"' not in html and "/claim" not in html and "/unclaim" not in html
    form = {"csrf_token": csrf_from(html), "action": "complete", "bieu_quyet.__rows": "3", "bo_phieu_cho": "x"}
    for i, code in enumerate(["cs1", "cs2", "tinh1"]):
        form[f"bieu_quyet.{i}.ma"] = code
        form[f"bieu_quyet.{i}.lua_chon"] = "tan_thanh"
    # another member's ballot: visible as a task of the council, but not workable, and refused
    other_html = page(client, f"/tasks/{other.id}")
    assert 'data-action="complete"' not in other_html
    assert client.post(f"/tasks/{other.id}", data=form).status_code == 403
    done = client.post(f"/tasks/{own.id}", data=form)
    assert done.status_code == 302
    assert [t.id for t in ready(product, case, "bo_phieu")].count(own.id) == 0
    assert len(ready(product, case, "bo_phieu")) == len(COUNCIL) - 1


def test_minutes_show_the_tally_read_only(app, product):
    from engine.runtime import tasks

    case = start_meeting(product)
    open_meeting(product, case, absent={})
    for task in ready(product, case, "bo_phieu"):
        tasks.complete(product, task.assignee_id, task.id, {"bieu_quyet": [
            {"ma": "cs1", "lua_chon": "tan_thanh"}, {"ma": "cs2", "lua_chon": "khong_tan_thanh"},
            {"ma": "tinh1", "lua_chon": "tan_thanh"}]})
    [minutes] = ready(product, case)
    html = page(signed_in(app, SECRETARY), f"/tasks/{minutes.id}")
    assert "Kết quả kiểm phiếu" in html and "Không đạt" in html
    # the same Vietnamese percentages as the Word minutes: decimal comma, "100 %", never "100.0%"
    assert 'value="100 %"' in html or ">100 %<" in html, "tán thành 7/7 reads 100 %"
    assert "80 %" in html and "100.0%" not in html and "0.0%" not in html
    assert re.search(r'<span class="readonly-cell" id="ket_qua\.0\.tan_thanh"[^>]*>7</span>', html)
    assert "Hội đồng thống nhất đề nghị: Lê Thị Mai" in html  # the drafted conclusion


def test_ballots_in_each_members_inbox_and_on_the_case_page(app, product):
    import html as html_lib
    import json

    case = start_meeting(product)
    open_meeting(product, case, absent={MEMBERS[4]: True})
    mine = {t.assignee_id: t for t in ready(product, case, "bo_phieu")}
    member = signed_in(app, MEMBERS[0])
    inbox = page(member, "/inbox")
    listed = [int(i) for i in re.findall(r'data-task-id="(\d+)"', inbox)]
    assert listed == [mine[pid(product, MEMBERS[0])].id]  # his ballot, not the others' (same role, same unit)
    row = inbox[inbox.index(f'id="task-{listed[0]}"'):]
    row = row[:row.index("</tr>")]
    assert "/claim" not in row and "/unclaim" not in row and "delegate" not in row
    secretary = signed_in(app, SECRETARY)
    held = [int(i) for i in re.findall(r'data-task-id="(\d+)"', page(secretary, "/inbox"))]
    assert len(held) == 2  # her own and the absent member's written vote
    absent_ballot = page(secretary, f"/tasks/{held[1]}")
    assert "Thành Viên Số 5 (vắng mặt, phiếu bằng văn bản do thư ký nhập)" in absent_ballot
    case_page = page(member, f"/cases/{case}")
    markers = json.loads(html_lib.unescape(re.search(r'data-markers="([^"]*)"', case_page).group(1)))
    assert markers["current"] == ["bo_phieu"] and "mo_phien_hop" in markers["done"]
    # the automatic steps the case has passed are done too, not left white
    assert {"start", "chuan_bi", "ghi_diem_danh", "gw_du_so_luong"} <= set(markers["done"])
    assert "kiem_phieu" not in markers["done"] and "lap_bien_ban" not in markers["done"]
    assert case_page.count("Bỏ phiếu") >= 7  # one open task per member


def test_a_missing_choice_is_shown_next_to_its_row(app, product):
    case = start_meeting(product)
    open_meeting(product, case, absent={})
    own = next(t for t in ready(product, case, "bo_phieu") if t.assignee_id == pid(product, MEMBERS[2]))
    client = signed_in(app, MEMBERS[2])
    html = page(client, f"/tasks/{own.id}")
    form = {"csrf_token": csrf_from(html), "action": "complete", "bieu_quyet.__rows": "3"}
    for i, code in enumerate(["cs1", "cs2", "tinh1"]):
        form[f"bieu_quyet.{i}.ma"] = code
        form[f"bieu_quyet.{i}.lua_chon"] = "tan_thanh" if i != 1 else ""
    refused = client.post(f"/tasks/{own.id}", data=form)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert re.search(r'data-error-for="bieu_quyet\.1\.lua_chon">Trường này là bắt buộc', text)
    assert 'data-error-for="bieu_quyet.0.lua_chon"' not in text
    assert len(ready(product, case, "bo_phieu")) == len(COUNCIL)  # nothing was cast
