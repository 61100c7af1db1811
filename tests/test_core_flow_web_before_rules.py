"""A 2019 dossier in the core flow's consolidation page: no rule set is encoded before 01/01/2024, so the page
shows each nomination's manual-check flag (not a refusal) and submitting it sends the dossier on (council, tờ trình)."""

from __future__ import annotations

from tests.browser.support import sign_in
from tests.core_flow_support import complete, only, ready, set_clock, start
from tests.test_core_flow_web import NOMINEE, app, form_post, page_text  # noqa: F401  (app is a fixture)


def test_a_2019_consolidation_shows_the_manual_check_and_goes_on(app, org):  # noqa: F811
    set_clock(org, "2019-05-15T08:00:00+07:00")
    case = start(org, "th_a", None, nam_hoc="2018-2019", ngay_ho_so="2019-05-15", ds_giao_vien=[],
                 de_nghi=[NOMINEE])
    complete(org, case, "dang_ky_tap_the", "ht_a", {"tap_the": []})
    task = only(org, case, "tong_hop")

    client = app.test_client()
    assert sign_in(client, "gv_a2").status_code == 302
    page = page_text(client.get(f"/tasks/{task.id}"))
    assert "Không có bộ tiêu chí cho ngày 15/05/2019: kiểm tra thủ công" in page
    assert "Chưa thể trình" not in page

    row = {"ma": "ld1", "loai": "ca_nhan", "ho_ten": "Nguyễn Thị Lan", "danh_hieu": "lao_dong_tien_tien"}
    assert form_post(client, f"/tasks/{task.id}", [row]).status_code == 302
    assert ready(org, case, "tong_hop") == []
    assert [r.name for r in ready(org, case)] == ["lap_to_trinh"]  # not refused: the dossier goes on
