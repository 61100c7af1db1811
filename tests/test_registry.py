"""The reward registry through the API and CLI: recording and searching awards, a person's history,
discipline records and holds, Excel import (good and bad rows, hostile files), authorization."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from engine.registry.spreadsheet import MAX_XLSX_BYTES, XLSX_MEDIA_TYPE
from webui import create_app
from webui.cli import main

HEADERS = ["STT", "Tên đăng nhập", "Họ và tên", "Đơn vị", "Danh hiệu", "Loại khen thưởng", "Năm học",
           "Số quyết định", "Ngày quyết định", "Đơn vị quyết định", "Cơ quan quyết định", "Ghi chú"]
GOOD_ROWS = [
    [1, "gv_a1", None, None, "Lao động tiên tiến", None, "2022-2023", "12/QĐ-UBND", date(2023, 6, 20), None,
     "Chủ tịch UBND quận Hà Đông", None],
    [2, None, "Trần Văn Cũ", "th_a", "chien_si_thi_dua_co_so", "Công trạng", "2015-2016", "45/QĐ-UBND",
     "20/06/2016", None, "Chủ tịch UBND quận Hà Đông", "nhập từ sổ cũ"],
    [3, None, None, "th_b", "Tập thể lao động tiên tiến", None, "2023-2024", "7/QĐ-PGD", date(2024, 6, 1),
     "phong_hd", None, None],
]
AWARD = {"username": "gv_a1", "title": "lao_dong_tien_tien", "school_year": "2024-2025",
         "decision_number": "88/QĐ-UBND", "decision_date": "2025-07-20", "deciding_unit": "th_a"}


@pytest.fixture
def client(product):
    app = create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real"})
    return app.test_client()


@pytest.fixture
def as_user(token):
    return token


def xlsx(rows: list[list], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, headers, data: bytes, name: str = "khen_thuong.xlsx", mimetype: str = XLSX_MEDIA_TYPE,
           partial: bool = False):
    url = "/api/v1/registry/import" + ("?partial=1" if partial else "")
    return client.post(url, headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name, mimetype)})


def rewrite(data: bytes, replace: dict[str, tuple[bytes, bytes]]) -> bytes:
    """The same zip with some entries' bytes replaced."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename in replace:
                old, new = replace[item.filename]
                assert old in content, item.filename
                content = content.replace(old, new, 1)
            target.writestr(item.filename, content)
    return out.getvalue()


# ---- recording, searching, history ---------------------------------------------------------------------------

def test_managers_record_awards_and_officers_read_their_history(client, as_user):
    ht, gv, other = as_user("ht_a"), as_user("gv_a1"), as_user("gv_b1")
    created = client.post("/api/v1/registry/awards", json=AWARD, headers=ht)
    assert created.status_code == 201, created.json
    assert created.json["title_name"] == "Lao động tiên tiến" and created.json["kind"] == "cong_trang"
    assert client.post("/api/v1/registry/awards", json=AWARD, headers=ht).status_code == 409
    assert client.post("/api/v1/registry/awards", json={**AWARD, "decision_number": "x"},
                       headers=as_user("gv_a2")).status_code == 403  # not a manager
    assert client.post("/api/v1/registry/awards", json={**AWARD, "deciding_unit": "phong_hd", "decision_number": "y"},
                       headers=ht).status_code == 403  # a school head does not manage the Phòng
    assert client.post("/api/v1/registry/awards", json={**AWARD, "username": "gv_b1"},
                       headers=ht).status_code == 404  # nor see people of another school
    own = client.get("/api/v1/registry/people/gv_a1/history", headers=gv)
    assert own.status_code == 200 and [a["decision_number"] for a in own.json["awards"]] == ["88/QĐ-UBND"]
    assert own.json["discipline"] == []
    assert client.get("/api/v1/registry/people/gv_a1/history", headers=other).status_code == 404
    assert client.get("/api/v1/registry/people/nobody/history", headers=other).status_code == 404
    colleague = client.get("/api/v1/registry/people/gv_a1/history", headers=as_user("gv_a2")).json
    assert "discipline" not in colleague  # only the person and managers see discipline records
    assert client.get("/api/v1/registry/awards?person=gv_a1", headers=other).json == []


