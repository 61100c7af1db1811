"""Validation of BPMN/DMN definitions: real SpiffWorkflow, real lxml, fixtures in tests/fixtures/bpmn/."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import VALIDATOR
from SpiffWorkflow.util.task import TaskState

from engine.definitions.conventions import role_lookup_key, task_role_name
from engine.definitions.lint import NS, document_lanes, task_view
from engine.definitions.problems import DefinitionError, Problem
from engine.definitions.validation import Catalogues, ParsedBundle, SourceFile, parse_sources, validate_files
from engine.definitions.xml_safety import DOCTYPE_MESSAGE, MAX_DEFINITION_BYTES, parse_xml

FIXTURES = Path(__file__).parent / "fixtures" / "bpmn"
BPMN_NAME = "valid_review.bpmn"
DMN_NAME = "valid_rule.dmn"
VALID_BPMN = (FIXTURES / BPMN_NAME).read_text(encoding="utf-8")
VALID_DMN = (FIXTURES / DMN_NAME).read_text(encoding="utf-8")
ROLES = {
    role_lookup_key(name): code
    for name, code in [("giao_vien", "giao_vien"), ("Giáo viên", "giao_vien"),
                       ("hieu_truong", "hieu_truong"), ("Hiệu trưởng", "hieu_truong")]
}
CATALOGUES = Catalogues(forms={"dang_ky"}, roles=ROLES)
HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
          'id="D" targetNamespace="http://example.org">\n')


def variant(*replacements: tuple[str, str], base: str = VALID_BPMN) -> str:
    """The valid process with text replaced; every `old` must be present (guards against fixture drift)."""
    text = base
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def line_with(text: str, needle: str, nth: int = 1) -> int:
    """1-based line number of the nth line containing `needle`."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) >= nth, needle
    return hits[nth - 1]


def problems_of(bpmn: str, dmn: str | None = VALID_DMN, catalogues: Catalogues | None = CATALOGUES,
                extra: list[SourceFile] | None = None) -> list[Problem]:
    files = [SourceFile(BPMN_NAME, bpmn.encode())]
    if dmn is not None:
        files.append(SourceFile(DMN_NAME, dmn.encode()))
    with pytest.raises(DefinitionError) as info:
        parse_sources(files, catalogues, extra=extra or [])
    assert str(info.value) == "\n".join(str(p) for p in info.value.problems)
    return info.value.problems


def passes(bpmn: str, dmn: str = VALID_DMN, catalogues: Catalogues | None = CATALOGUES) -> ParsedBundle:
    files = [SourceFile(BPMN_NAME, bpmn.encode()), SourceFile(DMN_NAME, dmn.encode())]
    return parse_sources(files, catalogues)


def where(problem: Problem) -> tuple[str, int | None, str | None]:
    return problem.file, problem.line, problem.element_id


def only(problems: list[Problem], element_id: str | None) -> Problem:
    found = [p for p in problems if p.element_id == element_id]
    assert len(found) == 1, problems
    return found[0]


def assert_refused(data: bytes, *, secret: str | None = None, message: str = DOCTYPE_MESSAGE) -> Problem:
    with pytest.raises(DefinitionError) as info:
        parse_xml(data, "evil.bpmn")
    assert [p.file for p in info.value.problems] == ["evil.bpmn"]
    assert any(message in p.message for p in info.value.problems), info.value.problems
    with pytest.raises(DefinitionError) as through_validation:
        parse_sources([SourceFile("evil.bpmn", data)], CATALOGUES)
    if secret is not None:
        for error in (info.value, through_validation.value):
            assert secret not in str(error) and secret not in repr(error.problems)
    return info.value.problems[0]


# --- the valid fixture -------------------------------------------------------------------------

def test_valid_fixture_passes_and_runs() -> None:
    bundle = passes(VALID_BPMN)
    assert isinstance(bundle, ParsedBundle)
    assert bundle.processes == {"valid_review": BPMN_NAME}
    assert bundle.decisions == {"xep_loai_decision": DMN_NAME}
    assert set(bundle.roots) == {BPMN_NAME, DMN_NAME}
    assert bundle.parser.validator is VALIDATOR
    spec = bundle.parser.get_spec("valid_review")
    assert spec.task_specs["duyet"].lane == "Hiệu trưởng"
    workflow = BpmnWorkflow(spec, bundle.parser.get_subprocess_specs("valid_review"))
    workflow.do_engine_steps()
    workflow.get_next_task(state=TaskState.READY).run()  # dang_ky → script → DMN → gateway
    workflow.do_engine_steps()
    assert [t.task_spec.name for t in workflow.get_tasks(state=TaskState.READY)] == ["duyet"]


