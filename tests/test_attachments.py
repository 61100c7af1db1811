"""Attachments on task forms: stored outside the database, checked (size, type, name), served to
those who may see the case only."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.attachments import AttachmentRefused, clean_name, store_attachment
from engine.errors import InvalidInput
from engine.models import Attachment, Instance
from engine.runtime.instances import start_instance
from tests.browser.support import attachment_case, csrf_from, sign_in

PDF = b"%PDF-1.4\n% minh chung\n" + b"0" * 200
FIELD = {"type": "string", "format": "attachment", "title": "Tệp minh chứng",
         "x-accept": [".pdf", ".docx", ".xlsx", ".jpg", ".png"], "x-maxBytes": 2000}


@pytest.fixture
def setup(product, tmp_path):
    root = tmp_path / "attachments"
    app, case_id = attachment_case(product, {"properties": {"tep": FIELD}, "required": ["tep"]},
                                   "Minh chứng — Văn Yên", root)
    return app, case_id, root


def _client(app, username):
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def _task_page(client, case_id):
    task_id = int(re.search(r'href="/tasks/(\d+)"', client.get(f"/cases/{case_id}").get_data(as_text=True))[1])
    return task_id, client.get(f"/tasks/{task_id}").get_data(as_text=True)


def _upload(client, case_id, name, content, action="complete"):
    task_id, page = _task_page(client, case_id)
    return client.post(f"/tasks/{task_id}", content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page), "action": action, "tep": (io.BytesIO(content), name)})


def _stored(product) -> list[Attachment]:
    with product.transaction() as s:
        return list(s.scalars(select(Attachment)))


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_download_and_case_documents(product, setup):
    app, case_id, root = setup
    client = _client(app, "gv_a1")
    _task_id, page = _task_page(client, case_id)
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page and ".pdf,.docx" in page
    done = _upload(client, case_id, "Báo cáo tổng kết.pdf", PDF)
    assert done.status_code == 302, done.get_data(as_text=True)
    [att] = _stored(product)
    assert att.original_name == "Báo cáo tổng kết.pdf" and att.size == len(PDF) and att.instance_id == case_id
    assert re.fullmatch(r"[0-9a-f]{32}", att.stored_name) and att.content_type == "application/pdf"
    assert _files(root) == [root / str(case_id) / att.stored_name]
    with product.transaction() as s:
        assert f'"tep": "{att.id}"' in s.get(Instance, case_id).state  # the form value is the attachment id
    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f"/cases/{case_id}/attachments/{att.id}" in case_page and "Báo cáo tổng kết.pdf" in case_page
    principal = _client(app, "ht_a")  # another person who can see the case
    got = principal.get(f"/cases/{case_id}/attachments/{att.id}")
    assert got.status_code == 200 and got.data == PDF
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''B%C3%A1o%20c%C3%A1o" in disposition
    assert got.headers["X-Content-Type-Options"] == "nosniff" and got.mimetype == "application/pdf"


def test_outsider_gets_404(product, setup):
    app, case_id, _root = setup
    _upload(_client(app, "gv_a1"), case_id, "a.pdf", PDF)
    [att] = _stored(product)
    outsider = _client(app, "gv_b1")
    assert outsider.get(f"/cases/{case_id}/attachments/{att.id}").status_code == 404
    assert _client(app, "ht_a").get(f"/cases/{case_id}/attachments/{att.id + 1}").status_code == 404


@pytest.mark.parametrize(("name", "content", "message"), [
    ("lon.pdf", PDF + b"x" * 2000, "quá lớn"),
    ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "không được nhận"),
    ("trang.html", b"<html><script>alert(1)</script></html>", "không được nhận"),
    ("../../etc/x.pdf", PDF, "tên tệp"),
    ("/etc/x.pdf", PDF, "tên tệp"),
])
def test_refused_uploads_keep_nothing(product, setup, name, content, message):
    app, case_id, root = setup
    refused = _upload(_client(app, "gv_a1"), case_id, name, content)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    error = re.search(r'data-error-for="tep">([^<]*)<', html)
    assert error and message in error[1].lower(), html
    assert _stored(product) == [] and _files(root) == []


def test_odd_name_is_sanitised_and_stored_under_a_random_name(product, setup):
    app, case_id, root = setup
    saved = _upload(_client(app, "gv_a1"), case_id, '..ả<b>\x07c  d|.PDF', PDF, action="save")
    assert saved.status_code == 302
    [att] = _stored(product)
    assert att.original_name == "ảbc d.pdf" and att.stored_name not in att.original_name
    assert _files(root) == [root / str(case_id) / att.stored_name]


def test_oversized_request_is_a_clear_413(product, setup):
    app, case_id, _root = setup
    app.config["MAX_CONTENT_LENGTH"] = 3 * 1024 * 1024
    refused = _upload(_client(app, "gv_a1"), case_id, "big.pdf", PDF + b"0" * (4 * 1024 * 1024))
    assert refused.status_code == 413 and "tối đa 3 MB" in refused.get_data(as_text=True)


def _office(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


def test_engine_checks_names_and_office_content(product, tmp_path):
    for bad in ("../x.pdf", "/etc/x.pdf", "a\x00.pdf", "a\\b.pdf", ".."):
        with pytest.raises(InvalidInput) as refused:
            clean_name(bad, "tep")
        assert refused.value.field == "tep"
    case_id = start_instance(product, None, "dang_ky_thi_dua", "th_a", title="x").id
    with product.transaction() as s:
        instance = s.get(Instance, case_id)
        stored = store_attachment(s, instance, None, "Bảng.xlsx", io.BytesIO(_office("xl/workbook.xml")), 10_000,
                                  [".xlsx", ".docx"], field="tep", root=tmp_path, uploaded_by_id=None)
        assert stored.content_type.endswith("spreadsheetml.sheet")
        with pytest.raises(AttachmentRefused):  # a spreadsheet named as a document
            store_attachment(s, instance, None, "a.docx", io.BytesIO(_office("xl/workbook.xml")), 10_000,
                             [".docx"], field="tep", root=tmp_path, uploaded_by_id=None)
        assert s.scalar(select(func.count(Attachment.id))) == 1
    assert len(list((tmp_path / str(case_id)).iterdir())) == 1