def test_search_by_person_unit_title_year(client, as_user):
    ld = as_user("ld_phong")
    for body in (AWARD, {**AWARD, "username": None, "name": "Trần Văn Cũ", "unit": "th_a", "school_year": "2015-2016",
                         "decision_date": "2016-06-20", "decision_number": "45/QĐ"},
                 {"unit": "th_b", "title": "tap_the_lao_dong_tien_tien", "school_year": "2023-2024",
                  "decision_number": "7/QĐ", "decision_date": "2024-06-01", "deciding_unit": "phong_hd"}):
        assert client.post("/api/v1/registry/awards", json=body, headers=ld).status_code == 201
    search = client.get
    assert len(search("/api/v1/registry/awards?unit=phong_hd", headers=ld).json) == 3
    assert [a["subject"]["name"] for a in search("/api/v1/registry/awards?person=trần văn",
                                                 headers=ld).json] == ["Trần Văn Cũ"]
    assert len(search("/api/v1/registry/awards?title=lao_dong_tien_tien&year=2024", headers=ld).json) == 1
    assert search("/api/v1/registry/awards?year=2015-2016", headers=ld).json[0]["subject"]["kind"] == "person"
    assert search("/api/v1/registry/awards?unit=th_b", headers=as_user("gv_a1")).json == []
    assert search("/api/v1/registry/awards?unit=khong_co", headers=ld).status_code == 404
    assert search("/api/v1/registry/awards?year=2024-2026", headers=ld).status_code == 422
    assert search("/api/v1/registry/titles", headers=ld).json[0]["code"] == "lao_dong_tien_tien"


def test_an_outside_authority_is_recorded_by_the_subjects_unit(client, as_user):
    body = {**AWARD, "title": "bang_khen_thu_tuong", "deciding_unit": None, "deciding_authority": "Thủ tướng Chính phủ"}
    assert client.post("/api/v1/registry/awards", json=body, headers=as_user("ht_b")).status_code == 404
    assert client.post("/api/v1/registry/awards", json=body, headers=as_user("gv_a2")).status_code == 403
    made = client.post("/api/v1/registry/awards", json=body, headers=as_user("ht_a"))
    assert made.status_code == 201 and made.json["deciding_authority"] == "Thủ tướng Chính phủ"
    bad = client.post("/api/v1/registry/awards", json={**body, "deciding_authority": None}, headers=as_user("ht_a"))
    assert bad.status_code == 422 and bad.json["error"]["field"] == "deciding_unit"
    assert client.post("/api/v1/registry/awards", json={**AWARD, "title": "tap_the_lao_dong_tien_tien"},
                       headers=as_user("ht_a")).status_code == 422  # a person cannot hold a collective title


# ---- discipline, holds and the eligibility endpoint ------------------------------------------------------------

def test_pending_complaint_holds_a_nomination_until_closed(client, as_user):
    ht, gv = as_user("ht_a"), as_user("gv_a1")
    request = {"subject": {"username": "gv_a1"}, "title": "lao_dong_tien_tien", "receipt_date": "15/07/2025",
               "hints": {"rating": "HTTNV"}}
    ok = client.post("/api/v1/eligibility/check", json=request, headers=gv)
    assert ok.status_code == 200 and ok.json["eligible"] and ok.json["decided_by"].startswith("Chủ tịch UBND cấp xã")
    complaint = {"username": "gv_a1", "kind": "khieu_nai_to_cao", "from": "2025-05-10", "note": "đơn thư nặc danh"}
    assert client.post("/api/v1/registry/discipline", json=complaint, headers=gv).status_code == 403
    made = client.post("/api/v1/registry/discipline", json=complaint, headers=ht)
    assert made.status_code == 201
    held = client.post("/api/v1/eligibility/check", json=request, headers=gv).json
    assert held["hold"] and not held["eligible"] and "khiếu nại" in held["reasons"][0]
    assert client.post(f"/api/v1/registry/discipline/{made.json['id']}/close", json={"to": "2025-07-01"},
                       headers=gv).status_code == 403
    closed = client.post(f"/api/v1/registry/discipline/{made.json['id']}/close", json={"to": "2025-07-01"},
                         headers=ht)
    assert closed.status_code == 200 and closed.json["to"] == "2025-07-01"
    assert client.post("/api/v1/eligibility/check", json=request, headers=gv).json["eligible"]
    assert client.get("/api/v1/registry/discipline", headers=as_user("gv_a2")).json == []
    assert len(client.get("/api/v1/registry/discipline?person=gv_a1", headers=gv).json) == 1
    assert client.post("/api/v1/eligibility/check", json=request, headers=as_user("gv_b1")).status_code == 404


def test_eligibility_check_refuses_bad_input(client, as_user):
    gv = as_user("gv_a1")
    base = {"subject": "gv_a1", "title": "lao_dong_tien_tien", "receipt_date": "2025-07-15"}
    assert client.post("/api/v1/eligibility/check", json={**base, "hints": {"xep_loai": "HTTNV"}},
                       headers=gv).status_code == 422
    assert client.post("/api/v1/eligibility/check", json={**base, "receipt_date": "31/02/2025"},
                       headers=gv).status_code == 422
    assert client.post("/api/v1/eligibility/check", json={**base, "title": "khong_co"}, headers=gv).status_code == 422
    assert client.post("/api/v1/eligibility/check", json={**base, "subject": 5}, headers=gv).status_code == 400


