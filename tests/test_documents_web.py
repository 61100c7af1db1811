"""Downloading official documents: per case (web and API) for those who may see the case, per unit
gathering the cases of the unit and the units below; outsiders, unknown kinds and missing data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import clock
from engine.plans.repository import create_plan
from engine.plans.spec import MilestoneSpec, PlanSpec
from engine.runtime.instances import start_instance
from tests.browser.support import sign_in
from tests.document_cases import NOMINATIONS, docx_lines, full_case, xlsx_rows
from webui import create_app

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app(product):
    return create_app({"DATABASE_URL": product.url, "TESTING": True})


def signed_in(app, username):
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def start(db, unit, data, **extra):
    return start_instance(db, None, "dang_ky_thi_dua", unit, data=data, **extra).id


def test_case_documents_for_viewers_only(product, app):
    case = start(product, "th_a", full_case(), business_key="2023-2024/th_a")
    principal = signed_in(app, "ht_a")
    page = principal.get(f"/cases/{case}").get_data(as_text=True)
    assert 'data-testid="official-documents"' in page
    for kind, ext in (("danh_sach_trich_ngang", "docx"), ("danh_sach_trich_ngang", "xlsx"), ("bang_dang_ky", "xlsx"),
                      ("bang_dang_ky", "docx"), ("bien_ban", "docx"), ("to_trinh", "docx")):
        assert f'href="/cases/{case}/documents/{kind}.{ext}"' in page
    got = principal.get(f"/cases/{case}/documents/bien_ban.docx")
    assert got.status_code == 200 and got.mimetype == DOCX and got.headers["X-Content-Type-Options"] == "nosniff"
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp%20x%C3%A9t%20-%202023-2024-th_a.docx" in disposition
    _paragraphs, rows = docx_lines(got.data)
    assert ["1", "Nguyễn Thị Lan", "Chiến sĩ thi đua cơ sở", "9", "2", "11", "81,82 %", "80 %", "Đạt"] in rows
    sheet = signed_in(app, "cv_phong").get(f"/cases/{case}/documents/danh_sach_trich_ngang.xlsx")
    assert sheet.status_code == 200 and sheet.mimetype == XLSX
    assert any(r[2] == "Nguyễn Thị Lan" for r in xlsx_rows(sheet.data)["Danh sách trích ngang"])
    outsider = signed_in(app, "gv_b1")  # another school
    assert outsider.get(f"/cases/{case}/documents/bien_ban.docx").status_code == 404
    assert principal.get(f"/cases/{case}/documents/quyet_dinh.docx").status_code == 404
    assert principal.get(f"/cases/{case}/documents/bien_ban.xlsx").status_code == 404
    assert principal.get(f"/cases/{case}/documents/bien_ban.pdf").status_code == 404
    assert principal.get(f"/cases/{case + 99}/documents/bien_ban.docx").status_code == 404
    assert app.test_client().get(f"/cases/{case}/documents/bien_ban.docx").status_code == 302  # sign in first


def test_case_without_the_data_gets_a_clear_message(product, app):
    case = start(product, "th_a", {"nam_hoc": "2023-2024", "de_nghi": NOMINATIONS})
    client = signed_in(app, "ht_a")
    page = client.get(f"/cases/{case}").get_data(as_text=True)
    assert f"/cases/{case}/documents/bang_dang_ky.xlsx" in page and "bien_ban.docx" not in page
    refused = client.get(f"/cases/{case}/documents/bien_ban.docx")
    assert refused.status_code == 409
    assert "Hội đồng chưa biểu quyết nên chưa có biên bản với kết quả bỏ phiếu." in refused.get_data(as_text=True)
    letter = client.get(f"/cases/{case}/documents/to_trinh.docx")
    assert letter.status_code == 409 and "Tờ trình chưa được điền." in letter.get_data(as_text=True)
    empty = start(product, "th_a", {})
    assert 'data-testid="no-official-documents"' in client.get(f"/cases/{empty}").get_data(as_text=True)
    assert client.get(f"/cases/{empty}/documents/danh_sach_trich_ngang.docx").status_code == 409


def test_api_lists_and_downloads_case_documents(product, client, token):
    case = start(product, "th_a", {"nam_hoc": "2023-2024", "de_nghi": NOMINATIONS})
    listed = client.get(f"/api/v1/instances/{case}/documents", headers=token("gv_a1")).get_json()
    assert [(d["kind"], d["formats"]) for d in listed["documents"]] == [
        ("danh_sach_trich_ngang", ["docx", "xlsx"]), ("bang_dang_ky", ["xlsx", "docx"])]
    got = client.get(listed["documents"][1]["urls"]["xlsx"], headers=token("gv_a1"))
    assert got.status_code == 200 and got.mimetype == XLSX
    assert "filename*=UTF-8''B%E1%BA%A3ng%20%C4%91%C4%83ng%20k%C3%BD" in got.headers["Content-Disposition"]
    assert ["01", "Tổ Khối 5", "Tập thể lao động xuất sắc", "Chưa đủ điều kiện: Thiếu biên bản bình xét", None,
            None] in xlsx_rows(got.data)["Đăng ký danh hiệu"]
    missing = client.get(f"/api/v1/instances/{case}/documents/bien_ban.docx", headers=token("gv_a1"))
    assert missing.status_code == 409 and missing.get_json()["error"]["reason"] == "no_votes"
    assert client.get(f"/api/v1/instances/{case}/documents/bien_ban.docx", headers=token("gv_b1")).status_code == 404
    assert client.get(f"/api/v1/instances/{case}/documents", headers=token("gv_b1")).status_code == 404
    unknown = client.get(f"/api/v1/instances/{case}/documents/bao_cao.docx", headers=token("gv_a1"))
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/instances/{case}/documents/bien_ban.docx").status_code == 401
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/instances/{id}/documents/{kind}.{ext}" in paths and "/units/{code}/documents/{kind}.{ext}" in paths


def _nomination(name, unit_name):
    return {"ma": name, "loai": "ca_nhan", "ho_ten": name, "don_vi": unit_name, "danh_hieu": "lao_dong_tien_tien",
            "thanh_tich": f"Thành tích của {name}"}


def _plan(db, number: str = "KH-TL-2023") -> int:
    now = clock.now()
    spec = PlanSpec(number=number, title="Kế hoạch thi đua năm học 2023-2024", school_year="2023-2024",
                    issuing_unit="phong_hd", issuer="Phòng GDĐT quận Hà Đông", issue_date=now.date(),
                    milestones=[MilestoneSpec("tong_ket", "Tổng kết", now + timedelta(days=30), None)])
    with db.transaction() as session:
        return create_plan(session, spec).id


def test_unit_documents_gather_the_cases_below(product, app):
    start(product, "th_a", {"nam_hoc": "2023-2024", "de_nghi": [_nomination("Nguyễn Thị Lan", "")]})
    start(product, "th_b", {"nam_hoc": "2023-2024", "de_nghi": [_nomination("Đặng Văn Nam", "")]})
    start(product, "th_b", {"nam_hoc": "2022-2023", "de_nghi": [_nomination("Năm trước", "")]})
    start(product, "thpt_x", {"nam_hoc": "2023-2024", "de_nghi": [_nomination("Phan Thị Thu", "")]})  # under the Sở
    plan = _plan(product)
    start(product, "th_a", {"de_nghi": [_nomination("Theo kế hoạch", "")]}, plan_id=plan)
    officer = signed_in(app, "cv_phong")
    got = officer.get("/units/phong_hd/documents/danh_sach_trich_ngang.xlsx?school_year=2023-2024")
    assert got.status_code == 200 and got.mimetype == XLSX
    rows = xlsx_rows(got.data)["Danh sách trích ngang"]
    assert rows[1][0] == "PHÒNG GDĐT QUẬN HÀ ĐÔNG"
    people = [(r[2], r[4]) for r in rows if isinstance(r[0], int)]
    assert people == [("Nguyễn Thị Lan", "Trường Tiểu học Văn Yên"), ("Theo kế hoạch", "Trường Tiểu học Văn Yên"),
                      ("Đặng Văn Nam", "Trường Tiểu học Kim Đồng")]
    assert "filename*=UTF-8''Danh%20s%C3%A1ch%20tr%C3%ADch%20ngang%20-%20Ph%C3%B2ng" in \
        got.headers["Content-Disposition"]
    plan_page = officer.get(f"/plans/{plan}").get_data(as_text=True)
    assert 'data-testid="unit-documents"' in plan_page and "Phòng GDĐT quận Hà Đông" in plan_page
    assert f'href="/units/phong_hd/documents/bang_dang_ky.docx?plan={plan}"' in plan_page
    assert "/units/th_a/" not in plan_page  # the officer holds no role in the school itself
    by_plan = officer.get(f"/units/phong_hd/documents/bang_dang_ky.docx?plan={plan}")
    _paragraphs, table = docx_lines(by_plan.data)
    assert by_plan.status_code == 200 and [r[1] for r in table if r[0] == "01"] == ["Theo kế hoạch"]
    school = signed_in(app, "ht_a")
    mine = xlsx_rows(school.get("/units/th_a/documents/danh_sach_trich_ngang.xlsx?school_year=2023-2024").data)
    assert [r[2] for r in mine["Danh sách trích ngang"] if isinstance(r[0], int)] == ["Nguyễn Thị Lan", "Theo kế hoạch"]
    assert school.get("/units/phong_hd/documents/danh_sach_trich_ngang.xlsx?school_year=2023-2024").status_code == 404
    assert school.get("/units/th_b/documents/danh_sach_trich_ngang.xlsx?school_year=2023-2024").status_code == 404
    assert school.get("/units/khong_co/documents/danh_sach_trich_ngang.xlsx?school_year=2023-2024").status_code == 404
    assert officer.get("/units/phong_hd/documents/bao_cao.xlsx?school_year=2023-2024").status_code == 404
    per_case = officer.get("/units/phong_hd/documents/bien_ban.docx?school_year=2023-2024")
    assert per_case.status_code == 409 and "theo từng hồ sơ" in per_case.get_data(as_text=True)
    unsaid = officer.get("/units/phong_hd/documents/danh_sach_trich_ngang.xlsx")
    assert unsaid.status_code == 400 and "?school_year=2023-2024" in unsaid.get_data(as_text=True)
    assert officer.get("/units/phong_hd/documents/danh_sach_trich_ngang.xlsx?plan=abc").status_code == 400
    nothing = officer.get("/units/phong_hd/documents/danh_sach_trich_ngang.xlsx?school_year=2019-2020")
    assert nothing.status_code == 409 and "Chưa có danh sách" in nothing.get_data(as_text=True)
    assert "Chưa đủ dữ liệu" in nothing.get_data(as_text=True)  # not "Dữ liệu vừa thay đổi": nothing changed
    other_plan = _plan(product, "KH-TL-2023-B")  # no case of it: the plan page links no list that would be empty
    assert 'data-testid="unit-documents"' not in officer.get(f"/plans/{other_plan}").get_data(as_text=True)


def test_unit_documents_over_the_api(product, client, token):
    start(product, "th_a", {"nam_hoc": "2023-2024", "de_nghi": [_nomination("Nguyễn Thị Lan", "")]})
    start(product, "th_b", {"nam_hoc": "2023-2024", "de_nghi": [_nomination("Đặng Văn Nam", "")]})
    url = "/api/v1/units/phong_hd/documents/bang_dang_ky.xlsx?school_year=2023-2024"
    got = client.get(url, headers=token("ld_phong"))
    assert got.status_code == 200
    names = [r[1] for r in xlsx_rows(got.data)["Đăng ký danh hiệu"] if r[0] in ("01", "02")]
    assert names == ["Nguyễn Thị Lan", "Đặng Văn Nam"]
    assert client.get(url, headers=token("gv_b1")).status_code == 404
    bad = client.get("/api/v1/units/phong_hd/documents/bang_dang_ky.xlsx", headers=token("ld_phong"))
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "plan"


def test_a_letter_sent_up_by_the_phong_carries_the_phong_letterhead(product, app):
    letter = {"so": "30/TTr-PGD", "ngay": "2025-06-10", "kinh_gui": "UBND thành phố Hà Nội",
              "noi_dung": "Đề nghị tặng danh hiệu Chiến sĩ thi đua cấp thành phố", "nguoi_ky": "Trần Văn Phòng",
              "chuc_vu_nguoi_ky": "Trưởng phòng"}
    case = start(product, "th_a", {**full_case(), "to_trinh": letter, "don_vi_gui": "phong_hd"})
    got = signed_in(app, "ld_phong").get(f"/cases/{case}/documents/to_trinh.docx")
    paragraphs, rows = docx_lines(got.data)
    assert rows[0][0].split("\n")[:2] == ["SỞ GDĐT HÀ NỘI", "PHÒNG GDĐT QUẬN HÀ ĐÔNG"]
    assert "Số: 30/TTr-PGD" in rows[0][0] and "Phòng GDĐT quận Hà Đông kính đề nghị xét tặng:" in paragraphs
    listed = signed_in(app, "ld_phong").get(f"/cases/{case}/documents/danh_sach_trich_ngang.docx")
    assert docx_lines(listed.data)[1][0][0].split("\n")[:2] == ["PHÒNG GDĐT QUẬN HÀ ĐÔNG", "TRƯỜNG TIỂU HỌC VĂN YÊN"]
