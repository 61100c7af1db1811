"""What the whole-period seed simulations share: the seed's organisation on the virtual clock, walking
the clock day by day (engine.simulation: timers, deadline sweep, e-mails), and people doing their tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from engine import clock
from engine.db import Database
from engine.demo import seed_seed_organisation
from engine.models import AuditEvent, Award, HumanTask, Instance, Notification, Person, Plan, Unit
from engine.runtime import instances, tasks
from engine.simulation import StepReport, parse_step, run

VN = clock.VN_TZ


def at(day: int, month: int, year: int, hour: int = 8) -> datetime:
    """A local instant (Asia/Ho_Chi_Minh) as aware UTC."""
    return datetime.combine(date(year, month, day), time(hour), VN).astimezone(UTC)


@dataclass
class World:
    """One seed's plan on the virtual clock."""

    db: Database
    plan_id: int
    reports: list[StepReport] = field(default_factory=list)

    @classmethod
    def start(cls, db: Database, seed: str, plan_number: str, when: datetime) -> World:
        seed_seed_organisation(db, seed)
        clock.configure("virtual", db)
        clock.set_virtual(db, when)
        with db.transaction() as session:
            plan_id = session.scalar(select(Plan.id).where(Plan.number == plan_number))
        assert plan_id is not None, plan_number
        return cls(db, plan_id)

    def today(self) -> date:
        return clock.now_local().date()

    def walk(self, until: datetime, step: str = "1d") -> list[StepReport]:
        """Move the clock to `until`, running the workers' jobs at every step."""
        reports = list(run(self.db, self.plan_id, until, parse_step(step), "seed-test"))
        self.reports.extend(reports)
        return reports

    def person(self, username: str) -> int:
        with self.db.transaction() as session:
            found = session.scalar(select(Person.id).where(Person.username == username))
        assert found is not None, username
        return found

    def start_case(self, key: str, unit: str, data: dict[str, Any] | None = None, by: str | None = None) -> int:
        return instances.start_instance(self.db, self.person(by) if by else None, key, unit, data=data,
                                        plan_id=self.plan_id).id

    def open_tasks(self, case_id: int, name: str | None = None) -> list[HumanTask]:
        with self.db.transaction() as session:
            query = select(HumanTask).where(HumanTask.instance_id == case_id, HumanTask.status == "ready")
            if name:
                query = query.where(HumanTask.name == name)
            return list(session.scalars(query.order_by(HumanTask.id)))

    def task(self, case_id: int, name: str) -> HumanTask:
        found = self.open_tasks(case_id, name)
        assert len(found) == 1, (name, [t.name for t in self.open_tasks(case_id)])
        return found[0]

    def do(self, case_id: int, name: str, username: str, data: dict[str, Any]) -> None:
        """`username` completes the open task `name` of the case with form data `data`."""
        tasks.complete(self.db, self.person(username), self.task(case_id, name).id, data)

    def holder_unit(self, task: HumanTask) -> str:
        with self.db.transaction() as session:
            return session.get_one(Unit, task.unit_id).code

    def data(self, case_id: int) -> dict[str, Any]:
        """The case's variables (the last task's data of the workflow)."""
        from engine.definitions.repository import load_specs
        from engine.models import ProcessDefinition
        from engine.serialization import SPEC_CACHE, load_workflow

        with self.db.transaction() as session:
            case = session.get_one(Instance, case_id)
            if SPEC_CACHE.bundle(case.definition_id) is None:
                load_specs(session, session.get_one(ProcessDefinition, case.definition_id))
            workflow = load_workflow(case.state)
        return dict(workflow.data if workflow.completed else workflow.last_task.data)

    def status(self, case_id: int) -> str:
        with self.db.transaction() as session:
            return session.get_one(Instance, case_id).status

    def audits(self, action: str, case_id: int | None = None) -> list[AuditEvent]:
        with self.db.transaction() as session:
            query = select(AuditEvent).where(AuditEvent.action == action)
            if case_id is not None:
                query = query.where(AuditEvent.instance_id == case_id)
            return list(session.scalars(query.order_by(AuditEvent.id)))

    def notifications(self, kind: str, case_id: int | None = None) -> list[tuple[str, date]]:
        """(username, local day created) of the notifications of a kind."""
        with self.db.transaction() as session:
            query = select(Person.username, Notification.created_at).join(Person, Person.id == Notification.person_id) \
                .where(Notification.kind == kind)
            if case_id is not None:
                query = query.where(Notification.instance_id == case_id)
            return [(u, c.astimezone(VN).date()) for u, c in session.execute(query.order_by(Notification.id))]

    def awards(self) -> list[Award]:
        with self.db.transaction() as session:
            return list(session.scalars(select(Award).order_by(Award.id)))
