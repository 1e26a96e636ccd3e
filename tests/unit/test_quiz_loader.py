"""Quiz files: parsing the valid fixture, every kind of error located to file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trainer.core.errors import rel
from trainer.core.quiz.loader import compare_quiz_translation, parse_quiz_file, parse_quiz_text
from trainer.core.tomllines import format_key_path, key_lines, line_for, parse_key_path

from tests.unit.quiz_support import BROKEN_DIR, QUIZ_DIR, SECTION_IDS, load_quiz

EXPECT = re.compile(rb"# expect: (\d+): (.*)")


def expectations(path: Path) -> list[tuple[int, str]]:
    return sorted((int(line), text.decode().strip()) for line, text in EXPECT.findall(path.read_bytes()))


def assert_errors_match(errors, path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} declares no expected errors"
    assert all(e.path == rel(path) for e in errors), [str(e) for e in errors]
    got = sorted((e.line, e.message) for e in errors)
    assert len(got) == len(expected), [str(e) for e in errors]
    for (line, fragment), (got_line, message) in zip(expected, got):
        assert (got_line, fragment in message) == (line, True), f"expected {line}: {fragment!r}, got {got_line}: {message!r}"


BROKEN = sorted(p for p in BROKEN_DIR.glob("*.toml") if not p.name.startswith("translation."))


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_each_broken_quiz_reports_its_errors_with_file_and_line(path):
    quiz, errors = parse_quiz_file(path, "en", SECTION_IDS)
    assert quiz is None
    assert_errors_match(errors, path)


def test_translation_differences_point_into_the_translation():
    source, errors = parse_quiz_file(BROKEN_DIR / "translation.en.toml", "en", SECTION_IDS)
    assert not errors
    path = BROKEN_DIR / "translation.fr.toml"
    translation, errors = parse_quiz_file(path, "fr", SECTION_IDS)
    assert not errors, "the translation is valid on its own"
    assert_errors_match(compare_quiz_translation(source, translation), path)


def test_matching_translation_has_no_differences():
    assert compare_quiz_translation(load_quiz("en"), load_quiz("ar")) == []


def test_valid_quiz_model():
    quiz = load_quiz("en")
    assert quiz.lang == "en" and quiz.path == rel(QUIZ_DIR / "quiz.en.toml")
    assert quiz.question_ids == ("q1", "q2", "q3", "q4", "q5")
    assert [s.id for s in quiz.scenarios] == ["s1"]
    assert "[[questions]] inside a story" in quiz.scenarios[0].story
    q2 = quiz.question("q2")
    assert q2.type == "multiple" and q2.correct_ids == {"a", "b", "d"}
    assert q2.option("c").feedback.startswith("No: night work")
    q3 = quiz.question("q3")
    assert q3.scenario == "s1" and q3.option_ids == ("true", "false")
    text = (QUIZ_DIR / "quiz.en.toml").read_text().splitlines()
    assert text[q3.line - 1] == "[[questions]]"
    assert text[q3.line_of("section") - 1] == 'section = "indicators"'
    assert text[q3.options[1].line - 1] == "[[questions.options]]"


def test_section_ids_come_from_the_module():
    quiz, errors = parse_quiz_file(QUIZ_DIR / "quiz.en.toml", "en", ["intro", "elements"])
    assert quiz is None
    assert {e.message.split(":")[0] for e in errors} == {"question 'q2'", "question 'q3'"}


def test_unreadable_file_is_an_error_not_a_crash(tmp_path):
    quiz, errors = parse_quiz_file(tmp_path / "quiz.en.toml", "en", SECTION_IDS)
    assert quiz is None and errors[0].line == 1 and "cannot read" in errors[0].message


def test_options_written_as_inline_tables_are_accepted():
    text = '''
[[questions]]
id = "q1"
type = "true_false"
section = "intro"
text = "T?"
options = [
  { id = "true", text = "True", correct = true, feedback = "Yes." },
  { id = "false", text = "False", correct = false, feedback = "No." },
]
'''
    quiz, errors = parse_quiz_text(text, "x.toml", "en", SECTION_IDS)
    assert errors == [] and quiz.question("q1").correct_ids == {"true"}


# -- the key-path -> line helper ---------------------------------------------------------------

SAMPLE = '''# comment [[questions]]
[[scenarios]]
id = "s1"
story = """Line one
[[questions]]
key = "not a key"
"""

[[questions]]
id = "q1"  # trailing comment with = sign
"quoted key" = 1
list = [
  "a", "b",
]

[[questions.options]]
id = "a"

[[questions.options]]
id = "b"
feedback = 'literal # not a comment'

[[questions]]
id = "q2"

[[questions.options]]
id = "c"
'''


def test_key_lines_follow_arrays_of_tables_and_skip_strings():
    index = key_lines(SAMPLE)
    assert index[("scenarios", 0)] == 2
    assert index[("scenarios", 0, "story")] == 4
    assert ("scenarios", 0, "key") not in index
    assert index[("questions", 0)] == 9
    assert index[("questions", 0, "id")] == 10
    assert index[("questions", 0, "quoted key")] == 11
    assert index[("questions", 0, "list")] == 12
    assert index[("questions", 0, "options", 1, "feedback")] == 21
    assert index[("questions", 1, "options", 0, "id")] == 27


def test_line_for_accepts_text_paths_and_falls_back_to_the_table():
    index = key_lines(SAMPLE)
    assert line_for(index, "questions[0].options[1].feedback") == 21
    assert line_for(index, "questions[1].options[0].feedback") == 26  # missing key -> its table
    assert line_for(index, "nothing[4]") == 1
    assert parse_key_path("questions[3].options[1].feedback") == ("questions", 3, "options", 1, "feedback")
    assert format_key_path(("questions", 3, "options", 1, "feedback")) == "questions[3].options[1].feedback"


def test_line_numbers_agree_with_tomllib_on_the_fixture():
    """Every value tomllib reads is found by the scanner on a line that holds its key."""
    import tomllib

    text = (QUIZ_DIR / "quiz.en.toml").read_text()
    data = tomllib.loads(text)
    index = key_lines(text)
    lines = text.splitlines()
    for qi, q in enumerate(data["questions"]):
        for key in q:
            if key != "options":
                assert lines[index[("questions", qi, key)] - 1].startswith(f"{key} =")
        for oi, o in enumerate(q["options"]):
            for key in o:
                assert lines[index[("questions", qi, "options", oi, key)] - 1].startswith(f"{key} =")
