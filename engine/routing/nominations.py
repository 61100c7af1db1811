"""The nominations (`de_nghi`) of a case through the core flow: routing, eligibility flags before
submission, council results, and recording decided titles in the reward registry.

Functions of a session and plain case data (lists of dicts, processes/CASE_DATA.md "de_nghi"), so the script
helpers (`engine.routing.helpers`) and tests call the same code. Keys this module adds to a
nomination (all optional for callers): `tuyen` (level keys from the school to the deciding level),
`cap_quyet_dinh`, `co_quan_quyet_dinh`, `buoc` (index in `tuyen` of the level holding it now),
`trang_thai` (cho_trinh | cho_quyet_dinh | da_khen | khong_dat | rut), `hop_le`, `ly_do`,
`so_quyet_dinh`, `ngay_quyet_dinh`, `cap_da_xet`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import EngineError, InvalidInput
from engine.models import Unit
from engine.org import ancestors_and_self
from engine.registry.awards import existing_duplicate, parse_award, record_award
from engine.registry.subjects import subject_from
from engine.registry.titles import TITLES
from engine.routing.table import LEVELS, RoutingError, route
from engine.rules.eligibility import Nomination, evaluate_eligibility

PENDING = "cho_trinh"
TO_DECIDE = "cho_quyet_dinh"
DECIDED = "da_khen"
FAILED = "khong_dat"
WITHDRAWN = "rut"
NO_RULES = "Chưa có bảng điều kiện cho danh hiệu này: Hội đồng xem xét"
MANUAL_CHECK = "Không có bộ tiêu chí cho ngày {day:%d/%m/%Y}: kiểm tra thủ công"


def active(nominations: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [n for n in nominations if not n.get("rut") and n.get("trang_thai") != WITHDRAWN]


def with_routes(nominations: list[dict[str, Any]], school_level: str, on: date) -> list[dict[str, Any]]:
    """Each nomination with its route for a dossier dated `on` (a new list of new dicts)."""
    out = []
    for n in nominations:
        item = dict(n)
        try:
            found = route(school_level, str(item.get("danh_hieu", "")), on)
        except RoutingError as exc:
            item.update(hop_le=False, ly_do=f"Không xác định được cấp quyết định: {exc}")
            out.append(item)
            continue
        item.update(tuyen=[level.key for level in found.chain], cap_quyet_dinh=found.deciding.key,
                    co_quan_quyet_dinh=found.deciding.authority, buoc=0, trang_thai=item.get("trang_thai") or PENDING)
        out.append(item)
    return out


NOT_REGISTERED = "khong_dang_ky"
REGISTRATION_FIELDS = ("ho_ten", "chuc_vu", "danh_hieu", "thanh_tich", "ghi_chu")


def registration_rows(teachers: list[dict[str, Any]], registrations: list[Any]) -> list[dict[str, Any]]:
    """The personal nominations from the teachers' registrations (one per teacher, in order): every field the
    teacher filled in (`ho_ten`, `chuc_vu`, `danh_hieu`, `thanh_tich`, `ghi_chu`), code `cn<n>`, the account's
    username and, when the teacher left it out, the account's name. "Không đăng ký" makes no nomination.
    A registration may also be a bare title code (cases started before registrations kept whole rows)."""
    out = []
    for index, (teacher, registration) in enumerate(zip(teachers, registrations, strict=False)):
        typed = registration if isinstance(registration, dict) else {"danh_hieu": registration}
        title = typed.get("danh_hieu")
        if not title or title == NOT_REGISTERED:
            continue
        row: dict[str, Any] = {"ma": f"cn{index + 1}", "loai": "ca_nhan"}
        for key in REGISTRATION_FIELDS:
            value = typed.get(key)
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, ""):
                row[key] = value
        row.setdefault("ho_ten", teacher.get("ho_ten"))
        row["username"] = teacher.get("username")
        out.append(row)
    return out


def _subject_data(n: dict[str, Any], case_unit: Unit) -> dict[str, Any]:
    unit = str(n.get("ma_don_vi") or case_unit.code)
    if n.get("loai") == "tap_the":
        return {"unit": unit}
    if n.get("username"):
        return {"username": n["username"], "unit": unit}
    return {"name": n.get("ho_ten"), "unit": unit}


def _hints(n: dict[str, Any], school_year: str, proposed_with: list[str]) -> dict[str, Any]:
    hints: dict[str, Any] = {"school_year": school_year}
    if n.get("xep_loai"):
        hints["collective_rating" if n.get("loai") == "tap_the" else "rating"] = n["xep_loai"]
    if n.get("loai") != "tap_the":
        if proposed_with:
            hints["proposed_with"] = proposed_with
        if n.get("pham_vi_sang_kien"):
            hints["initiative_scope"] = n["pham_vi_sang_kien"]
        if isinstance(n.get("so_sang_kien"), int):
            hints["initiatives"] = n["so_sang_kien"]
    return hints


def check_eligibility(session: Session, case_unit: Unit, nominations: list[dict[str, Any]], receipt_date: date,
                      school_year: str) -> list[dict[str, Any]]:
    """Flag each active nomination: `hop_le` and, when not eligible, `ly_do` (the rules' reasons), on the
    rule set in force at `receipt_date`. Titles without a decision table are left to the council. A dossier
    dated when no rule set is encoded (before Luật 2022, 01/01/2024) is not refused: `hop_le` stays true,
    `kiem_tra_thu_cong` is set and `ly_do` says the criteria must be checked by hand."""
    out = []
    titles_of: dict[str, list[str]] = {}
    for n in active(nominations):  # titles proposed together count for the year (e.g. LĐTT with CSTĐ cơ sở)
        if str(n.get("danh_hieu")) in TITLES:
            key = n.get("username") or n.get("ho_ten") or ""
            titles_of.setdefault(str(key), []).append(str(n.get("danh_hieu")))
    for n in nominations:
        item = dict(n)
        out.append(item)
        if not active([item]):
            continue
        if "tuyen" not in item:  # no route: with_routes already said why
            continue
        others = [t for t in titles_of.get(str(item.get("username") or item.get("ho_ten") or ""), [])
                  if t != item.get("danh_hieu")]
        title = TITLES.get(str(item.get("danh_hieu")))
        if title is not None and not title.allows("collective" if item.get("loai") == "tap_the" else "person"):
            who = "cá nhân" if item.get("loai") == "tap_the" else "tập thể"
            item.update(hop_le=False, ly_do=f"{title.name} chỉ xét cho {who}: sửa loại đề nghị hoặc danh hiệu")
            continue
        try:
            subject = subject_from(session, _subject_data(item, case_unit))
            result = evaluate_eligibility(session, Nomination(
                subject, str(item.get("danh_hieu")), receipt_date,
                _hints(item, school_year, others if item.get("loai") != "tap_the" else [])))
        except InvalidInput as exc:
            if str(exc).startswith("title: no eligibility rules"):
                item.update(hop_le=True, ly_do=NO_RULES)
            else:
                item.update(hop_le=False, ly_do=f"Thông tin đề nghị chưa đúng: {exc}")
            continue
        except EngineError as exc:
            item.update(hop_le=False, ly_do=f"Thông tin đề nghị chưa đúng: {exc}")
            continue
        if result.regime is None:  # no rule set for that date: the people check it, the flow goes on
            item.update(hop_le=True, kiem_tra_thu_cong=True, ly_do=MANUAL_CHECK.format(day=receipt_date))
        elif result.eligible:
            item.update(hop_le=True, ly_do="")
        else:
            item.update(hop_le=False, ly_do="; ".join(result.reasons) or "Chưa đủ điều kiện")
    return out


def blocking(nominations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Active nominations that may not be submitted (not eligible, reason given)."""
    return [n for n in active(nominations) if n.get("hop_le") is False]


def refusal_message(nominations: list[dict[str, Any]]) -> str:
    blocked = blocking(nominations)
    if not blocked:
        return ""
    lines = [f"- {n.get('ho_ten') or n.get('don_vi') or n.get('ma')} ({_title_name(n.get('danh_hieu'))}): "
             f"{n.get('ly_do')}" for n in blocked]
    return ("Chưa thể trình: " + str(len(blocked)) + " đề nghị chưa đủ điều kiện. Sửa thông tin hoặc rút đề nghị "
            "(đánh dấu \"Rút\") rồi hoàn thành lại:\n" + "\n".join(lines))


def _title_name(code: object) -> str:
    found = TITLES.get(str(code))
    return found.name if found else str(code)


def current_level(n: dict[str, Any]) -> str | None:
    tuyen, step = n.get("tuyen") or [], n.get("buoc", 0)
    return tuyen[step] if isinstance(step, int) and 0 <= step < len(tuyen) else None


def level_unit(case_unit: Unit, level_key: str) -> Unit | None:
    """The unit standing for `level_key` above (or at) the case's school; None when the organisation has none."""
    kinds = LEVELS[level_key].kinds
    for kind in kinds:
        for unit in ancestors_and_self(case_unit):
            if unit.kind == kind:
                return unit
    return None


def next_hop(case_unit: Unit, nominations: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The next level to receive nominations: the lowest level holding some pending ones. Its unit is the
    nearest unit of the level's kinds above the school; for the first level, failing that, the school's
    parent unit (the organisation tree says who supervises the school).

    `{"cap", "ten_cap", "co_quan", "don_vi" (unit code, None outside the organisation), "ten_don_vi",
    "ma": [codes]}`; None when nothing is pending."""
    pending = [n for n in active(nominations) if n.get("trang_thai") == PENDING and current_level(n)]
    if not pending:
        return None
    order = list(LEVELS)
    pending.sort(key=lambda n: (n.get("buoc", 0), order.index(current_level(n) or "truong")))
    key = current_level(pending[0]) or "truong"
    step = pending[0].get("buoc", 0)
    group = [n for n in pending if current_level(n) == key and n.get("buoc", 0) == step]
    unit = level_unit(case_unit, key)
    if unit is None and step == 1 and case_unit.parent is not None:
        # the organisation tree has no unit of that kind above the school (e.g. no UBND xã yet): the dossier
        # goes to the school's supervising unit in the tree, which handles it
        unit = case_unit.parent
    level = LEVELS[key]
    return {"cap": key, "ten_cap": level.name, "co_quan": level.authority,
            "don_vi": unit.code if unit else None, "ten_don_vi": unit.name if unit else level.name,
            "buoc": step, "ma": [str(n.get("ma")) for n in group]}


def apply_council(nominations: list[dict[str, Any]], codes: list[str], passed: list[dict[str, Any]],
                  level_key: str) -> list[dict[str, Any]]:
    """After the council of `level_key` voted on `codes`: passed ones are decided here or go one level up."""
    passed_codes = {str(p.get("ma")) for p in passed}
    out = []
    for n in nominations:
        item = dict(n)
        if str(item.get("ma")) in codes and active([item]):
            item["cap_da_xet"] = level_key
            if str(item.get("ma")) not in passed_codes:
                item["trang_thai"] = FAILED
            elif item.get("cap_quyet_dinh") == level_key:
                item["trang_thai"] = TO_DECIDE
            else:
                item["buoc"] = int(item.get("buoc", 0)) + 1
                item["trang_thai"] = PENDING
        out.append(item)
    return out


def to_decide(nominations: list[dict[str, Any]], codes: list[str] | None = None) -> list[dict[str, Any]]:
    return [n for n in active(nominations) if n.get("trang_thai") == TO_DECIDE
            and (codes is None or str(n.get("ma")) in codes)]


LETTER_FIELDS = ("ma", "loai", "ho_ten", "chuc_vu", "don_vi", "danh_hieu", "thanh_tich", "cap_quyet_dinh",
                 "co_quan_quyet_dinh")


def going_up(nominations: list[dict[str, Any]], codes: list[str]) -> list[dict[str, Any]]:
    """The nominations of `codes` that passed this level's council and go to the level above (the ones a
    tờ trình proposes: titles decided at this level, like the school's Giấy khen, stay out), trimmed to
    the fields a letter lists."""
    return [{k: n[k] for k in LETTER_FIELDS if k in n} for n in active(nominations)
            if str(n.get("ma")) in codes and n.get("trang_thai") == PENDING]


def record_decision(session: Session, case_unit: Unit, nominations: list[dict[str, Any]], codes: list[str],
                    decision: dict[str, Any], *, school_year: str, deciding_unit: str | None,
                    authority: str | None, instance_id: int | None) -> list[dict[str, Any]]:
    """Record each nomination of `codes` waiting for this decision in the reward registry (subject, title,
    school year, decision number and date, deciding unit or authority, case) and mark it decided.

    A decision recorded before (same subject, title, year and number: a retried step) is not recorded twice.
    A collective (or a person without an account) is the unit `ma_don_vi`, else the unit named `don_vi`, else
    the case's unit. No `school_year`: the school year of the decision's date.
    `decision["khong_dat"]` may list codes the decision did not grant (they become `khong_dat`)."""
    refused = {str(c) for c in decision.get("khong_dat") or []}
    if not school_year:  # no school year given: the one of the decision's date
        school_year = _school_year_of(decision.get("ngay"))
    out = []
    for n in nominations:
        item = dict(n)
        out.append(item)
        if str(item.get("ma")) not in codes or item.get("trang_thai") != TO_DECIDE or not active([item]):
            continue
        if str(item.get("ma")) in refused:
            item["trang_thai"] = FAILED
            continue
        subject = _subject_data(_with_unit_code(session, item), case_unit)
        data = {**subject, "title": item.get("danh_hieu"), "school_year": school_year,
                "decision_number": decision.get("so"), "decision_date": decision.get("ngay"),
                "case": instance_id or None, "note": str(item.get("thanh_tich") or "")[:2000]}
        if deciding_unit:
            data["deciding_unit"] = deciding_unit
        data["deciding_authority"] = decision.get("co_quan") or authority
        parsed = parse_award(session, data)
        if existing_duplicate(session, parsed) is None:
            record_award(session, parsed, None, source="process")
        item.update(trang_thai=DECIDED, so_quyet_dinh=parsed.decision_number,
                    ngay_quyet_dinh=parsed.decision_date.isoformat(),
                    co_quan_da_quyet_dinh=decision.get("co_quan") or authority)
    return out


def _with_unit_code(session: Session, n: dict[str, Any]) -> dict[str, Any]:
    name = str(n.get("don_vi") or "").strip()
    if n.get("ma_don_vi") or not name:
        return n
    code = session.scalar(select(Unit.code).where((Unit.name == name) | (Unit.code == name)))
    return {**n, "ma_don_vi": code} if code else n


def _school_year_of(day: object) -> str:
    from engine.plans.school_year import FIRST_MONTH
    from engine.registry.subjects import parse_date

    decided = parse_date(day, "quyet_dinh.ngay")
    first = decided.year if decided.month >= FIRST_MONTH else decided.year - 1
    return f"{first}-{first + 1}"


EDITABLE = ("loai", "ho_ten", "username", "don_vi", "ma_don_vi", "chuc_vu", "danh_hieu", "thanh_tich", "xep_loai",
            "pham_vi_sang_kien", "so_sang_kien", "rut")


def merge_edits(before: list[dict[str, Any]], edited: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The nominations after the consolidation form: rows keep what the form does not show (route, username…)
    by their code `ma`; a row without a known code is new (code `bs<n>`); a row left out is withdrawn."""
    by_code = {str(n.get("ma")): n for n in before}
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    added = 0
    for row in edited:
        code = str(row.get("ma") or "")
        if code in by_code and code not in seen:
            item = dict(by_code[code])
        else:
            added += 1
            while f"bs{added}" in by_code:
                added += 1
            code = f"bs{added}"
            item = {"ma": code, "loai": "ca_nhan"}
        seen.add(code)
        for key in EDITABLE:
            if key in row and row[key] is not None:
                item[key] = row[key]
        item.pop("hop_le", None)
        item.pop("ly_do", None)
        item.pop("kiem_tra_thu_cong", None)
        item.pop("trang_thai", None)
        if item.get("rut"):
            item["trang_thai"] = WITHDRAWN
        out.append(item)
    for code, n in by_code.items():
        if code not in seen:
            out.append({**n, "rut": True, "trang_thai": WITHDRAWN})
    return out


def decision_problem(decision: dict[str, Any], school_year: str, today: date) -> str:
    """Why the registry would refuse this decision ("" when it is fine), in words for the person entering it."""
    from engine.plans.school_year import SchoolYear
    from engine.registry.subjects import parse_date

    if not str(decision.get("so") or "").strip():
        return "Thiếu số quyết định."
    try:
        day = parse_date(decision.get("ngay"), "ngay")
    except InvalidInput:
        return f"Ngày quyết định {decision.get('ngay')!r} không đúng dạng ngày."
    if day > today:
        return (f"Ngày quyết định {day:%d/%m/%Y} sau ngày hôm nay ({today:%d/%m/%Y}): "
                "kiểm tra lại ngày ký rồi hoàn thành lại.")
    try:
        first = SchoolYear.parse(school_year).first if school_year else None
    except InvalidInput:
        first = None
    if first is not None and day.year < first:
        return f"Ngày quyết định {day:%d/%m/%Y} trước năm học {school_year}: kiểm tra lại ngày ký."
    return ""
