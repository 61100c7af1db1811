"""Drafts from the designer studio: saved work on one definition key, validated like a deploy, never run.

A draft is stored when its XML is acceptable (hardened parse: no DOCTYPE or entities, size limit) and
its scripts and expressions pass the script policy; other problems (unknown role, missing flow…) are
returned with the saved draft, so a designer may save unfinished work. Deploying goes through
`ownership.deploy_owned` and removes the draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from sqlalchemy.orm import Session

from engine import clock
from engine.definitions.problems import DMN_NAMESPACES, DefinitionError, Problem
from engine.definitions.repository import check_deployable
from engine.definitions.validation import SourceFile
from engine.definitions.xml_safety import parse_xml
from engine.errors import InvalidInput
from engine.models import DefinitionDraft, Person

# Lint messages about script and expression text ("{what}: {message}"): a draft refuses them too.
EXPRESSION_PREFIXES = (
    "script:", "preScript:", "postScript:", "condition:", "conditional event condition:", "loop cardinality:",
    "completion condition:", "unitScope expression:", "dueDate:", "timeDate:", "timeDuration:", "timeCycle:",
    "input expression:", "input entry:", "output entry:",
)
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass(frozen=True)
class Checked:
    kind: str  # bpmn | dmn
    keys: list[str]  # executable process ids or decision ids the file defines
    problems: list[Problem]


def file_name(key: str, kind: str) -> str:
    return f"{key}.{kind}"


def check_source(session: Session, data: bytes, name: str) -> Checked:
    """Every problem of one file, as deploy would report them. A refused file (unsafe or malformed XML,
    too large) raises DefinitionError: there is nothing to look at."""
    root = parse_xml(data, name)
    namespace = etree.QName(root).namespace or ""
    kind = "dmn" if namespace in DMN_NAMESPACES else "bpmn"
    if kind == "dmn":
        keys = [d.get("id") for d in root if etree.QName(d).localname == "decision" and d.get("id")]
    else:
        keys = [p.get("id") for p in root.findall(f"{{{BPMN_NS}}}process")
                if p.get("id") and p.get("isExecutable", "true") == "true"]
    try:
        check_deployable(session, [SourceFile(name, data)])
        problems: list[Problem] = []
    except DefinitionError as exc:
        problems = exc.problems
    return Checked(kind, keys, problems)


def expression_problems(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.message.startswith(EXPRESSION_PREFIXES)]


def require_key(checked: Checked, key: str, name: str) -> None:
    if key not in checked.keys:
        defined = ", ".join(checked.keys) or "none"
        raise InvalidInput(f"{name}: the file must define '{key}' (it defines: {defined}); "
                           f"the process or decision id is the key", file=name, field="key")


def save_draft(session: Session, key: str, kind: str, data: bytes, author: Person) -> Checked:
    """Store the draft of `key` (replacing the previous one) and return its problems."""
    name = file_name(key, kind)
    checked = check_source(session, data, name)
    if checked.kind != kind:
        raise InvalidInput(f"{name}: this is a {checked.kind.upper()} file, not {kind.upper()}", file=name)
    require_key(checked, key, name)
    refused = expression_problems(checked.problems)
    if refused:
        raise DefinitionError(refused)
    draft = session.get(DefinitionDraft, key)
    if draft is None:
        draft = DefinitionDraft(key=key, kind=kind, source=data, author_id=author.id, updated_at=clock.now())
        session.add(draft)
    else:
        draft.kind, draft.source, draft.author_id, draft.updated_at = kind, data, author.id, clock.now()
    session.flush()
    return checked


def get_draft(session: Session, key: str) -> DefinitionDraft | None:
    return session.get(DefinitionDraft, key)


def discard_draft(session: Session, key: str) -> bool:
    draft = session.get(DefinitionDraft, key)
    if draft is None:
        return False
    session.delete(draft)
    return True
