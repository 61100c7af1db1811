"""Is a nomination eligible? Three decision tables, evaluated on the rule set in force at the receipt date:

1. `eligibility_regime` — which legal texts apply (none before 01/01/2024: Luật 2003 is not modelled);
2. `eligibility_hold` — discipline review, inspection, pending complaint (hold) or a running discipline;
3. the title's own table (`TITLE_TABLES`) — COLLECT of rules: `dat` rows are satisfied alternatives,
   `khong_dat` rows name an unmet criterion.

Eligible when some `dat` row matched and nothing holds or blocks. Reasons are Vietnamese, from the
tables; the legal basis of each matched row comes from its description. Rows whose basis carries
"[unverified]" make the result `unverified` (text reported but not confirmed, e.g. the 2026 amendment).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.registry.subjects import Subject
from engine.registry.titles import title as find_title
from engine.rules.inputs import eligibility_inputs
from engine.rules.tables import evaluate, load_decision

REGIME = "eligibility_regime"
HOLD = "eligibility_hold"
TITLE_TABLES: dict[str, tuple[str, str]] = {  # title -> (decision id, subject kind it applies to)
    "lao_dong_tien_tien": ("eligibility_lao_dong_tien_tien", "person"),
    "chien_si_thi_dua_co_so": ("eligibility_chien_si_thi_dua_co_so", "person"),
    "chien_si_thi_dua_tinh": ("eligibility_chien_si_thi_dua_tinh", "person"),
    "chien_si_thi_dua_toan_quoc": ("eligibility_chien_si_thi_dua_toan_quoc", "person"),
    "tap_the_lao_dong_tien_tien": ("eligibility_tap_the_lao_dong_tien_tien", "collective"),
    "tap_the_lao_dong_xuat_sac": ("eligibility_tap_the_lao_dong_xuat_sac", "collective"),
    "bang_khen_tinh": ("eligibility_bang_khen_bo_tinh", "person"),
    "bang_khen_bo": ("eligibility_bang_khen_bo_tinh", "person"),
    "bang_khen_thu_tuong": ("eligibility_bang_khen_thu_tuong", "person"),
    "huan_chuong_lao_dong_hang_ba": ("eligibility_huan_chuong_lao_dong_hang_ba", "person"),
    "ky_niem_chuong_vi_su_nghiep_giao_duc": ("eligibility_ky_niem_chuong_vi_su_nghiep_giao_duc", "person"),
}


@dataclass(frozen=True)
class Nomination:
    subject: Subject
    title: str
    receipt_date: date
    hints: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool
    hold: bool
    reasons: list[str]
    rule_ids: list[str]  # "<decision>/<rule>" of every row that decided the result
    legal_basis: list[str]
    decided_by: str | None = None
    unverified: bool = False
    warnings: list[str] = field(default_factory=list)
    regime: str | None = None
    school_year: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)  # decision id -> "deployed v2" / file name

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate_eligibility(session: Session, nomination: Nomination) -> EligibilityResult:
    title = find_title(nomination.title)
    if title.code not in TITLE_TABLES:
        raise InvalidInput(f"title: no eligibility rules for {title.name}; the council decides it", field="title")
    decision_id, subject_kind = TITLE_TABLES[title.code]
    if nomination.subject.kind != subject_kind:
        who = "a person" if subject_kind == "person" else "a collective (unit)"
        raise InvalidInput(f"subject: the rules for {title.name} apply to {who}", field="subject")
    prepared = eligibility_inputs(session, nomination.subject, title.code, nomination.receipt_date, nomination.hints)
    values = prepared.values
    decisions = {d: load_decision(session, d) for d in (REGIME, HOLD, decision_id)}
    regime = evaluate(decisions[REGIME], values)
    holds = evaluate(decisions[HOLD], values)
    verdict = evaluate(decisions[decision_id], values)
    passed = [h for h in verdict if h.outcome == "dat"]
    failed = [h for h in verdict if h.outcome != "dat"]
    waiting = [h for h in holds if h.outcome == "tam_hoan"]
    blocked = [h for h in holds if h.outcome != "tam_hoan"]
    eligible = bool(regime) and bool(passed) and not holds
    deciding = [*regime, *waiting, *blocked, *(passed if passed else failed)]
    reasons = [h.reason for h in (*waiting, *blocked, *(passed if passed else failed))]
    if not regime:
        reasons.insert(0, f"Không có bộ quy tắc áp dụng cho hồ sơ nhận ngày {nomination.receipt_date:%d/%m/%Y}: "
                          "hệ thống áp dụng Luật Thi đua, khen thưởng 2022 từ 01/01/2024")
    return EligibilityResult(
        eligible=eligible, hold=bool(waiting), reasons=_unique(reasons),
        rule_ids=[f"{h.decision}/{h.rule_id}" for h in deciding],
        legal_basis=_unique([h.legal_basis for h in deciding if h.legal_basis]),
        decided_by=next((h.decided_by for h in passed if h.decided_by), None),
        unverified=any(h.unverified for h in deciding),
        warnings=[] if eligible else prepared.warnings,
        regime=regime[0].rule_id if regime else None,
        school_year=str(prepared.school_year),
        inputs=values,
        tables={d: loaded.source for d, loaded in decisions.items()},
    )


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))