def test_quota_endpoints(client, as_user):
    quota = {"unit": "phong_hd", "title": "chien_si_thi_dua_co_so", "max_percent": 15, "of_title": "lao_dong_tien_tien"}
    assert client.put("/api/v1/eligibility/quotas", json=quota, headers=as_user("ht_a")).status_code == 404
    assert client.put("/api/v1/eligibility/quotas", json=quota, headers=as_user("cv_phong")).status_code == 403
    assert client.put("/api/v1/eligibility/quotas", json=quota, headers=as_user("ld_phong")).status_code == 200
    ask = {"unit": "th_a", "title": "chien_si_thi_dua_co_so", "school_year": "2024-2025", "count": 2, "base_count": 10}
    answer = client.post("/api/v1/eligibility/quota", json=ask, headers=as_user("ht_a")).json
    assert answer["allowed"] is False and answer["limit"] == 1
    assert client.post("/api/v1/eligibility/quota", json=ask, headers=as_user("gv_b1")).status_code == 404
    assert len(client.get("/api/v1/eligibility/quotas", headers=as_user("gv_a1")).json) == 1


# ---- Excel import ---------------------------------------------------------------------------------------------

def test_import_good_rows(client, as_user):
    ld = as_user("ld_phong")
    response = upload(client, ld, xlsx(GOOD_ROWS))
    assert response.status_code == 201, response.json
    assert response.json["saved"] == 3 and response.json["errors"] == []
    found = client.get("/api/v1/registry/awards?unit=phong_hd", headers=ld).json
    assert {a["subject"]["name"] for a in found} == {"Nguyễn Thị Lan", "Trần Văn Cũ", "Trường Tiểu học Kim Đồng"}
    assert upload(client, ld, xlsx(GOOD_ROWS)).json["error"]["details"][0]["message"] == \
        "already recorded in the registry"


def test_import_reports_each_bad_row_and_saves_nothing_unless_partial(client, as_user):
    ld = as_user("ld_phong")
    bad = [*GOOD_ROWS,
           [4, None, "Lê Thị Mới", "th_a", "Danh hiệu ma", None, "2023-2024", "1/QĐ", "01/06/2024", "phong_hd", None,
            None],
           [5, None, "Lê Thị Mới", "th_a", "giay_khen", None, "2023-2024", "2/QĐ", "31/02/2024", "phong_hd", None,
            None],
           [6, "khong_co_ai", None, None, "giay_khen", None, "2023-2024", "3/QĐ", "01/06/2024", "phong_hd", None, None],
           [7, None, None, "th_a", "giay_khen", None, "2023-2024", "4/QĐ", "01/06/2024", "so_hn", None, None],
           GOOD_ROWS[0]]
    refused = upload(client, ld, xlsx(bad))
    assert refused.status_code == 422, refused.json
    errors = {e["row"]: e for e in refused.json["error"]["details"]}
    assert errors[5]["column"] == "Danh hiệu" and errors[5]["cell"] == "E5" and "unknown title" in errors[5]["message"]
    assert errors[6]["column"] == "Ngày quyết định" and "not a real date" in errors[6]["message"]
    assert errors[7]["column"] == "Tên đăng nhập" and errors[7]["cell"] == "B7"
    assert errors[8]["column"] is None and "manager of so_hn" in errors[8]["message"]
    assert errors[9]["message"] == "same award as row 2"
    assert sorted(errors) == [5, 6, 7, 8, 9]
    assert client.get("/api/v1/registry/awards", headers=ld).json == []  # nothing saved
    partial = upload(client, ld, xlsx(bad), partial=True)
    assert partial.status_code == 200 and partial.json["saved"] == 3 and len(partial.json["errors"]) == 5
    assert len(client.get("/api/v1/registry/awards", headers=ld).json) == 3


def test_import_headers_are_checked(client, as_user):
    response = upload(client, as_user("ld_phong"), xlsx([], headers=["Họ và tên", "Danh hieu", "Cột lạ"]))
    details = response.json["error"]["details"]
    assert response.status_code == 422
    assert any(d["column"] == "Cột lạ" and d["cell"] == "C1" for d in details)
    assert any("missing column 'nam hoc'" in d["message"] for d in details)


