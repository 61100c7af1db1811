"""The `tdkt` command line against a real database (TDKT_DATABASE_URL points at the test database)."""

from __future__ import annotations

import json
import re
from pathlib import Path


def test_organisation_people_and_token(tdkt):
    tdkt("role", "add", "to_pho", "--name", "Tổ phó chuyên môn")
    tdkt("unit", "add", "th_c", "--name", "Trường TH Lê Lợi", "--kind", "truong", "--parent", "phong_hd")
    tdkt("user", "add", "gv_c1", "--name", "Lý Thị Cúc", "--unit", "th_c", "--role", "giao_vien",
         "--role", "to_pho", "--password", "mat-khau-dai")
    token = tdkt("token", "gv_c1").output.strip()
    assert len(token) > 30
    missing = tdkt("user", "add", "x", "--name", "X", "--unit", "khong_co", "--role", "giao_vien", ok=False)
    assert "unknown unit 'khong_co'" in missing.stderr


def test_validate_reports_file_line_element(tdkt, tmp_path):
    good = tmp_path / "tot.bpmn"
    good.write_bytes(Path("processes/dang_ky_thi_dua.bpmn").read_bytes())
    assert "1 file(s) valid" in tdkt("validate", str(good)).output
    bad = tmp_path / "sai.bpmn"
    bad.write_text(good.read_text(encoding="utf-8").replace("ket_qua == 'dong_y'", "ket_qua = = 'dong_y'"),
                   encoding="utf-8")
    result = tdkt("validate", str(bad), ok=False)
    assert re.search(r"sai\.bpmn:\d+: f4: ", result.stderr), result.stderr


def test_deploy_start_claim_complete_through_cli(tdkt, tmp_path):
    result = tdkt("deploy", "processes/dang_ky_thi_dua.bpmn")
    assert "dang_ky_thi_dua v1 (unchanged)" in result.output
    started = tdkt("case", "start", "dang_ky_thi_dua", "--unit", "th_b", "--as", "gv_b1", "--business-key", "cli-1")
    case_id = int(re.search(r"case (\d+) running", started.output).group(1))
    listing = tdkt("task", "list", "--as", "gv_b1").output
    task_id = int(listing.split("\t")[0])
    assert f"case {case_id}" in listing and "giao_vien@th_b" in listing
    tdkt("task", "claim", str(task_id), "--as", "gv_b1")
    refused = tdkt("task", "complete", str(task_id), "--as", "gv_b1", "--data", '{"ho_ten": "A"}', ok=False)
    assert "field" in refused.stderr
    data = json.dumps({"ho_ten": "Đặng Văn Nam", "danh_hieu": "lao_dong_tien_tien", "nam_hoc": "2026-2027"})
    tdkt("task", "complete", str(task_id), "--as", "gv_b1", "--data", data)
    shown = json.loads(tdkt("case", "show", str(case_id)).output)
    assert [t["name"] for t in shown["tasks"]] == ["duyet"]
    assert tdkt("case", "suspend", str(case_id), "--as", "gv_b1", ok=False).stderr.startswith("error:")
    assert "suspended" in tdkt("case", "suspend", str(case_id), "--as", "ht_b").output


def test_virtual_clock_show_and_set(tdkt, monkeypatch):
    monkeypatch.setenv("TDKT_CLOCK", "virtual")
    out = tdkt("clock", "set", "2025-05-20T08:00:00+07:00").output
    assert "mode: virtual" in out and "now: 2025-05-20T08:00:00+07:00" in out
    assert "now: 2025-05-20T08:00:00+07:00" in tdkt("clock", "show").output
    assert "cases advanced: 0" in tdkt("tick").output
    assert "not an ISO" in tdkt("clock", "set", "hôm qua", ok=False).stderr
