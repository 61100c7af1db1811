"""Vote rules of a Hội đồng Thi đua - Khen thưởng, as pure functions of counts and dates.

Sources (../shared/notes/domain-vn.md §1.4 and §3):
- NĐ 98/2023/NĐ-CP Điều 30 khoản 7 (in force 01/01/2024 → 30/06/2025): CSTĐ cơ sở, Cờ thi đua bộ/tỉnh and
  Cờ thi đua của Chính phủ pass with ≥ 80 % "yes" of ALL council members; CSTĐ bộ/ngành/tỉnh and CSTĐ toàn
  quốc with ≥ 90 %. Absent members vote in writing and are counted.
- NĐ 152/2025/NĐ-CP (from 01/07/2025) keeps the same thresholds in practice (its article number is not
  verified in the notes; the rule row says so).
- Before 2024 (plans of 2016-2023): the legacy education rule TT 35/2015/TT-BGDĐT: ≥ 70 % "yes" of those
  taking part in the vote, 90 % for CSTĐ cấp bộ and toàn quốc.
- Every other title or form (LĐTT, TTLĐTT, TTLĐXS, Giấy khen, Bằng khen…) has no national rule: the
  unit's own rule applies (engine.council.config), by default more than half of all members.
- Quorum: no national rule for school councils under Luật 2022; the legacy rule and ministry examples use
  2/3 of members present; configurable per unit, default 2/3.

Ratios are exact fractions, so 4/5 of 10 members is exactly 8 "yes", never a rounding accident.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

ALL_MEMBERS = "all"  # denominator: every member of the council, present or not
PARTICIPANTS = "participants"  # denominator: the members who took part in the vote (legacy rule)

DEFAULT_QUORUM = Fraction(2, 3)
DEFAULT_LOCAL_THRESHOLD = Fraction(1, 2)  # more than half ("quá bán") unless the unit says otherwise
DEFAULT_LOCAL_STRICT = True  # the default local rule needs MORE than the ratio (> 50 %)

YES = "tan_thanh"
NO = "khong_tan_thanh"
VOTES = (YES, NO)


@dataclass(frozen=True)
class VoteRule:
    """How a title class passes a council vote, for meetings held between two dates (inclusive)."""

    titles: frozenset[str]
    ratio: Fraction
    denominator: str
    valid_from: date | None
    valid_to: date | None
    legal_basis: str
    strict: bool = False  # True: yes must EXCEED ratio × denominator; False: reach it

    def in_force(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


_CSTD_80 = frozenset({"chien_si_thi_dua_co_so", "co_thi_dua_tinh", "co_thi_dua_chinh_phu"})
_CSTD_90 = frozenset({"chien_si_thi_dua_tinh", "chien_si_thi_dua_toan_quoc"})
_LEGACY_70 = frozenset({"lao_dong_tien_tien", "chien_si_thi_dua_co_so", "tap_the_lao_dong_xuat_sac",
                        "co_thi_dua_tinh", "co_thi_dua_chinh_phu", "bang_khen_tinh", "bang_khen_bo",
                        "bang_khen_thu_tuong", "huan_chuong_lao_dong_hang_ba"})

NATIONAL_RULES: tuple[VoteRule, ...] = (
    VoteRule(_LEGACY_70, Fraction(7, 10), PARTICIPANTS, None, date(2023, 12, 31),
             "TT 35/2015/TT-BGDĐT (legacy education rule, superseded; applied to meetings before 01/01/2024)"),
    VoteRule(_CSTD_90, Fraction(9, 10), PARTICIPANTS, None, date(2023, 12, 31),
             "TT 35/2015/TT-BGDĐT (legacy education rule, superseded; applied to meetings before 01/01/2024)"),
    VoteRule(_CSTD_80, Fraction(4, 5), ALL_MEMBERS, date(2024, 1, 1), date(2025, 6, 30),
             "NĐ 98/2023/NĐ-CP Điều 30 khoản 7"),
    VoteRule(_CSTD_90, Fraction(9, 10), ALL_MEMBERS, date(2024, 1, 1), date(2025, 6, 30),
             "NĐ 98/2023/NĐ-CP Điều 30 khoản 7"),
    VoteRule(_CSTD_80, Fraction(4, 5), ALL_MEMBERS, date(2025, 7, 1), None,
             "NĐ 152/2025/NĐ-CP (thresholds of NĐ 98/2023 Điều 30 k7 carried over; article not verified)"),
    VoteRule(_CSTD_90, Fraction(9, 10), ALL_MEMBERS, date(2025, 7, 1), None,
             "NĐ 152/2025/NĐ-CP (thresholds of NĐ 98/2023 Điều 30 k7 carried over; article not verified)"),
)


def local_rule(ratio: Fraction = DEFAULT_LOCAL_THRESHOLD, strict: bool = DEFAULT_LOCAL_STRICT,
               basis: str = "default: more than half of all members (no national rule)") -> VoteRule:
    return VoteRule(frozenset(), ratio, ALL_MEMBERS, None, None, basis, strict)


def national_rule(title: str, on: date) -> VoteRule | None:
    """The national rule for this title at a meeting held on `on`, if the law fixes one."""
    return next((r for r in NATIONAL_RULES if title in r.titles and r.in_force(on)), None)


def rule_for(title: str, on: date, local: VoteRule | None = None) -> VoteRule:
    """National rule if there is one for the title on that date, else the unit's rule, else the default."""
    return national_rule(title, on) or local or local_rule()


