"""Deployed definitions: versioning by content, dependency tracking, and the parsed-spec cache.

Deploying identical content is a no-op; changed content (the file itself, or a callee or decision
it depends on) makes the next version of each key the file defines. Running instances keep the
version they started with: specs are looked up by definition id, never by key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.definitions.problems import DefinitionError, Problem
from engine.definitions.validation import Catalogues, SourceFile, parse_sources
from engine.definitions.xml_safety import parse_xml
from engine.errors import InvalidInput, NotFound
from engine.forms import known_form_keys
from engine.models import Person, ProcessDefinition
from engine.org import role_catalogue
from engine.serialization import SPEC_CACHE

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"


@dataclass(frozen=True)
class DeployedDefinition:
    id: int
    kind: str
    key: str
    version: int
    created: bool


@dataclass
class _FileRefs:
    """What a file defines and what it calls that must come from elsewhere."""

    kind: str
    processes: dict[str, str]  # id -> name
    decisions: dict[str, str]
    called_processes: set[str]
    called_decisions: set[str]


def _is_dmn(root: Any) -> bool:
    return "DMN" in etree.QName(root).namespace.upper() if etree.QName(root).namespace else False


def _scan(root: Any) -> _FileRefs:
    if _is_dmn(root):
        decisions = {d.get("id"): d.get("name") or d.get("id") for d in root if etree.QName(d).localname == "decision"}
        return _FileRefs("dmn", {}, decisions, set(), set())
    ns = {"bpmn": BPMN_NS, "spiff": SPIFF_NS}
    processes = {p.get("id"): p.get("name") or p.get("id")
                 for p in root.xpath("bpmn:process[not(@isExecutable='false')]", namespaces=ns)}
    all_processes = set(root.xpath("bpmn:process/@id", namespaces=ns))
    called = {c for c in root.xpath("//bpmn:callActivity/@calledElement", namespaces=ns)} - all_processes
    decisions = {(t or "").strip() for t in root.xpath("//spiff:calledDecisionId/text()", namespaces=ns)}
    return _FileRefs("bpmn", processes, {}, called, {d for d in decisions if d})


def latest_definition(session: Session, key: str) -> ProcessDefinition | None:
    return session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key)
                          .order_by(ProcessDefinition.version.desc()).limit(1))


def get_definition(session: Session, key: str, version: int | None = None) -> ProcessDefinition:
    if version is None:
        definition = latest_definition(session, key)
    else:
        definition = session.scalar(select(ProcessDefinition).where(
            ProcessDefinition.key == key, ProcessDefinition.version == version))
    if definition is None:
        raise NotFound(f"no deployed definition {key!r}" + (f" version {version}" if version else ""))
    return definition


def _closure(session: Session, roots: list[ProcessDefinition]) -> list[ProcessDefinition]:
    """The definitions and, transitively, everything they depend on (each once)."""
    seen: dict[int, ProcessDefinition] = {}
    pending = list(roots)
    while pending:
        definition = pending.pop()
        if definition.id in seen:
            continue
        seen[definition.id] = definition
        for dep_id in definition.dependencies or []:
            dep = session.get(ProcessDefinition, dep_id)
            if dep is not None:
                pending.append(dep)
    return list(seen.values())


def check_deployable(session: Session, files: list[SourceFile]
                     ) -> tuple[dict[str, _FileRefs], dict[str, str], dict[str, ProcessDefinition]]:
    """Validate `files` exactly as deploy does (with the deployed callees and decisions they use, the
    forms and roles of the database); raises DefinitionError listing every problem."""
    if not files:
        raise InvalidInput("nothing to deploy: no file given")
    refs = {f.name: _scan(parse_xml(f.data, f.name)) for f in files}
    providers: dict[str, str] = {}  # key -> batch file name
    for name, r in refs.items():
        for key in (*r.processes, *r.decisions):
            providers.setdefault(key, name)
    external: dict[str, ProcessDefinition] = {}
    for r in refs.values():
        for key in (*r.called_processes, *r.called_decisions):
            if key not in providers and key not in external:
                found = latest_definition(session, key)
                if found is not None:
                    external[key] = found
    extra = [SourceFile(d.source_name, d.source) for d in _closure(session, list(external.values()))]
    catalogues = Catalogues(forms=known_form_keys(session), roles=role_catalogue(session))
    parse_sources(files, catalogues, extra=extra)  # raises DefinitionError with every problem
    return refs, providers, external


def deploy(session: Session, files: list[SourceFile], deployed_by: Person | None = None) -> list[DeployedDefinition]:
    """Validate `files` together and store a version of each process and decision they define."""
    refs, providers, external = check_deployable(session, files)
    data = {f.name: f.data for f in files}
    rows_by_file: dict[str, list[ProcessDefinition]] = {}
    results: list[DeployedDefinition] = []
    for name in _dependency_order(refs, providers):
        r = refs[name]
        deps: list[ProcessDefinition] = []
        for key in sorted(r.called_processes | r.called_decisions):
            if key in providers and providers[key] != name:
                deps.extend(d for d in rows_by_file[providers[key]] if d.key == key)
            elif key in external:
                deps.append(external[key])
        digest = hashlib.sha256(data[name] + "".join(sorted(d.content_hash for d in deps)).encode()).hexdigest()
        rows_by_file[name] = []
        for key, title in {**r.processes, **r.decisions}.items():
            row, created = _store_version(session, r.kind, key, title, name, data[name], digest, deps, deployed_by)
            rows_by_file[name].append(row)
            results.append(DeployedDefinition(row.id, row.kind, row.key, row.version, created))
    return results


def _dependency_order(refs: dict[str, _FileRefs], providers: dict[str, str]) -> list[str]:
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise DefinitionError([Problem(name, None, None, "files call each other in a cycle")])
        state[name] = "visiting"
        r = refs[name]
        for key in r.called_processes | r.called_decisions:
            provider = providers.get(key)
            if provider and provider != name:
                visit(provider)
        state[name] = "done"
        order.append(name)

    for name in refs:
        visit(name)
    return order


def _store_version(session: Session, kind: str, key: str, title: str, source_name: str, source: bytes,
                   digest: str, deps: list[ProcessDefinition], deployed_by: Person | None,
                   ) -> tuple[ProcessDefinition, bool]:
    latest = latest_definition(session, key)
    if latest is not None and latest.content_hash == digest:
        return latest, False
    if latest is not None and latest.kind != kind:
        raise InvalidInput(f"{source_name}: {key!r} is already deployed as a {latest.kind.upper()} definition",
                           file=source_name)
    row = ProcessDefinition(kind=kind, key=key, version=(latest.version + 1) if latest else 1, name=title,
                            source_name=source_name, source=source, content_hash=digest,
                            dependencies=[d.id for d in deps],
                            deployed_by_id=deployed_by.id if deployed_by else None, deployed_at=clock.now())
    session.add(row)
    session.flush()
    return row, True


def load_specs(session: Session, definition: ProcessDefinition
               ) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """The parsed spec and subprocess specs of one definition version (cached per version)."""
    cached = SPEC_CACHE.bundle(definition.id)
    if cached is not None:
        return cached
    if definition.kind != "bpmn":
        raise InvalidInput(f"{definition.key} is a decision table, not a process")
    parser = SpiffBpmnParser()
    for each in _closure(session, [definition]):
        root = parse_xml(each.source, each.source_name)
        if _is_dmn(root):
            parser.add_dmn_xml(root, filename=each.source_name)
        else:
            parser.add_bpmn_xml(root, filename=each.source_name)
    spec = parser.get_spec(definition.key)
    subprocess_specs = parser.get_subprocess_specs(definition.key)
    return SPEC_CACHE.put(definition.id, spec, subprocess_specs)


def live_instance_counts(session: Session, key: str) -> dict[int, int]:
    from engine.models import LIVE_STATUSES, Instance

    rows = session.execute(select(ProcessDefinition.version, func.count(Instance.id))
                           .join(Instance, Instance.definition_id == ProcessDefinition.id)
                           .where(ProcessDefinition.key == key, Instance.status.in_(LIVE_STATUSES))
                           .group_by(ProcessDefinition.version))
    return {version: count for version, count in rows}
