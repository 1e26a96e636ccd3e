"""The referral summary page and the translated verification notes.

The summary is the one way screening data leaves the protected store, so these tests pin
what it may and may not carry: the outcome and the Yes indicators with their grades, yes;
names, the note (unless asked), No answers and anything fetched from a network, no.
Assertion messages never print the page (it holds screening content).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from types import MappingProxyType

import pytest
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.core.checklist import Answer, evaluate, load_indicator_sets, load_referral_directories, outcome_wording
from trainer.core.checklist.store import Screening
from trainer.core.checklist.summary import referral_summary_html, summary_filename
from trainer.core.checklist.verification import VERIFICATION_NOTES, is_unverified, verification_note
from trainer.core.i18n import Translator, known_languages, locales_dir

ROOT = Path(__file__).resolve().parents[2]
SETS = load_indicator_sets(ROOT / "curricula")
DELPHI = SETS["ilo-ec-delphi-2009"]
FL = SETS["ilo-11-forced-labour"]
DEMO = load_referral_directories(ROOT / "curricula")["demo"]
XA = DEMO.country("XA")
DAY = date(2026, 11, 26)
NOTE = "Met near the harbour gate <b>; second visit planned."

# Three elements present (the adult rule is met), one Declined, one No.
YES = ("dr-job-place-employer", "dr-wages", "ex-excessive-hours", "ex-low-no-pay", "cd-documents", "cd-violence")
ANSWERS = {**{i: Answer.YES for i in YES}, "cd-threats": Answer.DECLINED, "cr-violence": Answer.NO}


def screening(answers=ANSWERS, profile="adults-labour", notes=NOTE, flags=(), iset=DELPHI) -> Screening:
    return Screening(
        id="0" * 32,
        case_ref="WM-7K3F-Q9XD",
        status="in-progress",
        created_at="2026-11-20T09:30:00+00:00",
        updated_at="2026-11-20T10:00:00+00:00",
        set_id=iset.id,
        set_version=iset.version,
        profile_id=profile,
        officer_lang="en",
        interviewee_lang="ar",
        answers=MappingProxyType(dict(answers)),
        notes=notes,
        flags=tuple(flags),
    )


def page(s: Screening | None = None, lang="en", iset=DELPHI, directory=DEMO, country=XA, **kw) -> str:
    return referral_summary_html(iset, s or screening(), Translator(lang), directory=directory, country=country, prepared_on=DAY, **kw)


def visible_text(html: str) -> str:
    """The page's text without the style sheet and tags (what a reader sees)."""
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def element_section(html: str, element: str) -> str:
    m = re.search(rf'<section class="element [a-z-]+" id="element-{element}">(.*?)</section>', html, flags=re.S)
    assert m, f"no section for element {element}"
    return m.group(1)


def yes_items(section: str) -> list[str]:
    m = re.search(r'<ul class="yes"[^>]*>(.*?)</ul>', section, flags=re.S)
    return re.findall(r"<li>(.*?)</li>", m.group(1), flags=re.S) if m else []


class Balance(HTMLParser):
    VOID = {"meta", "br", "link", "img", "input", "hr"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.extend(attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


# --- what the page says ---------------------------------------------------------------------


def test_outcome_meaning_next_steps_and_caveat_are_on_the_page():
    html = page()
    words = outcome_wording(DELPHI, evaluate(DELPHI, "adults-labour", ANSWERS), "en")
    assert words.level == "refer"
    text = visible_text(html)
    for part in (words.title, words.meaning, *words.next_steps):
        assert part.replace("'", "&#x27;") in html
    assert "Indicators are not proof." in text
    assert "Formal identification is made only by the competent authority." in text
    assert "WM-7K3F-Q9XD" in text
    assert "Trafficking indicators (ILO/EC 2009)" in text and "Adult, labour exploitation" in text
    assert "November 20, 2026" in text and "November 26, 2026" in text  # Babel, English
    assert "8 of 67 indicators answered" in text
    assert "victim" not in text.lower()


def test_yes_indicators_are_grouped_by_element_with_their_grades():
    html = page()
    officer = DELPHI.text("en")[0]
    dr = element_section(html, "deceptive-recruitment")
    assert "Element present" in dr
    assert yes_items(dr) == [
        f"<span>{officer.indicators['dr-job-place-employer'].label}</span> (strong)",
        f"<span>{officer.indicators['dr-wages'].label}</span> (medium)",
    ]
    assert "1 strong indicator + 1 medium or weak indicator" in dr
    cd = element_section(html, "coercion-at-destination")
    assert len(yes_items(cd)) == 2 and all(item.endswith("(strong)") for item in yes_items(cd))
    assert "Declined to answer: 1" in cd
    cr = element_section(html, "coercive-recruitment")
    assert yes_items(cr) == [] and "Not present so far" in cr
    # A No answer is not reported: it tells the service nothing and a finder a lot.
    assert officer.indicators["cr-violence"].label not in cr


def test_ungraded_and_observed_indicators_are_marked_as_such():
    answers = {"act-moved": Answer.YES, "vr-general-context": Answer.YES}
    html = page(screening(answers, profile="children-labour"))
    act = yes_items(element_section(html, "act"))
    assert len(act) == 1 and "(" not in act[0]  # the act is a fact: no grade
    html = page(screening({"vr-general-context": Answer.YES}))
    (item,) = yes_items(element_section(html, "recruitment-abuse-of-vulnerability"))
    assert item.endswith("(weak, observed)")


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(DELPHI.profiles["adults-labour"].indicator_ids), st.sampled_from(list(Answer)), max_size=30))
def test_every_yes_and_only_yes_is_listed(answers):
    html = page(screening(answers))
    officer = DELPHI.text("en")[0]
    profile = DELPHI.profiles["adults-labour"]
    for element, members in profile.members.items():
        listed = [re.sub(r"</?span>|\s\(.*\)$", "", item) for item in yes_items(element_section(html, element))]
        expected = [officer.indicators[i].label for i, _g in members if answers.get(i) is Answer.YES]
        assert listed == [l.replace("'", "&#x27;") for l in expected], element


