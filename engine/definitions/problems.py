"""Problems found in BPMN/DMN definitions, reported as `FILE:LINE: element-id: message`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
DMN_NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
}
_SHORT_PREFIXES = {BPMN_NS: "bpmn", SPIFF_NS: "spiffworkflow", **{ns: "dmn" for ns in DMN_NAMESPACES}}
_CLARK = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    element_id: str | None
    message: str

    def __str__(self) -> str:
        line = "?" if self.line is None else str(self.line)
        return f"{self.file}:{line}: {self.element_id or '-'}: {self.message}"


class DefinitionError(Exception):
    """One or more problems that make a set of definitions unusable; str() is one line per problem."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def short_names(text: str) -> str:
    """Replace `{namespace}local` names in library messages by `bpmn:local` etc. for readability."""

    def repl(match: re.Match[str]) -> str:
        prefix = _SHORT_PREFIXES.get(match.group(1))
        return f"{prefix}:" if prefix else match.group(0)

    return _CLARK.sub(repl, text)


def element_by_id(root: Any, element_id: str | None) -> Any | None:
    """The first element of `root`'s document whose `id` attribute is `element_id` (None if absent)."""
    if root is None or not element_id:
        return None
    found = root.xpath("//*[@id=$id]", id=element_id)
    return found[0] if found else None


def line_of(root: Any, element_id: str | None) -> int | None:
    element = element_by_id(root, element_id)
    return element.sourceline if element is not None else None


def sort_and_dedupe(problems: Iterable[Problem], file_order: list[str]) -> list[Problem]:
    """Problems in file order, then line order (stable), without exact duplicates."""
    rank = {name: index for index, name in enumerate(file_order)}
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (rank.get(p.file, len(rank)), p.file, p.line or 0))
