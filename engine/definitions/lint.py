"""Deploy-time lint: what SpiffWorkflow 3.2.0 would only find at run time, reported with file, line and id.

Works on our own lxml tree (it has `sourceline`). Task conventions are read through
`conventions.py` on a stand-in built exactly the way SpiffWorkflow builds `extensions` and `lane`,
so lint and run-time assignment read the same values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.spiff.parser.task_spec import SpiffTaskParser

from engine.definitions import conventions as conv
from engine.definitions import expressions as ex
from engine.definitions.problems import BPMN_NS, SPIFF_NS, Problem

NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
HUMAN_TASKS = ("userTask", "manualTask")
_SUBPROCESS_TAGS = {f"{{{BPMN_NS}}}{t}" for t in ("subProcess", "transaction", "adHocSubProcess")}
_KNOWN_SHOWN = 6

NO_ROLE_MESSAGE = "user task has no role: put it in a lane named by a role or set the candidateRole property"
EVENT_SUBPROCESS_MESSAGE = (
    "event subprocesses are not supported: SpiffWorkflow 3.2.0 mutates the shared process spec when one "
    "is triggered and a timer-start event subprocess keeps the process from completing; model deadlines "
    "and SLAs with boundary timer events on the tasks instead"
)


@dataclass
class TaskView:
    """What `conventions.py` reads from a task spec, taken from the XML the way SpiffWorkflow takes it."""

    extensions: dict[str, Any]
    lane: str | None


class _Collector:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []

    def add(self, element: Any, element_id: str | None, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.filename, line or element.sourceline, element_id, message))

    def findings(self, element: Any, element_id: str | None, what: str, findings: Iterable[ex.Finding],
                 *, text_lines: bool = True) -> None:
        """Place `(line in text, message)` findings: the text starts on the element's own line."""
        for line, message in findings:
            at = element.sourceline + line - 1 if (text_lines and line) else element.sourceline
            self.add(element, element_id, f"{what}: {message}", at)


def _known(values: Iterable[str]) -> str:
    shown = sorted(set(values))
    more = ", …" if len(shown) > _KNOWN_SHOWN else ""
    return ", ".join(shown[:_KNOWN_SHOWN]) + more if shown else "none"


def document_lanes(root: Any) -> dict[str, str | None]:
    """Lane name by flow node id, built like BpmnParser._add_diagram_indexes (the last flowNodeRef wins)."""
    lanes: dict[str, str | None] = {}
    for ref in root.xpath(".//bpmn:flowNodeRef", namespaces=NS):
        if ref.text is not None:
            lanes[ref.text] = ref.getparent().get("name")
    return lanes


def task_view(element: Any, lanes: dict[str, str | None]) -> TaskView:
    """Extensions and lane of a task element; a subprocess in a lane passes its lane to everything inside."""
    try:
        extensions = SpiffTaskParser._parse_extensions(element)
    except Exception:  # malformed extension elements: the XSD check reports them
        extensions = {}
    lane = None
    for ancestor in reversed(list(element.iterancestors())):  # outermost first, as the parsers nest
        if ancestor.tag in _SUBPROCESS_TAGS and lanes.get(ancestor.get("id")) is not None:
            lane = lanes[ancestor.get("id")]
            break
    return TaskView(extensions, lane if lane is not None else lanes.get(element.get("id")))


def _property_element(task: Any, name: str) -> Any:
    found = task.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property[@name=$n]",
                       namespaces=NS, n=name)
    return found[-1] if found else task


_NOT_OWNERS = ("EventDefinition", "LoopCharacteristics", "extensionElements", "properties")


def _owner(element: Any) -> Any:
    """The flow element (task, event, sequence flow) that a script, condition or timer belongs to."""
    node = element.getparent()
    while node is not None and (node.get("id") is None or node.tag.endswith(_NOT_OWNERS)):
        node = node.getparent()
    return node if node is not None else element


def lint_bpmn(root: Any, filename: str, *, forms: set[str] | None = None,
              roles: dict[str, str] | None = None) -> list[Problem]:
    """All lint problems of one BPMN document."""
    out = _Collector(filename)
    _lint_scripts(root, out)
    _lint_timers(root, out)
    lanes = document_lanes(root)
    for tag in HUMAN_TASKS:
        for task in root.xpath(f".//bpmn:{tag}", namespaces=NS):
            _lint_human_task(task, task_view(task, lanes), out, forms, roles)
    for sub in root.xpath(".//bpmn:subProcess[@triggeredByEvent='true' or @triggeredByEvent='1']",
                          namespaces=NS):
        out.add(sub, sub.get("id"), EVENT_SUBPROCESS_MESSAGE)
    return out.problems


