"""Running cases: instances (workflow state + projections), human tasks, the audit trail, the clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base
from engine.models.definitions import ProcessDefinition
from engine.models.org import Unit

INSTANCE_STATUSES = ("running", "suspended", "incident", "completed", "terminated")
LIVE_STATUSES = ("running", "suspended", "incident")
TASK_STATUSES = ("ready", "completed", "cancelled")
TIMER_DUE_PREDICATE = "next_fire_at IS NOT NULL"


class Instance(Base):
    """A case: one workflow instance of one definition version, for one subject unit."""

    __tablename__ = "instance"
    __table_args__ = (
        Index("ix_instance_status_unit_progress", "status", "unit_id", "last_progress_at"),
        Index("ix_instance_business_key", "definition_key", "business_key"),
        # the timer sweep: running cases by fire time, only cases with a waiting timer (cost ~ the number due)
        Index("ix_instance_timer_due", "status", "next_fire_at", postgresql_where=text(TIMER_DUE_PREDICATE),
              sqlite_where=text(TIMER_DUE_PREDICATE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    definition_key: Mapped[str] = mapped_column(String(128))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    business_key: Mapped[str | None] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(500))
    plan_id: Mapped[int | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    state: Mapped[str] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(default=1)
    next_fire_at: Mapped[datetime | None]  # indexed for the sweep by ix_instance_timer_due
    last_progress_at: Mapped[datetime]
    started_at: Mapped[datetime]
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    ended_at: Mapped[datetime | None]
    incident_task: Mapped[str | None] = mapped_column(String(255))
    incident_line: Mapped[int | None]
    incident_message: Mapped[str | None] = mapped_column(Text)
    incident_at: Mapped[datetime | None]
    # a timer sweep's claim (engine.runtime.timers): which worker holds the case, until when (wall clock)
    timer_lock_owner: Mapped[str | None] = mapped_column(String(128))
    timer_lock_expires_at: Mapped[datetime | None]

    definition: Mapped[ProcessDefinition] = relationship()
    unit: Mapped[Unit] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}


REMIND_DUE_PREDICATE = "status = 'ready' AND reminded_at IS NULL AND remind_at IS NOT NULL"
OVERDUE_DUE_PREDICATE = "status = 'ready' AND overdue_notified_at IS NULL AND due_at IS NOT NULL"


class HumanTask(Base):
    """Projection of a user task for queries (inbox, dashboards) without loading workflows."""

    __tablename__ = "human_task"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id"),
        Index("ix_human_task_candidates", "role_code", "unit_id", "status"),
        # held tasks only: a query for unheld tasks (assignee_id IS NULL, most open tasks) must not pick it
        Index("ix_human_task_assignee", "assignee_id", "status", postgresql_where=text("assignee_id IS NOT NULL"),
              sqlite_where=text("assignee_id IS NOT NULL")),
        Index("ix_human_task_unit_status_due", "unit_id", "status", "due_at"),
        # dashboards: open work by due date over a wide scope; completions per unit over time
        Index("ix_human_task_ready_due", "due_at", postgresql_where=text("status = 'ready'"),
              sqlite_where=text("status = 'ready'")),
        Index("ix_human_task_unit_completed", "unit_id", "completed_at",
              postgresql_where=text("status = 'completed'"), sqlite_where=text("status = 'completed'")),
        # the deadline sweep (engine.runtime.deadlines): open tasks whose reminder or due has not been
        # sent yet, in time order; a sent or closed task leaves the index
        Index("ix_human_task_remind_due", "remind_at", postgresql_where=text(REMIND_DUE_PREDICATE),
              sqlite_where=text(REMIND_DUE_PREDICATE)),
        Index("ix_human_task_overdue_due", "due_at", postgresql_where=text(OVERDUE_DUE_PREDICATE),
              sqlite_where=text(OVERDUE_DUE_PREDICATE)),
        # the inbox's "completed by me" (its other views read ix_human_task_candidates and ix_human_task_assignee)
        Index("ix_human_task_done_by", "completed_by_id", "completed_at",
              postgresql_where=text("status = 'completed'"), sqlite_where=text("status = 'completed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(500))
    role_code: Mapped[str | None] = mapped_column(String(64))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # set by the task's `assignee` property (e.g. one ballot per council member): only that person may
    # do it; it cannot be claimed, handed back, delegated or reassigned
    assignee_fixed: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(16), default="ready")
    is_orphan: Mapped[bool] = mapped_column(default=False)
    assignment_problem: Mapped[str | None] = mapped_column(Text)
    form_key: Mapped[str | None] = mapped_column(String(128))
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    milestone_key: Mapped[str | None] = mapped_column(String(64))  # the plan milestone `dueDate` reads, if one
    remind_at: Mapped[datetime | None]  # due_at minus `reminderDays` working days (None: no early reminder)
    reminded_at: Mapped[datetime | None]  # when the reminder went out (reset when the due moves later)
    overdue_notified_at: Mapped[datetime | None]  # when the overdue notice went out
    escalated_at: Mapped[datetime | None]  # when an escalate() helper reported the task upwards
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    instance: Mapped[Instance] = relationship()
    unit: Mapped[Unit | None] = relationship()


class AuditEvent(Base):
    """Append-only trail of every action (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    action: Mapped[str] = mapped_column(String(64))
    instance_id: Mapped[int | None] = mapped_column(index=True)
    task_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class VirtualClock(Base):
    """The shared virtual "now" when TDKT_CLOCK=virtual (one row), so every process agrees."""

    __tablename__ = "virtual_clock"

    id: Mapped[int] = mapped_column(primary_key=True)
    now: Mapped[datetime]
