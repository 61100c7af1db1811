"""Notifications: outbox in the action's transaction, dedupe, SMTP delivery to a real local sink
(aiosmtpd), retries with backoff, concurrent dispatchers, the in-app API and the CLI."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner
from sqlalchemy import select, update

from engine import clock
from engine.accounts import issue_token
from engine.db import Database
from engine.models import HumanTask, Notification, Person
from engine.notifications import messages, notify, notify_message, task_info
from engine.notifications.dispatcher import backoff, dispatch_pending, outbox_counts, retry_failed
from engine.notifications.email_sender import SmtpSettings, load_smtp_settings
from engine.org import person_by_username
from tests.helpers import open_tasks, person_id

DUE = datetime(2023, 11, 10, 17, 0, tzinfo=UTC)  # "trước ngày 11/11/2023": 00:00 on 11/11 in Vietnam
INFO = messages.TaskInfo(task_id=7, task_title="Duyệt đăng ký thi đua", case_id=42,
                         case_title="Đăng ký thi đua năm học 2026-2027 — Trường Tiểu học Văn Yên", due_at=DUE,
                         holder="Hiệu trưởng — Trường Tiểu học Văn Yên", unit_name="Trường Tiểu học Văn Yên")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """aiosmtpd handler: keeps what it accepts; `refuse` makes it answer DATA with that reply."""

    def __init__(self) -> None:
        self.received: list[email.message.EmailMessage] = []
        self.refuse: str | None = None
        self.delay = 0.0
        self.port = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook name)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse:
            return self.refuse
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        parsed["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
        self.received.append(parsed)
        return "250 OK"


def _start(sink: Sink, **kwargs) -> Controller:
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, **kwargs)
    controller.start()
    return controller


@pytest.fixture
def sink():
    handler = Sink()
    controller = _start(handler)
    yield handler
    controller.stop()


def smtp(port: int, **kwargs) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, sender="TĐKT Flow <no-reply@tdkt.test>", timeout=5, **kwargs)


@pytest.fixture
def people(org: Database) -> dict[str, int]:
    """Demo people; gv_a1, gv_b1 and ld_phong have e-mail addresses, ht_a has none."""
    with org.transaction() as session:
        for username in ("gv_a1", "gv_b1", "ld_phong"):
            person_by_username(session, username).email = f"{username}@truong.edu.vn"
    return {name: person_id(org, name) for name in ("gv_a1", "gv_b1", "ld_phong", "ht_a")}


def rows(db: Database) -> list[Notification]:
    with db.transaction() as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def record(db: Database, who: list[int], key: str = "k1", message: messages.Message | None = None) -> list[int]:
    with db.transaction() as session:
        return notify_message(session, message or messages.task_assigned(INFO, to_role=True),
                              person_ids=who, dedupe_key=key)


def test_deadline_is_dd_mm_yyyy_in_vietnam_time():
    assert messages.format_deadline(datetime(2023, 11, 10, 16, 59, tzinfo=UTC)) == "10/11/2023 23:59"
    assert messages.format_deadline(DUE) == "11/11/2023 00:00"
    with pytest.raises(ValueError):
        messages.format_deadline(datetime(2023, 11, 10))


def test_messages_say_who_what_which_case_and_deadline():
    built = [messages.task_assigned(INFO, to_role=True, assigned_by="Nguyễn Thị Lan"),
             messages.task_reminder(INFO, working_days_left=3), messages.task_overdue(INFO),
             messages.task_escalated(INFO, supervising_unit="Phòng GDĐT quận Hà Đông")]
    for m in built:
        assert "Duyệt đăng ký thi đua" in m.subject and "#42" in m.subject and "10/11/2023" in m.subject
        assert "Hồ sơ: Đăng ký thi đua năm học 2026-2027 — Trường Tiểu học Văn Yên (mã hồ sơ #42)" in m.body
        assert "Hạn hoàn thành: 10/11/2023\n" in m.body  # the last day included, as every page shows it
        assert "(hạn 10/11/2023)" in m.subject and "00:00" not in m.body + m.subject
        assert "Hiệu trưởng — Trường Tiểu học Văn Yên" in m.body
        assert (m.instance_id, m.task_id) == (42, 7)
    assert "Người giao: Nguyễn Thị Lan" in built[0].body
    assert "còn 3 ngày làm việc" in built[1].subject
    assert "đến hạn hôm nay" in messages.task_reminder(INFO, working_days_left=0).subject
    assert "Quá hạn" in built[2].subject and "Phòng GDĐT quận Hà Đông" in built[3].body
    assert len({m.dedupe_key for m in built}) == 4
    incident = messages.case_incident(case_id=42, case_title="Hồ sơ A", step_title="Tính điểm",
                                      error="ZeroDivisionError: division by zero", at=DUE)
    assert "#42" in incident.subject and "Tính điểm" in incident.body and "11/11/2023 00:00" in incident.body


def test_smtp_settings_from_environment():
    assert not load_smtp_settings({}).configured
    s = load_smtp_settings({"TDKT_SMTP_HOST": "mail.sgd.edu.vn", "TDKT_SMTP_PORT": "587", "TDKT_SMTP_USER": "u",
                            "TDKT_SMTP_PASSWORD": "p", "TDKT_SMTP_FROM": "TĐKT <tdkt@sgd.edu.vn>"})
    assert (s.host, s.port, s.starttls, s.ssl, s.user, s.password, s.sender_domain) == (
        "mail.sgd.edu.vn", 587, True, False, "u", "p", "sgd.edu.vn")
    assert load_smtp_settings({"TDKT_SMTP_HOST": "h", "TDKT_SMTP_SSL": "1"}).port == 465
    assert not load_smtp_settings({"TDKT_SMTP_HOST": "h", "TDKT_SMTP_PORT": "587", "TDKT_SMTP_STARTTLS": "0"}).starttls
    for bad in ({"TDKT_SMTP_STARTTLS": "maybe"}, {"TDKT_SMTP_PORT": "x"}, {"TDKT_SMTP_FROM": "nobody"},
                {"TDKT_SMTP_SSL": "1", "TDKT_SMTP_STARTTLS": "1"}):
        with pytest.raises(ValueError):
            load_smtp_settings(bad)


def test_email_reaches_the_smtp_sink_in_vietnamese(org, people, sink):
    message = messages.task_reminder(INFO, working_days_left=3)
    created = record(org, [people["gv_a1"], people["ht_a"]], message=message)
    assert len(created) == 2
    by_person = {r.person_id: r for r in rows(org)}
    assert by_person[people["ht_a"]].email_status == "skipped"  # no address: in-app only
    assert dispatch_pending(org, worker_id="t", settings=smtp(sink.port)) == 1
    [mail] = sink.received
    assert mail["Subject"] == message.subject and "10/11/2023" in mail["Subject"]
    assert mail["To"] == "gv_a1@truong.edu.vn" and mail["X-Envelope-To"] == "gv_a1@truong.edu.vn"
    assert mail["From"].addresses[0].display_name == "TĐKT Flow"
    assert mail.get_content_charset() == "utf-8"
    assert "Hạn hoàn thành: 10/11/2023\n" in mail.get_content() and "00:00" not in mail.get_content()
    assert "mã hồ sơ #42" in mail.get_content()
    assert mail["Message-ID"] == f"<tdkt.notification.{by_person[people['gv_a1']].id}@tdkt.test>"
    sent = {r.person_id: r for r in rows(org)}[people["gv_a1"]]
    assert (sent.email_status, sent.email_attempts, sent.email_locked_by) == ("sent", 1, None)
    assert sent.email_sent_at is not None
    assert dispatch_pending(org, worker_id="t", settings=smtp(sink.port)) == 0 and len(sink.received) == 1


def test_smtp_login_with_user_and_password(org, people):
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"m\xe1\xba\xadt-kh\xe1\xba\xa9u")  # "mật-khẩu"

    handler = Sink()
    controller = _start(handler, authenticator=authenticator, auth_require_tls=False)
    try:
        record(org, [people["gv_a1"], people["gv_b1"]])
        settings = smtp(handler.port, user="tdkt", password="mật-khẩu")
        assert dispatch_pending(org, worker_id="t", settings=settings) == 2
        assert len(handler.received) == 2 and logins == [(b"tdkt", "mật-khẩu".encode())]
    finally:
        controller.stop()


def test_outbox_row_rolls_back_with_the_action(org, people):
    with pytest.raises(RuntimeError), org.transaction() as session:
        notify(session, person_ids=[people["gv_a1"]], kind="task_assigned", subject="s", body="b",
               dedupe_key="rolled-back")
        raise RuntimeError("the action failed after recording its notification")
    assert rows(org) == []


def test_same_dedupe_key_is_stored_once_and_sent_once(org, people, sink):
    assert len(record(org, [people["gv_a1"]], key="once")) == 1
    assert record(org, [people["gv_a1"]], key="once") == []
    with org.transaction() as session:  # twice in one transaction too, and another person still gets one
        message = messages.task_assigned(INFO, to_role=True)
        assert len(notify_message(session, message, person_ids=[people["gv_a1"], people["gv_b1"]],
                                  dedupe_key="once")) == 1
        assert notify_message(session, message, person_ids=[people["gv_b1"]], dedupe_key="once") == []
    assert len(rows(org)) == 2
    assert dispatch_pending(org, worker_id="t", settings=smtp(sink.port)) == 2
    assert sorted(m["To"] for m in sink.received) == ["gv_a1@truong.edu.vn", "gv_b1@truong.edu.vn"]


def test_refused_email_is_retried_with_backoff_then_failed(org, people, sink):
    sink.refuse = "554 5.7.1 Thư bị từ chối"
    record(org, [people["gv_a1"]])
    start = clock.now()
    settings = smtp(sink.port)
    for attempt in (1, 2, 3):
        assert dispatch_pending(org, worker_id="t", settings=settings, max_attempts=3) == 0
        [row] = rows(org)
        assert row.email_attempts == attempt and "554 5.7.1" in (row.email_last_error or "")
        if attempt < 3:
            assert row.email_status == "pending" and row.email_next_attempt_at is not None
            assert row.email_next_attempt_at - clock.now() == pytest.approx(backoff(attempt), abs=timedelta(seconds=5))
            assert dispatch_pending(org, worker_id="t", settings=settings, max_attempts=3) == 0  # not due yet
            assert rows(org)[0].email_attempts == attempt
            later = row.email_next_attempt_at + timedelta(seconds=1)
            clock.configure("virtual", org)
            clock.set_virtual(org, later)
    assert row.email_status == "failed" and row.email_next_attempt_at is None
    assert clock.now() - start >= backoff(1) + backoff(2)
    sink.refuse = None
    assert dispatch_pending(org, worker_id="t", settings=settings) == 0 and sink.received == []
    assert retry_failed(org) == 1
    assert dispatch_pending(org, worker_id="t", settings=settings) == 1 and len(sink.received) == 1


def test_unreachable_server_counts_an_attempt_for_each_claimed_email(org, people):
    record(org, [people["gv_a1"], people["gv_b1"]])
    assert dispatch_pending(org, worker_id="t", settings=smtp(free_port())) == 0  # nothing listens there
    for row in rows(org):
        assert (row.email_status, row.email_attempts, row.email_locked_by) == ("pending", 1, None)
        assert "Connection" in (row.email_last_error or "") or "refused" in (row.email_last_error or "")


def test_a_malformed_address_fails_alone_and_the_queue_moves_on(org, people, sink):
    with org.transaction() as session:
        person_by_username(session, "gv_a1").email = "gv_a1@truong.edu.vn\nBcc: spy@example.com"
    record(org, [people["gv_a1"], people["gv_b1"]])
    assert dispatch_pending(org, worker_id="t", settings=smtp(sink.port)) == 1
    assert [m["To"] for m in sink.received] == ["gv_b1@truong.edu.vn"]
    bad = {r.person_id: r for r in rows(org)}[people["gv_a1"]]
    assert (bad.email_status, bad.email_attempts) == ("pending", 1)
    assert (bad.email_last_error or "").startswith("invalid message")


def test_without_smtp_host_emails_stay_pending_and_in_app_shows(org, people):
    record(org, [people["gv_a1"]])
    assert dispatch_pending(org, worker_id="t", settings=SmtpSettings()) == 0
    [row] = rows(org)
    assert (row.email_status, row.email_attempts, row.read_at) == ("pending", 0, None)


def test_crash_between_send_and_mark_resends_at_most_once(org, people, sink, monkeypatch):
    import engine.notifications.dispatcher as dispatcher

    record(org, [people["gv_a1"]])
    real_mark = dispatcher._mark_sent

    def crash(*args, **kwargs):
        raise ConnectionError("the process died before marking")
    monkeypatch.setattr(dispatcher, "_mark_sent", crash)
    with pytest.raises(ConnectionError):
        dispatch_pending(org, worker_id="a", settings=smtp(sink.port))
    monkeypatch.setattr(dispatcher, "_mark_sent", real_mark)
    assert len(sink.received) == 1
    assert dispatch_pending(org, worker_id="b", settings=smtp(sink.port)) == 0  # still leased to "a"
    with org.transaction() as session:  # the lease runs out
        session.execute(update(Notification).values(email_locked_until=datetime.now(UTC) - timedelta(seconds=1)))
    assert dispatch_pending(org, worker_id="b", settings=smtp(sink.port)) == 1
    assert dispatch_pending(org, worker_id="b", settings=smtp(sink.port)) == 0
    assert len(sink.received) == 2 and sink.received[0]["Message-ID"] == sink.received[1]["Message-ID"]


def test_concurrent_dispatchers_never_send_the_same_email_twice(org, people, sink):
    sink.delay = 0.005
    with org.transaction() as session:
        for i in range(40):
            notify(session, person_ids=[people["gv_a1"]], kind="test", subject=f"Thư {i}", body="Nội dung",
                   dedupe_key=f"bulk-{i}")
    start = threading.Barrier(4)
    errors: list[BaseException] = []
    sent_by: dict[str, int] = {}

    def worker(name: str) -> None:
        try:
            start.wait()
            while outbox_counts(org).get("pending", 0):
                sent = dispatch_pending(org, limit=3, worker_id=name, settings=smtp(sink.port))
                sent_by[name] = sent_by.get(name, 0) + sent
        except BaseException as exc:  # reported below
            errors.append(exc)
    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    ids = [m["Message-ID"] for m in sink.received]
    assert len(ids) == 40 and len(set(ids)) == 40
    assert outbox_counts(org) == {"sent": 40} and sum(sent_by.values()) == 40
    assert sum(1 for n in sent_by.values() if n) >= 2, sent_by  # the work really was shared


def test_task_info_from_a_real_case_and_rollback_inside_an_engine_action(product):
    from engine.runtime.context import instance_action
    from engine.runtime.instances import start_instance

    case = start_instance(product, None, "dang_ky_thi_dua", "th_a", title="Đăng ký thi đua — Văn Yên")
    [task] = open_tasks(product, case.id)
    with product.transaction() as session:
        info = task_info(session, session.get(HumanTask, task.id))
    assert (info.case_id, info.case_title, info.task_id) == (case.id, "Đăng ký thi đua — Văn Yên", task.id)
    assert info.holder == "Giáo viên — Trường Tiểu học Văn Yên"

    opened = [(n.kind, n.task_id) for n in rows(product)]  # the start told the task's candidates
    assert opened == [(messages.TASK_ASSIGNED, task.id)] * 2

    def act(ctx):
        notify_message(ctx.session, messages.task_overdue(info), person_ids=[person_id(product, "gv_a1")])
        raise RuntimeError("a later step of the same action failed")
    with pytest.raises(RuntimeError):
        instance_action(product, case.id, None, act)
    assert [(n.kind, n.task_id) for n in rows(product)] == opened


@pytest.fixture
def api(org, people):
    from webui import create_app

    client = create_app({"DATABASE_URL": org.url, "TESTING": True, "CLOCK_MODE": "real"}).test_client()
    with org.transaction() as session:
        tokens = {name: issue_token(session, session.get(Person, pid)) for name, pid in people.items()}
    return client, {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}


def test_in_app_list_count_mark_read(org, people, api):
    client, auth = api
    for key in ("a", "b", "c"):
        record(org, [people["gv_a1"]], key=key)
    [other] = record(org, [people["gv_b1"]], key="a")
    mine = client.get("/api/v1/notifications", headers=auth["gv_a1"]).json
    assert len(mine) == 3 and mine[0]["id"] > mine[1]["id"] > mine[2]["id"]
    assert mine[0]["subject"].startswith("[TĐKT] Nhiệm vụ mới") and mine[0]["read"] is False
    assert client.get("/api/v1/notifications/unread-count", headers=auth["gv_a1"]).json == {"unread": 3}
    read = client.post(f"/api/v1/notifications/{mine[1]['id']}/read", headers=auth["gv_a1"])
    assert read.status_code == 200 and read.json["read"] is True and read.json["read_at"]
    assert client.post(f"/api/v1/notifications/{mine[1]['id']}/read", headers=auth["gv_a1"]).json == read.json
    assert client.get("/api/v1/notifications/unread-count", headers=auth["gv_a1"]).json == {"unread": 2}
    unread = client.get("/api/v1/notifications?unread=1", headers=auth["gv_a1"]).json
    assert [n["id"] for n in unread] == [mine[0]["id"], mine[2]["id"]]
    page = client.get("/api/v1/notifications?limit=1&offset=1", headers=auth["gv_a1"]).json
    assert [n["id"] for n in page] == [mine[1]["id"]]
    assert client.get("/api/v1/notifications?limit=x", headers=auth["gv_a1"]).status_code == 400
    for missing in (other, 999999):
        response = client.post(f"/api/v1/notifications/{missing}/read", headers=auth["gv_a1"])
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert client.post("/api/v1/notifications/read-all", headers=auth["gv_a1"]).json == {"marked": 2, "unread": 0}
    assert client.get("/api/v1/notifications/unread-count", headers=auth["gv_b1"]).json == {"unread": 1}


def test_in_app_api_needs_a_token_and_is_documented(api):
    client, _ = api
    for method, path in (("get", "/notifications"), ("get", "/notifications/unread-count"),
                         ("post", "/notifications/1/read"), ("post", "/notifications/read-all")):
        assert getattr(client, method)(f"/api/v1{path}").status_code == 401
        documented = re.sub(r"/\d+/", "/{id}/", path)
        assert method in client.get("/api/v1/openapi.json").json["paths"][documented]


def test_cli_dispatch_and_test_email(org, people, sink, monkeypatch):
    from webui.cli import main

    runner = CliRunner()
    monkeypatch.setenv("TDKT_DATABASE_URL", org.url)
    monkeypatch.delenv("TDKT_SMTP_HOST", raising=False)
    record(org, [people["gv_a1"]])
    off = runner.invoke(main, ["notify", "dispatch"])
    assert off.exit_code == 1 and "TDKT_SMTP_HOST" in off.stderr
    monkeypatch.setenv("TDKT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TDKT_SMTP_PORT", str(sink.port))
    monkeypatch.setenv("TDKT_SMTP_FROM", "TĐKT Flow <no-reply@tdkt.test>")
    done = runner.invoke(main, ["notify", "dispatch"])
    assert done.exit_code == 0 and "sent 1 e-mail(s); pending 0, failed 0" in done.output, done.output
    check = runner.invoke(main, ["notify", "test-email", "cv_so@sgd.edu.vn"])
    assert check.exit_code == 0, check.output
    assert sink.received[-1]["To"] == "cv_so@sgd.edu.vn" and "kiểm tra" in sink.received[-1]["Subject"]
    assert "sent: 1" in runner.invoke(main, ["notify", "status"]).output
    monkeypatch.setenv("TDKT_SMTP_PORT", str(free_port()))
    failed = runner.invoke(main, ["notify", "test-email", "cv_so@sgd.edu.vn"])
    assert failed.exit_code == 1 and "error:" in failed.stderr