def test_valid_files_on_disk_and_without_catalogues() -> None:
    assert validate_files([FIXTURES / BPMN_NAME, FIXTURES / DMN_NAME], CATALOGUES) == []
    assert validate_files([str(FIXTURES / BPMN_NAME), str(FIXTURES / DMN_NAME)]) == []


def test_problem_format() -> None:
    assert str(Problem("a.bpmn", 12, "task_1", "boom")) == "a.bpmn:12: task_1: boom"
    assert str(Problem("a.bpmn", None, None, "boom")) == "a.bpmn:?: -: boom"
    error = DefinitionError([Problem("a", 1, "x", "m1"), Problem("b", None, None, "m2")])
    assert str(error) == "a:1: x: m1\nb:?: -: m2"


def test_dmn_12_and_bpmn_in_any_order() -> None:
    dmn12 = VALID_DMN.replace("https://www.omg.org/spec/DMN/20191111/MODEL/", "http://www.omg.org/spec/DMN/20180521/MODEL/")
    bundle = parse_sources([SourceFile(DMN_NAME, dmn12.encode()), SourceFile(BPMN_NAME, VALID_BPMN.encode())],
                           CATALOGUES)
    assert bundle.decisions == {"xep_loai_decision": DMN_NAME}


# --- structure -----------------------------------------------------------------------------------

def test_malformed_xml_reports_its_line() -> None:
    bpmn = variant(('<bpmn:incoming>f2</bpmn:incoming>', '<bpmn:incoming>f2</bpmn:incomin>'))
    [problem] = problems_of(bpmn)
    assert where(problem) == (BPMN_NAME, line_with(bpmn, "</bpmn:incomin>"), None)
    assert problem.message.startswith("malformed XML: ")


def test_xsd_violation_reports_every_error_with_line() -> None:
    bpmn = variant(
        ('<bpmn:scriptTask id="tinh_diem"', '<bpmn:fooTask id="foo" />\n<bpmn:scriptTask id="tinh_diem"'),
        ('isExecutable="true"', 'isExecutable="maybe"'))
    problems = problems_of(bpmn)
    foo = only(problems, "foo")
    assert (foo.file, foo.line) == (BPMN_NAME, line_with(bpmn, "fooTask"))
    assert "bpmn:fooTask" in foo.message and "{http" not in foo.message
    flag = only(problems, "valid_review")
    assert flag.line == line_with(bpmn, "isExecutable") and "isExecutable" in flag.message


def test_sequence_flow_to_missing_node() -> None:
    bpmn = variant(('targetRef="end_duyet"', 'targetRef="khong_ton_tai"'))
    [problem] = problems_of(bpmn)
    assert where(problem) == (BPMN_NAME, line_with(bpmn, "khong_ton_tai"), "f5")
    assert "'khong_ton_tai'" in problem.message and "targetRef" in problem.message


def test_sequence_flow_from_missing_node_is_reported_too() -> None:
    # SpiffWorkflow silently ignores this one.
    bpmn = variant(('sourceRef="duyet" targetRef="end_duyet"', 'sourceRef="ma" targetRef="end_duyet"'))
    problem = only(problems_of(bpmn), "f5")
    assert problem.line == line_with(bpmn, 'sourceRef="ma"') and "sourceRef" in problem.message


def test_missing_start_event() -> None:
    bpmn = variant(('<bpmn:startEvent id="start">', '<bpmn:task id="start">'),
                   ("</bpmn:startEvent>", "</bpmn:task>"))
    problem = only(problems_of(bpmn), "valid_review")
    assert (problem.file, problem.line) == (BPMN_NAME, line_with(bpmn, '<bpmn:process id="valid_review"'))
    assert problem.message == "process has no start event"


def test_missing_dmn_decision() -> None:
    bpmn = variant((">xep_loai_decision<", ">khong_co_quyet_dinh<"))
    [problem] = problems_of(bpmn)
    assert (problem.file, problem.line, problem.element_id) == (
        BPMN_NAME, line_with(bpmn, "khong_co_quyet_dinh"), "xep_loai")
    assert "'khong_co_quyet_dinh'" in problem.message and "xep_loai_decision" in problem.message


