"""The victim-identification indicator checklist: indicator sets and rules as data, a pure rule
engine, referral directories, and encrypted, short-lived screening records.

Screening data never leaves the device: nothing in this package writes to the outbox or to
logs. The outcome supports a referral decision; it never labels anyone.
"""

from .engine import NOT_PRESENT, OPEN, PRESENT, ElementResult, Outcome, evaluate
from .loader import check_indicators, load_indicator_set, load_indicator_sets, parse_indicator_set
from .model import Answer, IndicatorSet, ReferralDirectory
from .referrals import (
    check_referrals,
    import_referrals,
    load_referral_directories,
    load_referral_directory,
    parse_referral_directory,
)
from .wording import LEVELS, OutcomeWording, outcome_wording

__all__ = [
    "Answer",
    "ElementResult",
    "IndicatorSet",
    "LEVELS",
    "NOT_PRESENT",
    "OPEN",
    "Outcome",
    "OutcomeWording",
    "PRESENT",
    "ReferralDirectory",
    "check_indicators",
    "check_referrals",
    "evaluate",
    "import_referrals",
    "load_indicator_set",
    "load_indicator_sets",
    "load_referral_directories",
    "load_referral_directory",
    "outcome_wording",
    "parse_indicator_set",
    "parse_referral_directory",
]
