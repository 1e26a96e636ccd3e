"""The victim-identification indicator checklist: indicator sets and rules as data, a pure rule
engine, referral directories, and encrypted, short-lived screening records.

Screening data never leaves the device: nothing in this package writes to the outbox or to
logs. The outcome supports a referral decision; it never labels anyone.
"""

from typing import TYPE_CHECKING

# The names below are imported on first use (PEP 562), not with the package: the device
# database's migrations import `checklist.schema` at every app start, and the first view must
# not pay for the rule engine, the loaders and the model it does not show.
if TYPE_CHECKING:
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

_FROM = {
    "engine": ("NOT_PRESENT", "OPEN", "PRESENT", "ElementResult", "Outcome", "evaluate"),
    "loader": ("check_indicators", "load_indicator_set", "load_indicator_sets", "parse_indicator_set"),
    "model": ("Answer", "IndicatorSet", "ReferralDirectory"),
    "referrals": ("check_referrals", "import_referrals", "load_referral_directories", "load_referral_directory",
                  "parse_referral_directory"),
    "wording": ("LEVELS", "OutcomeWording", "outcome_wording"),
}
_WHERE = {name: module for module, names in _FROM.items() for name in names}


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


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
