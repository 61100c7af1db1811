"""BPMN processes with timers for the timer tests and the timer bench, and a process-level sweep loop."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import bpmn, flow, user_task

TAGS = {"date": "timeDate", "duration": "timeDuration", "cycle": "timeCycle"}


def timer_definition(kind: str, expression: str) -> str:
    tag = TAGS[kind]
    return f"<bpmn:timerEventDefinition><bpmn:{tag}>{expression}</bpmn:{tag}></bpmn:timerEventDefinition>"


def boundary_process(pid: str, kind: str, expression: str, *, interrupting: bool = True) -> bytes:
    """start → `nop` (teacher) → end, with timer `hen` on `nop` leading to `xu_ly` (principal)."""
    cancel = "" if interrupting else ' cancelActivity="false"'
    return bpmn(pid, "\n".join([
        '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
        user_task("nop", "Nộp hồ sơ", incoming="f0", outgoing="f1"),
        f'<bpmn:boundaryEvent id="hen" attachedToRef="nop"{cancel}><bpmn:outgoing>f2</bpmn:outgoing>'
        f"{timer_definition(kind, expression)}</bpmn:boundaryEvent>",
        user_task("xu_ly", "Xử lý khi đến hạn", incoming="f2", outgoing="f3"),
        '<bpmn:endEvent id="e1"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>',
        '<bpmn:endEvent id="e2"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>',
        flow("f0", "s", "nop"), flow("f1", "nop", "e1"), flow("f2", "hen", "xu_ly"), flow("f3", "xu_ly", "e2"),
    ]), lanes={"giao_vien": ["s", "nop", "e1"], "Hiệu trưởng": ["hen", "xu_ly", "e2"]})


def intermediate_process(pid: str, kind: str, expression: str) -> bytes:
    """start → timer `cho` → `xu_ly` (principal) → end."""
    return bpmn(pid, "\n".join([
        '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
        f'<bpmn:intermediateCatchEvent id="cho"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing>'
        f"{timer_definition(kind, expression)}</bpmn:intermediateCatchEvent>",
        user_task("xu_ly", "Xử lý khi đến hạn", incoming="f1", outgoing="f2"),
        '<bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>',
        flow("f0", "s", "cho"), flow("f1", "cho", "xu_ly"), flow("f2", "xu_ly", "e"),
    ]), lanes={"Hiệu trưởng": ["s", "cho", "xu_ly", "e"]})


def expression(kind: str, start: object, days: int = 2) -> str:
    """A timer expression first due `days` after `start` (a datetime): date, duration or cycle (R2)."""
    if kind == "date":
        return f"'{(start + timedelta(days=days)).isoformat()}'"  # type: ignore[operator]
    if kind == "duration":
        return f"'P{days}D'"
    return f"'R2/P{days}D'"
