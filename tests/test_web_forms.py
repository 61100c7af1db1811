"""Task forms drawn from JSON Schema: widgets, typed parsing, table rows, Vietnamese validation messages."""

from __future__ import annotations

import json
import re

import pytest
from werkzeug.datastructures import MultiDict

from engine.runtime.instances import start_instance
from tests.browser.support import FIXTURES, csrf_from, deploy_drawn_process, sign_in
from webui import create_app
from webui.form_errors import FORM_LEVEL, explain
from webui.formschema import fields_of, parse, parse_vn_date, remove_row, values_from_data, values_from_request

SCHEMA = json.loads((FIXTURES / "web_minh_chung.json").read_text(encoding="utf-8"))


@pytest.fixture
def app(product):
    app = create_app({"DATABASE_URL": product.url, "TESTING": True})
    with app.test_request_context("/"):
        yield app


def test_each_property_gets_its_widget(app):
    kinds = {f.name: f.kind for f in fields_of(SCHEMA)}
    assert kinds == {"so_tiet_du_gio": "integer", "diem_trung_binh": "number", "ngay_nop": "date",
                     "linh_vuc": "multiselect", "cam_ket": "checkbox", "minh_chung": "table", "nhan_xet": "textarea"}
    table = next(f for f in fields_of(SCHEMA) if f.kind == "table")
    assert [(c.name, c.kind, c.required) for c in table.columns] == [("ten", "text", True), ("nam", "integer", False)]
    multi = next(f for f in fields_of(SCHEMA) if f.kind == "multiselect")
    assert multi.options[0] == ("giang_day", "Giảng dạy")
    assert fields_of({"properties": {"x": {"type": "string", "format": "data-url"}}})[0].kind == "file"


def test_submitted_strings_become_typed_data(app):
    fields = fields_of(SCHEMA)
    form = MultiDict([("so_tiet_du_gio", " 12 "), ("diem_trung_binh", "8,5"), ("ngay_nop", "05/09/2026"),
                      ("linh_vuc", "giang_day"), ("linh_vuc", "doan_the"), ("cam_ket", "on"),
                      ("minh_chung.__rows", "3"), ("minh_chung.0.ten", "Sáng kiến A"), ("minh_chung.0.nam", "2025"),
                      ("minh_chung.1.ten", ""), ("minh_chung.1.nam", ""), ("minh_chung.2.ten", "Giờ dạy giỏi"),
                      ("nhan_xet", "   ")])
    parsed = parse(fields, values_from_request(fields, form))
    assert parsed.errors == {}
    assert parsed.data == {"so_tiet_du_gio": 12, "diem_trung_binh": 8.5, "ngay_nop": "2026-09-05",
                           "linh_vuc": ["giang_day", "doan_the"], "cam_ket": True,
                           "minh_chung": [{"ten": "Sáng kiến A", "nam": 2025}, {"ten": "Giờ dạy giỏi"}]}
    assert parsed.row_index == {"minh_chung": [0, 2]}
    again = values_from_data(fields, parsed.data)
    assert again.get("ngay_nop") == "05/09/2026" and again.get("cam_ket") == "on"
    assert again.get("minh_chung.1.ten") == "Giờ dạy giỏi" and again.rows["minh_chung"] == 2


def test_unparseable_values_are_reported_per_field(app):
    fields = fields_of(SCHEMA)
    form = MultiDict([("so_tiet_du_gio", "mười"), ("diem_trung_binh", "x"), ("ngay_nop", "31/02/2026"),
                      ("minh_chung.__rows", "1"), ("minh_chung.0.ten", "Ok"), ("minh_chung.0.nam", "2k")])
    errors = parse(fields, values_from_request(fields, form)).errors
    assert errors == {"so_tiet_du_gio": ["Hãy nhập một số nguyên."], "diem_trung_binh": ["Hãy nhập một số."],
                      "ngay_nop": ["Hãy nhập ngày hợp lệ theo dạng dd/mm/yyyy."],
                      "minh_chung.0.nam": ["Hãy nhập một số nguyên."]}
    assert parse_vn_date("2026-09-05") == parse_vn_date("5/9/2026")


