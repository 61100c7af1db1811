"""Decision tables: load one (the latest deployed version, else the file shipped in processes/rules/) and
evaluate it with SpiffWorkflow's DMN engine and our restricted script engine.

Each decision is wrapped in a three-node process (start → businessRuleTask → end), so it runs exactly
as it would in a BPMN business rule task: same parser, same DMN engine, same script environment. We ask
the task's DMN engine which rules matched (not only their outputs) to report rule ids and each rule's
description, which holds its legal basis (dmn-js shows it as the "Annotations" column).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from sqlalchemy.orm import Session

from engine.config import load_settings
from engine.definitions.repository import latest_definition
from engine.definitions.xml_safety import MAX_DEFINITION_BYTES, parse_xml
from engine.errors import EngineError
from engine.scripting import make_script_engine

UNVERIFIED = "[unverified]"
_TASK = "decide"
_PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="probe_defs" targetNamespace="tdkt">
  <bpmn:process id="probe" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="decide">
      <bpmn:extensionElements><spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


class RuleTableError(EngineError):
    """A decision table is missing or failed while evaluating (a table problem, not the user's input)."""

    code, status = "rule_table_error", 422


@dataclass(frozen=True)
class RuleHit:
    """One matched rule: its outputs and its description (the legal basis)."""

    decision: str
    rule_id: str
    outcome: str
    reason: str
    decided_by: str
    legal_basis: str

    @property
    def unverified(self) -> bool:
        return UNVERIFIED in self.legal_basis


@dataclass(frozen=True)
class LoadedDecision:
    decision_id: str
    source: str  # "deployed v3" or the shipped file name
    spec: BpmnProcessSpec


_cache: dict[tuple[str, ...], LoadedDecision] = {}
_lock = threading.Lock()


def rules_dir() -> Path:
    return load_settings().processes_dir / "rules"


def load_decision(session: Session, decision_id: str) -> LoadedDecision:
    """The latest deployed version of `decision_id`, else processes/rules/<decision_id>.dmn."""
    deployed = latest_definition(session, decision_id)
    if deployed is not None and deployed.kind == "dmn":
        # ids repeat across databases (and test databases) in one process: the content and version decide
        key: tuple[str, ...] = ("db", str(deployed.id), str(deployed.version), deployed.content_hash)
        return _cached(key, lambda: _build(decision_id, deployed.source, deployed.source_name,
                                           f"deployed v{deployed.version}"))
    path = rules_dir() / f"{decision_id}.dmn"
    try:
        stat = path.stat()
    except OSError:
        raise RuleTableError(f"no decision table {decision_id!r} (neither deployed nor in {path.parent})") from None
    if stat.st_size > MAX_DEFINITION_BYTES:
        raise RuleTableError(f"{path.name}: larger than {MAX_DEFINITION_BYTES} bytes")
    key = ("file", str(path), str(stat.st_mtime_ns), str(stat.st_size))
    return _cached(key, lambda: _build(decision_id, path.read_bytes(), path.name, path.name))


def _cached(key: tuple[str, ...], build: Any) -> LoadedDecision:
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = build()
        with _lock:
            _cache[key] = found
    return found


def _build(decision_id: str, source: bytes, source_name: str, label: str) -> LoadedDecision:
    parser = SpiffBpmnParser()
    try:
        parser.add_dmn_xml(parse_xml(source, source_name), filename=source_name)
        probe = _PROBE.format(decision=decision_id).encode()
        parser.add_bpmn_xml(parse_xml(probe, "probe.bpmn"), filename="probe.bpmn")
        spec = parser.get_spec("probe")
    except Exception as exc:  # a deployed table is validated; a shipped file may have been edited by hand
        raise RuleTableError(f"{source_name}: cannot read decision {decision_id!r}: {exc}") from exc
    return LoadedDecision(decision_id, label, spec)


def evaluate(decision: LoadedDecision, inputs: dict[str, Any]) -> list[RuleHit]:
    """Every rule of the table that matches `inputs`, in table order, with its outputs."""
    workflow = BpmnWorkflow(decision.spec, script_engine=make_script_engine())
    task = next(t for t in workflow.get_tasks() if t.task_spec.name == _TASK)
    task.data = dict(inputs)
    dmn_engine = task.task_spec.dmnEngine
    hits: list[RuleHit] = []
    try:
        for rule in dmn_engine.decide(task):
            out = rule.output_as_dict(task)
            hits.append(RuleHit(decision.decision_id, rule.id, str(out.get("outcome", "")),
                                str(out.get("reason", "")), str(out.get("decided_by", "") or ""),
                                " ".join((rule.description or "").split())))
    except Exception as exc:  # SpiffWorkflow wraps script errors; anything else is a table bug too
        raise RuleTableError(f"decision {decision.decision_id} ({decision.source}) failed: {exc}") from exc
    return hits


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def decision_from_source(decision_id: str, source: bytes, source_name: str) -> LoadedDecision:
    """A decision built from XML that is not deployed (the studio's test panel), exactly as deployed ones."""
    return _build(decision_id, source, source_name, source_name)


def matching_rules(decision: LoadedDecision, inputs: dict[str, Any]
                   ) -> tuple[list[tuple[str, int, dict[str, Any]]], dict[str, Any], str]:
    """Every rule matching `inputs` as (rule id, 1-based row, outputs), the decision's result as a business
    rule task would store it (per the hit policy), and the hit policy."""
    workflow = BpmnWorkflow(decision.spec, script_engine=make_script_engine())
    task = next(t for t in workflow.get_tasks() if t.task_spec.name == _TASK)
    task.data = dict(inputs)
    dmn_engine = task.task_spec.dmnEngine
    table = dmn_engine.decision_table
    rows = {rule.id: index + 1 for index, rule in enumerate(table.rules)}
    try:
        matches = [(rule.id, rows.get(rule.id, 0), rule.output_as_dict(task)) for rule in dmn_engine.decide(task)]
        return matches, dmn_engine.result(task), str(table.hit_policy)
    except Exception as exc:
        raise RuleTableError(f"decision {decision.decision_id} failed: {exc}") from exc
