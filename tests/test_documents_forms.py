"""The annex forms of the seeds (forms/*.json): each is drawn as a table of rows by the task page,
validated row by row, and what a school fills in becomes the official document."""

from __future__ import annotations

import json
import re

import pytest
from werkzeug.datastructures import MultiDict

from engine.config import PROJECT_ROOT
from engine.errors import InvalidInput
from engine.forms import validate_form_data
from engine.runtime.instances import start_instance
from tests.browser.support import csrf_from, sign_in
from tests.document_cases import docx_lines
from tests.helpers import bpmn, deploy_bytes, flow, user_task
from webui import create_app
from webui.form_errors import explain
from webui.formschema import fields_of, parse, values_from_request

COLUMNS = {
    "danh_sach_trich_ngang": ["loai", "ho_ten", "chuc_vu", "don_vi", "danh_hieu", "so_quyet_dinh", "thanh_tich"],
    "bang_dang_ky_dien_hinh": ["loai", "ho_ten", "chuc_vu", "don_vi", "linh_vuc", "thanh_tich"],
    "mau_1_dang_ky_doi_moi": ["ho_ten", "nhiem_vu", "linh_vuc_doi_moi", "thuc_trang", "muc_tieu_giai_phap",
                              "ket_qua_du_kien", "thoi_gian", "cac_buoc", "pham_vi_nhan_rong"],
    "mau_2_nhom_nha_giao": ["ten_nhom", "thanh_vien", "nhiem_vu_chung", "van_de", "thuc_trang", "diem_manh",
                            "han_che", "huong_giai_quyet", "ket_qua_du_kien", "thoi_gian"],
}
ONE_ROW = {
    "danh_sach_trich_ngang": {"loai": "ca_nhan", "ho_ten": "Nguyễn Thị Lan",
                              "thanh_tich": "Giáo viên dạy giỏi cấp tỉnh"},
    "bang_dang_ky_dien_hinh": {"loai": "tap_the", "ho_ten": "Trường Tiểu học Văn Yên", "linh_vuc": "Chuyển đổi số"},
    "mau_1_dang_ky_doi_moi": {"ho_ten": "Phạm Thị Hoa", "nhiem_vu": "Dạy Toán lớp 5",
                              "linh_vuc_doi_moi": "Phương pháp giảng dạy"},
    "mau_2_nhom_nha_giao": {"thanh_vien": "Phạm Thị Hoa, Lê Văn Bình", "van_de": "Dạy học phân hóa"},
}
REQUIRED = {"danh_sach_trich_ngang": "thanh_tich", "bang_dang_ky_dien_hinh": "linh_vuc",
            "mau_1_dang_ky_doi_moi": "nhiem_vu", "mau_2_nhom_nha_giao": "van_de"}


def schema_of(key: str) -> dict:
    return json.loads((PROJECT_ROOT / "forms" / f"{key}.json").read_text(encoding="utf-8"))


@pytest.fixture
def app(product):
    app = create_app({"DATABASE_URL": product.url, "TESTING": True})
    with app.test_request_context("/"):
        yield app


@pytest.mark.parametrize("key", list(COLUMNS))
def test_each_annex_form_is_a_table_of_rows_that_validates(app, key):
    schema = schema_of(key)
    [table] = [f for f in fields_of(schema) if f.kind == "table"]
    assert table.name == "danh_sach" and [c.name for c in table.columns] == COLUMNS[key]
    assert all(c.kind in ("text", "textarea", "select") for c in table.columns)
    row = ONE_ROW[key]
    form = MultiDict([("danh_sach.__rows", "2"), *((f"danh_sach.0.{k}", v) for k, v in row.items())])
    parsed = parse(fields_of(schema), values_from_request(fields_of(schema), form))
    assert parsed.errors == {} and parsed.data == {"danh_sach": [row]}  # the blank second row is dropped
    assert validate_form_data(schema, parsed.data) == {"danh_sach": [row]}
    broken = {"danh_sach": [row, {k: v for k, v in row.items() if k != REQUIRED[key]}]}
    with pytest.raises(InvalidInput):
        validate_form_data(schema, broken)
    assert explain(schema, broken, {"danh_sach": [0, 3]})[f"danh_sach.3.{REQUIRED[key]}"] == \
        ["Trường này là bắt buộc."]
    assert explain(schema, {"danh_sach": []})["danh_sach"] == ["Hãy chọn hoặc thêm ít nhất 1 mục."]


def test_a_school_fills_the_honorees_annex_and_downloads_the_list(product):
    deploy_bytes(product, "nop_danh_sach.bpmn", bpmn("nop_danh_sach", "\n".join([
        '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
        user_task("lap", "Lập danh sách trích ngang", incoming="f0", outgoing="f1", formKey="danh_sach_trich_ngang"),
        '<bpmn:endEvent id="e"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>',
        flow("f0", "s", "lap"), flow("f1", "lap", "e")]), lanes={"hieu_truong": ["s", "lap", "e"]},
        name="Nộp danh sách trích ngang"))
    case = start_instance(product, None, "nop_danh_sach", "th_a").id
    client = create_app({"DATABASE_URL": product.url, "TESTING": True}).test_client()
    assert sign_in(client, "ht_a").status_code == 302
    task = int(re.search(r'href="/tasks/(\d+)"', client.get(f"/cases/{case}").get_data(as_text=True))[1])
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert "Tên tập thể / Họ và tên" in page and "Tóm tắt thành tích" in page and 'name="danh_sach.0.ho_ten"' in page
    rows = [("danh_sach.__rows", "2"), ("giai_doan", "2015-2020"),
            ("danh_sach.0.loai", "tap_the"), ("danh_sach.0.ho_ten", "Trường Tiểu học Văn Yên"),
            ("danh_sach.0.danh_hieu", "Anh hùng lao động"), ("danh_sach.0.thanh_tich", "Tóm tắt hành động anh hùng"),
            ("danh_sach.1.loai", "ca_nhan"), ("danh_sach.1.ho_ten", "Bà Nguyễn Thị Ánh"),
            ("danh_sach.1.chuc_vu", "Giáo viên"), ("danh_sach.1.danh_hieu", "Nhà giáo Ưu tú")]
    refused = client.post(f"/tasks/{task}", data=MultiDict([("csrf_token", csrf_from(page)), *rows]))
    assert refused.status_code == 422 and "Trường này là bắt buộc." in refused.get_data(as_text=True)
    rows.append(("danh_sach.1.thanh_tich", "Tóm tắt thành tích nổi bật: 20 năm dạy giỏi"))
    done = client.post(f"/tasks/{task}", data=MultiDict([("csrf_token", csrf_from(page)), *rows]))
    assert done.status_code == 302
    got = client.get(f"/cases/{case}/documents/danh_sach_trich_ngang.docx")
    assert got.status_code == 200
    paragraphs, table = docx_lines(got.data)
    assert "Giai đoạn 2015-2020" in paragraphs and "Danh sách có 01 tập thể và 01 cá nhân./." in paragraphs
    assert "I. Anh hùng lao động" in paragraphs and "II. Nhà giáo Ưu tú" in paragraphs
    assert ["1.", "Bà Nguyễn Thị Ánh, Giáo viên, Trường Tiểu học Văn Yên",
            "Tóm tắt thành tích nổi bật: 20 năm dạy giỏi"] in table
