"""Eligibility rules: DMN decision tables in processes/rules/ (or their deployed versions), evaluated on
the rule set in force at a dossier's receipt date, with inputs computed from the registry."""

from engine.rules.eligibility import TITLE_TABLES, EligibilityResult, Nomination, evaluate_eligibility
from engine.rules.inputs import EligibilityInputs, eligibility_inputs
from engine.rules.quota import QuotaResult, check_quota, set_quota
from engine.rules.tables import RuleHit, RuleTableError

__all__ = [
    "TITLE_TABLES", "EligibilityInputs", "EligibilityResult", "Nomination", "QuotaResult", "RuleHit",
    "RuleTableError", "check_quota", "eligibility_inputs", "evaluate_eligibility", "set_quota",
]
