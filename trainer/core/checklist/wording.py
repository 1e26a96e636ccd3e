"""Careful outcome wording: the engine picks an outcome id, the indicator set holds its text.

The screens never build outcome sentences themselves; they ask here, so that the phrasing
reviewed in the data ("Indicators of possible trafficking ... are present: refer for formal
identification") is the phrasing shown. The loader refuses outcome texts that call the
person a victim. `level` is the key screens style by (colour, icon), never a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine import Outcome
from .model import IndicatorSet

LEVEL_REFER = "refer"
LEVEL_LOOK_FURTHER = "look-further"
LEVEL_NONE_NOTED = "none-noted"
LEVELS = (LEVEL_REFER, LEVEL_LOOK_FURTHER, LEVEL_NONE_NOTED)


@dataclass(frozen=True)
class OutcomeWording:
    level: str
    title: str
    meaning: str
    next_steps: tuple[str, ...]
    lang: str  # the language actually used
    fell_back: bool  # the requested language had no text; the source language is shown
    needs_review: bool  # the translation is unreviewed
    verification: str  # the profile's verification note: shown with every result


def outcome_wording(indicator_set: IndicatorSet, outcome: Outcome, lang: str) -> OutcomeWording:
    text, fell_back = indicator_set.text(lang)
    words = text.outcomes[outcome.outcome_id]
    purpose = text.profiles[outcome.profile_id][2]
    fill = {"purpose": purpose}
    return OutcomeWording(
        level=outcome.level,
        title=words.title.format_map(fill),
        meaning=words.meaning.format_map(fill),
        next_steps=words.next_steps,
        lang=text.lang,
        fell_back=fell_back,
        needs_review=text.translation == "unreviewed",
        verification=indicator_set.profiles[outcome.profile_id].verification,
    )
