"""Discipline, disciplinary review, inspection and complaint records: what puts a candidate on hold
(NĐ 152/2025/NĐ-CP Điều 4 khoản 4) and which school years cannot count towards "N lần liên tục"."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.errors import InvalidInput, NotFound
from engine.models import DisciplineRecord, Person
from engine.models.registry import DISCIPLINE_KINDS, SEVERITIES
from engine.registry.subjects import Subject, optional_text, parse_date, required_text, subject_from

KIND_NAMES = {
    "ky_luat": "Kỷ luật",
    "xem_xet_ky_luat": "Đang xem xét kỷ luật",
    "thanh_tra_kiem_tra": "Đang điều tra, thanh tra, kiểm tra",
    "khieu_nai_to_cao": "Khiếu nại, tố cáo đang xác minh",
}
# Hình thức kỷ luật from cảnh cáo up: a Tập thể lao động tiên tiến may have no member disciplined so.
SERIOUS = frozenset(SEVERITIES[SEVERITIES.index("canh_cao"):])


@dataclass(frozen=True)
class DisciplineInput:
    subject: Subject
    kind: str
    severity: str | None
    starts_on: date
    ends_on: date | None
    decision_number: str | None
    note: str


def parse_discipline(session: Session, data: Mapping[str, Any]) -> DisciplineInput:
    """Subject fields, kind, severity (discipline only), from, to (empty while it lasts), decision_number, note."""
    subject = subject_from(session, data)
    kind = required_text(data, "kind", 32)
    if kind not in DISCIPLINE_KINDS:
        raise InvalidInput(f"kind: {kind!r} is not one of {', '.join(DISCIPLINE_KINDS)}", field="kind")
    severity = optional_text(data, "severity", 32)
    if severity is not None and severity not in SEVERITIES:
        raise InvalidInput(f"severity: {severity!r} is not one of {', '.join(SEVERITIES)}", field="severity")
    if kind == "ky_luat" and severity is None:
        raise InvalidInput("severity: required for a discipline (hình thức kỷ luật)", field="severity")
    if kind != "ky_luat" and severity is not None:
        raise InvalidInput("severity: only a discipline (kind ky_luat) has one", field="severity")
    starts_on = parse_date(data.get("from"), "from")
    ends_on = parse_date(data["to"], "to") if data.get("to") not in (None, "") else None
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput("to: is before from", field="to")
    return DisciplineInput(subject, kind, severity, starts_on, ends_on, optional_text(data, "decision_number", 64),
                           optional_text(data, "note", 2000) or "")


def record_discipline(session: Session, item: DisciplineInput, actor: Person | None) -> DisciplineRecord:
    record = DisciplineRecord(
        subject_key=item.subject.key, subject_kind=item.subject.kind,
        person_id=item.subject.person.id if item.subject.person else None,
        person_name=item.subject.name if item.subject.kind == "person" else None, unit_id=item.subject.unit.id,
        kind=item.kind, severity=item.severity, starts_on=item.starts_on, ends_on=item.ends_on,
        decision_number=item.decision_number, note=item.note, created_by_id=actor.id if actor else None,
        created_at=clock.now())
    session.add(record)
    session.flush()
    return record


def close_discipline(session: Session, record: DisciplineRecord, ends_on: date) -> DisciplineRecord:
    """End a record: the complaint was resolved, the review concluded, the discipline period is over."""
    if ends_on < record.starts_on:
        raise InvalidInput("to: is before the record's start", field="to")
    record.ends_on = ends_on
    session.flush()
    return record


def get_record(session: Session, record_id: int) -> DisciplineRecord:
    record = session.get(DisciplineRecord, record_id)
    if record is None:
        raise NotFound(f"no discipline record {record_id}")
    return record


def records_of(session: Session, subject_key: str) -> list[DisciplineRecord]:
    return list(session.scalars(select(DisciplineRecord).where(DisciplineRecord.subject_key == subject_key)
                                .order_by(DisciplineRecord.starts_on, DisciplineRecord.id)))


def active_on(record: DisciplineRecord, day: date) -> bool:
    return record.starts_on <= day and (record.ends_on is None or day <= record.ends_on)


def overlaps(record: DisciplineRecord, first: date, last: date) -> bool:
    return record.starts_on <= last and (record.ends_on is None or record.ends_on >= first)


def discipline_json(record: DisciplineRecord) -> dict[str, Any]:
    name = record.person.full_name if record.person else (record.person_name or record.unit.name)
    return {"id": record.id, "subject": {"kind": record.subject_kind,
                                         "username": record.person.username if record.person else None,
                                         "name": name, "unit": record.unit.code},
            "kind": record.kind, "kind_name": KIND_NAMES[record.kind], "severity": record.severity,
            "from": record.starts_on.isoformat(), "to": record.ends_on.isoformat() if record.ends_on else None,
            "decision_number": record.decision_number, "note": record.note}


def flags_on(records: Iterable[DisciplineRecord], day: date) -> dict[str, bool]:
    """The hold table's inputs on `day`."""
    active = {r.kind for r in records if active_on(r, day)}
    return {"pending_review": "xem_xet_ky_luat" in active,
            "pending_investigation": "thanh_tra_kiem_tra" in active,
            "pending_complaint": "khieu_nai_to_cao" in active,
            "under_discipline": "ky_luat" in active}
