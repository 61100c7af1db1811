"""The business calendar: Vietnamese holidays 2024–2026, overrides, expression helpers, API and CLI."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

import engine.calendar  # registers the helpers, as the engine's import of it does
from engine import clock
from engine.accounts import issue_token
from engine.calendar import BusinessCalendar, Override, add_override, calendar_for, use_database
from engine.calendar import store as calendar_store
from engine.clock import VN_TZ
from engine.db import Database
from engine.models import AuditEvent
from engine.org import person_by_username
from engine.scripting import ScriptError, evaluate_expression, make_script_engine

CAL = BusinessCalendar()
D = date


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.fixture(autouse=True)
def _no_calendar_database() -> Iterator[None]:
    yield
    use_database(None)


# --- what the holidays package (0.109) gives, checked against the government's decisions ---------

@pytest.mark.parametrize(("year", "off", "worked_saturdays"), [
    # Tết Giáp Thìn 8–14/2; Giỗ Tổ 18/4; 30/4 block with swap 29/4 ↔ Sat 4/5 (CV 2450/VPCP-KGVX); 2–3/9
    (2024, {D(2024, 1, 1), *(D(2024, 2, d) for d in (8, 9, 12, 13, 14)), D(2024, 4, 18), D(2024, 4, 29),
            D(2024, 4, 30), D(2024, 5, 1), D(2024, 9, 2), D(2024, 9, 3)}, {D(2024, 5, 4)}),
    # Tết Ất Tỵ 27–31/1 (25/1–2/2 with weekends); Giỗ Tổ 7/4; 30/4–2/5 with Sat 26/4 worked; 1–2/9
    (2025, {D(2025, 1, 1), *(D(2025, 1, d) for d in range(27, 32)), D(2025, 4, 7), D(2025, 4, 30),
            D(2025, 5, 1), D(2025, 5, 2), D(2025, 9, 1), D(2025, 9, 2)}, {D(2025, 4, 26)}),
    # Tết Bính Ngọ 16–20/2 (14–22/2 with weekends); Giỗ Tổ Sun 26/4 → bù Mon 27/4; 30/4, 1/5;
    # 31/8 off for Sat 22/8; 1–2/9; 24/11 Ngày Văn hóa Việt Nam (package, from NQ 80-NQ/TW)
    (2026, {D(2026, 1, 1), *(D(2026, 2, d) for d in range(16, 21)), D(2026, 4, 27), D(2026, 4, 30),
            D(2026, 5, 1), D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 2), D(2026, 11, 24)}, {D(2026, 8, 22)}),
])
def test_package_days_off_and_swapped_saturdays(year: int, off: set[date], worked_saturdays: set[date]) -> None:
    special = CAL.special_days(year)
    assert {s.day for s in special if s.day.weekday() < 5 and not s.working} == off
    assert {s.day for s in special if s.working} == worked_saturdays
    assert all(s.source == "swap" and s.reason.startswith("Làm việc bù cho ngày nghỉ") for s in special if s.working)


def test_year_totals_and_vietnamese_names() -> None:
    assert [CAL.working_days_between(D(y - 1, 12, 31), D(y, 12, 31)) for y in (2024, 2025, 2026)] == [251, 250, 249]
    assert CAL.status(D(2025, 1, 29)).reason == "Tết Nguyên Đán"
    assert CAL.status(D(2025, 4, 7)).reason == "Ngày Giỗ Tổ Hùng Vương"
    assert CAL.status(D(2026, 4, 27)).reason == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert CAL.status(D(2024, 4, 29)).reason == "Ngày nghỉ (thay cho ngày 04/05/2024)"
    assert CAL.status(D(2025, 2, 8)).source == "weekend" and CAL.status(D(2025, 2, 8)).weekday_vi == "Thứ Bảy"


# --- arithmetic --------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "n", "expected"), [
    (D(2024, 2, 7), 1, D(2024, 2, 15)),    # Wed before Tết 2024 → Thu after it
    (D(2024, 2, 15), -1, D(2024, 2, 7)),
    (D(2024, 2, 10), 1, D(2024, 2, 15)),   # from inside Tết (mùng 1)
    (D(2025, 1, 24), 1, D(2025, 2, 3)),    # Fri before Tết 2025 → Mon 3/2
    (D(2025, 1, 20), 5, D(2025, 2, 3)),    # 21, 22, 23, 24, 3/2
    (D(2025, 2, 5), -3, D(2025, 1, 24)),
    (D(2026, 2, 13), 1, D(2026, 2, 23)),   # Tết 2026
    (D(2026, 2, 23), -3, D(2026, 2, 11)),
    (D(2024, 4, 26), 1, D(2024, 5, 2)),    # 29/4 (swap), 30/4, 1/5 off
    (D(2024, 5, 2), 2, D(2024, 5, 4)),     # … and Saturday 4/5 is worked
    (D(2025, 4, 29), 1, D(2025, 5, 5)),    # 30/4, 1/5, 2/5 off
    (D(2025, 4, 25), 1, D(2025, 4, 26)),   # Saturday 26/4/2025 worked
    (D(2024, 8, 30), 1, D(2024, 9, 4)),    # 2/9 blocks
    (D(2025, 8, 29), 1, D(2025, 9, 3)),
    (D(2026, 8, 28), 1, D(2026, 9, 3)),
    (D(2026, 8, 21), 1, D(2026, 8, 22)),   # Saturday 22/8/2026 worked
    (D(2024, 4, 17), 1, D(2024, 4, 19)),   # Giỗ Tổ
    (D(2025, 4, 4), 1, D(2025, 4, 8)),
    (D(2026, 4, 24), 1, D(2026, 4, 28)),   # Sun 26/4 + nghỉ bù Mon 27/4
    (D(2025, 3, 14), 0, D(2025, 3, 14)),
    (D(2025, 3, 15), 0, D(2025, 3, 15)),   # n = 0 never moves, even on a Saturday
])
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert CAL.add_working_days(start, n) == expected


def test_instants_keep_local_time_and_counting_rules() -> None:
    assert CAL.add_working_days(vn("2025-02-05T08:30"), -3) == vn("2025-01-24T08:30")
    # 20:00Z on Fri 24/1 is 03:00 on Sat 25/1 in Hà Nội: its day is Saturday
    late = CAL.add_working_days(datetime.fromisoformat("2025-01-24T20:00:00+00:00"), 1)
    assert late == vn("2025-02-03T03:00") and late.utcoffset() == timedelta(hours=7)
    assert CAL.working_days_between(D(2025, 1, 24), D(2025, 2, 3)) == 1
    assert CAL.working_days_between(D(2025, 2, 3), D(2025, 1, 24)) == -1
    assert CAL.working_days_between(D(2025, 3, 7), D(2025, 3, 14)) == 5
    assert CAL.next_working_day(D(2025, 1, 24)) == D(2025, 2, 3)
    assert CAL.next_working_day(D(2025, 3, 10)) == D(2025, 3, 11)
    with pytest.raises(ValueError, match="no UTC offset"):
        CAL.add_working_days(datetime(2025, 1, 1, 8), 1)
    with pytest.raises(ValueError, match="1990–2099"):
        CAL.is_working_day(D(2150, 1, 1))


def test_roll_forward() -> None:
    assert CAL.roll_forward(vn("2025-03-16T10:00")) == vn("2025-03-17T10:00")   # Sunday → Monday
    assert CAL.roll_forward(vn("2025-09-02T17:00")) == vn("2025-09-03T17:00")   # Quốc khánh → Wed
    assert CAL.roll_forward(vn("2025-03-14T17:00")) == vn("2025-03-14T17:00")   # Friday: unchanged
    assert CAL.roll_forward(D(2026, 2, 14)) == D(2026, 2, 23)                   # Tết 2026
    # 00:00 is the end of the day before: Sat 00:00 ends Friday (worked) and stays …
    assert CAL.roll_forward(vn("2025-03-15T00:00")) == vn("2025-03-15T00:00")
    # … Sun 00:00 ends Saturday, so the deadline becomes the end of Monday
    assert CAL.roll_forward(vn("2025-03-16T00:00")) == vn("2025-03-18T00:00")


def test_overrides_change_results() -> None:
    extra_off = BusinessCalendar([Override(D(2025, 2, 3), "off", "nghỉ thêm")])
    assert extra_off.add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 4)
    assert extra_off.status(D(2025, 2, 3)).reason == "nghỉ thêm"
    swapped = BusinessCalendar([Override(D(2025, 2, 8), "work"), Override(D(2025, 2, 10), "off")])
    assert swapped.add_working_days(D(2025, 2, 7), 1) == D(2025, 2, 8)
    assert swapped.add_working_days(D(2025, 2, 7), 2) == D(2025, 2, 11)
    assert swapped.roll_forward(D(2025, 2, 8)) == D(2025, 2, 8)
    cultural_day_worked = BusinessCalendar([Override(D(2026, 11, 24), "work", "chưa sửa BLLĐ")])
    assert cultural_day_worked.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 250
    with pytest.raises(ValueError):
        BusinessCalendar([Override(D(2025, 2, 8), "holiday")])


# --- expression helpers ------------------------------------------------------------------------

def test_helpers_through_evaluate_expression() -> None:
    data = {"han_nop": "2025-02-05T17:00:00+07:00", "nhan_ho_so": "2025-01-22T09:15:00+07:00"}
    assert evaluate_expression("working_days_before(han_nop, 3)", data) == "2025-01-24T17:00:00+07:00"
    assert evaluate_expression("working_days_after(nhan_ho_so, 5)", data) == "2025-02-05T09:15:00+07:00"
    assert evaluate_expression("add_days(nhan_ho_so, 10)", data) == "2025-02-01T09:15:00+07:00"
    assert evaluate_expression("roll_forward(add_days(nhan_ho_so, 10))", data) == "2025-02-03T09:15:00+07:00"
    assert evaluate_expression("next_working_day('2025-01-24T23:00:00Z')", {}) == "2025-02-03T06:00:00+07:00"
    assert evaluate_expression("is_working_day('2025-04-26')", {}) is True
    assert evaluate_expression("[is_working_day(d) for d in ('2024-02-09', '2024-02-15')]", {}) == [False, True]
    assert evaluate_expression("working_days_after('2024-02-07', 1)", {}) == "2024-02-15"
    with pytest.raises(ScriptError, match="no UTC offset"):
        evaluate_expression("working_days_after('2025-01-20T08:00', 1)", {})
    with pytest.raises(ScriptError, match="whole number"):
        evaluate_expression("working_days_after(han_nop, 1.5)", data)
    with pytest.raises(ScriptError, match="not an ISO 8601"):
        evaluate_expression("add_days('next tuesday', 1)", {})


TIMER_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:intermediateCatchEvent id="nhac_viec"><bpmn:timerEventDefinition>
      <bpmn:timeDate>{expression}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="ghi"><bpmn:script>han = roll_forward(add_days(han_nop, 2))</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="nhac_viec"/>
    <bpmn:sequenceFlow id="f2" sourceRef="nhac_viec" targetRef="ghi"/>
    <bpmn:sequenceFlow id="f3" sourceRef="ghi" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def timer_workflow(expression: str, data: dict[str, str]) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(TIMER_PROCESS.format(expression=escape(expression)).encode(), filename="t.bpmn")
    wf = BpmnWorkflow(parser.get_spec("p"), parser.get_subprocess_specs("p"), script_engine=make_script_engine())
    wf.get_next_task(state=TaskState.READY).data.update(data)
    return wf


def test_helpers_in_a_real_timer_and_script() -> None:
    # reminder 3 working days before a deadline just after Tết 2026: Fri 6/2 → Wed 11/2
    wf = timer_workflow("working_days_before(han_nop, 3)", {"han_nop": "2026-02-23T17:00:00+07:00"})
    with clock.frozen_at(vn("2026-02-02T08:00")):
        wf.do_engine_steps()
    [waiting] = wf.get_tasks(state=TaskState.WAITING)
    assert waiting.internal_data["event_value"] == "2026-02-11T17:00:00+07:00"
    with clock.frozen_at(vn("2026-02-11T16:59")):
        wf.refresh_timers()
        wf.do_engine_steps()
    assert not wf.completed
    with clock.frozen_at(vn("2026-02-11T17:00:01")):
        wf.refresh_timers()
        wf.do_engine_steps()
    assert wf.completed
    assert wf.last_task.data["han"] == "2026-02-25T17:00:00+07:00"


def test_helpers_follow_the_configured_database(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    data = {"han_nop": "2025-02-05T17:00:00+07:00"}
    use_database(db)
    assert evaluate_expression("working_days_before(han_nop, 3)", data) == "2025-01-24T17:00:00+07:00"
    with db.transaction() as session:
        add_override(session, D(2025, 1, 24), "off", "nghỉ thêm trước Tết")
    calendar_store.changed(db)
    assert evaluate_expression("working_days_before(han_nop, 3)", data) == "2025-01-23T17:00:00+07:00"
    # another process's change: seen once the cached version is re-checked
    monkeypatch.setattr(calendar_store, "RECHECK_SECONDS", 0.0)
    other = Database(db.url)
    try:
        with other.transaction() as session:
            engine.calendar.remove_override(session, D(2025, 1, 24))
    finally:
        other.dispose()
    assert evaluate_expression("working_days_before(han_nop, 3)", data) == "2025-01-24T17:00:00+07:00"
    assert calendar_for(db).version == 2
    use_database(None)
    assert engine.calendar.current().overrides == {}


# --- API ---------------------------------------------------------------------------------------

@pytest.fixture
def api(org: Database):
    from webui import create_app

    client = create_app({"DATABASE_URL": org.url, "TESTING": True, "CLOCK_MODE": "real"}).test_client()

    def headers(username: str) -> dict[str, str]:
        with org.transaction() as session:
            return {"Authorization": f"Bearer {issue_token(session, person_by_username(session, username))}"}
    return client, headers


def test_api_overrides_admin_only_validated_and_audited(api, org: Database) -> None:
    client, headers = api
    admin, teacher, principal = headers("admin"), headers("gv_a1"), headers("ht_a")
    url = "/api/v1/calendar/overrides"
    body = {"day": "08/02/2025", "kind": "work", "note": "Làm bù cho ngày 31/01 (ví dụ)"}
    for who in (teacher, principal):
        assert client.get(url, headers=who).status_code == 403
        assert client.post(url, json=body, headers=who).status_code == 403
        assert client.delete(f"{url}/2025-02-08", headers=who).status_code == 403
    assert client.get(url).status_code == 401
    for bad in ("2025-02-30", "30/02/2025", "mai", "2025/02/08"):
        response = client.post(url, json={**body, "day": bad}, headers=admin)
        assert response.status_code == 422 and response.json["error"]["field"] == "day", bad
    wrong_kind = client.post(url, json={**body, "kind": "holiday"}, headers=admin)
    assert wrong_kind.status_code == 422 and wrong_kind.json["error"]["field"] == "kind"
    assert client.post(url, json={"kind": "off"}, headers=admin).json["error"]["field"] == "day"
    no_op = client.post(url, json={"day": "2025-01-29", "kind": "off"}, headers=admin)
    assert no_op.status_code == 422 and "Tết Nguyên Đán" in no_op.json["error"]["message"]

    created = client.post(url, json=body, headers=admin)
    assert created.status_code == 201, created.json
    assert created.json | {"created_at": None} == {
        "day": "2025-02-08", "day_vn": "08/02/2025", "weekday": "Thứ Bảy", "kind": "work",
        "note": body["note"], "created_by": "admin", "created_at": None}
    duplicate = client.post(url, json={**body, "kind": "off", "day": "2025-02-08"}, headers=admin)
    assert duplicate.status_code == 409 and duplicate.json["error"]["field"] == "day"
    assert client.post(url, json={"day": "2026-11-24", "kind": "work"}, headers=admin).status_code == 201
    assert [o["day"] for o in client.get(url, headers=admin).json] == ["2025-02-08", "2026-11-24"]
    assert [o["day"] for o in client.get(f"{url}?year=2026", headers=admin).json] == ["2026-11-24"]
    bad_year = client.get(f"{url}?year=hai-nghin", headers=admin)
    assert bad_year.status_code == 422 and bad_year.json["error"]["field"] == "year"
    # the app configured the helpers' calendar: the override is seen at once
    assert evaluate_expression("working_days_after('2025-02-07', 1)", {}) == "2025-02-08"

    assert client.delete(f"{url}/08-02-2025", headers=admin).json["error"]["field"] == "day"
    assert client.delete(f"{url}/2025-02-08", headers=admin).status_code == 200
    assert client.delete(f"{url}/2025-02-08", headers=admin).status_code == 404
    assert evaluate_expression("working_days_after('2025-02-07', 1)", {}) == "2025-02-10"
    with org.transaction() as session:
        trail = [(e.action, e.details["day"]) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("calendar.%")).order_by(AuditEvent.id))]
    assert trail == [("calendar.override_added", "2025-02-08"), ("calendar.override_added", "2026-11-24"),
                     ("calendar.override_removed", "2025-02-08")]
    spec = client.get("/api/v1/openapi.json").json["paths"]
    assert set(spec["/calendar/overrides"]) == {"get", "post"} and "delete" in spec["/calendar/overrides/{key}"]


# --- CLI ---------------------------------------------------------------------------------------

def test_cli_show_override_workdays(org: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from webui.cli import main

    monkeypatch.setenv("TDKT_DATABASE_URL", org.url)
    runner = CliRunner()

    def tdkt(*args: str, code: int = 0):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == code, (args, result.output, result.stderr)
        return result

    shown = tdkt("calendar", "show", "2026").output
    assert "17/02/2026  Thứ Ba    nghỉ     nghỉ lễ    Tết Nguyên Đán" in shown
    assert "22/08/2026  Thứ Bảy   làm việc làm bù     Làm việc bù cho ngày nghỉ 31/08/2026" in shown
    assert "Năm 2026: 249 ngày làm việc" in shown
    tdkt("calendar", "override", "add", "24/11/2026", "--work", "--note", "Chưa sửa BLLĐ", "--by", "admin")
    shown = tdkt("calendar", "show", "2026").output
    assert "24/11/2026  Thứ Ba    làm việc điều chỉnh Chưa sửa BLLĐ" in shown
    assert "Năm 2026: 250 ngày làm việc" in shown
    again = tdkt("calendar", "override", "add", "2026-11-24", "--off", code=1)
    assert "already has an override" in again.stderr
    assert "say --off or --work" in tdkt("calendar", "override", "add", "2026-11-25", code=2).stderr
    assert "not a real date" in tdkt("calendar", "override", "add", "31/02/2026", "--off", code=2).stderr
    counted = tdkt("calendar", "workdays", "01/01/2025", "2025-01-31").output
    assert counted.startswith("Từ 01/01/2025 đến 31/01/2025: 17 ngày làm việc")
    assert "29/01/2025  Thứ Tư    nghỉ     nghỉ lễ    Tết Nguyên Đán" in counted
    assert "20 ngày làm việc" in tdkt("calendar", "workdays", "2025-02-01", "2025-02-28").output
    tdkt("calendar", "override", "remove", "24/11/2026")
    assert "has no override" in tdkt("calendar", "override", "remove", "24/11/2026", code=1).stderr
    with org.transaction() as session:
        actions = [(e.action, e.actor_id is not None) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("calendar.%")).order_by(AuditEvent.id))]
    assert actions == [("calendar.override_added", True), ("calendar.override_removed", False)]
