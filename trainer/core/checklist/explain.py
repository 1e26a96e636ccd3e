"""Words for the engine's results, shared by the result screen and the referral summary.

Both must say the same thing in the same words: an element's status, why it is present
('1 strong indicator + 1 medium or weak indicator'), a grade, a kind of contact. So the
wording lives here, once, and takes the caller's gettext functions (the screen passes the
officer's UI catalogue; the summary passes the same).
"""

from __future__ import annotations

from typing import Callable

Gettext = Callable[[str], str]
NGettext = Callable[[str, str, int], str]

CONTACT_ORDER = ("emergency", "hotline", "child-protection", "shelter", "legal-aid", "health", "labour")


def status_words(status: str, _: Gettext) -> str:
    return {
        "present": _("Element present"),
        "open": _("Not present so far"),
        "not-present": _("Not present"),
    }[status]


def grade_word(grade: str | None, _: Gettext) -> str | None:
    """S|M|W -> 'strong' | 'medium' | 'weak'; None for ungraded elements."""
    if grade is None:
        return None
    return {"S": _("strong"), "M": _("medium"), "W": _("weak")}[grade]


def combination_words(label: str | None, _: Gettext, ngettext: NGettext) -> str:
    """'1S + 1M|W' -> '1 strong indicator + 1 medium or weak indicator'."""
    if label is None:
        return ""
    if label == "any":
        return _("one indicator is enough for this element")
    parts = []
    for part in label.split(" + "):
        n = int("".join(ch for ch in part if ch.isdigit()))
        grades = part.lstrip("0123456789").split("|")
        grade = _(" or ").join(grade_word(g, _) for g in grades)
        parts.append(ngettext("%(n)d %(grade)s indicator", "%(n)d %(grade)s indicators", n) % {"n": n, "grade": grade})
    return " + ".join(parts)


def kind_label(kind: str, _: Gettext) -> str:
    return {
        "emergency": _("Emergency"),
        "hotline": _("Hotline"),
        "shelter": _("Shelter"),
        "legal-aid": _("Legal aid"),
        "health": _("Health"),
        "labour": _("Labour"),
        "child-protection": _("Child protection"),
    }.get(kind, kind)


def contact_kinds(age: str) -> tuple[str, ...]:
    """Which contacts to list after a result, most relevant first: child protection comes
    early unless the profile is for adults only."""
    if age == "adult":
        return tuple(k for k in CONTACT_ORDER if k != "child-protection") + ("child-protection",)
    return CONTACT_ORDER


def verification_lines(counts, _: Gettext) -> list[str]:
    """What the result screen and the referral summary say about how sure the profile's
    grades and rules are (`counts`: report.VerificationCounts), one sentence per line."""
    lines = [
        _("Indicators whose grade in this list is verified against the source document: %(verified)d of %(n)d.") % {"verified": counts.verified, "n": counts.indicators},
        _("Rules verified against the source document: %(verified)d of %(n)d.") % {"verified": counts.rules_verified, "n": counts.rules},
    ]
    if counts.secondary:
        lines.append(_("Grades taken from secondary sources, not yet verified: %(n)d.") % {"n": counts.secondary})
    if counts.project:
        lines.append(_("Indicators or grades composed by this project, found in no source: %(n)d.") % {"n": counts.project})
    return lines


def practice_words(_: Gettext) -> str:
    """The banner of a practice-only profile or a practice run, on every screen that shows it."""
    return _("Practice only: the lists of this profile are not complete or not verified. Its result is never the result of a real screening and cannot be used for a referral.")


def draft_translation_words(_: Gettext) -> str:
    """Beside interviewee text that no fluent reviewer has checked (in the officer's language)."""
    return _("Draft translation: confirm with an interpreter")


def untranslated_words(language: str, _: Gettext) -> str:
    """Beside interviewee text that the person's language does not have yet."""
    return _("Not translated yet: shown in %(language)s") % {"language": language}
