"""Compare two versions of a BPMN process: which elements were added, removed or changed, and how.

Pure: works on the two source files (bytes), parsed with the hardened XML parser. Elements are matched
by their BPMN id (what the diagram, the engine and running cases know them by). For each flow node and
sequence flow the comparison looks at what a designer edits: name, type, lane (the role), the
`spiffworkflow:properties` (candidateRole, formKey, dueDate…), conditions, timer definitions, scripts,
called elements and decisions, instructions, documentation, and a flow's source and target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from engine.definitions.xml_safety import parse_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
ELEMENT_TAGS = frozenset({
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask", "businessRuleTask",
    "callActivity", "subProcess", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "sequenceFlow",
})
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")


@dataclass(frozen=True)
class Change:
    """One compared aspect of an element: `aspect` is e.g. "name", "type", "lane", "property:formKey",
    "condition", "timer", "script"; `old` / `new` are None when the aspect is absent on that side."""

    aspect: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ElementSummary:
    id: str
    type: str
    name: str


@dataclass(frozen=True)
class ChangedElement:
    id: str
    type: str
    name: str
    changes: tuple[Change, ...]


@dataclass
class ProcessDiff:
    added: list[ElementSummary] = field(default_factory=list)
    removed: list[ElementSummary] = field(default_factory=list)
    changed: list[ChangedElement] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def markers(self) -> dict[str, list[str]]:
        """Element ids by marker kind, for drawing on the diagrams (removed ones exist on the old one)."""
        return {"added": [e.id for e in self.added], "removed": [e.id for e in self.removed],
                "changed": [e.id for e in self.changed]}


def _text(node: Any) -> str | None:
    if node is None:
        return None
    value = "".join(node.itertext()).strip()
    return value or None


def _local(node: Any) -> str:
    return etree.QName(node).localname


def _child(node: Any, ns: str, name: str) -> Any:
    return node.find(f"{{{ns}}}{name}")


def _lanes(process: Any) -> dict[str, str]:
    """Flow node id → the name of the (innermost) lane holding it."""
    lanes: dict[str, str] = {}
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef"):
            if ref.text:
                lanes[ref.text.strip()] = lane.get("name") or lane.get("id") or ""
    return lanes


def _aspects(node: Any, lanes: dict[str, str]) -> dict[str, str | None]:
    """What a designer can change on one element, as comparable texts."""
    kind = _local(node)
    found: dict[str, str | None] = {"name": node.get("name"), "type": kind}
    element_id = node.get("id") or ""
    if kind != "sequenceFlow":
        found["lane"] = lanes.get(element_id)
    else:
        found["source"] = node.get("sourceRef")
        found["target"] = node.get("targetRef")
        found["condition"] = _text(_child(node, BPMN_NS, "conditionExpression"))
    for name in ("attachedToRef", "cancelActivity", "calledElement", "default"):
        if node.get(name) is not None:
            found[name] = node.get(name)
    found["documentation"] = _text(_child(node, BPMN_NS, "documentation"))
    script = _child(node, BPMN_NS, "script")
    if script is not None:
        found["script"] = _text(script)
    for definition in node.findall(f"{{{BPMN_NS}}}timerEventDefinition"):
        for timer_kind in TIMER_KINDS:
            value = _text(_child(definition, BPMN_NS, timer_kind))
            if value is not None:
                found["timer"] = f"{timer_kind}: {value}"
    for definition_kind in ("messageEventDefinition", "signalEventDefinition", "errorEventDefinition",
                            "escalationEventDefinition", "terminateEventDefinition"):
        if _child(node, BPMN_NS, definition_kind) is not None:
            found["event"] = definition_kind.removesuffix("EventDefinition")
    extensions = _child(node, BPMN_NS, "extensionElements")
    if extensions is not None:
        for prop in extensions.iter(f"{{{SPIFF_NS}}}property"):
            if prop.get("name"):
                found[f"property:{prop.get('name')}"] = prop.get("value")
        for name in ("preScript", "postScript", "instructionsForEndUser", "calledDecisionId"):
            value = _text(_child(extensions, SPIFF_NS, name))
            if value is not None:
                found[name] = value
    for loop in ("multiInstanceLoopCharacteristics", "standardLoopCharacteristics"):
        loop_node = _child(node, BPMN_NS, loop)
        if loop_node is not None:
            found["loop"] = loop + (" sequential" if loop_node.get("isSequential") == "true" else "")
    return found


def process_elements(source: bytes, process_key: str, file_name: str = "process.bpmn"
                     ) -> dict[str, tuple[str, str, dict[str, str | None]]]:
    """Element id → (type, name, aspects) of every flow node and flow of process `process_key`."""
    root = parse_xml(source, file_name)
    process = next((p for p in root.iter(f"{{{BPMN_NS}}}process") if p.get("id") == process_key), None)
    if process is None:
        return {}
    lanes = _lanes(process)
    elements: dict[str, tuple[str, str, dict[str, str | None]]] = {}
    for node in process.iter(etree.Element):
        if etree.QName(node).namespace != BPMN_NS or _local(node) not in ELEMENT_TAGS or not node.get("id"):
            continue
        aspects = _aspects(node, lanes)
        elements[node.get("id")] = (_local(node), node.get("name") or node.get("id"), aspects)
    return elements


def diff_process(old_source: bytes, new_source: bytes, process_key: str) -> ProcessDiff:
    """What changed in process `process_key` from the old file to the new one."""
    old = process_elements(old_source, process_key, "old.bpmn")
    new = process_elements(new_source, process_key, "new.bpmn")
    result = ProcessDiff()
    for element_id, (kind, name, _) in new.items():
        if element_id not in old:
            result.added.append(ElementSummary(element_id, kind, name))
    for element_id, (kind, name, before) in old.items():
        if element_id not in new:
            result.removed.append(ElementSummary(element_id, kind, name))
            continue
        new_kind, new_name, after = new[element_id]
        changes = tuple(Change(aspect, before.get(aspect), after.get(aspect))
                        for aspect in _ordered(before, after) if before.get(aspect) != after.get(aspect))
        if changes:
            result.changed.append(ChangedElement(element_id, new_kind, new_name, changes))
    return result


def _ordered(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    seen = dict.fromkeys([*before, *after])
    return list(seen)
