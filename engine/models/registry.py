"""The reward registry (sổ khen thưởng): decided titles and commendations, discipline and complaint
records that put a candidate on hold, and per-unit quotas. Title codes come from the catalogue in
`engine.registry.titles` (code, not rows).

A subject is a person with an account, a person known only by name and unit (historical records), or
a collective (a unit). `subject_key` names it in one column so uniqueness and history look-ups need no
OR over nullable columns: `p:<person id>`, `n:<unit id>:<normalised name>` or `u:<unit id>`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base
from engine.models.org import Person, Unit

SUBJECT_KINDS = ("person", "collective")
# Award kinds (loại khen thưởng). Only `cong_trang` counts towards "N lần liên tục" and higher công trạng
# rewards (NĐ 152/2025/NĐ-CP Điều 4 khoản 3).
AWARD_KINDS = ("cong_trang", "dot_xuat", "chuyen_de", "cong_hien", "nien_han", "doi_ngoai")
DISCIPLINE_KINDS = ("ky_luat", "xem_xet_ky_luat", "thanh_tra_kiem_tra", "khieu_nai_to_cao")
SEVERITIES = ("khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc", "buoc_thoi_viec")


class Award(Base):
    """One decided title or commendation of one subject."""

    __tablename__ = "award"
    __table_args__ = (
        UniqueConstraint("subject_key", "title_code", "school_year", "decision_number"),
        Index("ix_award_subject_title", "subject_key", "title_code", "year_first"),
        Index("ix_award_unit_year", "unit_id", "year_first"),
        Index("ix_award_title_year", "title_code", "year_first"),
        CheckConstraint("subject_kind IN ('person', 'collective')", name="subject_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(320))
    subject_kind: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    person_name: Mapped[str | None] = mapped_column(String(255))  # as printed in the decision
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the person's unit then, or the collective
    title_code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    school_year: Mapped[str] = mapped_column(String(9))  # "2023-2024"
    year_first: Mapped[int]  # 2023 for "2023-2024": ordering and "consecutive years"
    decision_number: Mapped[str] = mapped_column(String(64))
    decision_date: Mapped[date] = mapped_column(Date)
    deciding_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    deciding_authority: Mapped[str | None] = mapped_column(String(255))  # e.g. "Thủ tướng Chính phủ"
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(255), default="api")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime]

    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    deciding_unit: Mapped[Unit | None] = relationship(foreign_keys=[deciding_unit_id])


class DisciplineRecord(Base):
    """Discipline (kỷ luật), pending disciplinary review, inspection/investigation, or a pending complaint
    or denunciation. `ends_on` is None while it lasts (a pending complaint until it is resolved)."""

    __tablename__ = "discipline_record"
    __table_args__ = (
        CheckConstraint("kind IN ('ky_luat', 'xem_xet_ky_luat', 'thanh_tra_kiem_tra', 'khieu_nai_to_cao')",
                        name="kind"),
        CheckConstraint("subject_kind IN ('person', 'collective')", name="subject_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(320), index=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    person_name: Mapped[str | None] = mapped_column(String(255))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    severity: Mapped[str | None] = mapped_column(String(24))  # hình thức kỷ luật, for kind ky_luat
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    decision_number: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime]

    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])


class AwardQuota(Base):
    """A cap a unit sets on a title for each unit under it (itself included), per school year:
    at most `max_percent` % of the number of `of_title_code` awards and/or at most `max_count`."""

    __tablename__ = "award_quota"
    __table_args__ = (UniqueConstraint("unit_id", "title_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    title_code: Mapped[str] = mapped_column(String(64))
    max_percent: Mapped[float | None] = mapped_column(Float)
    of_title_code: Mapped[str | None] = mapped_column(String(64))
    max_count: Mapped[int | None]
    legal_basis: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime]

    unit: Mapped[Unit] = relationship()
