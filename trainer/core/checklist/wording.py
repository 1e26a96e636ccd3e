"""Careful outcome wording: the engine picks an outcome id, the indicator set holds its text.

The screens never build outcome sentences themselves; they ask here, so that the phrasing
reviewed in the data ("Indicators of possible trafficking ... are present: refer for formal
identification") is the phrasing shown. The loader refuses outcome texts that call the
person a victim. `level` is the key screens style by (colour, icon), never a verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from babel.lists import format_list

from .engine import Outcome, missing_groups
from .model import IndicatorSet, SetText

# An outcome describes indicators, never a person's status. None of these words may appear in
# any field of an outcome (title, meaning, every next step), in any language an outcome can be
# written in. Each pattern catches the word's inflected forms. A language with outcome texts
# but no pattern here is refused by the loader, so a new language cannot slip through.
VERDICT_WORDS: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\bvictim", re.IGNORECASE),  # victim, victims, victimised
    "fr": re.compile(r"\bvictime", re.IGNORECASE),
    "es": re.compile(r"\bv[ií]ctima", re.IGNORECASE),
    "pt": re.compile(r"\bv[ií]tima", re.IGNORECASE),
    "it": re.compile(r"\bvittim", re.IGNORECASE),
    "ro": re.compile(r"\bvictim", re.IGNORECASE),  # victimă, victima, victime
    "ar": re.compile(r"ضحي|ضحاي"),  # ضحية، ضحايا
    "fa": re.compile(r"قربانی|قربانیان"),
    "ur": re.compile(r"متاثرہ|شکار"),  # "affected person", "prey/victim"
    "ru": re.compile(r"жертв", re.IGNORECASE),  # жертва, жертвы, жертвой ...
    "uk": re.compile(r"жертв", re.IGNORECASE),
    "bn": re.compile(r"ভুক্তভোগী|শিকার"),
    "ne": re.compile(r"पीडित"),
    "hi": re.compile(r"पीड़ित|पीडित"),
    "vi": re.compile(r"nạn nhân", re.IGNORECASE),
    "tl": re.compile(r"\bbiktima", re.IGNORECASE),
    "ti": re.compile(r"ግዳይ|ግዳያት"),
    "am": re.compile(r"ተጠቂ"),
}


def verdict_word(lang: str, values: Iterable[str]) -> str | None:
    """The first verdict word found in `values` (e.g. every field of an outcome), or None.
    Raises KeyError when the language has no pattern: the caller must refuse such text."""
    pattern = VERDICT_WORDS[lang.replace("-", "_").split("_")[0]]
    for value in values:
        m = pattern.search(value)
        if m:
            return m.group(0)
    return None

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
    practice: bool = False  # a practice run: never the result of a real screening


def outcome_wording(indicator_set: IndicatorSet, outcome: Outcome, lang: str) -> OutcomeWording:
    text, fell_back = indicator_set.officer_text(lang)
    words = text.outcomes[outcome.outcome_id]
    purpose = text.profiles[outcome.profile_id][2]
    from .loader import format_count

    count = len(indicator_set.profiles[outcome.profile_id].indicator_ids)
    fill = {"purpose": purpose, "indicator_count": format_count(count, text.lang), "missing": missing_words(indicator_set, outcome, text)}
    return OutcomeWording(
        level=outcome.level,
        title=words.title.format_map(fill),
        meaning=words.meaning.format_map(fill),
        next_steps=words.next_steps,
        lang=text.lang,
        fell_back=fell_back,
        needs_review=text.translation == "unreviewed" or text.fell_back(f"outcomes.{outcome.outcome_id}"),
        verification=indicator_set.profiles[outcome.profile_id].verification,
        practice=outcome.practice,
    )


def missing_words(indicator_set: IndicatorSet, outcome: Outcome, text: SetText) -> str:
    """The elements the profile rule still lacks, named in `text`'s language: each unmet part
    of the rule once, alternatives joined with 'or' (Babel's list patterns), e.g.
    "Coercion at destination or Abuse of vulnerability at destination". Several parts are
    each put in brackets and joined with 'and'. Empty when the rule is met."""
    groups = missing_groups(indicator_set.profiles[outcome.profile_id].rule, outcome.present_elements)
    locale = text.lang.replace("-", "_")
    phrases = [format_list([text.elements[e][0] for e in g], style="or", locale=locale) for g in groups]
    if len(phrases) > 1:
        phrases = [f"({p})" if len(g) > 1 else p for p, g in zip(phrases, groups)]
    return format_list(phrases, locale=locale) if phrases else ""
