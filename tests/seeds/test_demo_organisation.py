"""`tdkt demo`: the organisation of the five seeds (units, blocks and clusters, councils, Vietnamese names)
and cases in flight under every plan, idempotent."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from engine.assignment import candidate_person_ids
from engine.council.members import COUNCIL_ROLES, council_members
from engine.demo import seed
from engine.models import HumanTask, Instance, Person, Plan, RoleMembership, Unit
from engine.org_groups import group_members, groups_of


def test_demo_builds_the_seeds_organisation_and_cases_once(product):
    seed(product)
    with product.transaction() as session:
        kinds = Counter(session.scalars(select(Unit.kind)))
        assert kinds["so"] == 4 and kinds["phong"] == 4 and kinds["khoi"] == 3 and kinds["cum"] == 3
        dau_tieng = session.scalar(select(Unit.id).where(Unit.code == "phong_dt"))
        schools = session.scalars(select(Unit.code).where(Unit.parent_id == dau_tieng, Unit.kind == "truong")).all()
        assert len(schools) == 42
        blocks = {b: [u.code for u in group_members(session, b)] for b in ("khoi_1_dt", "khoi_2_dt", "khoi_3_dt")}
        assert [len(m) for m in blocks.values()] == [17, 16, 9]
        assert sorted(c for m in blocks.values() for c in m) == sorted(schools)  # each school in one block
        assert [u.code for u in groups_of(session, "thpt_x")] == ["cum_thpt_3"]
        for unit in ("so_hn", "phong_hd", "phong_hm", "phong_ub", "phong_dt", "th_dt_01"):
            roles = Counter(m.role for m in council_members(session, unit))
            assert roles["chu_tich_hoi_dong"] == 1 and roles["thu_ky_hoi_dong"] == 1, (unit, roles)
        heads = session.scalars(select(Unit.code).join(RoleMembership, RoleMembership.unit_id == Unit.id)
                                .where(RoleMembership.role_code == "truong_cum_khoi")).all()
        assert sorted(heads) == ["cum_thpt_1", "cum_thpt_2", "cum_thpt_3", "khoi_1_dt", "khoi_2_dt", "khoi_3_dt"]
        assert session.scalar(select(Person.full_name).where(Person.username == "tp_dt")).count(" ") >= 2
        by_plan = Counter(session.scalars(select(Plan.number).join(Instance, Instance.plan_id == Plan.id)))
        assert set(by_plan) == {"…/KH-SGDĐT", "49/KH-GDDT", "85/KH-PGD&ĐT", "…/KH-PGD&ĐT", "58/KH-PGDĐT"}
        assert session.scalar(select(func.count(Instance.id)).where(Instance.status != "running")) == 0
        open_tasks = session.scalars(select(HumanTask.name).where(HumanTask.status == "ready")).all()
        done = session.scalar(select(func.count(HumanTask.id)).where(HumanTask.status == "completed"))
        assert len(open_tasks) > 30 and done > 20  # cases at various steps
        counts = [session.scalar(select(func.count(model.id))) for model in (Person, Instance, RoleMembership)]
    seed(product)  # idempotent: nobody and nothing added
    with product.transaction() as session:
        assert [session.scalar(select(func.count(model.id))) for model in (Person, Instance, RoleMembership)] == counts


def test_every_demo_council_can_sit_every_login_has_work_and_cases_are_at_various_steps(product):
    logins = [username for username, _ in seed(product)]
    with product.transaction() as session:
        council_units = set(session.scalars(select(Unit.code).join(RoleMembership, RoleMembership.unit_id == Unit.id)
                                            .where(RoleMembership.role_code.in_(COUNCIL_ROLES))))
        assert {"th_a", "so_hn", "phong_hd", "phong_hm", "phong_ub", "phong_dt"} <= council_units
        for unit in sorted(council_units):  # a council without a chair cannot sign its minutes
            roles = Counter(m.role for m in council_members(session, unit))
            assert roles["chu_tich_hoi_dong"] == 1 and roles["thu_ky_hoi_dong"] == 1, (unit, roles)
        open_tasks = session.scalars(select(HumanTask).where(HumanTask.status == "ready")).all()
        inbox: Counter[int] = Counter()
        for task in open_tasks:  # what the inbox lists: tasks assigned to the person or open to their role
            holders = [task.assignee_id] if task.assignee_id else candidate_person_ids(
                session, task.role_code, task.unit_id)
            inbox.update(set(holders))
        ids = dict(session.execute(select(Person.username, Person.id)).all())
        exempt = set(session.scalars(select(Person.username).join(RoleMembership, RoleMembership.person_id == Person.id)
                                     .where(RoleMembership.role_code.in_(("quan_tri", "thiet_ke_quy_trinh")))))
        assert [u for u in logins if u not in exempt and not inbox[ids[u]]] == []
        steps = session.execute(select(Plan.number, Instance.id, Instance.definition_key, HumanTask.name)
                                .join(Instance, Instance.plan_id == Plan.id)
                                .join(HumanTask, HumanTask.instance_id == Instance.id)
                                .where(HumanTask.status == "ready")).all()
    by_plan: dict[str, set[str]] = {}
    core: dict[str, dict[int, set[str]]] = {}
    for plan, case, key, name in steps:
        by_plan.setdefault(plan, set()).add(name)
        if key == "xet_thi_dua_nam_hoc":
            core.setdefault(plan, {}).setdefault(case, set()).add(name)
    assert len(by_plan) == 5 and all(len(names) > 1 for names in by_plan.values()), by_plan
    names = {name for plan_names in by_plan.values() for name in plan_names}
    # registration, consolidation, council ballots, minutes to sign, a decision waiting for the leader
    assert {"dang_ky", "tong_hop", "bo_phieu", "ky_bien_ban", "duyet_qd_phong"} <= names
    assert set(core) == {"85/KH-PGD&ĐT", "58/KH-PGDĐT"}
    for plan, cases in core.items():  # the plan's two year-end reviews are at different steps
        first, second = cases.values()
        assert first != second, (plan, cases)
