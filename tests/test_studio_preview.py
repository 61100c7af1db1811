"""Previewing a plan year (engine.preview): a throw-away database and virtual clock in a child process,
generated people and form data, and a day-by-day report; the real database is left as it was."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from engine.errors import InvalidInput
from engine.models import AuditEvent, Instance, Person, Plan
from engine.plans.repository import get_plan
from engine.preview import collect_request, run_in_subprocess
from engine.preview_data import sample_data
from tests.deadline_cases import deadline_process, make_plan
from tests.helpers import add_form, deploy_bytes

START = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)  # Monday 4/5/2026 08:00 in Vietnam


def counts(db):
    with db.transaction() as session:
        return tuple(session.scalar(select(func.count()).select_from(t)) for t in (Instance, AuditEvent, Person))


@pytest.fixture
def setup(org):
    add_form(org, "nop_form", {"properties": {
        "ho_ten": {"type": "string", "minLength": 12, "maxLength": 50},
        "so_luong": {"type": "integer", "minimum": 3},
        "loai": {"type": "string", "enum": ["a", "b"]},
        "ngay": {"type": "string", "format": "date"},
        "ds": {"type": "array", "items": {"type": "object", "properties": {"ten": {"type": "string"}},
                                          "required": ["ten"]}, "minItems": 1}},
        "required": ["ho_ten", "so_luong", "loai", "ngay", "ds"]})
    deploy_bytes(org, "han_nop.bpmn", deadline_process("han_nop", formKey="nop_form"))
    plan_id = make_plan(org, "07/KH-MAU")
    return org, plan_id


def request_for(db, plan_id, **kwargs):
    from engine.definitions.repository import get_definition

    with db.transaction() as session:
        return collect_request(session, get_definition(session, "han_nop"), get_plan(session, plan_id),
                               start=START, until=datetime(2026, 5, 31, tzinfo=UTC), **kwargs)


def test_sample_data_satisfies_its_form():
    from engine.forms import validate_form_data

    schema = {"type": "object", "required": ["a", "b"], "properties": {
        "a": {"type": "string", "minLength": 15, "maxLength": 20}, "b": {"type": "number", "minimum": 2.5},
        "c": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}}, "d": {"type": "boolean"}}}
    data = sample_data(schema, datetime(2026, 5, 4).date())
    assert validate_form_data(schema, data) == data and data["b"] == 2.5 and data["c"] == ["x"]


def test_never_completing_shows_the_reminder_and_the_overdue_day(setup):
    db, plan_id = setup
    before = counts(db)
    report = run_in_subprocess(request_for(db, plan_id, complete_after=None))
    days = {d["day"]: [e["kind"] for e in d["events"]] for d in report["days"]}
    assert days["04/05/2026"] == ["started", "opened"]
    opened = report["days"][0]["events"][1]
    assert opened["task"] == "Nộp hồ sơ" and opened["due"] == "21/05/2026" and opened["role"] == "giao_vien"
    assert days["19/05/2026"] == ["reminded"]  # three working days before the due: 19/5 00:00
    assert days["22/05/2026"] == ["overdue"]  # due "by 21/05": overdue from 22/5 00:00
    assert len(days) == 3
    assert report["status"] == "running" and report["stopped"] is None
    assert counts(db) == before  # nothing reached the real database


def test_completing_at_once_closes_the_task_the_day_it_opens_with_valid_generated_data(setup):
    db, plan_id = setup
    report = run_in_subprocess(request_for(db, plan_id, complete_after=0))
    [day] = report["days"]
    assert [e["kind"] for e in day["events"]] == ["started", "opened", "completed", "case"]
    assert day["problems"] == [] and report["status"] == "completed"


def test_bad_periods_are_refused_before_running(setup):
    db, plan_id = setup
    from engine.definitions.repository import get_definition
    with db.transaction() as session, pytest.raises(InvalidInput, match="until"):
        collect_request(session, get_definition(session, "han_nop"), session.get(Plan, plan_id),
                        start=START, until=START, complete_after=0)



def test_the_escalation_pattern_shows_its_reminder_timer_and_escalation_day_by_day(product):
    from engine.definitions.repository import get_definition
    from engine.plans.repository import plan_by_number

    with product.transaction() as session:
        plan = plan_by_number(session, "58/KH-PGDĐT")
        run = collect_request(session, get_definition(session, "mau_nhac_han_leo_thang"), plan,
                              start=datetime(2023, 11, 1, 1, 0, tzinfo=UTC), until=datetime(2023, 11, 20, tzinfo=UTC),
                              complete_after=None, data={"moc_han": "nop_ho_so_dang_ky_thi_dua"})
    report = run_in_subprocess(run)
    kinds = {d["day"]: [e["kind"] for e in d["events"]] for d in report["days"]}
    assert kinds["01/11/2023"] == ["started", "opened"]
    assert "reminded" in kinds["08/11/2023"]  # three working days before "Trước ngày 11/11/2023"
    escalated = [e for e in report["days"] if any(k["kind"] == "escalated" for k in e["events"])]
    assert [d["day"] for d in escalated] == ["11/11/2023"]
