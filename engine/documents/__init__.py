"""Official documents (Word and Excel) generated from case data: one module per document, each a pure
function from a `DocumentSource` to bytes. This module is the catalogue: kinds, their formats, which
ones exist per unit, file names and content types.

Kinds (processes/CASE_DATA.md): `danh_sach_trich_ngang` (docx, xlsx), `bang_dang_ky` (xlsx, docx),
`bien_ban` (docx, per case), `to_trinh` (docx, per case)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.documents import bang_dang_ky, bien_ban, danh_sach_trich_ngang, to_trinh
from engine.documents.source import DocumentSource, MissingData
from engine.errors import NotFound

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_UNSAFE_IN_NAME = str.maketrans({c: "-" for c in '/\\:*?"<>|'})


@dataclass(frozen=True)
class Kind:
    code: str
    title: str  # Vietnamese, the start of the file name
    formats: dict[str, Callable[[DocumentSource], bytes]]
    ready: Callable[[DocumentSource], object]  # raises MissingData when the data is not there (cheap)
    per_unit: bool


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("danh_sach_trich_ngang", "Danh sách trích ngang",
         {"docx": danh_sach_trich_ngang.docx, "xlsx": danh_sach_trich_ngang.xlsx},
         danh_sach_trich_ngang.honorees, per_unit=True),
    Kind("bang_dang_ky", "Bảng đăng ký", {"xlsx": bang_dang_ky.xlsx, "docx": bang_dang_ky.docx},
         bang_dang_ky.parts, per_unit=True),
    Kind("bien_ban", "Biên bản họp xét", {"docx": bien_ban.docx},
         lambda source: bien_ban.results(source.single()), per_unit=False),
    Kind("to_trinh", "Tờ trình", {"docx": to_trinh.docx},
         lambda source: to_trinh.letter_of(source.single(), source.letter), per_unit=False),
)}


@dataclass(frozen=True)
class Generated:
    content: bytes
    content_type: str
    filename: str


def kind_for(code: str, ext: str, *, per_unit: bool = False) -> Kind:
    """The kind with this code and format, or NotFound (unknown kinds and formats are not there)."""
    kind = KINDS.get(code)
    if kind is None or ext not in kind.formats:
        raise NotFound(f"no document {code}.{ext}")
    if per_unit and not kind.per_unit:
        raise MissingData(f"{kind.code} is made per case, not per unit", reason="per_case_only")
    return kind


def file_name(kind: Kind, label: str, ext: str) -> str:
    return f"{kind.title} - {label}".translate(_UNSAFE_IN_NAME).strip() + f".{ext}"


def generate(code: str, ext: str, source: DocumentSource, label: str) -> Generated:
    kind = kind_for(code, ext, per_unit=source.per_unit)
    return Generated(kind.formats[ext](source), CONTENT_TYPES[ext], file_name(kind, label, ext))


def available(source: DocumentSource) -> list[tuple[Kind, list[str]]]:
    """The kinds this source has the data for, with their formats (for the case page and the API)."""
    out = []
    for kind in KINDS.values():
        if source.per_unit and not kind.per_unit:
            continue
        try:
            kind.ready(source)
        except MissingData:
            continue
        out.append((kind, list(kind.formats)))
    return out


__all__ = ["CONTENT_TYPES", "KINDS", "DocumentSource", "Generated", "Kind", "MissingData", "available",
           "file_name", "generate", "kind_for"]
