"""Per-unit council rules: the quorum and the thresholds the law leaves to the unit.

A rule set on a unit applies to it and to the units below it (a Sở's regulation covers its schools
unless a school has its own), for meetings held between `valid_from` and `valid_to`. National rules
(engine.council.rules.NATIONAL_RULES) always win for the titles they cover.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from engine.council.rules import ALL_MEMBERS, DEFAULT_QUORUM, VoteRule, local_rule
from engine.errors import InvalidInput
from engine.models import CouncilRule, Unit
from engine.org import ancestors_and_self, unit_by_code
from engine.registry.titles import TITLES

QUORUM = "quorum"
ANY_TITLE = "*"


def parse_ratio(text: str, field: str = "ratio") -> Fraction:
    """'2/3', '0.8', '80%' → an exact fraction in (0, 1]."""
    raw = text.strip().replace(",", ".")
    try:
        value = Fraction(raw[:-1]) / 100 if raw.endswith("%") else Fraction(raw)
    except (ValueError, ZeroDivisionError):
        raise InvalidInput(f"{text!r} is not a ratio such as 2/3, 0.8 or 80%", field=field) from None
    if not 0 < value <= 1:
        raise InvalidInput(f"ratio {text!r} must be above 0 and at most 1 (100%)", field=field)
    return value


def set_rule(session: Session, unit_code: str, key: str, ratio: Fraction, *, strict: bool = False,
             valid_from: date | None = None, valid_to: date | None = None, note: str | None = None) -> CouncilRule:
    """Create or replace the unit's rule `key` (quorum, a title code or "*") starting `valid_from`."""
    if key not in (QUORUM, ANY_TITLE) and key not in TITLES:
        raise InvalidInput(f"unknown rule {key!r}: use 'quorum', '*' or a title code ({', '.join(TITLES)})",
                           field="key")
    if valid_from and valid_to and valid_to < valid_from:
        raise InvalidInput("valid_to is before valid_from", field="valid_to")
    unit = unit_by_code(session, unit_code)
    rule = session.scalar(select(CouncilRule).where(CouncilRule.unit_id == unit.id, CouncilRule.key == key,
                                                    _same_start(valid_from)))
    if rule is None:
        rule = CouncilRule(unit_id=unit.id, key=key, valid_from=valid_from)
        session.add(rule)
    rule.numerator, rule.denominator = ratio.numerator, ratio.denominator
    rule.strict, rule.valid_to, rule.note = strict, valid_to, note
    session.flush()
    return rule


def _same_start(valid_from: date | None) -> ColumnElement[bool]:
    return CouncilRule.valid_from.is_(None) if valid_from is None else CouncilRule.valid_from == valid_from


def _in_force(rule: CouncilRule, on: date) -> bool:
    return (rule.valid_from is None or rule.valid_from <= on) and (rule.valid_to is None or on <= rule.valid_to)


def _nearest(session: Session, unit: Unit, keys: tuple[str, ...], on: date) -> CouncilRule | None:
    """The rule of the nearest unit (the unit itself, then up) that has one for the first key it has."""
    for level in ancestors_and_self(unit):
        rules = [r for r in session.scalars(select(CouncilRule).where(
            CouncilRule.unit_id == level.id, CouncilRule.key.in_(keys))) if _in_force(r, on)]
        for key in keys:
            found = [r for r in rules if r.key == key]
            if found:
                return max(found, key=lambda r: r.valid_from or date.min)
    return None


def quorum_of(session: Session, unit: Unit, on: date) -> Fraction:
    rule = _nearest(session, unit, (QUORUM,), on)
    return Fraction(rule.numerator, rule.denominator) if rule else DEFAULT_QUORUM


def local_rule_of(session: Session, unit: Unit, title: str, on: date) -> VoteRule:
    """The unit's rule for a title the law leaves to it (its own rule for the title, else for "*")."""
    rule = _nearest(session, unit, (title, ANY_TITLE), on)
    if rule is None:
        return local_rule()
    owner = session.get(Unit, rule.unit_id)
    basis = f"quy chế của {owner.name if owner else unit.name}" + (f": {rule.note}" if rule.note else "")
    return VoteRule(frozenset({title}), Fraction(rule.numerator, rule.denominator), ALL_MEMBERS,
                    rule.valid_from, rule.valid_to, basis, rule.strict)


def rule_json(rule: VoteRule, title: str) -> dict[str, object]:
    return {"title": title, "ratio": f"{rule.ratio.numerator}/{rule.ratio.denominator}",
            "percent": round(float(rule.ratio) * 100, 2), "strict": rule.strict,
            "denominator": rule.denominator, "legal_basis": rule.legal_basis,
            "valid_from": rule.valid_from.isoformat() if rule.valid_from else None,
            "valid_to": rule.valid_to.isoformat() if rule.valid_to else None}


def rules_in_force(session: Session, unit: Unit, on: date) -> dict[str, object]:
    """The quorum and, per title of the catalogue, the pass rule a meeting of the unit's council held
    on `on` applies (national where the law fixes one, else the unit's own, else the default)."""
    from engine.council.rules import rule_for

    quorum = quorum_of(session, unit, on)
    return {"unit": unit.code, "on": on.isoformat(),
            "quorum": {"ratio": f"{quorum.numerator}/{quorum.denominator}", "percent": round(float(quorum) * 100, 2)},
            "titles": [rule_json(rule_for(code, on, local_rule_of(session, unit, code, on)), code) for code in TITLES]}
