"""A case's process as the page draws it: the BPMN source (with or without diagram interchange),
its steps in flow order, and which steps are done, current or failed."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.xml_safety import parse_xml
from engine.models import AuditEvent, HumanTask, Instance

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
FLOW_NODE_TAGS = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask", "businessRuleTask",
    "callActivity", "subProcess", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
}


@dataclass(frozen=True)
class Step:
    element_id: str
    name: str
    kind: str  # the BPMN tag: userTask, scriptTask, exclusiveGateway, startEvent, …
    state: str  # "done", "current", "incident" or "pending"


@dataclass(frozen=True)
class Progress:
    done: list[str]
    current: list[str]
    incident: list[str]


def has_diagram(root: Any) -> bool:
    """True if the file carries BPMN diagram interchange (shapes to draw) for at least one element."""
    return any(True for _ in root.iter(f"{{{DI_NS}}}BPMNShape"))


def parse_source(source: bytes, filename: str) -> Any:
    return parse_xml(source, filename)


def case_progress(session: Session, instance: Instance) -> Progress:
    rows = session.execute(select(HumanTask.name, HumanTask.status)
                           .where(HumanTask.instance_id == instance.id)).all()
    current = sorted({name for name, status in rows if status == "ready"})
    done = ({name for name, status in rows if status == "completed"} | passed_elements(instance.state)) - set(current)
    incident: list[str] = []
    if instance.status == "incident":
        details = session.scalar(select(AuditEvent.details).where(
            AuditEvent.instance_id == instance.id, AuditEvent.action == "incident")
            .order_by(AuditEvent.id.desc()).limit(1))
        element = (details or {}).get("element")
        if element:
            incident.append(str(element))
    return Progress(sorted(done), current, incident)


def passed_elements(state: str | None) -> set[str]:
    """Every element the case has completed, automatic steps included (script tasks, gateways, events),
    read from the stored workflow JSON without restoring the workflow: a task's `task_spec` is its BPMN
    element id and `state` its TaskState. Unreadable state gives an empty set (the page still draws)."""
    try:
        workflow = json.loads(state or "{}")
    except ValueError:
        return set()
    passed: set[str] = set()
    stack = [workflow] if isinstance(workflow, dict) else []
    while stack:
        part = stack.pop()
        tasks = part.get("tasks")
        for task in tasks.values() if isinstance(tasks, dict) else ():
            if isinstance(task, dict) and task.get("state") == TaskState.COMPLETED and task.get("task_spec"):
                passed.add(str(task["task_spec"]))
        subprocesses = part.get("subprocesses")
        stack += [sub for sub in (subprocesses.values() if isinstance(subprocesses, dict) else ())
                  if isinstance(sub, dict)]
    return passed


def _process(root: Any, key: str) -> Any:
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        if process.get("id") == key:
            return process
    return None


def steps_in_flow_order(root: Any, key: str, progress: Progress, finished: bool) -> list[Step]:
    """The process's flow nodes, breadth-first from its start events along sequence flows."""
    process = _process(root, key)
    if process is None:
        return []
    nodes: dict[str, Any] = {}
    for child in process:
        tag = str(child.tag).rpartition("}")[2]
        if tag in FLOW_NODE_TAGS and child.get("id"):
            nodes[child.get("id")] = child
    successors: dict[str, list[str]] = {}
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        successors.setdefault(flow.get("sourceRef", ""), []).append(flow.get("targetRef", ""))
    starts = [i for i, n in nodes.items() if str(n.tag).endswith("}startEvent")]
    order: list[str] = []
    queue = deque(starts)
    while queue:
        node_id = queue.popleft()
        if node_id in order or node_id not in nodes:
            continue
        order.append(node_id)
        queue.extend(successors.get(node_id, []))
    order += [i for i in nodes if i not in order]
    return [Step(i, nodes[i].get("name") or i, str(nodes[i].tag).rpartition("}")[2],
                 _state(i, nodes[i], progress, finished)) for i in order]


def _state(element_id: str, node: Any, progress: Progress, finished: bool) -> str:
    if element_id in progress.incident:
        return "incident"
    if element_id in progress.current:
        return "current"
    tag = str(node.tag).rpartition("}")[2]
    if element_id in progress.done or tag == "startEvent" or (finished and tag == "endEvent"):
        return "done"
    return "pending"
