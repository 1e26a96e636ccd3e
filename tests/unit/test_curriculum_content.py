"""Content rules for the bundled training modules (editorial checks, not format checks).

The validator (`trainer curricula check`) already checks the format. These tests check what
a content reviewer would: every module and quiz exists in every required language, the
English text has a sensible length, case stories are labelled as fictional composites,
every module ends with takeaways and sources, quizzes are large enough and every answer
points the learner to the section that supports it, and the text never carries phone numbers
or uses "victim" as a verdict label.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pytest

from trainer.core.curricula import default_curricula_dir, load_curricula

LANGUAGES = ("en", "fr", "es", "ar")
MIN_WORDS, MAX_WORDS = 1200, 2500
MIN_QUESTIONS = 8
MIN_SCENARIO_QUESTIONS = 2
FICTION_LABEL = "fictional composite"


@lru_cache(maxsize=1)
def curriculum():
    return load_curricula(default_curricula_dir())


def modules():
    return curriculum().modules


def module_ids():
    return [m.id for m in modules()]


@pytest.fixture(params=module_ids())
def module(request):
    return curriculum().module(request.param)


# --- helpers (and tests that show they can fail) ---------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def count_words(markdown: str) -> int:
    """Words in a Markdown text: link and image targets are dropped, their text is kept."""
    return len(_WORD.findall(_LINK.sub(r"\1", markdown)))


def body_words(text) -> int:
    """The body of a module text: every section heading and section body (no metadata)."""
    return sum(count_words(s.title) + count_words(s.markdown) for s in text.sections)


# A phone number: 7 or more digits, possibly split by spaces, dots, dashes, slashes or brackets.
_PHONE_CANDIDATE = re.compile(r"(?<!\w)\+?\(?\d[\d\s().\-/]{5,}\d(?!\w)")
# Any run of 5 or more digits (no year, article or paragraph number is that long; SMS short
# codes and hotline numbers are).
_LONG_NUMBER = re.compile(r"\d{5,}")
# Emergency numbers that must not be hard-coded (they differ between countries).
_EMERGENCY = re.compile(r"(?<![\w.])(?:112|911|999)(?![\w])")


def phone_like(text: str) -> list[str]:
    found = [m.group(0) for m in _PHONE_CANDIDATE.finditer(text) if len(re.sub(r"\D", "", m.group(0))) >= 7]
    found += _LONG_NUMBER.findall(text)
    found += _EMERGENCY.findall(text)
    return found


# "Victim" as a verdict: "is a victim", "are victims", "is certainly a victim", "the victim".
# Quoted speech is removed first, so that a phrase the learner is told to avoid
# ("You are a victim of trafficking.") can still be shown as an example.
_QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”')
_FILLER = r"(?:not|certainly|clearly|definitely|obviously|probably|likely|really|surely|now|all|both|also|a|an|the|real|true|genuine|actual)"
_VERDICT = re.compile(rf"\b(?:am|is|are|was|were|be|been|being)\b[\s,]+(?:{_FILLER}[\s,]+)*victims?\b", re.I)
_LABEL = re.compile(r"\bthe\s+victims?\b", re.I)


def verdict_uses(text: str) -> list[str]:
    unquoted = _QUOTED.sub(" ", text)
    return [m.group(0) for rx in (_VERDICT, _LABEL) for m in rx.finditer(unquoted)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Call 0800 123 4567 now.", True),
        ("Hotline 1-888-373-7888.", True),
        ("Text 233733 for help.", True),
        ("Call +44 (20) 7946 0958.", True),
        ("In an emergency dial 112.", True),
        ("Palermo Protocol, 2000, Art. 3(a)-(d); ILO C29, Art. 2(1); 2004; 2nd edition 2022.", False),
        ("Directive 2011/36/EU, Art. 2(3). Do not use a birth date or 1234.", False),
    ],
)
def test_phone_number_check_tells_numbers_from_citations(text, expected):
    assert bool(phone_like(text)) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("She is a victim of trafficking.", True),
        ("They are victims.", True),
        ("Ahmed is certainly a victim.", True),
        ("The victim said nothing.", True),
        ('Avoid saying "You are a victim of trafficking."', False),
        ("Only a competent authority can identify someone as a victim of trafficking.", False),
        ("Say: a person who may have been trafficked.", False),
    ],
)
def test_verdict_check_catches_labels_and_allows_quoted_examples(text, expected):
    assert bool(verdict_uses(text)) is expected


def test_word_count_ignores_link_targets():
    assert count_words("See [the three elements](understanding-trafficking#elements), now.") == 5


# --- coverage --------------------------------------------------------------------------------


def test_all_eight_modules_are_bundled():
    assert len(modules()) == 8, module_ids()


def test_every_module_has_text_and_quiz_in_every_language(module):
    assert set(LANGUAGES) <= set(module.texts), f"{module.id}: texts {sorted(module.texts)}"
    assert set(LANGUAGES) <= set(module.quizzes), f"{module.id}: quizzes {sorted(module.quizzes)}"
    for lang in LANGUAGES:
        assert module.texts[lang].sections, f"{module.id}/{lang}: no sections"
        assert module.quizzes[lang].questions, f"{module.id}/{lang}: empty quiz"


def test_sections_questions_and_answers_line_up_across_languages(module):
    en_text, en_quiz = module.texts["en"], module.quizzes["en"]
    for lang in LANGUAGES[1:]:
        assert module.texts[lang].section_ids == en_text.section_ids, f"{module.id}/{lang}"
        quiz = module.quizzes[lang]
        assert quiz.question_ids == en_quiz.question_ids, f"{module.id}/{lang}"
        for q_en in en_quiz.questions:
            q = quiz.question(q_en.id)
            assert (q.type, q.section, q.scenario, q.option_ids, q.correct_ids) == (
                q_en.type, q_en.section, q_en.scenario, q_en.option_ids, q_en.correct_ids
            ), f"{module.id}/{lang}/{q_en.id}"


# --- module text -----------------------------------------------------------------------------


def test_english_body_length(module):
    words = body_words(module.texts["en"])
    assert MIN_WORDS <= words <= MAX_WORDS, f"{module.id}: {words} words (want {MIN_WORDS}-{MAX_WORDS})"


def test_english_text_labels_its_case_story_as_a_fictional_composite(module):
    sections = module.texts["en"].sections
    labelled = [s.id for s in sections if FICTION_LABEL in s.markdown.lower()]
    assert labelled, f"{module.id}: no section says '{FICTION_LABEL}'"
    for s in sections:
        if "case" in s.id:
            assert FICTION_LABEL in s.markdown.lower(), f"{module.id}#{s.id}: case story not labelled"


def test_english_quiz_scenarios_are_labelled_as_fictional_composites(module):
    for scenario in module.quizzes["en"].scenarios:
        assert FICTION_LABEL in scenario.story.lower(), f"{module.id}/{scenario.id}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_module_has_takeaways_and_ends_with_sources(module, lang):
    ids = module.texts[lang].section_ids
    assert "takeaways" in ids, f"{module.id}/{lang}: no takeaways section"
    assert ids[-1] == "sources", f"{module.id}/{lang}: last section is {ids[-1]!r}, not 'sources'"
    assert module.texts[lang].section("sources").markdown.strip(), f"{module.id}/{lang}: empty sources"


# --- quizzes ---------------------------------------------------------------------------------


def test_quiz_size_and_scenarios(module):
    quiz = module.quizzes["en"]
    assert len(quiz.questions) >= MIN_QUESTIONS, f"{module.id}: {len(quiz.questions)} questions"
    with_scenario = [q.id for q in quiz.questions if q.scenario]
    assert len(with_scenario) >= MIN_SCENARIO_QUESTIONS, f"{module.id}: scenario questions {with_scenario}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_option_has_feedback_and_every_section_exists(module, lang):
    quiz, text = module.quizzes[lang], module.texts[lang]
    for q in quiz.questions:
        assert text.section(q.section) is not None, f"{module.id}/{lang}/{q.id}: no section {q.section!r}"
        assert q.correct_ids, f"{module.id}/{lang}/{q.id}: no correct option"
        for o in q.options:
            assert o.text.strip(), f"{module.id}/{lang}/{q.id}/{o.id}: empty option text"
            assert o.feedback.strip(), f"{module.id}/{lang}/{q.id}/{o.id}: empty feedback"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_feedback_names_what_to_revisit(module, lang):
    """Every feedback names a section (by its title in that language), and the feedback on a
    correct answer names the very section that the question says supports it."""
    all_titles = {s.title for m in modules() for s in m.texts[lang].sections}
    text = module.texts[lang]
    for q in module.quizzes[lang].questions:
        own = text.section(q.section).title
        for o in q.options:
            where = f"{module.id}/{lang}/{q.id}/{o.id}"
            assert any(t in o.feedback for t in all_titles), f"{where}: feedback names no section"
            if o.correct:
                assert own in o.feedback, f"{where}: feedback does not name '{own}'"


# --- tone and safety -------------------------------------------------------------------------


def _all_strings(module, lang):
    text = module.texts[lang]
    yield "title", text.title
    yield "summary", text.summary
    if text.content_warning:
        yield "content_warning", text.content_warning
    for s in text.sections:
        yield f"#{s.id}", f"{s.title}\n{s.markdown}"
    quiz = module.quizzes[lang]
    for sc in quiz.scenarios:
        yield f"scenario {sc.id}", f"{sc.title}\n{sc.story}"
    for q in quiz.questions:
        yield q.id, q.text
        for o in q.options:
            yield f"{q.id}/{o.id}", o.text
            yield f"{q.id}/{o.id} feedback", o.feedback


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_phone_numbers_anywhere(module, lang):
    hits = [(where, phone_like(s)) for where, s in _all_strings(module, lang) if phone_like(s)]
    assert not hits, f"{module.id}/{lang}: phone-like strings {hits}"


def test_no_phone_numbers_in_raw_module_files(module):
    """Also the raw files (metadata headers, comments) of every language."""
    folder = default_curricula_dir() / "modules" / module.id
    for path in sorted(folder.glob("*.md")) + sorted(folder.glob("quiz.*.toml")):
        hits = phone_like(path.read_text(encoding="utf-8"))
        assert not hits, f"{path.name}: phone-like strings {hits}"


def test_victim_is_never_a_verdict_in_english(module):
    """Checked in the module text, scenarios, questions, correct options and all feedback.
    Wrong options are left out on purpose: "Tell the crew they are victims" is a distractor
    whose feedback explains why a verdict is not the learner's to give."""
    hits = []
    for where, s in _all_strings(module, "en"):
        if "/" in where and not where.endswith("feedback"):
            qid, oid = where.split("/")
            option = module.quizzes["en"].question(qid).option(oid)
            if not option.correct:
                continue
        hits += [(where, h) for h in verdict_uses(s)]
    assert not hits, f"{module.id}: 'victim' used as a verdict {hits}"


def test_english_text_says_a_person_who_may_have_been_trafficked_somewhere():
    """The recommended wording is taught at least once (in the first module)."""
    first = min(modules(), key=lambda m: m.order)
    body = "\n".join(s.markdown for s in first.texts["en"].sections)
    assert "a person who may have been trafficked" in body
