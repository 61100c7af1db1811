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
        if len(found) != 1:
            notes = [(t.name, t.assignment_problem, task_data(self.db, t).get("thong_bao"))
                     for t in self.open_tasks(case_id)]
            with self.db.transaction() as session:
                case = session.get_one(Instance, case_id)
                raise AssertionError((name, notes, case.status, case.incident_task, case.incident_message))
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
        if workflow.completed:
            return dict(workflow.data)
        from SpiffWorkflow.util.task import TaskState

        ready = workflow.get_tasks(state=TaskState.READY, manual=True)  # the open forms see all data so far
        return dict(ready[0].data if ready else workflow.last_task.data)

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

    def awards(self, school_year: str | None = None) -> list[tuple[str, str, str, str | None, str | None]]:
        """(title, who: a person's name or the unit's, school year, decision number, deciding unit code or
        authority) of the registry's awards, sorted."""
        with self.db.transaction() as session:
            query = select(Award)
            if school_year:
                query = query.where(Award.school_year == school_year)
            return sorted((a.title_code, a.person.full_name if a.person else (a.person_name or a.unit.name),
                           a.school_year, a.decision_number, a.deciding_authority or a.deciding_unit.code)
                          for a in session.scalars(query))


def task_data(db: Database, row: HumanTask) -> dict[str, Any]:
    """The data a task's form opens with."""
    from uuid import UUID

    from engine.definitions.repository import load_specs
    from engine.models import ProcessDefinition
    from engine.serialization import SPEC_CACHE, load_workflow

    with db.transaction() as session:
        case = session.get_one(Instance, row.instance_id)
        if SPEC_CACHE.bundle(case.definition_id) is None:
            load_specs(session, session.get_one(ProcessDefinition, case.definition_id))
        workflow = load_workflow(case.state)
    return dict(workflow.get_task_from_id(UUID(row.spiff_task_id)).data)


def holder(db: Database, row: HumanTask) -> int:
    """Who does a task: its assignee, else the first person holding its role in its unit."""
    from engine.assignment import candidate_person_ids

    if row.assignee_id is not None:
        return row.assignee_id
    with db.transaction() as session:
        candidates = sorted(candidate_person_ids(session, row.role_code, row.unit_id))
    assert candidates, (row.name, row.role_code, row.assignment_problem)
    return candidates[0]


def hold_council(world: World, case_id: int, day: date, *, absent: dict[str, bool] | None = None,
                 against: dict[str, set[str]] | None = None) -> dict[str, Any]:
    """The council meeting of processes/hop_xet_hoi_dong.bpmn as its members hold it: the secretary
    opens it (`absent`: username → voted in writing), every ballot is cast (a member votes against the
    nomination codes in `against[username]`, for all others), the secretary writes the minutes and the
    chair signs them. Returns the opening form's data."""
    absent, against = absent or {}, against or {}
    opening = world.task(case_id, "mo_phien_hop")
    data = task_data(world.db, opening)
    rows = [{"username": m["username"], "co_mat": m["username"] not in absent,
             "van_ban": absent.get(m["username"], False)} for m in data["thanh_vien"]]
    tasks.complete(world.db, holder(world.db, opening), opening.id,
                   {"ngay_hop": day.isoformat(), "dia_diem": "Phòng họp", "thanh_vien": rows})
    for ballot in world.open_tasks(case_id, "bo_phieu"):
        member = task_data(world.db, ballot)["phieu"]["username"]
        if member in absent and not absent[member]:  # absent without a written vote: the secretary says so
            tasks.complete(world.db, holder(world.db, ballot), ballot.id, {"khong_co_phieu": True})
            continue
        choices = [{"ma": r["ma"], "lua_chon": "khong_tan_thanh" if r["ma"] in against.get(member, ()) else "tan_thanh"}
                   for r in task_data(world.db, ballot)["bieu_quyet"]]
        tasks.complete(world.db, holder(world.db, ballot), ballot.id, {"bieu_quyet": choices})
    minutes = world.task(case_id, "lap_bien_ban")
    tasks.complete(world.db, holder(world.db, minutes), minutes.id, {"ket_luan": "Hội đồng thống nhất kết quả."})
    sign = world.task(case_id, "ky_bien_ban")
    tasks.complete(world.db, holder(world.db, sign), sign.id, {"ky_duyet": "ky"})
    return data


def past_award(db: Database, username: str, title: str, year: int) -> None:
    """A title decided in school year `year`-`year+1` (history the eligibility rules read)."""
    from engine.registry.awards import parse_award, record_award

    with db.transaction() as session:
        record_award(session, parse_award(session, {
            "username": username, "title": title, "school_year": f"{year}-{year + 1}",
            "decision_number": f"{year}/QĐ-UBND", "decision_date": f"{year + 1}-06-20",
            "deciding_authority": "Chủ tịch UBND huyện"}), None)
