"""XSD validation of BPMN and DMN trees, reporting every error (SpiffWorkflow reports only the last)."""

from __future__ import annotations

import threading
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS
from SpiffWorkflow.spiff.parser import VALIDATOR

from engine.definitions.problems import BPMN_NS, Problem, short_names

# lxml schema objects keep their error log on the object: one validation at a time per schema.
_SCHEMA_LOCK = threading.Lock()
# None: the schema SpiffWorkflow ships cannot be loaded (3.2.0's DMNDI12.xsd is the DI schema, so every
# DMN 1.2 file makes `add_dmn_xml` raise XMLSchemaParseError when a validator is set); skip XSD then.
_DMN_VALIDATORS: dict[str, BpmnValidator | None] = {}


def _namespace(root: Any) -> str:
    return etree.QName(root).namespace or ""


def _dmn_validator(namespace: str) -> BpmnValidator | None:
    """The cached XSD validator of a DMN version (call with _SCHEMA_LOCK held)."""
    if namespace not in _DMN_VALIDATORS:
        try:
            _DMN_VALIDATORS[namespace] = BpmnValidator(DMN_SCHEMAS[namespace])
        except (KeyError, etree.XMLSchemaParseError):
            _DMN_VALIDATORS[namespace] = None
    return _DMN_VALIDATORS[namespace]


def schema_problems(root: Any, filename: str) -> list[Problem]:
    """All XSD errors of a BPMN (SpiffWorkflow's VALIDATOR: BPMN 2.0 + spiffworkflow) or DMN document."""
    with _SCHEMA_LOCK:
        namespace = _namespace(root)
        validator = VALIDATOR if namespace == BPMN_NS else _dmn_validator(namespace)
        if validator is None:
            return []
        try:
            validator.validate(root, filename)
            return []
        except ValidationException as exc:
            log = validator.validator.error_log
            entries = [(e.line, e.message) for e in log if e.level_name != "WARNING"]
            entries = entries or [(exc.line_number or None, str(exc.args[0] if exc.args else exc))]
    elements = reversed(list(root.iter(etree.Element)))  # the first element on a line wins
    by_line = {el.sourceline: el.get("id") for el in elements if el.get("id")}
    return [Problem(filename, line, by_line.get(line), f"XML schema: {short_names(message).rstrip('. ')}")
            for line, message in entries]
