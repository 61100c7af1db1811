"""Small helpers shared by tests: BPMN text, deploying, looking people and tasks up."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from engine.db import Database
from engine.definitions.repository import DeployedDefinition, deploy
from engine.definitions.validation import SourceFile
from engine.forms import deploy_form
from engine.models import HumanTask, Instance, Person

NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
      'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"')


def bpmn(process_id: str, body: str, lanes: dict[str, list[str]] | None = None, name: str | None = None) -> bytes:
    """A BPMN document with one executable process; `lanes` maps a lane name to its node ids."""
    lane_xml = ""
    if lanes:
        lane_xml = "<bpmn:laneSet id=\"ls\">" + "".join(
            f'<bpmn:lane id="lane_{i}" name="{lane}">' + "".join(
                f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in nodes) + "</bpmn:lane>"
            for i, (lane, nodes) in enumerate(lanes.items())) + "</bpmn:laneSet>"
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS} id="defs_{process_id}" '
            f'targetNamespace="http://tdkt.test">\n<bpmn:process id="{process_id}" name="{name or process_id}" '
            f'isExecutable="true">\n{lane_xml}\n{body}\n</bpmn:process>\n</bpmn:definitions>\n').encode()


def user_task(task_id: str, name: str, *, incoming: str, outgoing: str, **props: str) -> str:
    properties = "".join(f'<spiffworkflow:property name="{k}" value="{v}"/>' for k, v in props.items())
    ext = (f"<bpmn:extensionElements><spiffworkflow:properties>{properties}</spiffworkflow:properties>"
           f"</bpmn:extensionElements>") if props else ""
    return (f'<bpmn:userTask id="{task_id}" name="{name}">{ext}<bpmn:incoming>{incoming}</bpmn:incoming>'
            f"<bpmn:outgoing>{outgoing}</bpmn:outgoing></bpmn:userTask>")


def script_task(task_id: str, name: str, script: str, *, incoming: str, outgoing: str) -> str:
    return (f'<bpmn:scriptTask id="{task_id}" name="{name}"><bpmn:incoming>{incoming}</bpmn:incoming>'
            f"<bpmn:outgoing>{outgoing}</bpmn:outgoing><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>")


def flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    cond = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>" if condition else ""
    return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">{cond}</bpmn:sequenceFlow>'


def deploy_bytes(db: Database, name: str, data: bytes, by: str | None = None) -> list[DeployedDefinition]:
    with db.transaction() as session:
        person = session.scalar(select(Person).where(Person.username == by)) if by else None
        return deploy(session, [SourceFile(name, data)], person)


def add_form(db: Database, key: str, schema: dict[str, Any]) -> None:
    with db.transaction() as session:
        deploy_form(session, key, json.dumps({"type": "object", **schema}))


def person_id(db: Database, username: str) -> int:
    with db.transaction() as session:
        return session.scalar(select(Person.id).where(Person.username == username))


def open_tasks(db: Database, instance_id: int) -> list[HumanTask]:
    with db.transaction() as session:
        return list(session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.status == "ready").order_by(HumanTask.id)))


def instance_row(db: Database, instance_id: int) -> Instance:
    with db.transaction() as session:
        return session.get(Instance, instance_id)