def test_missing_dmn_file() -> None:
    [problem] = problems_of(VALID_BPMN, dmn=None)
    assert where(problem) == (BPMN_NAME, line_with(VALID_BPMN, "calledDecisionId>"), "xep_loai")


CALL = ('<bpmn:callActivity id="goi_con" calledElement="{callee}">\n'
        '      <bpmn:incoming>f2</bpmn:incoming>\n      <bpmn:outgoing>f2b</bpmn:outgoing>\n'
        '    </bpmn:callActivity>\n'
        '    <bpmn:sequenceFlow id="f2b" sourceRef="goi_con" targetRef="tinh_diem" />\n'
        '    <bpmn:scriptTask id="tinh_diem"')
CALLEE = HEADER + """  <bpmn:process id="quy_trinh_con" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>a</bpmn:outgoing></bpmn:startEvent>
    <bpmn:endEvent id="e"><bpmn:incoming>a</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="a" sourceRef="s" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_call_activity_callee_missing_or_deployed() -> None:
    calling = lambda callee: variant(  # noqa: E731
        ('targetRef="tinh_diem"', 'targetRef="goi_con"'),
        ('<bpmn:scriptTask id="tinh_diem"', CALL.format(callee=callee)))
    bpmn = calling("khong_co")
    [problem] = problems_of(bpmn)
    assert (problem.line, problem.element_id) == (line_with(bpmn, 'calledElement="khong_co"'), "goi_con")
    assert "'khong_co'" in problem.message
    files = [SourceFile(BPMN_NAME, calling("quy_trinh_con").encode()),
             SourceFile(DMN_NAME, VALID_DMN.encode())]
    bundle = parse_sources(files, CATALOGUES, extra=[SourceFile("con.bpmn", CALLEE.encode())])
    assert bundle.processes == {"valid_review": BPMN_NAME}  # extra files are available, not deployed
    assert "quy_trinh_con" in bundle.parser.get_subprocess_specs("valid_review")


def test_file_without_executable_process_and_duplicate_ids() -> None:
    lonely = CALLEE.replace('isExecutable="true"', 'isExecutable="false"')
    with pytest.raises(DefinitionError) as info:
        parse_sources([SourceFile("con.bpmn", lonely.encode())])
    [problem] = info.value.problems
    assert (problem.file, problem.line) == ("con.bpmn", 2) and "no executable process" in problem.message
    with pytest.raises(DefinitionError) as info:
        parse_sources([SourceFile("a.bpmn", CALLEE.encode()), SourceFile("b.bpmn", CALLEE.encode())])
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.element_id) == ("b.bpmn", 3, "quy_trinh_con")
    assert "also defined in a.bpmn" in problem.message


def test_not_bpmn_or_dmn() -> None:
    with pytest.raises(DefinitionError) as info:
        parse_sources([SourceFile("page.html", b"<html>\n<body/></html>")])
    assert [(p.file, p.line, p.message) for p in info.value.problems] == [
        ("page.html", 1, "not a BPMN or DMN file (root element is html)")]


# --- scripts and expressions ---------------------------------------------------------------------

def test_script_syntax_error_points_at_the_script_line() -> None:
    bpmn = variant(("ghi_chu = 'ok'</bpmn:script>", "ghi_chu = 'ok'\ntong = (diem +\n</bpmn:script>"))
    [problem] = problems_of(bpmn)
    assert where(problem) == (BPMN_NAME, line_with(bpmn, "tong = (diem +"), "tinh_diem")
    assert problem.message.startswith("script: ") and "syntax" in problem.message.lower()


def test_import_in_condition_is_refused() -> None:
    bpmn = variant(("xep_loai_ket_qua == 'tot'", "__import__('os').system('id') == 0"))
    [problem] = problems_of(bpmn)
    assert (problem.line, problem.element_id) == (line_with(bpmn, "__import__"), "f_dat")
    assert problem.message.startswith("condition: ") and "__import__" in problem.message


def test_pre_script_problem() -> None:
    bpmn = variant(('<spiffworkflow:properties>\n          <spiffworkflow:property name="unitScope"',
                    '<spiffworkflow:preScript>x = __builtins__</spiffworkflow:preScript>\n'
                    '        <spiffworkflow:properties>\n          <spiffworkflow:property name="unitScope"'))
    [problem] = problems_of(bpmn)
    assert (problem.line, problem.element_id) == (line_with(bpmn, "preScript"), "duyet")
    assert problem.message.startswith("preScript: ")


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("timeDuration", "P10D", "timer value must be a quoted string, e.g. 'P10D'"),
    ("timeDuration", "'10 days'", "invalid ISO 8601 duration '10 days'"),
    ("timeDate", "'2025-05-20T17:00:00'", "has no UTC offset"),
    ("timeDate", "'2025-05-20'", "has no UTC offset"),
    ("timeDate", "'P3D'", "is a duration, not a date-time"),
    ("timeDate", "2025-05-20T17:00:00+07:00", "timer value must be a quoted string"),
    ("timeCycle", "R3/PT1H", "timer value must be a quoted string"),
    ("timeCycle", "'R3/every hour'", "invalid ISO 8601 repeating interval"),
    ("timeCycle", "'R2/2025-05-20T08:00:00/PT1H'", "has no UTC offset"),
    ("timeDuration", "3", "must be an ISO 8601 string"),
    ("timeDuration", "milestone(", "syntax"),
])
def test_bad_timer_values(kind: str, value: str, expected: str) -> None:
    bpmn = variant(("<bpmn:timeDuration>'P3D'</bpmn:timeDuration>", f"<bpmn:{kind}>{value}</bpmn:{kind}>"))
    [problem] = problems_of(bpmn)
    assert where(problem) == (BPMN_NAME, line_with(bpmn, f"<bpmn:{kind}>"), "het_han")
    assert problem.message.startswith(f"{kind}: ") and expected.lower() in problem.message.lower()


@pytest.mark.parametrize(("kind", "value"), [
    ("timeDate", "'2025-05-20T17:00:00+07:00'"), ("timeDate", "'2025-05-20T10:00:00Z'"),
    ("timeDuration", "'PT4H'"), ("timeDuration", "'P1DT12H'"), ("timeDuration", "han_xu_ly"),
    ("timeCycle", "'R3/PT1H'"), ("timeCycle", "'R/P1D'"),
    ("timeDate", "milestone('nop_ho_so')"),
])
def test_good_timer_values(kind: str, value: str) -> None:
    passes(variant(("<bpmn:timeDuration>'P3D'</bpmn:timeDuration>", f"<bpmn:{kind}>{value}</bpmn:{kind}>")))


def test_due_date_literal_and_expression() -> None:
    bpmn = variant(("'2025-05-20T17:00:00+07:00'", "'2025-05-20 17:00'"))
    [problem] = problems_of(bpmn)
    assert (problem.line, problem.element_id) == (line_with(bpmn, 'name="dueDate"'), "dang_ky")
    assert problem.message.startswith("dueDate: ") and "no UTC offset" in problem.message
    passes(variant(("'2025-05-20T17:00:00+07:00'", "working_days_before(milestone('nop_ho_so'), 3)")))


# --- user tasks ----------------------------------------------------------------------------------

def test_unknown_role_from_lane_and_from_property() -> None:
    bpmn = variant(('name="Hiệu trưởng"', 'name="Hiệu phó"'))
    [problem] = problems_of(bpmn)
    assert where(problem) == (BPMN_NAME, line_with(bpmn, '<bpmn:userTask id="duyet"'), "duyet")
    assert "unknown role 'Hiệu phó'" in problem.message and "giao_vien, hieu_truong" in problem.message
    bpmn = variant(('<spiffworkflow:property name="unitScope" value="case" />',
                    '<spiffworkflow:property name="candidateRole" value="thu_ky" />'))
    [problem] = problems_of(bpmn)
    assert (problem.line, problem.element_id) == (line_with(bpmn, "candidateRole"), "duyet")
    assert "unknown role 'thu_ky' (candidateRole)" in problem.message


def test_role_by_label_is_case_and_space_insensitive() -> None:
    passes(variant(('name="Hiệu trưởng"', 'name="  hiệu   TRƯỞNG "')))


def test_missing_role() -> None:
    bpmn = variant(("<bpmn:flowNodeRef>duyet</bpmn:flowNodeRef>", ""))
    [problem] = problems_of(bpmn)
    assert (problem.line, problem.element_id) == (line_with(bpmn, '<bpmn:userTask id="duyet"'), "duyet")
    assert problem.message == ("user task has no role: put it in a lane named by a role or set the "
                               "candidateRole property")


def test_unknown_form_key() -> None:
    bpmn = variant(('value="dang_ky"', 'value="dang_ki"'))
    [problem] = problems_of(bpmn)
    assert (problem.line, problem.element_id) == (line_with(bpmn, 'value="dang_ki"'), "dang_ky")
    assert "unknown form 'dang_ki'" in problem.message and "dang_ky" in problem.message
    passes(bpmn, catalogues=Catalogues(forms=None, roles=ROLES))


@pytest.mark.parametrize("scope", ["parent", "kind:truong", "don_vi_cua('truong')"])
def test_good_unit_scopes(scope: str) -> None:
    passes(variant(('name="unitScope" value="case"', f'name="unitScope" value="{scope}"')))


@pytest.mark.parametrize(("scope", "expected"),
                         [("don_vi[", "unitScope expression: "), ("kind:", "needs a unit kind")])
def test_bad_unit_scope(scope: str, expected: str) -> None:
    bpmn = variant(('name="unitScope" value="case"', f'name="unitScope" value="{scope}"'))
    [problem] = problems_of(bpmn)
    assert (problem.line, problem.element_id) == (line_with(bpmn, 'name="unitScope"'), "duyet")
    assert expected in problem.message


SUBPROCESS = """<bpmn:subProcess id="xet_lai">
      <bpmn:incoming>f5</bpmn:incoming>
      <bpmn:outgoing>f5b</bpmn:outgoing>
      <bpmn:startEvent id="xl_s"><bpmn:outgoing>xl_a</bpmn:outgoing></bpmn:startEvent>
      <bpmn:userTask id="xl_task">
        <bpmn:incoming>xl_a</bpmn:incoming><bpmn:outgoing>xl_b</bpmn:outgoing>
      </bpmn:userTask>
      <bpmn:endEvent id="xl_e"><bpmn:incoming>xl_b</bpmn:incoming></bpmn:endEvent>
      <bpmn:sequenceFlow id="xl_a" sourceRef="xl_s" targetRef="xl_task" />
      <bpmn:sequenceFlow id="xl_b" sourceRef="xl_task" targetRef="xl_e" />
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f5b" sourceRef="xet_lai" targetRef="end_duyet" />
    <bpmn:endEvent id="end_duyet">"""


def test_lint_reads_roles_as_the_built_specs_do() -> None:
    # xl_task is in lane giao_vien, but its subprocess is in lane Hiệu trưởng: SpiffWorkflow gives the
    # subprocess's lane to everything inside it, and lint must agree with run-time assignment.
    bpmn = variant(('<bpmn:endEvent id="end_duyet">', SUBPROCESS),
                   ('sourceRef="duyet" targetRef="end_duyet"', 'sourceRef="duyet" targetRef="xet_lai"'),
                   ("<bpmn:flowNodeRef>end_duyet</bpmn:flowNodeRef>",
                    "<bpmn:flowNodeRef>end_duyet</bpmn:flowNodeRef><bpmn:flowNodeRef>xet_lai</bpmn:flowNodeRef>"),
                   ("<bpmn:flowNodeRef>dang_ky</bpmn:flowNodeRef>",
                    "<bpmn:flowNodeRef>dang_ky</bpmn:flowNodeRef><bpmn:flowNodeRef>xl_task</bpmn:flowNodeRef>"))
    bundle = passes(bpmn)
    specs = {"valid_review": bundle.parser.get_spec("valid_review"),
             **bundle.parser.get_subprocess_specs("valid_review")}
    root = bundle.roots[BPMN_NAME]
    lanes = document_lanes(root)
    seen = {}
    for element in root.xpath(".//bpmn:userTask", namespaces=NS):
        view = task_view(element, lanes)
        task_id = element.get("id")
        [spec] = [s.task_specs[task_id] for s in specs.values() if task_id in s.task_specs]
        assert (view.lane, view.extensions) == (spec.lane, spec.extensions)
        seen[task_id] = task_role_name(view)
    assert seen == {"dang_ky": "giao_vien", "duyet": "Hiệu trưởng", "xl_task": "Hiệu trưởng"}
    problem = only(problems_of(bpmn.replace('name="Hiệu trưởng"', 'name="Hiệu phó"')), "xl_task")
    assert problem.line == line_with(bpmn, '<bpmn:userTask id="xl_task"')


def test_event_subprocess_is_refused() -> None:
    sub = ('<bpmn:subProcess id="sla" triggeredByEvent="true">\n'
           '      <bpmn:startEvent id="sla_start"><bpmn:timerEventDefinition><bpmn:timeDuration>\'P1D\''
           '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>\n'
           '      <bpmn:endEvent id="sla_end" />\n'
           '      <bpmn:sequenceFlow id="sla_f" sourceRef="sla_start" targetRef="sla_end" />\n'
           '    </bpmn:subProcess>\n    <bpmn:endEvent id="end_duyet">')
    bpmn = variant(('<bpmn:endEvent id="end_duyet">', sub))
    [problem] = problems_of(bpmn)
    assert (problem.line, problem.element_id) == (line_with(bpmn, 'triggeredByEvent="true"'), "sla")
    assert "event subprocesses are not supported" in problem.message and "boundary timer" in problem.message


def test_several_problems_in_one_file_are_all_reported_in_line_order() -> None:
    bpmn = variant(
        ('value="dang_ky"', 'value="dang_ki"'),
        ("ghi_chu = 'ok'</bpmn:script>", "ghi_chu = ('ok'</bpmn:script>"),
        ('name="Hiệu trưởng"', 'name="Hiệu phó"'),
        ("<bpmn:timeDuration>'P3D'</bpmn:timeDuration>", "<bpmn:timeDuration>P3D</bpmn:timeDuration>"),
        ("xep_loai_ket_qua == 'tot'", "xep_loai_ket_qua = 'tot'"),
    )
    problems = problems_of(bpmn)
    assert [(p.line, p.element_id) for p in problems] == [
        (line_with(bpmn, 'value="dang_ki"'), "dang_ky"),
        (line_with(bpmn, "ghi_chu = ('ok'"), "tinh_diem"),
        (line_with(bpmn, '<bpmn:userTask id="duyet"'), "duyet"),
        (line_with(bpmn, "<bpmn:timeDuration>"), "het_han"),
        (line_with(bpmn, "xep_loai_ket_qua = 'tot'"), "f_dat"),
    ]
    assert all(p.file == BPMN_NAME for p in problems)
    assert validate_files([FIXTURES / BPMN_NAME], CATALOGUES)[0].element_id == "xep_loai"  # no DMN given


# --- DMN -------------------------------------------------------------------------------------------

def test_dmn_cells_are_checked_as_spiffworkflow_evaluates_them() -> None:
    dmn = variant(("<text>&gt;= 8</text>", "<text>&gt;= __import__('os')</text>"),
                  ('<text>"ok"</text>', '<text>"ok", "tot"</text>'),
                  ('<text>"kha"</text>', '<text>"kha</text>'), base=VALID_DMN)
    problems = problems_of(VALID_BPMN, dmn)
    assert [(p.file, p.line, p.element_id) for p in problems] == [
        (DMN_NAME, line_with(dmn, "__import__"), "rule_tot_diem"),
        (DMN_NAME, line_with(dmn, '"ok", "tot"'), "rule_tot_ghi_chu"),
        (DMN_NAME, line_with(dmn, '"kha</text>'), "rule_kha_out"),
    ]
    assert "diem>= __import__" in problems[0].message
    assert "? in (\"ok\", \"tot\")" in problems[1].message


def test_dmn_question_mark_unary_test_and_bad_input_expression() -> None:
    dmn = variant(("<text>&lt; 8</text>", "<text>? &lt; 8 and ? &gt;= 0</text>"),
                  ("<text>ghi_chu</text>", "<text>ghi_chu.</text>"), base=VALID_DMN)
    [problem] = problems_of(VALID_BPMN, dmn)
    assert where(problem) == (DMN_NAME, line_with(dmn, "ghi_chu."), "in_ghi_chu")


def test_dmn_with_two_decisions_is_refused() -> None:
    second = '<decision id="thu_hai" name="2">\n    <decisionTable id="t2" />\n  </decision>\n</definitions>'
    dmn = variant(("</definitions>", second), base=VALID_DMN)
    problems = problems_of(VALID_BPMN, dmn)
    problem = only(problems, "thu_hai")
    assert (problem.file, problem.line) == (DMN_NAME, line_with(dmn, 'id="thu_hai"'))


# --- XML security ----------------------------------------------------------------------------------

def _doc(doctype: str, body: str = "&xxe;") -> bytes:
    return (f'<?xml version="1.0"?>\n{doctype}\n'
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D">\n'
            f'  <bpmn:process id="p" isExecutable="true"><bpmn:documentation>{body}</bpmn:documentation>'
            '<bpmn:startEvent id="s" /></bpmn:process>\n</bpmn:definitions>\n').encode()


def test_xxe_file_read_is_refused_and_leaks_nothing(tmp_path: Path) -> None:
    secret = "TOP-SECRET-7f3a9c"
    target = tmp_path / "secret.txt"
    target.write_text(secret)
    payload = _doc(f'<!DOCTYPE d [<!ENTITY xxe SYSTEM "{target.as_uri()}">]>')
    # Control: the payload is a real XXE; a permissive parser does read the file.
    permissive = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=True)
    assert secret in etree.tostring(etree.fromstring(payload, permissive)).decode()
    problem = assert_refused(payload, secret=secret)
    assert (problem.file, problem.line) == ("evil.bpmn", 2)
    path = tmp_path / "evil.bpmn"
    path.write_bytes(payload)
    problems = validate_files([path])
    assert [p.line for p in problems] == [2] and secret not in repr(problems)


def test_billion_laughs_is_refused_quickly() -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    payload = _doc("<!DOCTYPE d [" + "\n".join(entities) + "]>", body="&lol9;")
    started = time.monotonic()
    problem = assert_refused(payload)
    assert time.monotonic() - started < 2 and problem.line == 2


def test_external_dtd_is_refused(tmp_path: Path) -> None:
    secret = "DTD-SECRET-41b2"
    (tmp_path / "secret.txt").write_text(secret)
    dtd = tmp_path / "ext.dtd"
    dtd.write_text(f'<!ENTITY xxe SYSTEM "{(tmp_path / "secret.txt").as_uri()}">')
    assert_refused(_doc(f'<!DOCTYPE d SYSTEM "{dtd.as_uri()}">'), secret=secret)


def test_network_entity_is_refused_without_a_connection() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(5)
        server.setblocking(False)
        port = server.getsockname()[1]
        for url in (f"http://127.0.0.1:{port}/x", "http://127.0.0.1:1/"):
            assert_refused(_doc(f'<!DOCTYPE d [<!ENTITY xxe SYSTEM "{url}">]>'))
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody connected


def test_plain_doctype_and_utf16_doctype_are_refused() -> None:
    assert_refused(_doc("<!DOCTYPE bpmn:definitions>", body="x"))
    utf16 = _doc('<!DOCTYPE d [<!ENTITY xxe "x">]>').decode()
    utf16 = utf16.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    assert_refused(utf16.encode("utf-16"))


def test_oversized_input_is_refused(tmp_path: Path) -> None:
    problem = assert_refused(b" " * (MAX_DEFINITION_BYTES + 1), message="larger than the limit")
    assert f"{MAX_DEFINITION_BYTES + 1:,} bytes" in problem.message
    assert f"limit of {MAX_DEFINITION_BYTES:,} bytes" in problem.message
    # A sparse 64 GiB file: reading it whole would exhaust memory; it must be refused from its size.
    huge = tmp_path / "huge.bpmn"
    with open(huge, "wb") as handle:
        try:
            handle.truncate(64 * 1024**3)
        except OSError:
            pytest.skip("file system without sparse files")
    [problem] = validate_files([huge])
    assert problem.file == str(huge) and "larger than the limit" in problem.message


@pytest.mark.parametrize(("data", "expected"), [
    (b"", "file is empty"),
    (b"  \n\t ", "file is empty"),
    (b"\xff\xfe\x00g\x81\x9a\xc3(garbage", "malformed XML"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "malformed XML"),
])
def test_empty_and_garbage_input(data: bytes, expected: str) -> None:
    assert_refused(data, message=expected)


def test_validate_files_reports_unreadable_paths(tmp_path: Path) -> None:
    [problem] = validate_files([tmp_path / "missing.bpmn"])
    assert problem.file == str(tmp_path / "missing.bpmn") and "cannot read file" in problem.message
    [problem] = validate_files([tmp_path])
    assert "not a regular file" in problem.message
