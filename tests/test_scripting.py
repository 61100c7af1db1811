"""The restricted script environment, exercised through real SpiffWorkflow workflows."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent
from typing import Any
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.scripting import (
    SCRIPT_HELPERS,
    ScriptBudgetExceeded,
    ScriptError,
    ScriptSecurityError,
    ScriptSyntaxError,
    describe_script_failure,
    evaluate_expression,
    make_script_engine,
    register_helper,
    script_problems,
)

DEFINITIONS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true">{body}</bpmn:process>
</bpmn:definitions>"""

DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="dmn" name="D" namespace="x">
  <decision id="grade" name="Grade">
    <decisionTable id="t" hitPolicy="UNIQUE">
      <input id="i1"><inputExpression id="ie1" typeRef="integer"><text>score</text></inputExpression></input>
      <output id="o1" name="grade" typeRef="string" />
      <rule id="r1"><inputEntry id="e1"><text>&gt;= 90</text></inputEntry>
        <outputEntry id="oe1"><text>'excellent'</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="e2"><text>&lt; 90</text></inputEntry>
        <outputEntry id="oe2"><text>label(score)</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""


def script_task(task_id: str, script: str, extra: str = "") -> tuple[str, str]:
    body = escape(dedent(script).strip())
    return task_id, (f'<bpmn:scriptTask id="{task_id}" name="{task_id}">{extra}'
                     f"<bpmn:script>{body}</bpmn:script></bpmn:scriptTask>")


def user_task(task_id: str, pre: str | None = None, post: str | None = None) -> tuple[str, str]:
    ext = "".join(f"<spiffworkflow:{tag}>{escape(text)}</spiffworkflow:{tag}>"
                  for tag, text in (("preScript", pre), ("postScript", post)) if text)
    ext = f"<bpmn:extensionElements>{ext}</bpmn:extensionElements>" if ext else ""
    return task_id, f'<bpmn:userTask id="{task_id}" name="{task_id}">{ext}</bpmn:userTask>'


def timer(task_id: str, expression: str) -> tuple[str, str]:
    return task_id, (f'<bpmn:intermediateCatchEvent id="{task_id}"><bpmn:timerEventDefinition>'
                     f"<bpmn:timeDuration>{escape(expression)}</bpmn:timeDuration>"
                     "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>")


def linear(*nodes: tuple[str, str]) -> str:
    """start → nodes… → end."""
    ids = ["start", *(node_id for node_id, _ in nodes), "end"]
    flows = "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
                    for i, (a, b) in enumerate(zip(ids, ids[1:], strict=False)))
    body = '<bpmn:startEvent id="start"/>' + "".join(xml for _, xml in nodes) + '<bpmn:endEvent id="end"/>'
    return DEFINITIONS.format(body=body + flows)


def gateway(condition: str) -> str:
    """start → gateway → `route = 'yes'` when `condition`, else (default) `route = 'no'`."""
    body = f"""
      <bpmn:startEvent id="start"/>
      <bpmn:exclusiveGateway id="gw" default="to_no"/>
      {script_task("yes", "route = 'yes'")[1]}
      {script_task("no", "route = 'no'")[1]}
      <bpmn:endEvent id="end_yes"/><bpmn:endEvent id="end_no"/>
      <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="gw"/>
      <bpmn:sequenceFlow id="to_yes" sourceRef="gw" targetRef="yes">
        <bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="to_no" sourceRef="gw" targetRef="no"/>
      <bpmn:sequenceFlow id="f1" sourceRef="yes" targetRef="end_yes"/>
      <bpmn:sequenceFlow id="f2" sourceRef="no" targetRef="end_no"/>"""
    return DEFINITIONS.format(body=body)


def workflow(xml: str, data: dict[str, Any] | None = None, engine: Any = None,
             dmn: str | None = None) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml.encode(), filename="test.bpmn")
    if dmn:
        parser.add_dmn_str(dmn.encode(), filename="test.dmn")
    wf = BpmnWorkflow(parser.get_spec("p"), parser.get_subprocess_specs("p"),
                      script_engine=engine or make_script_engine())
    if data:
        wf.get_next_task(state=TaskState.READY).data.update(data)  # the start event's data flows on
    return wf


def run(xml: str, data: dict[str, Any] | None = None, **kwargs: Any) -> BpmnWorkflow:
    wf = workflow(xml, data, **kwargs)
    wf.do_engine_steps()
    return wf


