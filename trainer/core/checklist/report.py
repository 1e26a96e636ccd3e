"""What `trainer curricula check` reports about indicator sets, and what the result screen and
the referral summary say about verification.

* Verification, per set and profile: how many of the profile's indicators have their place and
  grade in that list verified against the primary source, how many come from a cited secondary
  source, and how many were composed by this project; the same for the rules it applies (the
  profile rule and the element rules of its elements).
* Languages, per set: scope (full | interviewee), translation status (source | unreviewed |
  reviewed, and by whom), and coverage: how many of the keys of its scope are translated,
  and which indicators' questions are shown in the source language instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from .model import Check, IndicatorSet, SetText

PRIVATE_KEYS = ("title", "danger", "danger_message", "quick_exit", "spoken", "next", "skip", "give_back")


@dataclass(frozen=True)
class VerificationCounts:
    indicators: int  # indicators in the profile's list
    verified: int  # place and grade in this list checked against the primary source
    secondary: int  # unverified, reported by a cited secondary source
    project: int  # unverified, composed by this project
    rules: int  # the profile rule and the element rules it uses
    rules_verified: int
    practice: bool

    @property
    def unverified(self) -> int:
        return self.indicators - self.verified


def profile_checks(iset: IndicatorSet, profile_id: str) -> list[tuple[str, Check]]:
    p = iset.profiles[profile_id]
    return [(iid, iset.indicators[iid].grade_checks[profile_id]) for iid in p.indicator_ids]


def rule_checks(iset: IndicatorSet, profile_id: str) -> list[tuple[str, Check]]:
    p = iset.profiles[profile_id]
    rules = {iset.element(e).rule for e in p.element_ids}
    return [(f"profile rule {profile_id}", p.rule_check)] + [(f"element rule {r}", iset.element_rules[r].check) for r in sorted(rules)]


def verification_counts(iset: IndicatorSet, profile_id: str) -> VerificationCounts:
    checks = [c for _i, c in profile_checks(iset, profile_id)]
    rules = [c for _r, c in rule_checks(iset, profile_id)]
    return VerificationCounts(
        indicators=len(checks),
        verified=sum(c.verified for c in checks),
        secondary=sum(not c.verified and c.origin == "secondary" for c in checks),
        project=sum(c.from_project for c in checks),
        rules=len(rules),
        rules_verified=sum(c.verified for c in rules),
        practice=iset.profiles[profile_id].practice is not None,
    )


@dataclass(frozen=True)
class LanguageStatus:
    lang: str
    scope: str
    translation: str
    reviewed_by: str | None
    file: str | None
    interviewee_done: int
    interviewee_total: int
    officer_done: int | None  # None for an interviewee-scope language
    officer_total: int | None
    missing_questions: tuple[str, ...]  # indicators whose questions are shown in the source language


def _units(iset: IndicatorSet, src: SetText) -> tuple[list[str], list[str]]:
    """The translatable keys, as the loader names them in `SetText.fallbacks`."""
    interviewee = ["consent", "handover", "handback"]
    interviewee += [f"answers.{k}" for k in src.answers] + [f"navigation.{k}" for k in src.navigation] + [f"private.{k}" for k in PRIVATE_KEYS]
    interviewee += [f"indicators.{i}.questions" for i, ind in iset.indicators.items() if not ind.observed_only]
    officer = ["title", "description"]
    officer += [f"elements.{e.id}.{f}" for e in iset.elements for f in ("name", "description")]
    officer += [f"profiles.{p}.{f}" for p in iset.profiles for f in ("name", "description", "purpose")]
    officer += [f"indicators.{i}.{f}" for i in iset.indicators for f in ("label", "officer", "observe")]
    officer += [f"outcomes.{o.id}.{f}" for o in iset.outcomes for f in ("title", "meaning", "next_steps")]
    return interviewee, officer


def language_status(iset: IndicatorSet) -> list[LanguageStatus]:
    src = iset.texts[iset.source_language]
    interviewee, officer = _units(iset, src)
    out = []
    for lang in iset.languages:
        t = iset.texts[lang]
        full = t.scope == "full"
        out.append(
            LanguageStatus(
                lang=lang,
                scope=t.scope,
                translation=t.translation,
                reviewed_by=t.reviewed_by,
                file=t.file,
                interviewee_done=sum(u not in t.fallbacks for u in interviewee),
                interviewee_total=len(interviewee),
                officer_done=sum(u not in t.fallbacks for u in officer) if full else None,
                officer_total=len(officer) if full else None,
                missing_questions=tuple(i for i in iset.indicators if t.questions_fell_back(i)),
            )
        )
    return out


def _pct(done: int, total: int) -> str:
    return f"{done}/{total} ({100 * done // total if total else 100}%)"


def report_lines(sets: Mapping[str, IndicatorSet]) -> list[str]:
    """The plain-text report printed by `trainer curricula check` (English, like the CLI)."""
    lines: list[str] = []
    for set_id, iset in sets.items():
        lines.append(f"  {set_id} (version {iset.version}):")
        lines.append("    verification (place and grade of each indicator in each list; rules applied):")
        for pid in iset.profiles:
            v = verification_counts(iset, pid)
            mode = "PRACTICE ONLY" if v.practice else "usable for screening"
            lines.append(
                f"      {pid}: {v.verified} of {v.indicators} indicators verified ({v.secondary} from secondary sources, "
                f"{v.project} composed by the project); {v.rules_verified} of {v.rules} rules verified; {mode}"
            )
        lines.append("    languages (scope, status, coverage of the keys of its scope):")
        for st in language_status(iset):
            status = st.translation + (f" by {st.reviewed_by}" if st.reviewed_by else "")
            cover = f"interviewee text {_pct(st.interviewee_done, st.interviewee_total)}"
            if st.officer_total is not None:
                cover += f", officer text {_pct(st.officer_done, st.officer_total)}"
            lines.append(f"      {st.lang}: {st.scope}, {status}; {cover}")
            if st.missing_questions:
                lines.append(f"          questions shown in {iset.source_language} (not translated): {', '.join(st.missing_questions)}")
    return lines


def report(sets: Mapping[str, IndicatorSet]) -> str:
    return "\n".join(report_lines(sets))


__all__: Iterable[str] = ("LanguageStatus", "VerificationCounts", "language_status", "report", "report_lines", "verification_counts")
