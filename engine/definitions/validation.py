"""Parse and validate BPMN/DMN definitions: every problem at once, each with file, line and element id.

Steps: hardened XML parse → XSD (all errors, not only the last) → reference checks (flows, callees,
decisions) → build every executable process spec with SpiffWorkflow → lint (what would only fail at
run time). Pure functions: no database, no web framework.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser

from engine.definitions import lint, references
from engine.definitions.problems import (
    BPMN_NS,
    DMN_NAMESPACES,
    DefinitionError,
    Problem,
    line_of,
    short_names,
    sort_and_dedupe,
)
from engine.definitions.schema import schema_problems
from engine.definitions.xml_safety import MAX_DEFINITION_BYTES, parse_xml, size_problem


@dataclass
class Catalogues:
    forms: set[str] | None = None  # known form keys; None = don't check formKey
    roles: dict[str, str] | None = None  # role_lookup_key(code or label) -> role code; None = don't check


@dataclass
class SourceFile:
    name: str  # file name shown in messages
    data: bytes


@dataclass
class ParsedBundle:
    parser: SpiffBpmnParser  # all files added, validator=VALIDATOR
    processes: dict[str, str]  # executable process id -> file name (of `files`, not `extra`)
    decisions: dict[str, str]  # DMN decision id -> file name (of `files`, not `extra`)
    roots: dict[str, Any]  # file name -> lxml root (for line look-ups), `extra` included


@dataclass
class _Doc:
    source: SourceFile
    root: Any
    kind: Literal["bpmn", "dmn"]
    checked: bool  # one of `files` (reported and linted) rather than `extra`
    ids: list[str] = field(default_factory=list)  # process ids (BPMN) or decision ids (DMN)
    schema_ok: bool = True
    added: bool = False

    @property
    def name(self) -> str:
        return self.source.name


# SpiffWorkflow messages that repeat what lint says more precisely about the same element.
_REPEATS_LINT = ("Malformed Output Expression",)
_FRIENDLIER = {
    "No start event found": "process has no start event",
    "Multiple outgoing flows are not supported for tasks of type":
        "a task may have only one outgoing sequence flow: branch with a gateway",
}


def parse_sources(files: list[SourceFile], catalogues: Catalogues | None = None,
                  extra: Sequence[SourceFile] = ()) -> ParsedBundle:
    """Parse, validate and lint `files` (with already-deployed `extra` files available to them).

    Returns the bundle when there is no problem; raises DefinitionError listing all problems otherwise.
    When an `extra` file defines a process or decision id that one of `files` defines, the new one wins
    and that extra file is left out.
    """
    catalogues = catalogues or Catalogues()
    problems: list[Problem] = []
    library: list[Problem] = []  # from SpiffWorkflow's own parse
    docs = _load([(f, True) for f in files] + [(f, False) for f in extra], problems)
    parser = SpiffBpmnParser(validator=VALIDATOR)
    for doc in docs:
        if doc.checked:  # `extra` files were validated when they were deployed
            schema = schema_problems(doc.root, doc.name)
            problems += schema
            doc.schema_ok = not schema
        _add(parser, doc, problems)

    added = [d for d in docs if d.added]
    executable = {pid: _is_executable(d.root, pid) for d in added if d.kind == "bpmn" for pid in d.ids}
    decisions = {dec for d in added if d.kind == "dmn" for dec in d.ids}
    roots = {d.name: d.root for d in docs}
    bundle = ParsedBundle(parser, {}, {}, roots)
    for doc in (d for d in docs if d.checked):
        if doc.kind == "dmn":
            library += _dmn_problems(parser, doc)
            bundle.decisions.update((dec, doc.name) for dec in doc.ids)
            problems += lint.lint_dmn(doc.root, doc.name)
            continue
        runnable = [pid for pid in doc.ids if executable.get(pid)]
        if not runnable:
            problems.append(Problem(doc.name, doc.root.sourceline, doc.root.get("id"),
                                    "file defines no executable process and no decision"))
        found = (references.flow_problems(doc.root, doc.name)
                 + references.call_problems(doc.root, doc.name, executable)
                 + references.decision_problems(doc.root, doc.name, decisions))
        problems += found
        if doc.added and doc.schema_ok and not found:
            for pid in runnable:
                library += _build(parser, pid, doc, roots)
        bundle.processes.update((pid, doc.name) for pid in runnable)
        problems += lint.lint_bpmn(doc.root, doc.name, forms=catalogues.forms, roles=catalogues.roles)

    ours = {(p.file, p.element_id) for p in problems if p.element_id}
    problems += [p for p in library
                 if not (p.message.startswith(_REPEATS_LINT) and (p.file, p.element_id) in ours)]
    if problems:
        raise DefinitionError(sort_and_dedupe(problems, [f.name for f in [*files, *extra]]))
    return bundle


def validate_files(paths: Iterable[str | Path], catalogues: Catalogues | None = None) -> list[Problem]:
    """Validate files on disk together (e.g. a BPMN and the DMN it calls); [] when all is well."""
    sources: list[SourceFile] = []
    problems: list[Problem] = []
    for path in paths:
        name = str(path)
        try:
            size = Path(path).stat().st_size
            if not Path(path).is_file():
                problems.append(Problem(name, None, None, "not a regular file"))
                continue
            if size > MAX_DEFINITION_BYTES:  # refuse before reading it
                problems.append(size_problem(name, size))
                continue
            with open(path, "rb") as handle:
                data = handle.read(MAX_DEFINITION_BYTES + 1)  # the file may have grown meanwhile
        except OSError as exc:
            problems.append(Problem(name, None, None, f"cannot read file: {exc.strerror or exc}"))
            continue
        sources.append(SourceFile(name, data))
    if sources:
        try:
            parse_sources(sources, catalogues)
        except DefinitionError as exc:
            problems += exc.problems
    return problems


def _load(items: list[tuple[SourceFile, bool]], problems: list[Problem]) -> list[_Doc]:
    """Parse each file safely, detect its kind and ids; leave out duplicates (reported if in `files`)."""
    docs: list[_Doc] = []
    owner: dict[tuple[str, str], str] = {}
    names: set[str] = set()
    for source, checked in items:
        if source.name in names:
            if checked:
                problems.append(Problem(source.name, None, None, "the same file name is given twice"))
            continue
        try:
            root = parse_xml(source.data, source.name)
        except DefinitionError as exc:
            problems += exc.problems
            continue
        names.add(source.name)
        kind = _kind(root)
        if kind is None:
            problems.append(Problem(source.name, root.sourceline, None,
                                    f"not a BPMN or DMN file (root element is {short_names(str(root.tag))})"))
            continue
        doc = _Doc(source, root, kind, checked, _ids(root, kind))
        clashes = [(i, owner[(kind, i)]) for i in doc.ids if (kind, i) in owner]
        if clashes:
            if checked:
                what = "process" if kind == "bpmn" else "decision"
                for element_id, other in clashes:
                    problems.append(Problem(source.name, line_of(root, element_id), element_id,
                                            f"{what} id '{element_id}' is also defined in {other}"))
            continue
        owner.update(((kind, i), source.name) for i in doc.ids)
        docs.append(doc)
    return docs


def _kind(root: Any) -> Literal["bpmn", "dmn"] | None:
    namespace = lint.etree_namespace(root)
    if etree.QName(root).localname != "definitions":
        return None
    if namespace == BPMN_NS:
        return "bpmn"
    return "dmn" if namespace in DMN_NAMESPACES else None


def _ids(root: Any, kind: str) -> list[str]:
    if kind == "bpmn":
        return [p.get("id") for p in root.xpath("./bpmn:process[@id]", namespaces=lint.NS)]
    ns = {"dmn": lint.etree_namespace(root)}
    return [d.get("id") for d in root.xpath("./dmn:decision[@id]", namespaces=ns)]


def _is_executable(root: Any, process_id: str) -> bool:
    found = root.xpath("./bpmn:process[@id=$id]", namespaces=lint.NS, id=process_id)
    return bool(found) and found[0].get("isExecutable", "true") == "true"  # SpiffWorkflow's own test


def _add(parser: SpiffBpmnParser, doc: _Doc, problems: list[Problem]) -> None:
    """Register the document with SpiffWorkflow (already schema-checked above, so without re-validating)."""
    if doc.kind == "dmn" and len(doc.ids) != 1:
        if doc.checked:
            problems.append(_decision_count_problem(doc))
        return
    parser.validator = None
    try:
        if doc.kind == "bpmn":
            parser.add_bpmn_xml(doc.root, doc.name)
        else:
            parser.add_dmn_xml(doc.root, doc.name)
        doc.added = True
    except ValidationException as exc:
        problems.append(_exception_problem(exc, doc.name, {doc.name: doc.root}))
    except Exception as exc:  # the library's parser is not defensive about malformed input
        problems.append(Problem(doc.name, None, None, f"SpiffWorkflow cannot read this file: {exc!r}"))
    finally:
        parser.validator = VALIDATOR


def _decision_count_problem(doc: _Doc) -> Problem:
    if not doc.ids:
        return Problem(doc.name, doc.root.sourceline, doc.root.get("id"), "DMN file defines no decision")
    return Problem(doc.name, line_of(doc.root, doc.ids[1]), doc.ids[1],
                   f"SpiffWorkflow 3.2.0 reads one decision per DMN file; this one has {len(doc.ids)}: "
                   f"{', '.join(doc.ids)} (put each decision in its own file)")


def _dmn_problems(parser: SpiffBpmnParser, doc: _Doc) -> list[Problem]:
    """Parse a DMN decision now (SpiffWorkflow would only do it when a process using it is built)."""
    if not doc.added:
        return []
    decision_id = doc.ids[0]
    ns = {"dmn": lint.etree_namespace(doc.root)}
    if not doc.root.xpath("./dmn:decision[@id=$id]/dmn:decisionTable", namespaces=ns, id=decision_id):
        return [Problem(doc.name, line_of(doc.root, decision_id), decision_id,
                        "decision has no decision table (SpiffWorkflow only evaluates decision tables)")]
    try:
        parser.dmn_parsers[decision_id].parse()
    except ValidationException as exc:
        return [_exception_problem(exc, doc.name, {doc.name: doc.root})]
    except Exception as exc:
        return [Problem(doc.name, line_of(doc.root, decision_id), decision_id,
                        f"SpiffWorkflow cannot read this decision: {exc!r}")]
    return []


def _build(parser: SpiffBpmnParser, process_id: str, doc: _Doc, roots: dict[str, Any]) -> list[Problem]:
    """Build the process spec and everything it calls, as deployment will."""
    try:
        parser.get_spec(process_id)
        parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        return [_exception_problem(exc, doc.name, roots)]
    except Exception as exc:
        return [Problem(doc.name, line_of(doc.root, process_id), process_id,
                        f"SpiffWorkflow cannot build this process: {exc!r}")]
    return []


def _exception_problem(exc: ValidationException, default_file: str, roots: dict[str, Any]) -> Problem:
    """A Problem from a ValidationException, finding the line in our tree when the library has none."""
    file = exc.file_name if exc.file_name in roots else default_file
    element_id = exc.id or None
    line = exc.line_number if isinstance(exc.line_number, int) and exc.line_number > 0 else None
    if line is None:
        line = line_of(roots.get(file), element_id)
    message = str(exc.args[0]) if exc.args else str(exc)
    for prefix, friendlier in _FRIENDLIER.items():
        if message.startswith(prefix):
            message = friendlier
    notes = [n for n in getattr(exc, "notes", []) or [] if n]
    text = short_names("; ".join([message.rstrip(". "), *notes]))
    return Problem(file, line, element_id, text)
