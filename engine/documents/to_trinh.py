"""Tờ trình: the submission letter to the supervising level (number, place and date, "Kính gửi", the
content, the count of proposals per title, the list attached, signer), from one letter of the case
(`cac_to_trinh`, one per sending level, else `to_trinh`) and the nominations it proposes (the letter's own
`de_nghi`, else those that passed `de_nghi_dat`, else the eligible `de_nghi`)."""

from __future__ import annotations

from typing import Any

from engine.documents import docx_layout as w
from engine.documents.source import DocumentSource, MissingData, honoree, iso_date, rows_of
from engine.errors import NotFound


def letters(variables: dict[str, Any]) -> list[dict[str, Any]]:
    """Every tờ trình of the case, oldest first: `cac_to_trinh` (one per level that sent one, as the core
    flow keeps them), else the single `to_trinh`."""
    kept = [letter for letter in variables.get("cac_to_trinh") or [] if isinstance(letter, dict) and letter]
    if kept:
        return kept
    letter = variables.get("to_trinh")
    return [letter] if isinstance(letter, dict) and letter else []


def letter_of(variables: dict[str, Any], sender: str | None = None) -> dict[str, Any]:
    """The tờ trình sent by unit `sender` (its code, `don_vi_gui`), or the latest one."""
    found = letters(variables)
    if not found:
        raise MissingData("the submission letter has not been filled in yet (no to_trinh)", reason="no_letter")
    if sender is None:
        return found[-1]
    chosen = [letter for letter in found if letter.get("don_vi_gui") == sender]
    if not chosen:
        raise NotFound(f"no submission letter (tờ trình) sent by unit {sender!r} in this case")
    return chosen[-1]


def proposal_counts(variables: dict[str, Any], unit_name: str, letter: dict[str, Any] | None = None,
                    sender_level: str | None = None) -> list[tuple[str, int, int]]:
    """(title, collectives, individuals) in order of first appearance: the nominations the letter proposes
    (`de_nghi` inside the letter: only what goes to the level above), else those that passed
    (`de_nghi_dat`), else the eligible `de_nghi`, leaving out the titles the sending level decides itself
    (a row's `cap_quyet_dinh` from the routing table equal to `sender_level`)."""
    rows = rows_of((letter or {}).get("de_nghi")) if isinstance((letter or {}).get("de_nghi"), list) else None
    if rows is None:
        rows = rows_of(variables.get("de_nghi_dat")) or [
            r for r in rows_of(variables.get("de_nghi")) if r.get("hop_le") is not False]
        rows = [r for r in rows if sender_level is None or r.get("cap_quyet_dinh") != sender_level]
    counts: dict[str, list[int]] = {}
    for person in (honoree(row, unit_name) for row in rows):
        slot = counts.setdefault(person.danh_hieu or "Khen thưởng", [0, 0])
        slot[0 if person.collective else 1] += 1
    return [(name, c, i) for name, (c, i) in counts.items()]


def _count_text(collectives: int, individuals: int) -> str:
    parts = ([f"{collectives:02d} tập thể"] if collectives else []) + ([f"{individuals:02d} cá nhân"]
                                                                         if individuals else [])
    return " và ".join(parts)


def docx(source: DocumentSource) -> bytes:
    if source.per_unit:
        raise MissingData("the submission letter is made per case", reason="per_case_only")
    variables = source.single()
    letter = letter_of(variables, source.letter)
    year = source.year()
    to = str(letter.get("kinh_gui") or "……")
    head = source.sender or source.letterhead
    doc = w.new_document()
    w.letterhead(doc, head, str(letter.get("so") or "……/TTr-……"), iso_date(letter.get("ngay")),
                 str(letter.get("dia_danh") or "") or source.place)
    w.title(doc, "Tờ trình", "Về việc đề nghị xét tặng danh hiệu thi đua và hình thức khen thưởng"
            + (f" năm học {year}" if year else ""))
    w.para(doc, f"Kính gửi: {to}.", align="center", before=6, after=6)
    for line in str(letter.get("noi_dung") or "").splitlines():
        if line.strip():
            w.para(doc, line.strip(), align="justify", indent_first=True, after=3)
    level = letter.get("cap") or ("truong" if source.sender is None else None)  # a school's own letter
    counts = proposal_counts(variables, source.cases[0].unit_name if source.cases else "", letter, level)
    if counts:
        w.para(doc, f"{head.unit_name} kính đề nghị xét tặng:", align="justify", indent_first=True,
               before=3, after=3)
        for name, collectives, individuals in counts:
            w.para(doc, f"- {name}: {_count_text(collectives, individuals)};", align="justify", indent_first=True)
        w.para(doc, "(Có danh sách trích ngang, biên bản họp Hội đồng Thi đua - Khen thưởng và hồ sơ kèm theo).",
               italic=True, align="justify", indent_first=True, before=3)
    w.para(doc, f"Kính trình {to} xem xét, quyết định./.", align="justify", indent_first=True, before=3, after=12)
    w.signatures(doc, recipients=("Như trên;", "Lưu: VT, TĐKT."),
                 right=(str(letter.get("chuc_vu_nguoi_ky") or "Thủ trưởng đơn vị"), str(letter.get("nguoi_ky") or "")))
    return w.to_bytes(doc)
