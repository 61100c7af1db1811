"""Reference checks that SpiffWorkflow reports badly or not at all.

- a sequence flow whose `targetRef` is missing gives "When looking for a task spec, we found two items,
  perhaps a form has the same ID?" on the *source* node; a missing `sourceRef` is silently ignored;
- a missing call-activity callee gives "The process 'x' was not found" with no element;
- a missing DMN decision is reported without a file name.
Checking them first gives one precise problem per bad reference, all at once.
"""

from __future__ import annotations

from typing import Any

from engine.definitions.lint import NS
from engine.definitions.problems import BPMN_NS, Problem

_CONTAINERS = {f"{{{BPMN_NS}}}{t}" for t in ("process", "subProcess", "transaction", "adHocSubProcess")}
_FLOW_NODES = {
    f"{{{BPMN_NS}}}{t}"
    for t in (
        "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
        "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
        "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
        "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
    )
}


def _known(values: set[str]) -> str:
    shown = sorted(values)
    return ", ".join(shown[:8]) + (", …" if len(shown) > 8 else "") if shown else "none"


def _container_kind(container: Any) -> str:
    return "process" if container.tag == f"{{{BPMN_NS}}}process" else "subprocess"


def flow_problems(root: Any, filename: str) -> list[Problem]:
    """Sequence flows must connect elements of the process or subprocess that contains the flow."""
    problems: list[Problem] = []
    for flow in root.xpath(".//bpmn:sequenceFlow", namespaces=NS):
        container = flow.getparent()
        if container is None or container.tag not in _CONTAINERS:
            continue
        local_ids = {child.get("id") for child in container if child.tag in _FLOW_NODES}
        for attribute, word in (("sourceRef", "starts at"), ("targetRef", "leads to")):
            ref = flow.get(attribute)
            if ref and ref not in local_ids:
                problems.append(Problem(
                    filename, flow.sourceline, flow.get("id"),
                    f"sequence flow {word} '{ref}' ({attribute}), which is not a task, event or "
                    f"gateway of this {_container_kind(container)} '{container.get('id')}'",
                ))
    return problems


def call_problems(root: Any, filename: str, executable: dict[str, bool]) -> list[Problem]:
    """Call activities must name a process that is deployed or being deployed, and executable.

    `executable` maps every known process id (these files and the already-deployed ones) to its
    isExecutable flag.
    """
    problems: list[Problem] = []
    for call in root.xpath(".//bpmn:callActivity", namespaces=NS):
        callee = call.get("calledElement")
        if not callee:
            message = "call activity has no calledElement"
        elif callee not in executable:
            known = {pid for pid, flag in executable.items() if flag}
            message = (f"call activity calls process '{callee}', which is neither in these files nor "
                       f"deployed (known processes: {_known(known)})")
        elif not executable[callee]:
            message = f"call activity calls process '{callee}', which is not executable (isExecutable=false)"
        else:
            continue
        problems.append(Problem(filename, call.sourceline, call.get("id"), message))
    return problems


def decision_problems(root: Any, filename: str, decisions: set[str]) -> list[Problem]:
    """Business rule tasks must name (spiffworkflow:calledDecisionId) a decision that is available."""
    problems: list[Problem] = []
    for task in root.xpath(".//bpmn:businessRuleTask", namespaces=NS):
        refs = task.xpath("./bpmn:extensionElements/spiffworkflow:calledDecisionId", namespaces=NS)
        ref = (refs[-1].text or "") if refs else ""  # SpiffWorkflow looks the raw text up
        line = refs[-1].sourceline if refs else task.sourceline
        if not ref.strip():
            message = "business rule task has no spiffworkflow:calledDecisionId"
        elif ref not in decisions:
            message = (f"business rule task calls decision '{ref}', which is neither in these files nor "
                       f"deployed (known decisions: {_known(decisions)})")
        else:
            continue
        problems.append(Problem(filename, line, task.get("id"), message))
    return problems