def quorum_met(present: int, total: int, quorum: Fraction = DEFAULT_QUORUM) -> bool:
    """The meeting may vote: at least `quorum` of all members are present (an empty council never is)."""
    if total <= 0 or present < 0 or present > total:
        return False
    return Fraction(present, total) >= quorum


@dataclass(frozen=True)
class Outcome:
    yes: int
    no: int
    total_members: int
    denominator: int
    ratio: float  # yes / ALL members (the figure the minutes report), 0..1
    threshold: float
    passed: bool
    legal_basis: str


def decide(yes: int, no: int, total_members: int, rule: VoteRule, *, quorum: bool = True) -> Outcome:
    """Whether a nomination with `yes` / `no` votes passes under `rule` in a council of `total_members`.

    Without quorum nothing passes. Votes not cast (an absent member who sent no written vote) count
    against the nomination when the denominator is all members."""
    if yes < 0 or no < 0 or yes + no > total_members:
        raise ValueError(f"impossible count: {yes} yes + {no} no in a council of {total_members}")
    denominator = total_members if rule.denominator == ALL_MEMBERS else yes + no
    share = Fraction(yes, denominator) if denominator else Fraction(0)
    reached = share > rule.ratio if rule.strict else share >= rule.ratio
    passed = quorum and denominator > 0 and reached
    ratio = yes / total_members if total_members else 0.0
    return Outcome(yes, no, total_members, denominator, ratio, float(rule.ratio), passed, rule.legal_basis)


@dataclass(frozen=True)
class Count:
    yes: int = 0
    no: int = 0


def count_ballots(ballots: Iterable[Mapping[str, str]], codes: Iterable[str]) -> dict[str, Count]:
    """Yes/no per nomination code over ballots (each maps a nomination code to YES or NO; a missing
    code is a blank for that nomination)."""
    tally = {code: [0, 0] for code in codes}
    for ballot in ballots:
        for code, vote in ballot.items():
            if code not in tally:
                raise ValueError(f"a ballot names an unknown nomination {code!r}")
            if vote == YES:
                tally[code][0] += 1
            elif vote == NO:
                tally[code][1] += 1
            else:
                raise ValueError(f"a ballot holds {vote!r}; a vote is {YES!r} or {NO!r}")
    return {code: Count(yes, no) for code, (yes, no) in tally.items()}


def percent_text(ratio: object) -> str:
    """A ratio as Vietnamese writes a percentage: a decimal comma, at most two decimals, a space before
    the sign ("81,82 %", "100 %", "0 %"); "" for anything that is not a number. Shown in the minutes form,
    the Word minutes and the council pages alike; the data keeps the numeric ratio for computation."""
    if isinstance(ratio, bool):
        return ""
    try:
        share = float(ratio)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return f"{share * 100:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " %"
