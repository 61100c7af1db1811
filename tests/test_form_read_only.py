"""Read-only form fields stay as the process filled them in, top level and in table rows
(engine.runtime.readonly): a submitted copy is dropped, or restored from the process's own row."""

from __future__ import annotations

import json

from engine.config import PROJECT_ROOT
from engine.runtime.readonly import without_read_only


def form(name: str) -> dict:
    return json.loads((PROJECT_ROOT / "forms" / f"{name}.json").read_text(encoding="utf-8"))


def test_forged_cells_of_a_fixed_table_are_put_back_and_row_identifiers_kept():
    process = {"bo_phieu_cho": "Nguyễn Văn A", "bieu_quyet": [
        {"ma": "cn1", "ho_ten": "Tạ Thị Mai", "danh_hieu": "Lao động tiên tiến"}]}
    sent = {"bo_phieu_cho": "Người khác", "bieu_quyet": [
        {"ma": "cn1", "ho_ten": "Tên giả", "danh_hieu": "Nhà giáo Nhân dân", "lua_chon": "tan_thanh"}]}
    kept = without_read_only(form("phieu_bau"), sent, process)
    assert kept == {"bieu_quyet": [{"ma": "cn1", "ho_ten": "Tạ Thị Mai", "danh_hieu": "Lao động tiên tiến",
                                    "lua_chon": "tan_thanh"}]}


def test_forged_cells_of_a_free_table_are_dropped():
    sent = {"de_nghi": [{"ma": "ld1", "ho_ten": "Lan", "danh_hieu": "giay_khen", "loai": "ca_nhan",
                         "hop_le": True, "ly_do": "giả"}], "thong_bao": "giả"}
    assert without_read_only(form("tong_hop_de_nghi"), sent, {"de_nghi": [{"ma": "ld1", "hop_le": False}]}) == {
        "de_nghi": [{"ma": "ld1", "ho_ten": "Lan", "danh_hieu": "giay_khen", "loai": "ca_nhan"}]}