def test_formulas_are_stored_as_text_not_evaluated(client, as_user):
    ld = as_user("ld_phong")
    row = [1, None, "=1+1", "th_a", "giay_khen", None, "2023-2024", "=2+3", date(2024, 6, 1), "phong_hd", None,
           '=HYPERLINK("http://evil.example","bấm vào đây")']
    assert upload(client, ld, xlsx([row])).status_code == 201
    [stored] = client.get("/api/v1/registry/awards", headers=ld).json
    assert stored["subject"]["name"] == "=1+1" and stored["decision_number"] == "=2+3"
    assert stored["note"] == '=HYPERLINK("http://evil.example","bấm vào đây")'
    formula_date = upload(client, ld, xlsx([[2, None, "X", "th_a", "giay_khen", None, "2023-2024", "9/QĐ",
                                             "=TODAY()", "phong_hd", None, None]]))
    assert formula_date.status_code == 422 and "not a date" in formula_date.json["error"]["details"][0]["message"]


def test_hostile_uploads_are_refused(client, as_user):
    ld, good = as_user("ld_phong"), xlsx(GOOD_ROWS)
    not_zip = upload(client, ld, b"STT;Ho ten\n1;=cmd|' /C calc'!A0\n")
    assert not_zip.status_code == 422 and "not a zip" in not_zip.json["error"]["message"]
    oversized = upload(client, ld, good + b"\0" * (MAX_XLSX_BYTES + 1 - len(good)))
    assert oversized.status_code == 413
    docx_types = (b"spreadsheetml.sheet.main+xml", b"wordprocessingml.document.main+xml")
    wrong_type = upload(client, ld, rewrite(good, {"[Content_Types].xml": docx_types}))
    assert wrong_type.status_code == 422 and "wrong content type" in wrong_type.json["error"]["message"]
    macro_types = (b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                   b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    assert upload(client, ld, rewrite(good, {"[Content_Types].xml": macro_types})).status_code == 422
    entity = (b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><worksheet')
    with_doctype = upload(client, ld, rewrite(good, {"xl/worksheets/sheet1.xml": entity}))
    assert with_doctype.status_code == 422 and "DOCTYPE" in with_doctype.json["error"]["message"]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", zipfile.ZipFile(io.BytesIO(good)).read("[Content_Types].xml"))
        archive.writestr("xl/big.bin", b"\0" * (70 * 1024 * 1024))
    assert upload(client, ld, bomb.getvalue()).status_code == 422
    assert upload(client, ld, good, mimetype="text/csv").status_code == 415
    assert upload(client, ld, good, name="khen_thuong.xls").status_code == 415
    assert client.post("/api/v1/registry/import", data=good, headers={**ld, "Content-Type": XLSX_MEDIA_TYPE}
                       ).status_code == 415
    assert client.get("/api/v1/registry/awards", headers=ld).json == []


def test_only_managers_import(client, as_user):
    assert upload(client, as_user("gv_a1"), xlsx(GOOD_ROWS)).status_code == 403
    school_head = upload(client, as_user("ht_a"), xlsx(GOOD_ROWS))  # row 4 is decided by the Phòng
    assert school_head.status_code == 422 and [e["row"] for e in school_head.json["error"]["details"]] == [4]


# ---- CLI ------------------------------------------------------------------------------------------------------

def test_cli_import_history_and_check(product, monkeypatch, tmp_path):
    monkeypatch.setenv("TDKT_DATABASE_URL", product.url)
    runner = CliRunner()
    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(xlsx([*GOOD_ROWS, [9, None, None, "th_a", "giay_khen", None, "2023", "1/QĐ", "01/06/2024",
                                       "phong_hd", None, None]]))
    failed = runner.invoke(main, ["registry", "import", str(bad)])
    assert failed.exit_code == 1 and f"{bad}:5:Năm học: school_year" in failed.stderr
    assert "nothing saved" in failed.stderr
    good = tmp_path / "tot.xlsx"
    good.write_bytes(xlsx(GOOD_ROWS))
    done = runner.invoke(main, ["registry", "import", str(good), "--as", "cv_phong"])
    assert done.exit_code == 0 and "3 saved" in done.stderr
    history = runner.invoke(main, ["registry", "history", "gv_a1"])
    assert history.exit_code == 0 and "2022-2023\tLao động tiên tiến" in history.output
    checked = runner.invoke(main, ["registry", "check", "gv_a1", "lao_dong_tien_tien", "--date", "15/07/2025",
                                   "--hints", '{"rating": "HTTNV"}'])
    assert checked.exit_code == 0 and '"eligible": true' in checked.output
    refused = runner.invoke(main, ["registry", "check", "gv_a1", "lao_dong_tien_tien", "--date", "15/07/2025"])
    assert refused.exit_code == 1
    quota = runner.invoke(main, ["registry", "quota", "phong_hd", "chien_si_thi_dua_co_so", "--max-percent", "15",
                                 "--of", "lao_dong_tien_tien"])
    assert quota.exit_code == 0 and '"max_percent": 15.0' in quota.output
