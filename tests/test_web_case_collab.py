"""The case page's comments (append-only, in the history) and documents added on the page itself, and the
notifications page: through the test client, on the real database."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DatabaseError

from engine.models import Attachment, AuditEvent, CaseComment, Notification
from engine.notifications import notify
from engine.runtime.instances import start_instance
from tests.browser.support import csrf_from, sign_in
from tests.helpers import person_id
from webui import create_app

PDF = b"%PDF-1.4\n% bien ban\n" + b"0" * 100


@pytest.fixture
def root(tmp_path) -> Path:
    return tmp_path / "attachments"


@pytest.fixture
def app(product, root):
    return create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real",
                       "ATTACHMENTS_DIR": str(root)})


@pytest.fixture
def case(product):
    return start_instance(product, None, "dang_ky_thi_dua", "th_a", title="Đăng ký thi đua — Văn Yên").id


def signed_in(app, username):
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def post_comment(client, case_id, body, htmx=True, token=None):
    token = token or csrf_from(client.get(f"/cases/{case_id}").get_data(as_text=True))
    headers = {"HX-Request": "true", "HX-Target": "case-comments"} if htmx else {}
    return client.post(f"/cases/{case_id}/comments", data={"csrf_token": token, "body": body}, headers=headers)


def comments(product):
    with product.transaction() as s:
        return list(s.scalars(select(CaseComment).order_by(CaseComment.id)))


def test_comment_with_htmx_goes_into_the_history_with_author_and_time(app, product, case):
    client = signed_in(app, "gv_a1")
    page = client.get(f"/cases/{case}").get_data(as_text=True)
    assert 'data-testid="comment-form"' in page and f'hx-post="/cases/{case}/comments"' in page
    answer = post_comment(client, case, "Đã bổ sung minh chứng\nngày 12/5")
    assert answer.status_code == 200
    partial = answer.get_data(as_text=True)
    assert 'hx-swap-oob="beforeend:ol[data-testid=timeline]"' in partial and "Nguyễn Thị Lan" in partial
    assert re.search(r"<time>\d\d/\d\d/\d{4} \d\d:\d\d</time>", partial)
    [comment] = comments(product)
    assert comment.body == "Đã bổ sung minh chứng\nngày 12/5" and comment.author_id == person_id(product, "gv_a1")
    principal = signed_in(app, "ht_a").get(f"/cases/{case}").get_data(as_text=True)
    entry = re.search(r'<li data-action="case.commented">(.*?)</li>', principal, re.S)
    assert entry and "Nguyễn Thị Lan" in entry[1] and "Đã bổ sung minh chứng" in entry[1]
    assert re.search(r"<time>\d\d/\d\d/\d{4} \d\d:\d\d</time>", entry[1])
    with product.transaction() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "case.commented"))
        assert event.instance_id == case and event.details["comment_id"] == comment.id


def test_comment_without_javascript_redirects_to_the_history(app, product, case):
    client = signed_in(app, "ht_a")
    answer = post_comment(client, case, "Nhắc tổ chuyên môn", htmx=False)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/cases/{case}#h-history")
    assert [c.body for c in comments(product)] == ["Nhắc tổ chuyên môn"]


@pytest.mark.parametrize(("body", "message"), [
    ("   ", "Hãy viết nội dung ý kiến trước khi gửi."),
    ("x" * 2001, "Ý kiến dài tối đa 2000 ký tự (ý kiến này có 2001 ký tự)."),
])
def test_empty_or_too_long_comment_is_explained_and_nothing_stored(app, product, case, body, message):
    answer = post_comment(signed_in(app, "gv_a1"), case, body)
    assert answer.status_code == 422
    error = re.search(r'data-testid="comment-error">([^<]+)<', answer.get_data(as_text=True))
    assert error and error[1] == message
    assert comments(product) == []


def test_comments_need_csrf_visibility_and_cannot_be_changed(app, product, case):
    client = signed_in(app, "gv_a1")
    assert post_comment(client, case, "không có mã", token="sai").status_code == 400
    outsider = signed_in(app, "gv_b1")
    outsider_token = csrf_from(outsider.get("/inbox").get_data(as_text=True))
    assert post_comment(outsider, case, "trường khác", token=outsider_token).status_code == 404
    assert comments(product) == []
    assert post_comment(client, case, "Ý kiến thật").status_code == 200
    assert client.get(f"/cases/{case}/comments").status_code == 405  # there is no edit or delete page
    for statement in (update(CaseComment).values(body="sửa"), text("DELETE FROM case_comment")):
        with pytest.raises(DatabaseError), product.transaction() as s:
            s.execute(statement)
    assert [c.body for c in comments(product)] == ["Ý kiến thật"]


def test_comments_api(client, token, product, case):
    url = f"/api/v1/instances/{case}/comments"
    assert client.get(url, headers=token("gv_a1")).json == {"items": []}
    added = client.post(url, json={"body": "Hồ sơ đủ"}, headers=token("gv_a1"))
    assert added.status_code == 201 and added.json["author"] == "gv_a1" and added.json["body"] == "Hồ sơ đủ"
    assert client.post(url, json={"body": ""}, headers=token("gv_a1")).status_code == 422
    assert client.post(url, json={"body": ["x"]}, headers=token("gv_a1")).status_code == 422
    assert client.post(url, json={"body": "x"}, headers=token("gv_x1")).status_code == 404
    assert client.get(url, headers=token("gv_x1")).status_code == 404
    [item] = client.get(url, headers=token("ld_phong")).json["items"]
    assert item["author_name"] == "Nguyễn Thị Lan" and item["created_at"].endswith("+00:00")


def upload(client, case_id, name, content):
    token = csrf_from(client.get(f"/cases/{case_id}").get_data(as_text=True))
    return client.post(f"/cases/{case_id}/documents", content_type="multipart/form-data",
                       data={"csrf_token": token, "document": (io.BytesIO(content), name)})


def stored(product):
    with product.transaction() as s:
        return list(s.scalars(select(Attachment)))


def files(root: Path):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_document_added_on_the_case_page(app, product, case, root):
    client = signed_in(app, "gv_a1")
    assert 'data-testid="add-document"' in client.get(f"/cases/{case}").get_data(as_text=True)
    done = upload(client, case, "Biên bản họp.pdf", PDF)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/{case}#h-documents")
    [att] = stored(product)
    assert att.task_id is None and att.original_name == "Biên bản họp.pdf" and files(root) == [
        root / str(case) / att.stored_name]
    page = signed_in(app, "ht_a").get(f"/cases/{case}").get_data(as_text=True)
    assert f"/cases/{case}/attachments/{att.id}" in page and "Đã thêm tài liệu “Biên bản họp.pdf”" in page
    assert signed_in(app, "ht_a").get(f"/cases/{case}/attachments/{att.id}").data == PDF


@pytest.mark.parametrize(("name", "content", "message"), [
    ("to.pdf", PDF + b"0" * (10 * 1024 * 1024), "quá lớn"),
    ("gia.pdf", b"MZ\x90\x00" + b"\x00" * 50, "không được nhận"),
    ("../../x.pdf", PDF, "tên tệp"),
])
def test_refused_documents_keep_nothing(app, product, case, root, name, content, message):
    client = signed_in(app, "gv_a1")
    answer = upload(client, case, name, content)
    assert answer.status_code == 302
    flash = client.get(f"/cases/{case}").get_data(as_text=True)
    assert re.search(r'flash-error[^>]*>[^<]*' + message, flash, re.I), flash[:3000]
    assert stored(product) == [] and files(root) == []


def test_documents_are_refused_to_outsiders_and_on_closed_cases(app, product, case, root):
    outsider = signed_in(app, "gv_b1")
    token = csrf_from(outsider.get("/inbox").get_data(as_text=True))
    refused = outsider.post(f"/cases/{case}/documents", content_type="multipart/form-data",
                            data={"csrf_token": token, "document": (io.BytesIO(PDF), "a.pdf")})
    assert refused.status_code == 404
    manager = signed_in(app, "ht_a")
    token = csrf_from(manager.get(f"/cases/{case}").get_data(as_text=True))
    assert manager.post(f"/cases/{case}/terminate", data={"csrf_token": token}).status_code == 302
    assert 'data-testid="add-document"' not in manager.get(f"/cases/{case}").get_data(as_text=True)
    assert upload(manager, case, "a.pdf", PDF).status_code == 302
    assert stored(product) == [] and files(root) == []


def test_notifications_page_open_marks_read_and_goes_to_the_task(app, product, case):
    me, other = person_id(product, "gv_a1"), person_id(product, "gv_b1")
    with product.transaction() as s:
        [mine] = notify(s, person_ids=[me], kind="test", subject="Nhắc việc thử", body="Nội dung thử",
                        instance_id=case, dedupe_key="t1", email=False)
        [theirs] = notify(s, person_ids=[other], kind="test", subject="Của người khác", body="x",
                          dedupe_key="t2", email=False)
    client = signed_in(app, "gv_a1")
    inbox = client.get("/inbox").get_data(as_text=True)
    unread = int(re.search(r'data-testid="unread-count">[^<]*<span class="badge[^"]*">(\d+)<', inbox)[1])
    assert unread >= 2  # the new task of the case, and the test message
    page = client.get("/notifications").get_data(as_text=True)
    assert "Nhắc việc thử" in page and "Của người khác" not in page and 'href="/notifications"' in inbox
    token = csrf_from(page)
    opened = client.post(f"/notifications/{mine}/open", data={"csrf_token": token})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/cases/{case}")
    assert client.post(f"/notifications/{theirs}/open", data={"csrf_token": token}).status_code == 404
    with product.transaction() as s:
        assert s.get(Notification, mine).read_at is not None and s.get(Notification, theirs).read_at is None
    assert "Nhắc việc thử" not in client.get("/notifications?show=unread").get_data(as_text=True)
    assert client.post("/notifications/read-all", data={"csrf_token": token}).status_code == 302
    badge = client.get("/inbox").get_data(as_text=True)
    assert '<span class="badge badge-zero">0</span>' in badge
    with product.transaction() as s:
        assert s.get(Notification, theirs).read_at is None