# --- what the page must not carry -----------------------------------------------------------


def test_no_notes_unless_asked_and_then_escaped():
    assert "harbour gate" not in page()
    assert "Officer&#x27;s note" not in page()
    with_notes = page(include_notes=True)
    assert "Met near the harbour gate &lt;b&gt;; second visit planned." in with_notes
    assert "<b>" not in with_notes
    assert "Officer&#x27;s note" not in page(screening(notes="   "), include_notes=True)


def test_there_is_no_names_field_at_all():
    asked: list[str] = []

    class Spy(Translator):
        def gettext(self, message):
            asked.append(message)
            return super().gettext(message)

    html = referral_summary_html(DELPHI, screening(), Spy("en"), directory=DEMO, country=XA, prepared_on=DAY, include_notes=True)
    assert asked and not [m for m in asked if re.search(r"\bname", m, re.I)]
    assert not re.search(r"\bnames?\b", visible_text(html), re.I)
    parser = Balance()
    parser.feed(html)
    assert not parser.tags & {"input", "form", "textarea", "select"}
    assert {v for a, v in parser.attrs if a == "name"} == {"viewport", "referrer"}  # <meta> only


def test_self_contained_without_any_url():
    for lang in ("en", "ar", "fr"):
        html = page(lang=lang, include_notes=True)
        assert not re.search(r"https?://", html, re.I), lang
        assert not re.search(r"<(script|link|img|iframe|object|embed)\b|\bsrc=|\bhref=|url\(|@import", html, re.I), lang
        parser = Balance()
        parser.feed(html)
        assert parser.errors == [] and parser.stack == [], lang


def test_arabic_is_right_to_left_with_arabic_text_and_dates():
    html = page(lang="ar")
    assert re.search(r'<html lang="ar" dir="rtl">', html)
    arabic = DELPHI.text("ar")[0]
    words = outcome_wording(DELPHI, evaluate(DELPHI, "adults-labour", ANSWERS), "ar")
    assert words.lang == "ar" and words.title in html
    assert arabic.indicators["dr-wages"].label in element_section(html, "deceptive-recruitment")
    assert "نوفمبر" in html  # the month, by Babel in the officer's language
    # Numbers and references keep their left-to-right order inside right-to-left text.
    assert '<bdi dir="ltr">+000 0000 0000</bdi>' in html and '<bdi dir="ltr">WM-7K3F-Q9XD</bdi>' in html


def without_texts(iset, *langs):
    """The set as if it had no text in `langs` (every bundled UI language now has one)."""
    return dataclasses.replace(iset, texts={k: v for k, v in iset.texts.items() if k not in langs})


def test_a_language_without_set_texts_marks_the_fallback():
    html = page(lang="fr", iset=without_texts(DELPHI, "fr"))
    assert '<html lang="fr" dir="ltr">' in html
    assert "26 novembre 2026" in html
    assert '<div class="outcome" lang="en" dir="ltr">' in html


def test_demonstration_directory_is_marked_and_a_real_one_is_not():
    html = page()
    assert "Referral contacts · DEMONSTRATION" in html and 'class="demo"' in html
    assert "+000 0000 0000" in html and "Demoland anti-trafficking hotline (fictional)" in html
    real = dataclasses.replace(DEMO, demonstration=False, notice=None)
    html = page(directory=real)
    assert "DEMONSTRATION" not in html and 'class="demo"' not in html
    assert "No referral directory is installed" in page(directory=None, country=None)