def _lint_scripts(root: Any, out: _Collector) -> None:
    for task in root.xpath(".//bpmn:scriptTask", namespaces=NS):
        scripts = task.xpath("./bpmn:script", namespaces=NS)
        if not scripts:
            out.add(task, task.get("id"), "script task has no script")
        for script in scripts:
            out.findings(script, task.get("id"), "script", ex.check_script(script.text, "exec"))
    for kind in ("preScript", "postScript"):
        for script in root.xpath(f".//bpmn:extensionElements/spiffworkflow:{kind}", namespaces=NS):
            out.findings(script, _owner(script).get("id"), kind, ex.check_script(script.text, "exec"))
    eval_paths = {
        "condition": ".//bpmn:sequenceFlow/bpmn:conditionExpression",
        "conditional event condition": ".//bpmn:conditionalEventDefinition/bpmn:condition",
        "loop cardinality": ".//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality",
        "completion condition": ".//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition",
    }
    for what, path in eval_paths.items():
        for element in root.xpath(path, namespaces=NS):
            out.findings(element, _owner(element).get("id"), what,
                         ex.check_script(element.text, "eval"))


def _lint_timers(root: Any, out: _Collector) -> None:
    for definition in root.xpath(".//bpmn:timerEventDefinition", namespaces=NS):
        event = _owner(definition)
        values = [child for child in definition if child.tag in {f"{{{BPMN_NS}}}{k}" for k in ex.TIMER_KINDS}]
        if not values:
            out.add(definition, event.get("id"), "timer has no timeDate, timeDuration or timeCycle")
        for element in values:
            kind = element.tag.rsplit("}", 1)[1]
            out.findings(element, event.get("id"), kind, ex.check_timer(kind, element.text))


def _lint_human_task(task: Any, view: TaskView, out: _Collector,
                     forms: set[str] | None, roles: dict[str, str] | None) -> None:
    task_id = task.get("id")
    role = conv.task_role_name(view)
    if role is None:
        out.add(task, task_id, NO_ROLE_MESSAGE)
    elif roles is not None and conv.role_lookup_key(role) not in roles:
        from_property = (conv.task_properties(view).get("candidateRole") or "").strip() == role
        where = _property_element(task, "candidateRole") if from_property else task
        source = "candidateRole" if from_property else "lane"
        out.add(where, task_id, f"unknown role '{role}' ({source}); known roles: {_known(roles.values())}")

    scope = conv.task_unit_scope(view)
    if scope.startswith(conv.UNIT_SCOPE_KIND_PREFIX) and not scope[len(conv.UNIT_SCOPE_KIND_PREFIX):].strip():
        out.add(_property_element(task, "unitScope"), task_id,
                "unitScope 'kind:' needs a unit kind, e.g. 'kind:truong'")
    elif conv.is_unit_scope_expression(scope):
        out.findings(_property_element(task, "unitScope"), task_id, "unitScope expression",
                     ex.check_script(scope, "eval"), text_lines=False)

    form_key = conv.task_form_key(view)
    if forms is not None and form_key is not None and form_key not in forms:
        out.add(_property_element(task, "formKey"), task_id,
                f"unknown form '{form_key}'; known forms: {_known(forms)}")

    for name in conv.EXPRESSION_PROPERTIES:
        expression = conv.task_properties(view).get(name)
        if expression is not None and expression.strip():
            out.findings(_property_element(task, name), task_id, f"{name} expression",
                         ex.check_script(expression.strip(), "eval"), text_lines=False)

    due = conv.task_due_expression(view)
    if due is not None:
        out.findings(_property_element(task, "dueDate"), task_id, "dueDate", ex.check_due_date(due),
                     text_lines=False)
    reminder_days = conv.task_properties(view).get("reminderDays")
    problem = conv.reminder_days_problem(reminder_days) if reminder_days is not None else None
    if problem:
        out.add(_property_element(task, "reminderDays"), task_id, problem)


def lint_dmn(root: Any, filename: str) -> list[Problem]:
    """Lint DMN decision tables: input expressions, input entries (as evaluated), output entries."""
    out = _Collector(filename)
    ns = {"dmn": etree_namespace(root)}
    for table in root.xpath(".//dmn:decisionTable", namespaces=ns):
        inputs = []
        for input_element in table.xpath("./dmn:input", namespaces=ns):
            text = input_element.find("dmn:inputExpression/dmn:text", ns)
            expression = text.text if text is not None else None
            findings = ex.check_script(expression, "eval") if text is not None else []
            out.findings(text, input_element.get("id"), "input expression", findings)
            inputs.append(None if findings else expression)  # entries are then checked on their own
        for rule in table.xpath("./dmn:rule", namespaces=ns):
            for index, entry in enumerate(rule.xpath("./dmn:inputEntry", namespaces=ns)):
                text = entry.find("dmn:text", ns)
                if text is None or text.text is None or text.text == "-":  # what DMNEngine skips
                    continue
                subject = inputs[index] if index < len(inputs) else None
                out.findings(text, entry.get("id") or rule.get("id"), "input entry",
                             ex.check_dmn_input_entry(text.text, subject), text_lines=False)
            for entry in rule.xpath("./dmn:outputEntry", namespaces=ns):
                text = entry.find("dmn:text", ns)
                if text is not None and text.text:
                    out.findings(text, entry.get("id") or rule.get("id"), "output entry",
                                 ex.check_script(text.text, "eval"))
    return out.problems


def etree_namespace(root: Any) -> str:
    """The namespace of the root element (`{ns}local` → `ns`)."""
    tag = root.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""
