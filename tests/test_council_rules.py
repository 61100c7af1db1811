"""Council vote rules (engine.council.rules): quorum, thresholds on ALL members, dates, counting."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from engine.council.rules import (
    ALL_MEMBERS,
    NO,
    PARTICIPANTS,
    YES,
    count_ballots,
    decide,
    local_rule,
    national_rule,
    quorum_met,
    rule_for,
)

NĐ98_DAY, NĐ152_DAY, LEGACY_DAY = date(2024, 8, 12), date(2025, 9, 5), date(2020, 5, 15)


@pytest.mark.parametrize(("present", "total", "met"), [
    (5, 7, True), (4, 7, False), (2, 3, True), (1, 3, False), (6, 9, True), (5, 9, False),
    (0, 0, False), (7, 7, True), (8, 7, False), (-1, 7, False),
])
def test_quorum_is_two_thirds_of_all_members(present, total, met):
    assert quorum_met(present, total) is met


def test_quorum_of_a_unit_rule():
    assert quorum_met(4, 7, Fraction(1, 2)) and not quorum_met(3, 7, Fraction(1, 2))


@pytest.mark.parametrize("title", ["chien_si_thi_dua_co_so", "co_thi_dua_tinh", "co_thi_dua_chinh_phu"])
@pytest.mark.parametrize("day", [NĐ98_DAY, NĐ152_DAY])
def test_eighty_percent_of_all_members(title, day):
    rule = national_rule(title, day)
    assert rule is not None and rule.ratio == Fraction(4, 5) and rule.denominator == ALL_MEMBERS
    # council of 7, 2 absent: 5 yes (all present said yes) is 71 % of all members — fails
    assert not decide(5, 0, 7, rule).passed
    # the written vote of an absent member makes 6 of 7 = 85.7 % — passes
    sixth = decide(6, 0, 7, rule)
    assert sixth.passed and round(sixth.ratio, 3) == 0.857 and sixth.threshold == 0.8
    # exactly 80 % passes (8 of 10), one vote short does not
    assert decide(8, 2, 10, rule).passed and not decide(7, 3, 10, rule).passed


@pytest.mark.parametrize("title", ["chien_si_thi_dua_tinh", "chien_si_thi_dua_toan_quoc"])
@pytest.mark.parametrize("day", [NĐ98_DAY, NĐ152_DAY])
def test_ninety_percent_of_all_members(title, day):
    rule = national_rule(title, day)
    assert rule is not None and rule.ratio == Fraction(9, 10)
    assert decide(9, 1, 10, rule).passed and not decide(8, 0, 10, rule).passed
    assert not decide(6, 0, 7, rule).passed and decide(7, 0, 7, rule).passed  # 6/7 = 85.7 % < 90 %


def test_rules_follow_the_meeting_date():
    assert "NĐ 98/2023" in national_rule("chien_si_thi_dua_co_so", date(2025, 6, 30)).legal_basis
    assert "NĐ 152/2025" in national_rule("chien_si_thi_dua_co_so", date(2025, 7, 1)).legal_basis
    legacy = national_rule("chien_si_thi_dua_co_so", LEGACY_DAY)
    assert legacy.ratio == Fraction(7, 10) and legacy.denominator == PARTICIPANTS and "TT 35/2015" in legacy.legal_basis
    # legacy: 70 % of those who took part: 5 yes of 7 ballots passes (71 %), where NĐ 98 needs 6
    assert decide(5, 2, 9, legacy).passed and not decide(5, 3, 9, legacy).passed
    assert national_rule("lao_dong_tien_tien", NĐ98_DAY) is None  # left to the unit since 2024


def test_titles_without_a_national_rule_use_the_units_rule_or_more_than_half():
    default = rule_for("lao_dong_tien_tien", NĐ98_DAY)
    assert default.strict and default.ratio == Fraction(1, 2)
    assert decide(4, 3, 7, default).passed and not decide(3, 0, 6, default).passed  # half is not more than half
    unit = local_rule(Fraction(2, 3), strict=False, basis="quy chế")
    assert rule_for("giay_khen", NĐ98_DAY, unit) is unit
    assert decide(4, 0, 6, unit).passed and not decide(3, 3, 6, unit).passed
    # a unit rule never weakens a national one
    assert rule_for("chien_si_thi_dua_co_so", NĐ98_DAY, unit).ratio == Fraction(4, 5)


def test_nothing_passes_without_quorum_and_impossible_counts_are_refused():
    rule = national_rule("chien_si_thi_dua_co_so", NĐ98_DAY)
    assert not decide(7, 0, 7, rule, quorum=False).passed
    with pytest.raises(ValueError):
        decide(6, 2, 7, rule)
    with pytest.raises(ValueError):
        decide(-1, 0, 7, rule)
    assert not decide(0, 0, 0, rule).passed


def test_counting_ballots():
    counts = count_ballots([{"a": YES, "b": NO}, {"a": YES}, {"a": NO, "b": NO}], ["a", "b", "c"])
    assert (counts["a"].yes, counts["a"].no) == (2, 1)
    assert (counts["b"].yes, counts["b"].no) == (0, 2)
    assert (counts["c"].yes, counts["c"].no) == (0, 0)
    with pytest.raises(ValueError):
        count_ballots([{"x": YES}], ["a"])
    with pytest.raises(ValueError):
        count_ballots([{"a": "maybe"}], ["a"])
