"""Hardened XML parsing for uploaded BPMN/DMN.

SpiffWorkflow parses with lxml's process-global default parser, whose entity and network settings
depend on the lxml version and on whatever else in the process changed the default (notes §3).
We parse every definition ourselves with an explicit parser and hand the tree to SpiffWorkflow.
Any DOCTYPE is refused outright: BPMN and DMN never need one, and refusing it closes XXE, external
DTDs and entity-expansion bombs regardless of what libxml2 would do with them.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from engine.definitions.problems import DefinitionError, Problem

MAX_DEFINITION_BYTES = 5 * 1024 * 1024

DOCTYPE_MESSAGE = "DOCTYPE and entity declarations are not allowed in BPMN/DMN files"
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)\b")
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def _hardened_parser() -> etree.XMLParser:
    # A new parser per call: lxml parser objects must not be used by two threads at once.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def size_problem(filename: str, size: int) -> Problem:
    return Problem(
        filename,
        None,
        None,
        f"file is {size:,} bytes, larger than the limit of {MAX_DEFINITION_BYTES:,} bytes "
        f"({MAX_DEFINITION_BYTES // (1024 * 1024)} MiB)",
    )


def _doctype_line(data: bytes) -> int | None:
    """Line of a `<!DOCTYPE`/`<!ENTITY` before the root element (ASCII-compatible encodings), if any."""
    match = _DOCTYPE.search(data)
    root = _FIRST_ELEMENT.search(data)
    if match is None or (root is not None and root.start() < match.start()):
        return None  # e.g. the text "<!DOCTYPE" inside a script
    return data.count(b"\n", 0, match.start()) + 1


def parse_xml(data: bytes, filename: str) -> Any:
    """Parse `data` safely and return the root element; raise DefinitionError on any refusal."""
    if len(data) > MAX_DEFINITION_BYTES:
        raise DefinitionError([size_problem(filename, len(data))])
    if not data.strip():
        raise DefinitionError([Problem(filename, None, None, "file is empty")])
    try:
        root = etree.fromstring(data, _hardened_parser())
    except etree.XMLSyntaxError as exc:
        line = _doctype_line(data)
        if line is not None:
            raise DefinitionError([Problem(filename, line, None, DOCTYPE_MESSAGE)]) from None
        message = exc.msg or str(exc)
        raise DefinitionError([Problem(filename, exc.lineno, None, f"malformed XML: {message}")]) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        # Found by the parser even when the byte scan cannot see it (e.g. a UTF-16 document).
        raise DefinitionError([Problem(filename, _doctype_line(data) or 1, None, DOCTYPE_MESSAGE)])
    entity = next(root.iter(etree.Entity), None)  # defence in depth: cannot occur without a DOCTYPE
    if entity is not None:
        raise DefinitionError([Problem(filename, entity.sourceline, None, DOCTYPE_MESSAGE)])
    return root