def test_schema_failures_in_vietnamese_keyed_by_form_field(app):
    data = {"so_tiet_du_gio": 500, "diem_trung_binh": -1, "linh_vuc": ["giang_day", "giang_day"],
            "minh_chung": [{"ten": "Sáng kiến"}, {"ten": "ab", "nam": 1990}], "thua": 1}
    errors = explain(SCHEMA, data, {"minh_chung": [0, 3]})
    assert errors["so_tiet_du_gio"] == ["Giá trị phải nhỏ hơn hoặc bằng 200."]
    assert errors["diem_trung_binh"] == ["Giá trị phải lớn hơn hoặc bằng 0."]
    assert errors["linh_vuc"] == ["Các mục không được trùng nhau."]
    assert errors["minh_chung.3.ten"] == ["Hãy nhập ít nhất 3 ký tự."]  # data row 1 is form row 3
    assert errors["minh_chung.3.nam"] == ["Giá trị phải lớn hơn hoặc bằng 2000."]
    assert errors[FORM_LEVEL] == ["Biểu mẫu không có trường này."]
    assert explain(SCHEMA, {"minh_chung": []})["minh_chung"] == ["Hãy chọn hoặc thêm ít nhất 1 mục."]
    assert explain(SCHEMA, {"minh_chung": [{}]})["minh_chung.0.ten"] == ["Trường này là bắt buộc."]
    typed = explain({"type": "object", "properties": {"n": {"type": "integer"}, "d": {"type": "string",
                                                                                     "format": "date"}}},
                    {"n": "x", "d": "2026-13-01"})
    assert typed == {"n": ["Giá trị phải có kiểu: số nguyên."], "d": ["Hãy nhập ngày hợp lệ theo dạng dd/mm/yyyy."]}


def test_remove_row_shifts_the_rows_below(app):
    table = next(f for f in fields_of(SCHEMA) if f.kind == "table")
    values = values_from_data(fields_of(SCHEMA), {"minh_chung": [{"ten": "A"}, {"ten": "B"}, {"ten": "C"}]})
    remove_row(values, table, 0)
    assert values.rows["minh_chung"] == 2 and values.get("minh_chung.0.ten") == "B"
    assert values.get("minh_chung.1.ten") == "C" and "minh_chung.2.ten" not in values.values


def test_table_form_round_trip_through_the_page(product):
    key = deploy_drawn_process(product)
    case_id = start_instance(product, None, key, "th_a", title="Minh chứng — Văn Yên").id
    app = create_app({"DATABASE_URL": product.url, "TESTING": True})
    client = app.test_client()
    sign_in(client, "gv_a1")
    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    task_id = int(re.search(r'href="/tasks/(\d+)"', case_page).group(1))
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Liệt kê các minh chứng" in page and 'name="minh_chung.0.ten"' in page and "Thêm dòng" in page
    token = csrf_from(page)
    base = {"csrf_token": token, "minh_chung.__rows": "1", "minh_chung.0.ten": "Sáng kiến A", "so_tiet_du_gio": "4"}
    added = client.post(f"/tasks/{task_id}", data={**base, "action": "add_row:minh_chung"}).get_data(as_text=True)
    assert 'name="minh_chung.1.ten"' in added and 'value="Sáng kiến A"' in added
    bad = client.post(f"/tasks/{task_id}", data={**base, "minh_chung.__rows": "2", "minh_chung.1.ten": "ab",
                                                  "action": "complete"})
    assert bad.status_code == 422
    assert 'data-error-for="minh_chung.1.ten">Hãy nhập ít nhất 3 ký tự.' in bad.get_data(as_text=True)
    done = client.post(f"/tasks/{task_id}", data={**base, "linh_vuc": ["giang_day", "chu_nhiem"],
                                                   "cam_ket": "on", "ngay_nop": "05/09/2026", "action": "complete"})
    assert done.status_code == 302, done.get_data(as_text=True)
    assert "Hiệu trưởng xác nhận" in client.get(f"/cases/{case_id}").get_data(as_text=True)
