"""Runtime: start cases, project tasks to role × unit, complete with validated forms, lifecycle."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import AuditEvent, HumanTask
from engine.runtime import instances, tasks
from tests.helpers import instance_row, open_tasks, person_id

REGISTRATION = {"ho_ten": "Nguyễn Thị Lan", "danh_hieu": "lao_dong_tien_tien", "nam_hoc": "2026-2027"}


def start_registration(db, unit="th_a", actor="gv_a1", **kw):
    return instances.start_instance(db, person_id(db, actor), "dang_ky_thi_dua", unit, **kw)


def test_start_projects_first_task_to_role_in_case_unit(product):
    ref = start_registration(product)
    assert ref.status == "running"
    [task] = open_tasks(product, ref.id)
    assert (task.name, task.role_code, task.form_key, task.is_orphan) == \
        ("dang_ky", "giao_vien", "dang_ky_danh_hieu", False)
    with product.transaction() as session:
        assert session.get(HumanTask, task.id).unit.code == "th_a"
    row = instance_row(product, ref.id)
    state = json.loads(row.state)  # the spec is stored by reference, not copied into every case
    assert state["spec"]["ref"] == f"{row.definition_id}:dang_ky_thi_dua"
    assert "task_specs" not in state["spec"]


def test_full_case_moves_through_roles_and_units(product):
    ref = start_registration(product)
    gv, ht, cv = (person_id(product, u) for u in ("gv_a1", "ht_a", "cv_phong"))
    [t1] = open_tasks(product, ref.id)
    tasks.claim(product, gv, t1.id)
    tasks.complete(product, gv, t1.id, REGISTRATION)
    [t2] = open_tasks(product, ref.id)
    assert (t2.name, t2.role_code) == ("duyet", "hieu_truong")
    tasks.complete(product, ht, t2.id, {"ket_qua": "dong_y", "y_kien": "Đủ điều kiện"})
    [t3] = open_tasks(product, ref.id)
    with product.transaction() as session:
        assert session.get(HumanTask, t3.id).unit.code == "phong_hd"  # unitScope parent
    tasks.complete(product, cv, t3.id, {"so_van_ban": "123/PGDĐT"})
    done = instance_row(product, ref.id)
    assert done.status == "completed" and done.ended_at is not None and done.next_fire_at is None
    with product.transaction() as session:
        rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == ref.id)).all()
        assert {r.status for r in rows} == {"completed"}
        assert [r.completed_by_id for r in rows] == [gv, ht, cv]
        actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.instance_id == ref.id))]
    assert actions.count("task.completed") == 3 and actions[0] == "case.started"


def test_hand_back_loops_to_registration(product):
    ref = start_registration(product)
    gv, ht = person_id(product, "gv_a1"), person_id(product, "ht_a")
    tasks.complete(product, gv, open_tasks(product, ref.id)[0].id, REGISTRATION)
    tasks.complete(product, ht, open_tasks(product, ref.id)[0].id, {"ket_qua": "tra_lai"})
    [again] = open_tasks(product, ref.id)
    assert again.name == "dang_ky"


def test_invalid_form_data_is_refused_with_field_and_nothing_changes(product):
    ref = start_registration(product)
    gv = person_id(product, "gv_a1")
    [task] = open_tasks(product, ref.id)
    before = instance_row(product, ref.id)
    bad = {**REGISTRATION, "nam_hoc": "năm nay"}
    with pytest.raises(InvalidInput) as err:
        tasks.complete(product, gv, task.id, bad)
    assert err.value.field == "nam_hoc" and err.value.status == 422
    with pytest.raises(InvalidInput) as err:
        tasks.complete(product, gv, task.id, {"ho_ten": "X Y"})
    assert err.value.field in ("danh_hieu", "nam_hoc")
    with pytest.raises(InvalidInput) as err:
        tasks.complete(product, gv, task.id, {**REGISTRATION, "la": 1})
    assert "la" in err.value.message
    after = instance_row(product, ref.id)
    assert (after.state, after.lock_version) == (before.state, before.lock_version)
    assert [t.id for t in open_tasks(product, ref.id)] == [task.id]


def test_other_unit_cannot_see_or_touch(product):
    ref = start_registration(product)
    [task] = open_tasks(product, ref.id)
    outsider = person_id(product, "gv_b1")  # teacher of another school, same role
    for action in (lambda: tasks.claim(product, outsider, task.id),
                   lambda: tasks.complete(product, outsider, task.id, REGISTRATION),
                   lambda: tasks.delegate(product, outsider, task.id, "gv_b1")):
        with pytest.raises(NotFound):
            action()
    with pytest.raises(NotFound):
        instances.suspend(product, person_id(product, "ht_b"), ref.id)
    with pytest.raises(Forbidden):
        instances.start_instance(product, outsider, "dang_ky_thi_dua", "th_a")


def test_claim_unclaim_delegate_reassign(product):
    ref = start_registration(product)
    [task] = open_tasks(product, ref.id)
    gv1, gv2, ht = (person_id(product, u) for u in ("gv_a1", "gv_a2", "ht_a"))
    tasks.claim(product, gv1, task.id)
    with pytest.raises(Conflict):
        tasks.claim(product, gv2, task.id)
    with pytest.raises(Forbidden):
        tasks.complete(product, gv2, task.id, REGISTRATION)
    with pytest.raises(Forbidden):  # the principal holds no giao_vien role
        tasks.claim(product, ht, task.id)
    tasks.delegate(product, gv1, task.id, "gv_a2")
    with pytest.raises(InvalidInput):
        tasks.delegate(product, gv2, task.id, "gv_b1")  # not in this school
    tasks.delegate(product, ht, task.id, "gv_a1", as_manager=True)
    with pytest.raises(Forbidden):
        tasks.delegate(product, gv2, task.id, "gv_a2", as_manager=True)
    tasks.unclaim(product, gv1, task.id)
    [row] = open_tasks(product, ref.id)
    assert row.assignee_id is None


def test_orphan_when_nobody_holds_the_role(product):
    ref = start_registration(product, unit="thpt_x", actor="gv_x1")
    gv, ht = person_id(product, "gv_x1"), person_id(product, "ht_x")
    tasks.complete(product, gv, open_tasks(product, ref.id)[0].id, REGISTRATION)
    tasks.complete(product, ht, open_tasks(product, ref.id)[0].id, {"ket_qua": "dong_y"})
    [task] = open_tasks(product, ref.id)  # parent of the THPT school is the Sở: it has a chuyên viên
    assert not task.is_orphan
    with product.transaction() as session:
        from engine.models import RoleMembership

        for m in session.scalars(select(RoleMembership).where(RoleMembership.role_code == "giao_vien")):
            session.delete(m)
    ref2 = start_registration(product, unit="th_b", actor="ht_b")
    [orphan] = open_tasks(product, ref2.id)
    assert orphan.is_orphan and "giao_vien" in orphan.assignment_problem


def test_duplicate_business_key_conflicts(product):
    start_registration(product, business_key="2026/th_a")
    with pytest.raises(Conflict):
        start_registration(product, business_key="2026/th_a")


def test_suspend_resume_terminate(product):
    ref = start_registration(product)
    ht, gv = person_id(product, "ht_a"), person_id(product, "gv_a1")
    with pytest.raises(Forbidden):
        instances.suspend(product, gv, ref.id)
    instances.suspend(product, ht, ref.id, "chờ bổ sung")
    [task] = open_tasks(product, ref.id)
    with pytest.raises(Conflict):
        tasks.complete(product, gv, task.id, REGISTRATION)
    instances.resume(product, ht, ref.id)
    tasks.complete(product, gv, task.id, REGISTRATION)
    instances.terminate(product, person_id(product, "ld_phong"), ref.id, "hủy")
    assert instance_row(product, ref.id).status == "terminated"
    assert open_tasks(product, ref.id) == []
    with pytest.raises(Conflict):
        instances.resume(product, ht, ref.id)