def test_child_profiles_list_child_protection_before_the_shelter():
    html = page(screening({"act-moved": Answer.YES}, profile="children-labour"))
    child, shelter = "Demoland Child Protection Service", "Safe House Demoland"
    assert html.index(child) < html.index(shelter)
    assert page().index(shelter) < page().index(child)  # an adult's list keeps it last


def test_immediate_danger_flag_is_reported():
    assert "Immediate danger was flagged" not in page()
    assert "Immediate danger was flagged" in page(screening(flags=("immediate-danger",)))


def test_forced_labour_instrument_and_filename():
    s = screening({"fl-deception": Answer.YES}, profile="workers", iset=FL)
    html = page(s, iset=FL)
    assert "one indicator is enough for this element" in html
    assert "The booklet sets no combination rule." in html
    assert summary_filename(s) == "waymark-referral-WM-7K3F-Q9XD.html"


# --- verification notes in the officer's language ------------------------------------------


def test_every_shipped_profile_has_its_note_listed_word_for_word():
    """When this fails, a note changed in the data: update VERIFICATION_NOTES and run
    locales/update.sh so that the catalogues translate the new wording."""
    shipped = {(s.id, p.id): p.verification for s in SETS.values() for p in s.profiles.values()}
    assert set(VERIFICATION_NOTES) == set(shipped)
    drifted = [k for k, v in shipped.items() if VERIFICATION_NOTES[k] != v]
    assert drifted == []


def test_a_note_is_translated_only_while_the_data_says_what_was_translated():
    def upper(message: str) -> str:
        return message.upper() + " [translated]"

    assert verification_note(DELPHI, "adults-sexual", upper).endswith("[translated]")
    changed = dataclasses.replace(
        DELPHI,
        profiles=MappingProxyType({**DELPHI.profiles, "adults-sexual": dataclasses.replace(DELPHI.profiles["adults-sexual"], verification="Checked against wcms_105023.")}),
    )
    assert verification_note(changed, "adults-sexual", upper) == "Checked against wcms_105023."
    # The warning is decided on the data's checks, never on the note's words (in any language).
    assert is_unverified(DELPHI, "adults-sexual") and is_unverified(changed, "adults-sexual")
    assert not is_unverified(FL, "workers")  # every indicator and rule of it is verified


@pytest.mark.parametrize("lang", [l for l in known_languages() if l != "en"])
def test_verification_notes_are_translated_or_shown_in_english(lang):
    """No language has to translate every note: a note its catalogue translates is shown
    translated, any other (missing, empty or fuzzy) in English, the same fallback as the rest of
    the UI. Document references survive either way."""
    with (locales_dir() / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    t = Translator(lang)
    checked = 0
    for (set_id, profile_id), msgid in VERIFICATION_NOTES.items():
        iset = SETS.get(set_id)
        if iset is None or iset.profiles[profile_id].verification != msgid:
            continue
        checked += 1
        entry = catalog.get(msgid)
        translated = bool(entry and entry.string and not entry.fuzzy)
        note = verification_note(iset, profile_id, t.gettext)
        assert note == (entry.string if translated else msgid), (lang, set_id, profile_id)
        for ref in re.findall(r"wcms_\d+", msgid):
            assert ref in note
    assert checked >= 1


def test_verification_notes_fall_back_to_english_in_a_partly_translated_language(tmp_path, monkeypatch):
    from tests.unit.partial_locale import LANG, make_partial_locales

    made = make_partial_locales(tmp_path / "locales", share=0.0)
    monkeypatch.setenv("WAYMARK_LOCALES", str(made["locales"]))
    note = verification_note(DELPHI, "adults-sexual", Translator(LANG).gettext)
    assert note == DELPHI.profiles["adults-sexual"].verification
    assert is_unverified(DELPHI, "adults-sexual")  # the warning does not depend on the language


# --- verification counts and practice runs (issue 12) ---------------------------------------


def test_the_summary_states_how_many_grades_and_rules_are_verified():
    text = visible_text(page())
    assert "Indicators whose grade in this list is verified against the source document: 0 of 67." in text
    assert "Rules verified against the source document: 0 of 2." in text
    assert "Grades taken from secondary sources, not yet verified: 67." in text
    fl = visible_text(page(screening({"fl-deception": Answer.YES}, profile="workers", iset=FL), iset=FL))
    assert "verified against the source document: 11 of 11." in fl and "secondary sources" not in fl
    fr = visible_text(page(lang="fr"))
    assert "vérifié par rapport au document source : 0 sur 67." in fr


def test_a_practice_run_has_no_referral_summary():
    from trainer.core.checklist.engine import PracticeOnly

    practice = dataclasses.replace(screening(profile="adults-sexual", answers={}), practice=True)
    with pytest.raises(PracticeOnly):
        page(practice)
    with pytest.raises(PracticeOnly):  # nor a real one on a practice-only profile
        page(screening(profile="adults-sexual", answers={}))
