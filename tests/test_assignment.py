"""Assignment: lane → role (code or Vietnamese label), unitScope case / parent / kind: / expression."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import HumanTask
from engine.runtime import instances
from tests.helpers import bpmn, deploy_bytes, flow, open_tasks, person_id, user_task


def one_task_process(pid: str, lane: str, **props: str) -> bytes:
    body = "\n".join([
        '<bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
        user_task("viec", "Việc", incoming="f0", outgoing="f1", **props),
        '<bpmn:endEvent id="e"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>',
        flow("f0", "s", "viec"), flow("f1", "viec", "e"),
    ])
    return bpmn(pid, body, lanes={lane: ["s", "viec", "e"]})


def task_place(db, instance_id):
    [task] = open_tasks(db, instance_id)
    with db.transaction() as session:
        row = session.scalar(select(HumanTask).where(HumanTask.id == task.id))
        return row.role_code, row.unit.code if row.unit else None, row.is_orphan, row.assignment_problem


@pytest.mark.parametrize("lane,props,expected", [
    ("Hiệu trưởng", {}, ("hieu_truong", "th_a", False, None)),
    ("  hiệu  TRƯỞNG ", {}, ("hieu_truong", "th_a", False, None)),
    ("giao_vien", {"candidateRole": "chuyen_vien_thi_dua", "unitScope": "parent"},
     ("chuyen_vien_thi_dua", "phong_hd", False, None)),
    ("giao_vien", {"candidateRole": "lanh_dao_so", "unitScope": "kind:so"}, ("lanh_dao_so", "so_hn", False, None)),
    ("giao_vien", {"unitScope": "kind:truong"}, ("giao_vien", "th_a", False, None)),
    ("giao_vien", {"candidateRole": "hieu_truong", "unitScope": "'th_b' if diem &gt; 5 else case_unit"},
     ("hieu_truong", "th_b", False, None)),
])
def test_role_and_unit_resolution(org, lane, props, expected):
    deploy_bytes(org, "gan.bpmn", one_task_process("gan", lane, **props))
    ref = instances.start_instance(org, person_id(org, "ht_a"), "gan", "th_a", data={"diem": 7})
    assert task_place(org, ref.id) == expected


@pytest.mark.parametrize("props,problem", [
    ({"candidateRole": "lanh_dao_phong", "unitScope": "kind:cum"}, "no unit of kind 'cum' above th_a"),
    ({"candidateRole": "lanh_dao_so", "unitScope": "case"}, "nobody holds role lanh_dao_so"),
    ({"candidateRole": "giao_vien", "unitScope": "'khong_co'"}, "unknown unit 'khong_co'"),
    ({"candidateRole": "giao_vien", "unitScope": "ten_truong + 1"}, "unit scope expression failed"),
])
def test_unresolvable_tasks_are_orphans_with_a_reason(org, props, problem):
    deploy_bytes(org, "mo_coi.bpmn", one_task_process("mo_coi", "giao_vien", **props))
    ref = instances.start_instance(org, person_id(org, "ht_a"), "mo_coi", "th_a", data={"ten_truong": "A"})
    role, unit, orphan, reason = task_place(org, ref.id)
    assert orphan and problem in reason
    assert instances.CaseRef(ref.id, "running") == ref  # the case goes on; nothing is lost
