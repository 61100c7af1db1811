"""The words of a timeline row: cells, bullets, titles, milestone keys and who carries a row out."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

KEY_WORDS, KEY_LENGTH = 6, 48
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
UNIT_KINDS = ("truong", "phong", "so", "khoi", "cum")

_SEPARATOR = re.compile(r"\t+|[ \t]*\|[ \t]*| {2,}")
_ROW_NUMBER_CELL = re.compile(r"^(?:\d{1,3}[.)]?|[IVX]{1,4}[.)])$")
_ROW_NUMBER_LEAD = re.compile(r"^(?:\d{1,3}|[IVX]{1,4})[.)]\s+")
_BULLET = re.compile(r"^(?:[-+*•·]+|[a-zđ]\))\s*", re.I)
_HEADER_WORDS = {
    "tt", "stt", "số tt", "nội dung", "nội dung công việc", "công việc", "nhiệm vụ", "thời gian",
    "thời gian hoàn thành", "thời gian thực hiện", "thời hạn", "tháng/năm", "tháng", "đơn vị thực hiện",
    "đơn vị", "đơn vị chủ trì", "đơn vị phối hợp", "người thực hiện", "phối hợp", "ghi chú", "kết quả",
}

# who carries a row out: the unit column, or a clause that starts with a unit ("…, các đơn vị tổ chức …")
_KINDS = [(kind, re.compile(pattern, re.I)) for kind, pattern in [
    ("truong", r"(?:các )?đơn vị trực thuộc (?:phòng|sở)\b"),
    ("truong", r"(?:các )?đơn vị trường học|các trường(?: học)?|trường học"),
    ("truong", r"(?:các )?cơ sở giáo dục"),
    ("khoi", r"(?:các )?khối thi đua|khối trưởng|các khối\b"),
    ("cum", r"(?:các )?cụm (?:thi đua|trường)|cụm trưởng"),
    ("so", r"văn phòng sở|sở (?:gd|giáo dục)|các phòng (?:thuộc|chuyên môn)(?: của)? sở"),
    ("phong", r"(?:các )?phòng (?:gd|giáo dục)|pgd"),
    ("truong", r"các đơn vị\b"),
]]
_ROLE_PREFIX = re.compile(r"(?:thủ trưởng|hiệu trưởng|lãnh đạo|trưởng) ", re.I)
_CLAUSE_START = re.compile(r"(?:^|[,;:.(]\s+|\bđồng thời\s+)")


def normalize(line: str) -> str:
    """NFC, plain spaces and dashes, no **bold**/*italic* marks; tabs and '|' (cell separators) stay."""
    text = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\u200b", "")
    text = re.sub(r"[–—−]", "-", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"(?<=\S)\*|\*(?=\S)", "", text)
    return text.rstrip()


def cells(line: str) -> list[tuple[int, str]]:
    """(offset, text) of each non-empty cell: cells are separated by tabs, '|' or two or more spaces."""
    out, cursor = [], 0
    for sep in [*_SEPARATOR.finditer(line), None]:
        end = sep.start() if sep else len(line)
        raw = line[cursor:end]
        text = raw.strip()
        if text:
            out.append((cursor + raw.index(text), text))
        cursor = sep.end() if sep else len(line)
    return out


def is_row_number(cell: str) -> bool:
    return bool(_ROW_NUMBER_CELL.match(cell))


def is_header(cell_texts: Iterable[str]) -> bool:
    texts = [re.sub(r"[\s:.]+$", "", t.lower()) for t in cell_texts]
    return bool(texts) and all(t in _HEADER_WORDS or set(t) <= set("-:=| ") for t in texts)


def lead_length(text: str) -> int:
    """Length of the row number and bullet marks that start a content cell ("2. ", "- ", "a) ")."""
    cut = 0
    for pattern in (_ROW_NUMBER_LEAD, _BULLET):
        match = pattern.match(text[cut:])
        if match:
            cut += match.end()
    return cut


def clean_title(text: str) -> str:
    """A milestone title from the row's content with its time phrase taken out."""
    title = re.sub(r"\(\s*\)", "", text)
    title = re.sub(r"\s+([,.;:)])", r"\1", title)
    title = re.sub(r"([(])\s+", r"\1", title)
    title = re.sub(r"\s{2,}", " ", title).strip()
    title = re.sub(r"([.;,])(?:\s*[.;,])+", r"\1", title)
    title = re.sub(r"^[\s,.;:\-]+|[\s,.;:\-]+$", "", title)
    return title[:1].upper() + title[1:]


def ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    folded = "".join(c for c in folded if unicodedata.category(c) != "Mn").lower()
    return re.findall(r"[a-z0-9]+", folded)


def slug_key(title: str) -> str:
    """A stable ASCII identifier from the first words of a title ("Nộp hồ sơ …" → "nop_ho_so_…")."""
    key = ""
    for word in ascii_words(title)[:KEY_WORDS]:
        candidate = f"{key}_{word}" if key else word
        if len(candidate) > KEY_LENGTH:
            break
        key = candidate
    if not key:
        return "moc"
    return key if key[0].isalpha() else f"moc_{key}"


def dedupe(keys: Iterable[str]) -> list[str]:
    """Same keys in order, the second "k" becoming "k_2", the third "k_3"…"""
    seen: set[str] = set()
    last: dict[str, int] = {}  # the last suffix given to each key, so n copies cost O(n)
    out = []
    for key in keys:
        candidate, n = key, last.get(key, 1)
        while candidate in seen:
            n += 1
            candidate = f"{key}_{n}"
        last[key] = n
        seen.add(candidate)
        out.append(candidate)
    return out


def _kind_at(text: str, position: int) -> str | None:
    best: tuple[int, str] | None = None
    for kind, pattern in _KINDS:
        match = pattern.match(text, position)
        if match and (best is None or match.end() > best[0]):
            best = (match.end(), kind)
    return best[1] if best else None


def unit_kind_of_cell(text: str) -> str | None:
    """The unit column ("Các đơn vị trực thuộc Phòng GDĐT" → truong): the first unit it names."""
    for position in range(len(text)):
        if position == 0 or not text[position - 1].isalnum():
            kind = _kind_at(text, position)
            if kind:
                return kind
    return None


def unit_kind_of_content(text: str) -> str | None:
    """The subject of a clause of the content ("Các đơn vị gửi …", "Thủ trưởng các cơ sở giáo dục …",
    "…, các đơn vị tổ chức …"); a unit named as an object ("Hướng dẫn các đơn vị …") does not count."""
    for clause in _CLAUSE_START.finditer(text):
        position = clause.end()
        prefix = _ROLE_PREFIX.match(text, position)
        kind = _kind_at(text, position) or (_kind_at(text, prefix.end()) if prefix else None)
        if kind:
            return kind
    return None
