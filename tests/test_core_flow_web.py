"""The core flow's consolidation task in the browser pages: the form opens filled with the school's
nominations and shows why submission is refused; submitting a flagged nomination brings the task back;
withdrawing it lets the dossier go to the council. The case page draws the process."""

from __future__ import annotations

import html
import json
import re

import pytest

from engine.accounts import issue_token
from engine.org import person_by_username
from engine.serialization import load_workflow
from tests.browser.support import csrf_from, sign_in
from tests.core_flow_support import NOMINEE, case_at_consolidation, complete, deploy_core_flow, only, ready
from tests.helpers import instance_row
from webui import create_app


@pytest.fixture
def app(org):
    deploy_core_flow(org)
    return create_app({"DATABASE_URL": org.url, "TESTING": True, "CLOCK_MODE": "virtual"})


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def form_post(client, url: str, rows: list[dict[str, str]]) -> object:
    token = csrf_from(client.get(url).get_data(as_text=True))
    data = {"csrf_token": token, "action": "complete", "de_nghi.__rows": str(len(rows))}
    for i, row in enumerate(rows):
        data.update({f"de_nghi.{i}.{k}": v for k, v in row.items()})
    return client.post(url, data=data)


def test_consolidation_page_shows_the_nominations_and_the_refusal_reason(app, org):
    case = case_at_consolidation(org)
    first = only(org, case, "tong_hop")

    client = app.test_client()
    assert sign_in(client, "gv_a2").status_code == 302  # thư ký Hội đồng of the school
    page = page_text(client.get(f"/tasks/{first.id}"))
    assert 'value="Nguyễn Thị Lan"' in page and 'value="ld1"' in page
    assert "Chưa thể trình: 1 đề nghị chưa đủ điều kiện" in page and "xếp loại" in page.lower()

    # the API shows the same values and reason
    with org.transaction() as session:
        token = issue_token(session, person_by_username(session, "gv_a2"))
    shown = client.get(f"/api/v1/tasks/{first.id}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert shown["prefill"]["de_nghi"][0]["hop_le"] is False and "Chưa thể trình" in shown["prefill"]["thong_bao"]

    # completing it unchanged: refused, the same step opens again with the reason
    row = {"ma": "ld1", "loai": "ca_nhan", "ho_ten": "Nguyễn Thị Lan", "danh_hieu": "lao_dong_tien_tien"}
    assert form_post(client, f"/tasks/{first.id}", [row]).status_code == 302
    again = only(org, case, "tong_hop")
    assert again.id != first.id
    assert "Chưa thể trình" in page_text(client.get(f"/tasks/{again.id}"))

    # withdrawn: the dossier goes on to the school council
    assert form_post(client, f"/tasks/{again.id}", [{**row, "rut": "on"}]).status_code == 302
    case_page = page_text(client.get(f"/cases/{case}"))
    assert 'id="case-diagram"' in case_page
    assert ready(org, case, "tong_hop") == []
    done = instance_row(org, case)  # nothing left to submit: the case ends
    assert done.status == "completed", done.incident_message
    [withdrawn] = load_workflow(done.state).data["de_nghi"]
    assert (withdrawn["ma"], withdrawn["trang_thai"]) == ("ld1", "rut")


def test_eligibility_columns_are_read_only_text_and_a_forged_copy_changes_nothing(app, org):
    case = case_at_consolidation(org)
    first = only(org, case, "tong_hop")
    client = app.test_client()
    assert sign_in(client, "gv_a2").status_code == 302
    page = client.get(f"/tasks/{first.id}").get_data(as_text=True)
    # "Hợp lệ" and "Lý do" are the rules' verdict: shown as text, with no field to type or tick
    for column in ("hop_le", "ly_do"):
        tags = re.findall(rf'<(?:input|textarea|select)[^>]*name="de_nghi\.0\.{column}"[^>]*>', page)
        assert tags and all('type="hidden"' in tag for tag in tags), tags
    verdict = re.search(r'<span class="readonly-cell" id="de_nghi\.0\.hop_le"[^>]*>(.*?)</span>', page, re.S)
    reason = re.search(r'<span class="readonly-cell" id="de_nghi\.0\.ly_do"[^>]*>(.*?)</span>', page, re.S)
    assert verdict and verdict.group(1).strip() == "Không"
    assert reason and "xếp loại" in html.unescape(reason.group(1)).lower()
    assert 'value="Nguyễn Thị Lan"' in html.unescape(page)  # the other columns stay editable

    # a forged POST claiming the row is eligible: still refused, and the forged text is kept nowhere
    forged = {"ma": "ld1", "loai": "ca_nhan", "ho_ten": "Nguyễn Thị Lan", "danh_hieu": "lao_dong_tien_tien",
              "hop_le": "on", "ly_do": "Đủ điều kiện (giả mạo)"}
    assert form_post(client, f"/tasks/{first.id}", [forged]).status_code == 302
    again = only(org, case, "tong_hop")
    assert again.id != first.id
    state = json.dumps(json.loads(instance_row(org, case).state), ensure_ascii=False)
    assert "giả mạo" not in state
    assert "Chưa thể trình: 1 đề nghị" in page_text(client.get(f"/tasks/{again.id}"))


def test_leader_approves_on_the_page_or_sends_back_with_a_reason(app, org):
    case = case_at_consolidation(org, {**NOMINEE, "xep_loai": "HTTNV"})
    complete(org, case, "tong_hop", "gv_a2", {"de_nghi": [{k: v for k, v in {**NOMINEE, "xep_loai": "HTTNV"}.items()
                                                           if k != "username"}]})
    complete(org, case, "lap_to_trinh", "ht_a", {"so": "15/TTr", "ngay": "2025-05-12", "kinh_gui": "Phòng GDĐT",
                                                 "noi_dung": "Đề nghị", "nguoi_ky": "Hoàng Văn Hiệu"})
    complete(org, case, "tiep_nhan", "cv_phong", {"so_vao_so": "1", "ngay_nhan": "2025-05-12"})
    complete(org, case, "quyet_dinh_cap", "cv_phong", {"so": "456/QĐ-UBND", "ngay": "2025-05-12",
                                                       "co_quan": "Chủ tịch UBND quận Hà Đông", "nguoi_ky": "Chủ tịch"})
    approval = only(org, case, "duyet_qd_phong")
    client = app.test_client()
    assert sign_in(client, "ld_phong").status_code == 302
    url = f"/tasks/{approval.id}"
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert re.search(r'name="so" value="456/QĐ-UBND"[^>]*readonly', page)  # the decision, not to be retyped
    assert re.search(r'<span class="readonly-cell" id="danh_sach_quyet_dinh\.0\.ho_ten"[^>]*>Nguyễn Thị Lan</span>',
                     page)
    token = csrf_from(page)
    refused = client.post(url, data={"csrf_token": token, "action": "complete", "ket_qua_duyet": "tra_lai"})
    assert refused.status_code == 422 and only(org, case, "duyet_qd_phong").id == approval.id  # no reason given
    sent_back = client.post(url, data={"csrf_token": token, "action": "complete", "ket_qua_duyet": "tra_lai",
                                       "ly_do_tra_lai": "Thiếu chữ ký số"})
    assert sent_back.status_code == 302
    back = only(org, case, "quyet_dinh_cap")
    officer = app.test_client()
    assert sign_in(officer, "cv_phong").status_code == 302
    assert "Lãnh đạo trả lại quyết định: Thiếu chữ ký số" in page_text(officer.get(f"/tasks/{back.id}"))