def fail(xml: str, data: dict[str, Any] | None = None, **kwargs: Any) -> WorkflowTaskException:
    wf = workflow(xml, data, **kwargs)
    with pytest.raises(WorkflowTaskException) as info:
        wf.do_engine_steps()
    exc = info.value
    str(exc)  # Spiff's own formatting must not crash (bug 4 in the notes)
    return exc


def finished_data(wf: BpmnWorkflow) -> dict[str, Any]:
    assert wf.completed
    return wf.last_task.data


@pytest.fixture
def helpers() -> Iterator[None]:
    before = dict(SCRIPT_HELPERS)
    yield
    SCRIPT_HELPERS.clear()
    SCRIPT_HELPERS.update(before)


# 1. What scripts may do ---------------------------------------------------------------------------

def test_script_task_computes_with_ordinary_python() -> None:
    script = """
        squares = [n * n for n in numbers if n % 2]
        total = 0
        for n in numbers:
            total += n
        doc['status'] = 'checked'
        doc['count'] += len(numbers)
        tags.append('seen')
        first, *rest = numbers
        pairs = {k: v for k, v in zip('abc', numbers)}
        label = f"{doc['title'].upper()} – {total:,} ({len(rest)} more)"
        day = '2024-05-17'[:7]
        def double(x):
            return x * 2
        doubled = sorted(map(lambda x: double(x), numbers), reverse=True)
        biggest = max(numbers)
        i = 0
        while i < 3:
            i += 1
        print('debug output goes nowhere')
        gen = (n for n in numbers)
        keys = doc.keys()
        try:
            oops = 1 / 0
        except ZeroDivisionError as err:
            caught = err
    """
    data = {"numbers": [1, 2, 3, 4, 5], "doc": {"title": "Hồ sơ", "count": 1}, "tags": []}
    result = finished_data(run(linear(script_task("s", script)), data))
    assert result["squares"] == [1, 9, 25]
    assert result["total"] == 15
    assert result["doc"] == {"title": "Hồ sơ", "count": 6, "status": "checked"}
    assert result["tags"] == ["seen"]
    assert (result["first"], result["rest"]) == (1, [2, 3, 4, 5])
    assert result["pairs"] == {"a": 1, "b": 2, "c": 3}
    assert result["label"] == "HỒ SƠ – 15 (4 more)"
    assert result["day"] == "2024-05"
    assert result["doubled"] == [10, 8, 6, 4, 2]
    assert (result["biggest"], result["i"]) == (5, 3)
    # functions, generators, the print collector and our builtins are not left in task data
    for name in ("double", "gen", "keys", "caught", "_print", "__builtins__", "len", "_getiter_"):
        assert name not in result
    json.dumps(result)


def test_gateway_condition_routes() -> None:
    assert finished_data(run(gateway("amount > 100"), {"amount": 150}))["route"] == "yes"
    assert finished_data(run(gateway("amount > 100"), {"amount": 50}))["route"] == "no"
    wf = run(gateway("any(x['ok'] for x in items)"), {"items": [{"ok": False}]})
    assert finished_data(wf)["route"] == "no"


def test_timer_expression_is_evaluated() -> None:
    wf = run(linear(timer("t", "'PT1H'")))
    waiting = [t for t in wf.get_tasks(state=TaskState.WAITING) if t.task_spec.bpmn_id == "t"]
    assert len(waiting) == 1
    assert waiting[0]._get_internal_data("event_value")  # due instant computed from 'PT1H'


def test_helper_registered_after_engine_creation_is_visible(helpers: None) -> None:
    engine = make_script_engine()

    @register_helper("timer_for")
    def _timer_for(hours: int) -> str:
        return f"PT{hours}H"

    @register_helper()
    def is_big(value: float) -> bool:
        return value > 1000

    result = finished_data(run(linear(script_task("s", "big = is_big(amount)\nspan = timer_for(2)")),
                               {"amount": 5000}, engine=engine))
    assert (result["big"], result["span"]) == (True, "PT2H")
    assert "is_big" not in result and "timer_for" not in result
    assert finished_data(run(gateway("is_big(amount)"), {"amount": 5000}, engine=engine))["route"] == "yes"
    wf = run(linear(timer("t", "timer_for(3)")), engine=engine)
    assert [t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.WAITING)] == ["t"]
    # task data shadows a helper of the same name, as a local name shadows a builtin in Python
    wf = run(linear(script_task("s", "x = is_big")), {"is_big": "data"}, engine=engine)
    assert finished_data(wf)["x"] == "data"


