"""Shared by the deadline, escalation and rescheduling tests: plans, processes, the virtual clock.

Dates: May 2026 (1/5 is the only holiday). Milestone `nop_ho_so` is due 22/5/2026 00:00 (+07:00), the
end of Thursday 21/5; three working days before it is Tuesday 19/5 00:00.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from engine import clock
from engine.db import Database
from engine.models import AuditEvent, Notification
from engine.plans.repository import create_plan
from engine.plans.spec import plan_spec
from tests.helpers import bpmn, flow, user_task

VN = "+07:00"
DUE = datetime(2026, 5, 21, 17, 0, tzinfo=UTC)  # 22/5/2026 00:00 in Vietnam
REMIND = datetime(2026, 5, 18, 17, 0, tzinfo=UTC)  # 19/5/2026 00:00 in Vietnam
START = datetime(2026, 5, 11, 1, 0, tzinfo=UTC)  # Monday 11/5/2026 08:00 in Vietnam


def make_plan(db: Database, number: str = "01/KH-TEST", **dues: str | tuple[str, str]) -> int:
    """A plan with one milestone per keyword (key=due ISO, or key=(start, due)); by default `nop_ho_so`
    due 22/5/2026."""
    dues = dues or {"nop_ho_so": "2026-05-22T00:00:00+07:00"}
    milestones = [{"key": key, "title": f"Mốc {key}", **({"start": value[0], "due": value[1]}
                                                        if isinstance(value, tuple) else {"due": value})}
                  for key, value in dues.items()]
    with db.transaction() as session:
        plan = create_plan(session, plan_spec({"number": number, "title": f"Kế hoạch {number}",
                                               "school_year": "2025-2026", "milestones": milestones}),
                           strict_unit=False)
        return plan.id


def timer(event_id: str, attached_to: str, expression: str, outgoing: str, *, interrupting: bool) -> str:
    cancel = "" if interrupting else ' cancelActivity="false"'
    return (f'<bpmn:boundaryEvent id="{event_id}" attachedToRef="{attached_to}"{cancel}>'
            f"<bpmn:outgoing>{outgoing}</bpmn:outgoing><bpmn:timerEventDefinition><bpmn:timeDate>{expression}"
            "</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>")


def deadline_process(pid: str, *, due: str = "milestone('nop_ho_so')", timer_at: str | None = None,
                     **props: str) -> bytes:
    """start → `nop` (Giáo viên, dueDate `due`) → end; with `timer_at`, a non-interrupting boundary
    timer `han` at that instant leading to a script that counts how often it fired."""
    body = ['<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
            user_task("nop", "Nộp hồ sơ", incoming="f0", outgoing="f1", dueDate=due, **props),
            '<bpmn:endEvent id="e"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>',
            flow("f0", "s", "nop"), flow("f1", "nop", "e")]
    nodes = ["s", "nop", "e"]
    if timer_at is not None:
        body += [timer("han", "nop", timer_at, "f2", interrupting=False),
                 '<bpmn:scriptTask id="dem" name="Đếm"><bpmn:incoming>f2</bpmn:incoming>'
                 "<bpmn:outgoing>f3</bpmn:outgoing><bpmn:script>da_den_han = True</bpmn:script></bpmn:scriptTask>",
                 '<bpmn:endEvent id="e2"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>',
                 flow("f2", "han", "dem"), flow("f3", "dem", "e2")]
        nodes += ["han", "dem", "e2"]
    return bpmn(pid, "\n".join(body), lanes={"giao_vien": nodes})


def virtual_clock(db: Database, at: datetime = START) -> None:
    clock.configure("virtual", db)
    clock.set_virtual(db, at)


def notifications(db: Database, kind: str | None = None) -> list[Notification]:
    with db.transaction() as session:
        query = select(Notification).order_by(Notification.id)
        if kind is not None:
            query = query.where(Notification.kind == kind)
        return list(session.scalars(query))


def audits(db: Database, action: str) -> list[AuditEvent]:
    with db.transaction() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def recipients(rows: list[Any]) -> set[int]:
    return {row.person_id for row in rows}
