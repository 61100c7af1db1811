"""Attachment fields inside the rows of a table on a task form (a list of people, each with a proof file)."""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select

from engine.models import Attachment, Instance
from tests.browser.support import attachment_case, csrf_from, sign_in

PDF = b"%PDF-1.4\n% minh chung\n" + b"0" * 200
TABLE = {"type": "array", "title": "Danh sách trích ngang", "items": {
    "type": "object", "required": ["ho_ten", "minh_chung"], "properties": {
        "ho_ten": {"type": "string", "title": "Họ và tên"},
        "minh_chung": {"type": "string", "format": "attachment", "title": "Minh chứng",
                       "x-accept": [".pdf"], "x-maxBytes": 2000}}}}


@pytest.fixture
def setup(product, tmp_path):
    root = tmp_path / "attachments"
    app, case_id = attachment_case(product, {"properties": {"danh_sach": TABLE}, "required": ["danh_sach"]},
                                   "Danh sách — Văn Yên", root)
    client = app.test_client()
    assert sign_in(client, "gv_a1").status_code == 302
    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    task_id = int(re.search(r'href="/tasks/(\d+)"', case_page)[1])
    return client, case_id, task_id, root


def _post(client, task_id, data):
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    return client.post(f"/tasks/{task_id}", content_type="multipart/form-data",
                       data={"csrf_token": csrf_from(page), **data})


def _stored(product):
    with product.transaction() as s:
        return list(s.scalars(select(Attachment).order_by(Attachment.id)))


def test_each_row_carries_its_own_file(product, setup):
    client, case_id, task_id, root = setup
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'name="danh_sach.0.minh_chung" type="file"' in page
    done = _post(client, task_id, {
        "action": "complete", "danh_sach.__rows": "2",
        "danh_sach.0.ho_ten": "Nguyễn Thị Lan", "danh_sach.0.minh_chung": (io.BytesIO(PDF), "lan.pdf"),
        "danh_sach.1.ho_ten": "Vũ Văn Minh", "danh_sach.1.minh_chung": (io.BytesIO(PDF + b"1"), "minh.pdf")})
    assert done.status_code == 302, done.get_data(as_text=True)
    first, second = _stored(product)
    assert (first.original_name, second.original_name) == ("lan.pdf", "minh.pdf")
    with product.transaction() as s:
        data = json.loads(s.get(Instance, case_id).state)
    assert f'"minh_chung": "{first.id}"' in json.dumps(data, ensure_ascii=False)
    assert f'"minh_chung": "{second.id}"' in json.dumps(data, ensure_ascii=False)


def test_a_refused_file_is_explained_in_its_cell_and_a_kept_one_is_not_asked_again(product, setup):
    client, _case_id, task_id, root = setup
    refused = _post(client, task_id, {
        "action": "complete", "danh_sach.__rows": "2",
        "danh_sach.0.ho_ten": "Nguyễn Thị Lan", "danh_sach.0.minh_chung": (io.BytesIO(PDF), "lan.pdf"),
        "danh_sach.1.ho_ten": "Vũ Văn Minh", "danh_sach.1.minh_chung": (io.BytesIO(b"MZ\x90" * 30), "minh.pdf")})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    error = re.search(r'data-error-for="danh_sach.1.minh_chung">([^<]*)<', html)
    assert error and "không được nhận" in error[1]
    [kept] = _stored(product)  # the good file of row 1 is kept, the refused one left nothing
    assert len([p for p in root.rglob("*") if p.is_file()]) == 1
    assert f'name="danh_sach.0.minh_chung" value="{kept.id}"' in html and "lan.pdf" in html
    done = _post(client, task_id, {
        "action": "complete", "danh_sach.__rows": "2",
        "danh_sach.0.ho_ten": "Nguyễn Thị Lan", "danh_sach.0.minh_chung": str(kept.id),
        "danh_sach.1.ho_ten": "Vũ Văn Minh", "danh_sach.1.minh_chung": (io.BytesIO(PDF), "minh.pdf")})
    assert done.status_code == 302, done.get_data(as_text=True)
    assert len(_stored(product)) == 2
