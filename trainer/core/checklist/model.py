"""Immutable model of indicator sets and referral directories.

Built once by the loaders from the data under `curricula/` and shared read-only by the rule
engine and the screens. Rules are data here too (element rules, profile rules, outcome
conditions), so a correction after checking a source document is a data change.
Each `line` (where the entry is written, for error messages) is looked up in the file only
when read: the loaders pass a `KeyLine` (see trainer/core/tomllines.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Mapping, Union

from ..tomllines import LineField

GRADES = ("S", "M", "W")
GRADE_NAMES = {"S": "strong", "M": "medium", "W": "weak"}
TRANSLATION_STATES = ("source", "unreviewed", "reviewed")
SCOPES = ("full", "interviewee")  # full: officer and interviewee text; interviewee: only what the person reads
EXPLOITATION_KINDS = ("labour", "sexual")
ORIGINS = ("secondary", "project")  # where an unverified item came from


@dataclass(frozen=True)
class Check:
    """How sure one indicator, grade or rule is: checked against its primary source, or not.

    verified:   `source` (the document) and `section` (the page or section checked).
    unverified: `origin` is "secondary" (a cited secondary source reports it) or "project"
                (composed by this project; no source lists it), and `where` says where it
                came from. A profile resting on "project" items is for practice only.
    """

    verified: bool
    source: str | None = None
    section: str | None = None
    origin: str | None = None
    where: str | None = None

    @property
    def from_project(self) -> bool:
        return not self.verified and self.origin == "project"

    def describe(self) -> str:
        if self.verified:
            return f"verified against {self.source}, {self.section}"
        return f"unverified ({self.origin}): {self.where}"


class Answer(str, Enum):
    """What was recorded for one indicator. Only YES counts towards an element."""

    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"
    DECLINED = "declined"


# --- rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """An element, named in a profile rule or an outcome condition."""

    element: str


@dataclass(frozen=True)
class AllOf:
    items: tuple["RuleExpr", ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple["RuleExpr", ...]


RuleExpr = Union[Ref, AllOf, AnyOf]


@dataclass(frozen=True)
class Combination:
    """Minimum counts of Yes answers per grade class, e.g. {S: 1, M|W: 1}.

    `needs` pairs a class (a set of grades, disjoint from the other classes of the same
    combination) with how many Yes indicators of those grades are needed.
    """

    needs: tuple[tuple[frozenset[str], int], ...]

    def label(self) -> str:
        """A language-neutral description used in explanations, e.g. `1S + 1M|W`."""
        return " + ".join(f"{n}{'|'.join(g for g in GRADES if g in cls)}" for cls, n in self.needs)


@dataclass(frozen=True)
class ElementRule:
    """When an element is present. kind `graded`: any listed combination of graded Yes
    answers; kind `any`: one Yes is enough (no grades, no threshold score)."""

    id: str
    kind: str  # graded | any
    combinations: tuple[Combination, ...]
    source: str
    check: Check


@dataclass(frozen=True)
class Condition:
    """When an outcome applies: `profile` (the profile rule is met), `any-yes`, `always`,
    or an element expression."""

    kind: str  # profile | any-yes | always | elements
    expr: RuleExpr | None = None


# --- an indicator set ------------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    id: str
    rule: str  # id of an ElementRule
    source: str
    # True where the indicators describe the exploitation itself: a profile of a given kind of
    # exploitation must list indicators of its own kind here (not only labour ones, say).
    purpose_specific: bool
    line: int = LineField()


@dataclass(frozen=True)
class Indicator:
    id: str
    element: str
    observed_only: bool
    question_kinds: tuple[str, ...]  # per question: "yes-no" (Yes/No/Not sure) | "spoken" (open)
    grades: Mapping[str, str]  # profile id -> S|M|W (graded elements only)
    profiles: tuple[str, ...]  # the profiles whose list holds this indicator
    source: str
    check: Check  # the indicator itself: that the source lists it, and its wording
    grade_checks: Mapping[str, Check]  # profile id -> how sure its membership and grade there are
    exploitation: str | None  # labour | sexual: the form of exploitation it describes; None: any
    line: int = LineField()


@dataclass(frozen=True)
class Profile:
    id: str
    age: str  # adult | child
    rule: RuleExpr
    verification: str
    source: str
    # element id -> ((indicator id, grade or None), ...) in data order: the engine's index.
    members: Mapping[str, tuple[tuple[str, str | None], ...]]
    rule_check: Check
    exploitation: str | None  # labour | sexual (None: any form)
    # Why this profile may only be used for practice (lists incomplete or composed by the
    # project); None: usable for a real screening. The engine refuses a real result for it.
    practice: str | None
    line: int = LineField()

    @property
    def element_ids(self) -> tuple[str, ...]:
        return tuple(self.members)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i for items in self.members.values() for i, _g in items)


@dataclass(frozen=True)
class OutcomeDef:
    id: str
    level: str  # refer | look-further | none-noted: the wording key the screens style by
    when: Condition
    profiles: tuple[str, ...] | None  # None: every profile
    line: int = LineField()


@dataclass(frozen=True)
class IndicatorText:
    label: str
    officer: str  # plain-language description for the officer
    questions: tuple[str, ...]  # non-leading questions to put to the person
    observe: str  # what can be seen without asking


@dataclass(frozen=True)
class OutcomeText:
    title: str
    meaning: str
    next_steps: tuple[str, ...]


@dataclass(frozen=True)
class SetText:
    """Everything translatable in one language. `translation` is source | unreviewed | reviewed."""

    lang: str
    translation: str
    reviewed_by: str | None
    title: str
    description: str
    consent: tuple[str, ...]  # the introduction and consent script, one paragraph per item
    answers: Mapping[str, str]  # Answer value -> label in this language (for the interviewee)
    navigation: Mapping[str, str]  # start | previous | finish: private-answer mode, for the interviewee
    handover: str  # shown to the interviewee when the phone is handed over
    handback: str  # shown when they are done: please give the phone back
    private: Mapping[str, str]  # private-answer mode labels (title, danger, spoken, ...), complete
    elements: Mapping[str, tuple[str, str]]  # element id -> (name, description)
    profiles: Mapping[str, tuple[str, str, str]]  # profile id -> (name, description, purpose)
    indicators: Mapping[str, IndicatorText]
    outcomes: Mapping[str, OutcomeText]
    rtl: bool = False
    scope: str = "full"  # full | interviewee (see SCOPES)
    # Keys this language does not translate, shown in the source language instead, e.g.
    # "title", "answers.yes", "private.skip", "indicators.dr-wages.questions". Only keys of the
    # language's scope are listed (an interviewee-scope language has no officer text at all).
    fallbacks: frozenset[str] = frozenset()
    file: str | None = None  # where the text is written (the set file, or its sidecar)

    def fell_back(self, key: str) -> bool:
        """Whether `key` (or any key under it) is shown in the source language."""
        return key in self.fallbacks or any(f.startswith(key + ".") for f in self.fallbacks)

    def questions_fell_back(self, indicator_id: str) -> bool:
        return f"indicators.{indicator_id}.questions" in self.fallbacks

    @property
    def needs_review(self) -> bool:
        return self.translation == "unreviewed"


@dataclass(frozen=True)
class SourceRef:
    citation: str
    url: str | None


@dataclass(frozen=True)
class IndicatorSet:
    id: str
    version: str
    source_language: str
    source: SourceRef
    verification: str
    element_rules: Mapping[str, ElementRule]
    elements: tuple[Element, ...]
    indicators: Mapping[str, Indicator]
    profiles: Mapping[str, Profile]
    outcomes: tuple[OutcomeDef, ...]
    texts: Mapping[str, SetText]
    path: str

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language with text: all can be the interviewee's language."""
        return tuple(sorted(self.texts))

    @property
    def interviewee_languages(self) -> tuple[str, ...]:
        return self.languages

    @property
    def officer_languages(self) -> tuple[str, ...]:
        """Languages with officer text (scope full); never an interviewee-scope language."""
        return tuple(sorted(lang for lang, t in self.texts.items() if t.scope == "full"))

    def element(self, element_id: str) -> Element:
        return next(e for e in self.elements if e.id == element_id)

    def text(self, lang: str) -> tuple[SetText, bool]:
        """The texts in `lang` (any scope: for the interviewee side), or in the source
        language. The flag says the whole language fell back; single keys a translation
        leaves out are already filled from the source and listed in `SetText.fallbacks`."""
        base = lang.replace("-", "_").split("_")[0]
        for key in (lang, base):
            if key in self.texts:
                return self.texts[key], False
        return self.texts[self.source_language], True

    interviewee_text = text

    def officer_text(self, lang: str) -> tuple[SetText, bool]:
        """The officer's texts: like `text`, but an interviewee-scope language is never used
        for the officer (the source language is, with the flag set)."""
        base = lang.replace("-", "_").split("_")[0]
        for key in (lang, base):
            t = self.texts.get(key)
            if t is not None and t.scope == "full":
                return t, False
        return self.texts[self.source_language], True

    def private_text(self, lang: str) -> Mapping[str, str]:
        """Private-answer mode labels in `lang`, each missing key in the source language."""
        text, _fb = self.text(lang)
        return {**self.texts[self.source_language].private, **text.private}


# --- referral directories ---------------------------------------------------------------

REFERRAL_KINDS = ("hotline", "shelter", "legal-aid", "health", "labour", "child-protection", "emergency")


@dataclass(frozen=True)
class Contact:
    organisation: str
    kind: str
    phone: str
    hours: str
    languages: tuple[str, ...]
    notes: str | None
    line: int = LineField()


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    contacts: tuple[Contact, ...]

    def of_kind(self, *kinds: str) -> tuple[Contact, ...]:
        return tuple(c for c in self.contacts if c.kind in kinds)


@dataclass(frozen=True)
class ReferralDirectory:
    id: str
    title: str
    demonstration: bool
    updated: str
    notice: str | None
    countries: Mapping[str, Country]
    path: str

    def country(self, code: str) -> Country | None:
        return self.countries.get(code)
