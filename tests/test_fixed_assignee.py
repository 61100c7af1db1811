"""The `assignee` task property: each instance of a multi-instance user task given to one person,
who alone may do it (no claim, release, delegation or reassignment), told by a notification."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.definitions.problems import DefinitionError
from engine.errors import Forbidden
from engine.models import Notification
from engine.runtime import instances, tasks
from tests.helpers import bpmn, deploy_bytes, flow, instance_row, open_tasks, person_id


def process(assignee: str = "nguoi") -> bytes:
    return bpmn("y_kien_tung_nguoi", "".join([
        '<bpmn:startEvent id="s"><bpmn:outgoing>a</bpmn:outgoing></bpmn:startEvent>',
        '<bpmn:userTask id="y_kien" name="Cho ý kiến"><bpmn:extensionElements><spiffworkflow:properties>'
        f'<spiffworkflow:property name="assignee" value="{assignee}"/>'
        '</spiffworkflow:properties></bpmn:extensionElements>'
        '<bpmn:incoming>a</bpmn:incoming><bpmn:outgoing>b</bpmn:outgoing>'
        '<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>danh_sach</bpmn:loopDataInputRef>'
        '<bpmn:inputDataItem id="nguoi" name="nguoi"/></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>',
        '<bpmn:endEvent id="e"><bpmn:incoming>b</bpmn:incoming></bpmn:endEvent>',
        flow("a", "s", "y_kien"), flow("b", "y_kien", "e"),
    ]), lanes={"giao_vien": ["s", "y_kien", "e"]})


def test_each_instance_goes_to_its_person_only(product):
    deploy_bytes(product, "y_kien.bpmn", process())
    ref = instances.start_instance(product, person_id(product, "ht_a"), "y_kien_tung_nguoi", "th_a",
                                   data={"danh_sach": ["gv_a1", "gv_a2", "khong_co_ai"]})
    rows = open_tasks(product, ref.id)
    gv1, gv2 = person_id(product, "gv_a1"), person_id(product, "gv_a2")
    assert [(r.assignee_id, r.assignee_fixed, r.is_orphan) for r in rows] == \
        [(gv1, True, False), (gv2, True, False), (None, True, True)]
    assert "'khong_co_ai' is not an active user" in rows[2].assignment_problem
    with product.transaction() as session:
        told = session.scalars(select(Notification.person_id).where(Notification.task_id.in_([r.id for r in rows])))
        assert sorted(told) == sorted([gv1, gv2])  # the one person each, nobody for the orphan
    with pytest.raises(Forbidden):  # a colleague holding the lane's role may not take another's instance
        tasks.complete(product, gv1, rows[1].id, {})
    with pytest.raises(Forbidden):  # nor an instance nobody could be found for
        tasks.claim(product, gv1, rows[2].id)
    with pytest.raises(Forbidden):
        tasks.complete(product, gv1, rows[2].id, {})
    with pytest.raises(Forbidden):
        tasks.delegate(product, gv1, rows[0].id, "gv_a2")
    with pytest.raises(Forbidden):
        tasks.unclaim(product, gv1, rows[0].id)
    tasks.complete(product, gv1, rows[0].id, {})
    tasks.complete(product, gv2, rows[1].id, {})
    assert instance_row(product, ref.id).status == "running"  # the orphan instance still waits


def test_assignee_expression_is_linted_at_deploy(product):
    with pytest.raises(DefinitionError) as info:
        deploy_bytes(product, "y_kien.bpmn", process("nguoi["))
    assert any("assignee expression" in p.message for p in info.value.problems)
