"""Every level's tờ trình of a core-flow case can be downloaded (web and API): the case page lists one line
per letter, `?cap=<sending unit>` chooses it, the latest by default; each counts only what it sends up."""

from __future__ import annotations

import html
import re

import pytest

from engine.accounts import issue_token
from engine.org import person_by_username
from engine.runtime.instances import start_instance
from tests.browser.support import sign_in
from tests.document_cases import docx_lines
from webui import create_app

NOMINATIONS = [
    {"ma": "gk1", "loai": "tap_the", "ho_ten": "Tổ khối 5", "danh_hieu": "giay_khen", "trang_thai": "da_khen"},
    {"ma": "ld1", "loai": "ca_nhan", "ho_ten": "Nguyễn Thị Lan", "danh_hieu": "lao_dong_tien_tien"},
    {"ma": "cs1", "loai": "ca_nhan", "ho_ten": "Vũ Văn Minh", "danh_hieu": "chien_si_thi_dua_tinh"},
]


def letter(number: str, sender: str, level: str, rows: list[dict]) -> dict:
    return {"so": number, "ngay": "2025-06-10", "kinh_gui": "Cấp trên", "noi_dung": "Đề nghị khen thưởng",
            "nguoi_ky": "Người ký", "chuc_vu_nguoi_ky": "Thủ trưởng", "don_vi_gui": sender, "cap": level,
            "de_nghi": rows}


@pytest.fixture
def case(product):
    school = letter("15/TTr-THVY", "th_a", "truong", NOMINATIONS[1:])
    phong = letter("30/TTr-PGD", "phong_hd", "huyen", NOMINATIONS[2:])
    return start_instance(product, None, "dang_ky_thi_dua", "th_a", data={
        "nam_hoc": "2024-2025", "de_nghi": NOMINATIONS, "de_nghi_dat": NOMINATIONS,
        "cac_to_trinh": [school, phong], "to_trinh": phong}).id


def counts(content: bytes) -> list[str]:
    return [line for line in docx_lines(content)[0] if line.startswith("- ")]


def test_case_page_lists_each_levels_letter_and_each_downloads(product, case):
    client = create_app({"DATABASE_URL": product.url, "TESTING": True}).test_client()
    assert sign_in(client, "ld_phong").status_code == 302
    page = html.unescape(client.get(f"/cases/{case}").get_data(as_text=True))
    lines = re.findall(r'<li data-kind="to_trinh" data-sender="([a-z_]+)">([^:]+):', page)
    assert lines == [("th_a", "Tờ trình của Trường Tiểu học Văn Yên (số 15/TTr-THVY)"),
                     ("phong_hd", "Tờ trình của Phòng GDĐT quận Hà Đông (số 30/TTr-PGD)")]
    assert f"/cases/{case}/documents/to_trinh.docx?cap=th_a" in page

    school = client.get(f"/cases/{case}/documents/to_trinh.docx?cap=th_a")
    assert school.status_code == 200
    paragraphs, rows = docx_lines(school.data)
    assert "Số: 15/TTr-THVY" in rows[0][0] and "TRƯỜNG TIỂU HỌC VĂN YÊN" in rows[0][0]
    # the school's own Giấy khen is not proposed to the level above
    assert counts(school.data) == ["- Lao động tiên tiến: 01 cá nhân;",
                                   "- Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh: 01 cá nhân;"]
    phong = client.get(f"/cases/{case}/documents/to_trinh.docx?cap=phong_hd")
    assert "Số: 30/TTr-PGD" in docx_lines(phong.data)[1][0][0]
    assert counts(phong.data) == ["- Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh: 01 cá nhân;"]
    latest = client.get(f"/cases/{case}/documents/to_trinh.docx")
    assert docx_lines(latest.data) == docx_lines(phong.data)
    missing = client.get(f"/cases/{case}/documents/to_trinh.docx?cap=so_hn")
    assert missing.status_code == 404 and "so_hn" in html.unescape(missing.get_data(as_text=True))


def test_api_lists_the_letters_and_downloads_one(product, case, client):
    with product.transaction() as session:
        token = issue_token(session, person_by_username(session, "ld_phong"))
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get(f"/api/v1/instances/{case}/documents", headers=auth).get_json()["documents"]
    [kind] = [d for d in listed if d["kind"] == "to_trinh"]
    assert [(x["don_vi_gui"], x["ten_don_vi"], x["so"]) for x in kind["letters"]] == [
        ("th_a", "Trường Tiểu học Văn Yên", "15/TTr-THVY"), ("phong_hd", "Phòng GDĐT quận Hà Đông", "30/TTr-PGD")]
    got = client.get(kind["letters"][0]["urls"]["docx"], headers=auth)
    assert got.status_code == 200 and "Số: 15/TTr-THVY" in docx_lines(got.data)[1][0][0]
    assert client.get(f"/api/v1/instances/{case}/documents/to_trinh.docx?cap=xx", headers=auth).status_code == 404


def test_an_older_school_letter_without_its_list_still_leaves_out_the_schools_own_titles(product):
    routed = [{**NOMINATIONS[0], "cap_quyet_dinh": "truong"}, {**NOMINATIONS[1], "cap_quyet_dinh": "huyen"}]
    old = {k: v for k, v in letter("15/TTr-THVY", "th_a", "truong", []).items() if k not in ("de_nghi", "cap")}
    case = start_instance(product, None, "dang_ky_thi_dua", "th_a", data={
        "nam_hoc": "2024-2025", "de_nghi": routed, "de_nghi_dat": routed, "to_trinh": old}).id
    client = create_app({"DATABASE_URL": product.url, "TESTING": True}).test_client()
    assert sign_in(client, "ht_a").status_code == 302
    got = client.get(f"/cases/{case}/documents/to_trinh.docx")
    assert counts(got.data) == ["- Lao động tiên tiến: 01 cá nhân;"]
