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