def test_system_exit_cannot_leave_a_script(helpers: None) -> None:
    @register_helper("leave")
    def _leave() -> None:
        raise SystemExit(0)

    exc = fail(linear(script_task("s", "a = 1\nleave()")))
    assert isinstance(exc.__cause__, ScriptSecurityError)
    assert describe_script_failure(exc) == ("raising SystemExit is not allowed in scripts (line 2)", 2)


def test_helper_names_must_be_usable() -> None:
    with pytest.raises(ValueError):
        register_helper("_hidden")(lambda: 0)
    with pytest.raises(ValueError):
        register_helper("len")(lambda: 0)


def test_pre_and_post_scripts_on_user_task() -> None:
    wf = run(linear(user_task("u", pre="pre = base * 2", post="post = pre + answer")), {"base": 21})
    task = wf.get_next_task(state=TaskState.READY)
    assert task.task_spec.bpmn_id == "u"
    assert task.data["pre"] == 42
    task.data["answer"] = 1
    task.run()
    wf.do_engine_steps()
    assert finished_data(wf)["post"] == 43


def test_multi_instance_cardinality_and_dmn_cells(helpers: None) -> None:
    mi = ('<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
          "<bpmn:loopCardinality>rounds</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>")
    wf = run(linear(script_task("s", "hits = hits + 1", extra=mi)), {"rounds": 3, "hits": 0})
    assert finished_data(wf)["hits"] == 3
    assert len([t for t in wf.get_tasks() if t.task_spec.name == "s [child]"]) == 3

    register_helper("label")(lambda score: "good" if score >= 70 else "weak")
    rule = ("b", '<bpmn:businessRuleTask id="b"><bpmn:extensionElements><spiffworkflow:calledDecisionId>'
                 "grade</spiffworkflow:calledDecisionId></bpmn:extensionElements></bpmn:businessRuleTask>")
    assert finished_data(run(linear(rule), {"score": 95}, dmn=DMN))["grade"] == "excellent"
    assert finished_data(run(linear(rule), {"score": 75}, dmn=DMN))["grade"] == "good"


# 2. Escapes ---------------------------------------------------------------------------------------

ESCAPES = [
    "__import__('os').system('touch {marker}')",
    "import os\nos.system('touch {marker}')",
    "from os import system\nsystem('touch {marker}')",
    "open('{marker}', 'w').write('x')",
    "secret = open('/etc/passwd').read()",
    "found = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen']",
    "cls = getattr(x, '__class__')",
    "g = (lambda: 0).__globals__",
    "eval(\"__import__('os').system('touch {marker}')\")",
    "exec(\"__import__('os').system('touch {marker}')\")",
    "class Evil:\n    pass",
    "t = type(x)",
    "walk = type(x).mro()[1]",
    "base = str.mro()[-1]",
    "code = '{{0.__class__}}'.format(x)",
    "fmt = str.format('{{0.__class__}}', x)",
    "f = (n for n in [1]).gi_frame",
    "raise SystemExit(1)",
]


