"""Content rules for training modules: the checker enforces them, these tests check the checker.

Every editorial rule (required languages, word range, required sections, case-story labels,
quiz size, feedback that names a section, no phone numbers, no "victim" verdict) is a rule of
`trainer curricula check`, configured in `curricula/curricula.toml`. Here each rule is broken on
purpose in a copy of a bundled module and the checker must name the file, the line and where
the rule is set; then the bundled curricula must pass the very same checker. No test pins a
count an author may legitimately change (how many modules, how many questions).
"""

from __future__ import annotations

import re
import shutil
from functools import lru_cache
from pathlib import Path

import pytest

from trainer.core.curricula import default_curricula_dir, load_curricula
from trainer.core.curricula.loader import check_curricula
from trainer.core.curricula.rules import RULES, count_words, phone_like, verdict_uses


@lru_cache(maxsize=1)
def curriculum():
    return load_curricula(default_curricula_dir())


# --- helpers (and tests that show they can fail) ---------------------------------------------
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


# --- the bundled curricula pass every configured rule ----------------------------------------


def test_bundled_curricula_configure_every_rule_and_pass_them():
    from trainer.core.curricula.rules import read_rules

    errors: list = []
    rules = read_rules(default_curricula_dir(), errors)
    assert errors == []
    assert set(rules.values) == set(RULES), "the bundled curricula.toml should set every rule"
    assert rules.required_languages
    _, problems = check_curricula(default_curricula_dir())
    assert [str(e) for e in problems] == []


def test_english_text_says_a_person_who_may_have_been_trafficked_somewhere():
    """The recommended wording is taught at least once (in the first module)."""
    first = min(curriculum().modules, key=lambda m: m.order)
    body = "\n".join(s.markdown for s in first.texts["en"].sections)
    assert "a person who may have been trafficked" in body


# --- each rule, broken on purpose in a copy -----------------------------------------------------

MODULE = "understanding-trafficking"


@pytest.fixture
def copy(tmp_path):
    """A copy of the bundled curricula (modules and config only) to break."""
    root = tmp_path / "curricula"
    root.mkdir()
    shutil.copy(default_curricula_dir() / "curricula.toml", root / "curricula.toml")
    shutil.copytree(default_curricula_dir() / "modules", root / "modules")
    return root


def messages(root) -> list[str]:
    _, errors = check_curricula(root)
    return [str(e) for e in errors]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def rule_line(root: Path, name: str) -> int:
    lines = (root / "curricula.toml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if re.match(rf"\s*{name}\s*=", line))


def only(errors: list[str], rule: str) -> list[str]:
    hits = [e for e in errors if f"rule '{rule}' set in" in e]
    assert hits, errors
    return hits


def test_missing_language_names_the_rule_and_where_it_is_set(copy):
    (copy / "modules" / MODULE / "es.md").unlink()
    (copy / "modules" / MODULE / "quiz.es.toml").unlink()
    [e] = only(messages(copy), "required_languages")
    assert e.startswith(f"{copy / 'modules' / MODULE / 'module.toml'}:1: missing translation: es.md")
    assert e.endswith(f"set in {copy / 'curricula.toml'}:{rule_line(copy, 'required_languages')})")


def test_word_range(copy):
    edit(copy / "curricula.toml", "max_words = 2500", "max_words = 1300")
    errors = only(messages(copy), "max_words")
    assert any(e.startswith(f"{copy / 'modules' / MODULE / 'en.md'}:1: the body has ") for e in errors)
    assert all(f"curricula.toml:{rule_line(copy, 'max_words')})" in e for e in errors)


def test_required_and_last_sections(copy):
    path = copy / "modules" / MODULE / "fr.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\{#takeaways\}", "{#points-cles}", text), encoding="utf-8")
    errors = messages(copy)
    assert any(e.startswith(f"{path}:1: no section with id 'takeaways'") for e in only(errors, "required_sections"))


def test_case_story_label(copy):
    path = copy / "modules" / MODULE / "en.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub("fictional composite", "made-up story", text, flags=re.I), encoding="utf-8")
    errors = only(messages(copy), "case_story_label")
    assert any(f"{path}:" in e and "does not say 'fictional composite'" in e for e in errors)


def test_quiz_size(copy):
    edit(copy / "curricula.toml", "min_questions = 8", "min_questions = 50")
    [e] = only(messages(copy), "min_questions") [:1]
    assert "questions; at least 50 are wanted" in e and "quiz.en.toml:1:" in e


def test_feedback_must_name_a_section(copy):
    path = copy / "modules" / MODULE / "quiz.en.toml"
    text = path.read_text(encoding="utf-8")
    m = re.search(r'feedback = "([^"]+)"', text)
    path.write_text(text.replace(m.group(0), 'feedback = "Good try."', 1), encoding="utf-8")
    line = text[: m.start()].count("\n") + 1
    errors = only(messages(copy), "feedback_names_section")
    # The error points at the option's header, just above its feedback line.
    [e] = [e for e in errors if e.startswith(f"{path}:")]
    reported = int(e.split(":")[1])
    assert 0 < line - reported <= 4, (line, e)


def test_phone_numbers_are_refused_in_any_language(copy):
    path = copy / "modules" / MODULE / "ar.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n\nاتصل على 0800 123 4567\n", encoding="utf-8")
    errors = only(messages(copy), "no_phone_numbers")
    assert any(e.startswith(f"{path}:") and "0800 123 4567" in e for e in errors)


def test_victim_verdict_is_refused_in_english(copy):
    path = copy / "modules" / MODULE / "en.md"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\nAfter the interview she is clearly a victim.\n", encoding="utf-8")
    errors = only(messages(copy), "no_victim_verdict")
    assert any(e.startswith(f"{path}:") and "'is clearly a victim'" in e for e in errors)


def test_rules_are_optional_and_a_relaxed_config_accepts_a_small_module(copy):
    (copy / "curricula.toml").write_text('required_languages = ["en"]\n', encoding="utf-8")
    edit(copy / "modules" / MODULE / "en.md", "fictional composite", "story")
    assert messages(copy) == []


def test_unknown_rule_and_wrong_type_are_errors(copy):
    edit(copy / "curricula.toml", "min_questions = 8", 'min_questions = "eight"\nmin_qestions = 3')
    errors = messages(copy)
    cfg = copy / "curricula.toml"
    assert f"{cfg}:{rule_line(copy, 'min_questions')}: rule 'min_questions' must be int" in errors
    assert any(e.startswith(f"{cfg}:{rule_line(copy, 'min_qestions')}: unknown rule 'min_qestions'") for e in errors)
