"""Verification notes (how sure the grades and rules of a profile are) in the officer's language.

The indicator files hold each profile's `verification` note in the source language only: their
per-language text tables have no place for it. So the notes of the shipped sets are listed
here, keyed by (set id, profile id) and marked for the UI catalogues (locales/), which
translate them like any other interface string.

A note is translated only while the data still says exactly what was translated. When a note
is corrected in the data (say, after the grades are checked against the brochure), the new
source text is shown until this table and the catalogues catch up, never a stale translation
that would claim more or less certainty than the data. tests/unit/test_checklist_summary.py
fails when the table and the data drift apart.
"""

from __future__ import annotations

from typing import Callable, Mapping

from ..i18n import N_
from .model import IndicatorSet
from .report import verification_counts

Gettext = Callable[[str], str]

VERIFICATION_NOTES: Mapping[tuple[str, str], str] = {
    ("ilo-11-forced-labour", "workers"): N_(
        "The booklet sets no combination rule. This profile's rule only says whether any "
        "indicator has been noted; it is not a threshold and not a finding of forced labour."
    ),
    ("ilo-ec-delphi-2009", "adults-labour"): N_(
        "Every grade of this list is unverified: taken from the identification notes' "
        "adults/labour table, which reports it from secondary sources; the brochure's own table "
        'could not be consulted. The combination rule is the one commonly attributed to the '
        'brochure (unverified); one secondary source instead requires deceptive or coercive '
        'recruitment, exploitation and coercion at destination.'
    ),
    ("ilo-ec-delphi-2009", "adults-sexual"): N_(
        'PRACTICE ONLY. This list is composed by the project, not taken from the brochure: the '
        'indicators it shares with the adults/labour list keep their labour grades, and its own '
        'sexual-exploitation indicators are graded by analogy with the nearest labour indicator. '
        'None of it is checked against wcms_105023 or WCMS_105036. The combination rule is the '
        'adult rule (unverified).'
    ),
    ("ilo-ec-delphi-2009", "children-labour"): N_(
        "Every grade of this list is unverified: taken from the identification notes' "
        'children/labour table (secondary sources; the list reportedly has 65 indicators and no '
        'weak grade, which this data matches). The child rule follows Palermo Art. 3(c): the act '
        "plus exploitation, no means; the brochure's own wording of it is unverified. The 'act' "
        "element is this app's addition, so that recruitment, transport or harbouring can be "
        'recorded without any means.'
    ),
    ("ilo-ec-delphi-2009", "children-sexual"): N_(
        'PRACTICE ONLY. This list is composed by the project, not taken from the brochure: the '
        'indicators it shares with the children/labour list keep their labour grades, and its own '
        'sexual-exploitation indicators are graded by analogy. None of it is checked against '
        'wcms_105023 or WCMS_105036. Any sexual exploitation of a child is a child-protection '
        'emergency, whatever this checklist shows.'
    ),
}


def verification_note(indicator_set: IndicatorSet, profile_id: str, _: Gettext) -> str:
    """The profile's verification note through `_` (the officer's catalogue), or the data's
    own source-language text when the note is not listed here or has changed since."""
    source = indicator_set.profiles[profile_id].verification
    listed = VERIFICATION_NOTES.get((indicator_set.id, profile_id))
    return _(listed) if listed == source else source


def is_unverified(indicator_set: IndicatorSet, profile_id: str) -> bool:
    """Whether any grade or rule the profile applies is unverified, so that the screens show
    the profile's note. Decided on the data's checks, so a translation can never switch the
    warning off."""
    v = verification_counts(indicator_set, profile_id)
    return v.verified < v.indicators or v.rules_verified < v.rules