@pytest.mark.parametrize("escape_script", ESCAPES)
def test_escape_is_blocked_in_script_task(escape_script: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    script = "before = 1\n" + escape_script.format(marker=marker)
    exc = fail(linear(script_task("s", script)), {"x": 1})
    expected = NameError if "SystemExit" in script else ScriptSecurityError  # scripts have no SystemExit
    assert isinstance(exc.__cause__, expected), exc.__cause__
    assert exc.line_number is not None and exc.line_number >= 2
    if script_problems(script):  # refused when compiled (and at deploy time): not one line ran
        assert "before" not in exc.task.data
    assert exc.task.state == TaskState.ERROR
    assert not marker.exists()


def test_escape_in_gateway_condition_is_blocked(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    exc = fail(gateway(f"__import__('os').system('touch {marker}') == 0"))
    assert isinstance(exc.__cause__, ScriptSecurityError)
    assert "__import__" in str(exc)
    assert exc.line_number == 1
    assert not marker.exists()
    exc = fail(gateway("open('/etc/passwd').read() != ''"))
    assert isinstance(exc.__cause__, ScriptSecurityError)
    assert "open() is not allowed" in str(exc)


def test_escape_in_timer_expression_is_blocked(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    exc = fail(linear(timer("t", f"__import__('os').system('touch {marker}')")))
    assert isinstance(exc.__cause__, ScriptSecurityError)
    assert not marker.exists()
    exc = fail(linear(timer("t", "type(x).mro()")), {"x": 1})
    assert isinstance(exc.__cause__, ScriptSecurityError)


# 3. Runaway scripts -------------------------------------------------------------------------------

RUNAWAYS = [
    ("while True: pass", "ran longer than 1.0 s", 1),
    ("x = 0\nwhile x >= 0:\n    x += 1", "ran longer than 1.0 s", 3),
    ("n = sum(1 for i in range(10**6) for j in range(10**6))", "ran longer than 1.0 s", 1),
    ("a = 1\nn = sum(range(10**12))", "range() of 1,000,000,000,000 elements refused", 2),
    ("big = 10**10**8", "refused", 1),
    ("def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\ntry:\n    f(60)\nexcept Exception:\n    pass",
     "ran longer than 1.0 s", None),
    ("while True:\n    try:\n        while True: pass\n    except Exception:\n        pass",
     "ran longer than 1.0 s", None),
]


@pytest.mark.parametrize(("script", "says", "line"), RUNAWAYS)
def test_runaway_script_is_stopped_and_worker_keeps_serving(script: str, says: str, line: int | None) -> None:
    engine = make_script_engine()
    started = time.monotonic()
    exc = fail(linear(script_task("s", script)), engine=engine)
    assert time.monotonic() - started < 2.0
    assert isinstance(exc.__cause__, ScriptBudgetExceeded)
    assert says in str(exc)
    if line is not None:
        assert exc.line_number == line
    # the same engine serves the next workflow at once
    started = time.monotonic()
    assert finished_data(run(linear(script_task("s", "ok = sum(range(10))")), engine=engine))["ok"] == 45
    assert time.monotonic() - started < 0.5


def test_runaway_in_worker_thread_does_not_disturb_other_threads() -> None:
    engine = make_script_engine(budget_seconds=0.5)
    errors: list[BaseException] = []

    def runaway() -> None:
        try:
            run(linear(script_task("s", "while True: pass")), engine=engine)
        except WorkflowTaskException as exc:
            errors.append(exc)

    worker = threading.Thread(target=runaway)
    worker.start()
    for _ in range(20):  # meanwhile this thread keeps running short scripts under its own budgets
        assert finished_data(run(linear(script_task("s", "ok = 1")), engine=engine))["ok"] == 1
    worker.join(5)
    assert not worker.is_alive()
    assert len(errors) == 1 and isinstance(errors[0].__cause__, ScriptBudgetExceeded)


def test_nested_runs_share_the_outer_budget(helpers: None) -> None:
    @register_helper("slow_inner")
    def _slow_inner() -> int:
        slow = "sum(1 for i in range(10**6) for j in range(10**6))"
        return evaluate_expression(slow, {}, budget_seconds=60)

    started = time.monotonic()
    with pytest.raises(ScriptBudgetExceeded):
        evaluate_expression("slow_inner()", {}, budget_seconds=0.3)
    assert time.monotonic() - started < 1.0


def test_oversized_results_are_refused() -> None:
    for expression in ("'ab' * 10**8", "[0] * (10**10)", "1 << 10**9", "pow(10, 10**8)", "2**2**30"):
        with pytest.raises(ScriptBudgetExceeded):
            evaluate_expression(expression, {})
    assert evaluate_expression("pow(3, 10**8, 7) + 2**10 + len('ab' * 3)", {}) == pow(3, 10**8, 7) + 1030


# 4. Error details ---------------------------------------------------------------------------------

def test_runtime_error_reports_line_and_type() -> None:
    exc = fail(linear(script_task("s", "a = 1\nb = 0\nc = a / b\nd = 4")))
    assert exc.line_number == 3
    assert exc.error_line == "c = a / b"
    assert exc.error_type == "ZeroDivisionError"
    assert exc.task.state == TaskState.ERROR
    assert exc.task.task_spec.bpmn_id == "s"
    message, line = describe_script_failure(exc)
    assert line == 3
    assert "ZeroDivisionError" in message and "line 3" in message


def test_name_error_suggests_the_data_name() -> None:
    exc = fail(linear(script_task("s", "x = 1\ntotal = amout + 1")), {"amount": 1})
    assert exc.line_number == 2
    message, line = describe_script_failure(exc)
    assert line == 2
    assert "name 'amout' is not defined" in message and "amount" in message


def test_unusual_exceptions_do_not_break_spiff_error_formatting() -> None:
    for script, kind in (("raise NameError('custom words')", "NameError"),
                         ("raise SyntaxError('no line number')", "SyntaxError"),
                         ("raise ValueError(42)", "ValueError"),
                         ("x = 'a' + 1", "TypeError"),
                         ("raise KeyError", "KeyError")):
        exc = fail(linear(script_task("s", script)))
        assert exc.line_number == 1
        assert kind in describe_script_failure(exc)[0]


def test_syntax_error_in_workflow_and_at_deploy_time() -> None:
    exc = fail(linear(script_task("s", "a = 1\nb = (\nc = 3")))
    assert isinstance(exc.__cause__, ScriptSyntaxError)
    assert exc.line_number == 2
    assert "syntax error" in str(exc)
    assert script_problems("a = 1\nb = (\nc = 3") == [(2, "syntax error: '(' was never closed")]
    assert script_problems("x = 1\nif x:\n    y = 2") == []
    assert script_problems("amount > 100", "eval") == []
    assert script_problems("x = 1", "eval")[0][0] == 1


def test_deploy_time_lint_refuses_what_run_time_refuses() -> None:
    problems = script_problems("a = 1\nimport os\nb = a.__class__\nclass A: pass")
    assert [line for line, _ in problems] == [2, 3, 4]
    assert "import" in problems[0][1] and "__class__" in problems[1][1] and "class" in problems[2][1]
    assert script_problems("eval('1')")[0] == (1, "Eval calls are not allowed")
    assert script_problems("__import__('os')", "eval")[0][0] == 1
    assert script_problems("return 1") == [(1, "syntax error: 'return' outside function")]
    assert script_problems("x = " + "-" * 100_000 + "1")[0][1].startswith("syntax error")


def test_error_in_pre_script_names_it() -> None:
    exc = fail(linear(user_task("u", pre="x = 1 / 0")))
    message, line = describe_script_failure(exc)
    assert line == 1 and "ZeroDivisionError" in message and "Pre-Script" in message


def test_describe_script_failure_for_plain_exceptions() -> None:
    assert describe_script_failure(ScriptBudgetExceeded("script ran longer than 1.0 s", 3)) == (
        "script ran longer than 1.0 s (stopped at line 3)", 3)
    assert describe_script_failure(ValueError("bad")) == ("ValueError: bad", None)


# 5. Serialization ---------------------------------------------------------------------------------

def test_continue_after_serialization_with_reattached_engine(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    xml = linear(script_task("s1", "prepared = [n * 2 for n in numbers]\ndef f(): pass\ngen = iter"),
                 user_task("u", post="reviewed = True"),
                 script_task("s2", "total = sum(prepared) + extra"),
                 script_task("s3", f"__import__('os').system('touch {marker}')"))
    wf = run(xml, {"numbers": [1, 2, 3]})
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    state = serializer.serialize_json(wf)
    restored = serializer.deserialize_json(state)
    restored.script_engine = make_script_engine()
    task = restored.get_next_task(state=TaskState.READY)
    assert task.task_spec.bpmn_id == "u"
    task.data["extra"] = 100
    task.run()
    with pytest.raises(WorkflowTaskException) as info:
        restored.do_engine_steps()
    assert isinstance(info.value.__cause__, ScriptSecurityError)
    assert info.value.task.task_spec.bpmn_id == "s3"
    assert info.value.task.data["total"] == 112 and info.value.task.data["reviewed"] is True
    assert not marker.exists()
    serializer.serialize_json(restored)  # data left by scripts stays serializable


# 6. Expressions outside a task --------------------------------------------------------------------

def test_evaluate_expression_with_data_and_helper(helpers: None) -> None:
    register_helper("unit_of")(lambda code: f"unit-{code}")
    data = {"case_unit": "A1", "level": 2}
    assert evaluate_expression("unit_of(case_unit) if level > 1 else 'root'", data) == "unit-A1"
    assert evaluate_expression("[d['n'] for d in rows if d['n'] > 1]", {"rows": [{"n": 1}, {"n": 2}]}) == [2]
    data = {"x": 1}
    evaluate_expression("x + 1", data)
    assert data == {"x": 1}


def test_evaluate_expression_failures_are_script_errors(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    with pytest.raises(ScriptSecurityError):
        evaluate_expression(f"__import__('os').system('touch {marker}')", {})
    with pytest.raises(ScriptSecurityError):
        evaluate_expression("open('/etc/passwd').read()", {})
    assert not marker.exists()
    with pytest.raises(ScriptError) as info:
        evaluate_expression("missing + 1", {})
    assert info.value.message == "NameError: name 'missing' is not defined (line 1)"
    assert info.value.line == 1
    with pytest.raises(ScriptSyntaxError):
        evaluate_expression("x = 1", {})
    with pytest.raises(ScriptBudgetExceeded) as budget:
        evaluate_expression("sum(1 for i in range(10**6) for j in range(10**6))", {}, budget_seconds=0.2)
    assert budget.value.message == "script ran longer than 0.2 s (stopped at line 1)"
