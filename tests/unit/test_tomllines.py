"""The shared TOML line locator: lines are looked up only when needed, and agree with a full scan."""

from __future__ import annotations

import copy
import pickle
import tomllib
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.core import tomllines
from trainer.core.checklist import parse_indicator_set
from trainer.core.checklist.referrals import parse_referral_directory
from trainer.core.errors import rel
from trainer.core.quiz.loader import parse_quiz_file
from trainer.core.tomllines import KeyLine, LineField, TomlLines, key_lines, line_of, read_toml

from tests.unit.quiz_support import QUIZ_DIR, SECTION_IDS

FIXTURES = QUIZ_DIR.parent


@pytest.fixture
def scans(monkeypatch):
    """Counts full scans of a TOML text."""
    calls: list[int] = []
    real = tomllines.key_lines

    def counting(text: str):
        calls.append(len(text))
        return real(text)

    monkeypatch.setattr(tomllines, "key_lines", counting)
    return calls


def test_a_valid_quiz_is_loaded_without_scanning_for_lines(scans):
    quiz, errors = parse_quiz_file(QUIZ_DIR / "quiz.en.toml", "en", SECTION_IDS)
    assert not errors and scans == []
    q3 = quiz.question("q3")
    text = (QUIZ_DIR / "quiz.en.toml").read_text(encoding="utf-8").splitlines()
    assert text[q3.line - 1] == "[[questions]]"
    assert text[q3.line_of("section") - 1] == 'section = "indicators"'
    assert text[q3.options[1].line - 1] == "[[questions.options]]"
    assert len(scans) == 1, "one scan serves every later lookup in the same file"


def test_valid_indicator_set_and_referral_directory_are_loaded_without_scanning(scans):
    s, errors = parse_indicator_set(FIXTURES / "valid_indicators" / "indicators" / "tiny.toml")
    assert not errors and scans == []
    d, errors = parse_referral_directory(FIXTURES / "valid_referrals" / "referrals" / "tiny.toml")
    assert not errors and scans == []
    lines = (FIXTURES / "valid_indicators" / "indicators" / "tiny.toml").read_text(encoding="utf-8").splitlines()
    first = next(iter(s.indicators.values()))
    assert lines[first.line - 1].strip() == "[[indicators]]"
    contact = next(iter(d.countries.values())).contacts[0]
    assert isinstance(contact.line, int) and contact.line > 1


def test_lazy_lines_equal_the_eager_index_on_the_fixture():
    text = (QUIZ_DIR / "quiz.en.toml").read_text(encoding="utf-8")
    index = key_lines(text)
    lines = TomlLines(text)
    for path, line in index.items():
        assert lines.line(path) == line
        assert lines.at(*path).line == line
        if path:
            assert lines.at(*path[:-1]).child(path[-1]).line == line


@dataclass(frozen=True)
class Thing:
    name: str
    line: int = LineField()


def test_a_line_field_reads_as_an_int_whatever_it_was_given():
    lines = TomlLines('a = 1\n\n[t]\nb = 2\n')
    lazy, plain = Thing("x", lines.at("t", "b")), Thing("x", 4)
    assert lazy.line == plain.line == 4
    assert lazy == plain and hash(lazy) == hash(plain) and repr(lazy) == "Thing(name='x', line=4)"
    assert Thing(name="y", line=lines.at("t")).line == 3
    assert line_of(Thing("z", lines.at("t")), "line", "b") == 4
    assert line_of(plain, "line", "anything") == 4, "a plain number has no keys below it"
    with pytest.raises(TypeError):
        Thing("no line")  # type: ignore[call-arg]


def test_pickled_and_copied_models_carry_numbers_not_the_text():
    quiz, _ = parse_quiz_file(QUIZ_DIR / "quiz.en.toml", "en", SECTION_IDS)
    restored = pickle.loads(pickle.dumps(quiz))
    assert restored == quiz
    assert [(q.line, [o.line for o in q.options]) for q in restored.questions] == \
        [(q.line, [o.line for o in q.options]) for q in quiz.questions]
    assert all(isinstance(q.__dict__["line"], int) for q in restored.questions)
    assert b'section = "indicators"' not in pickle.dumps(quiz), "the TOML text is not pickled"
    assert isinstance(copy.deepcopy(quiz.questions[0]).__dict__["line"], int)
    assert isinstance(quiz.questions[0].__dict__["line"], KeyLine)


# -- reading: every caller gets the same line for the same kind of problem ------------------------


def test_read_toml_locates_syntax_errors_including_at_the_end(tmp_path):
    f = tmp_path / "x.toml"
    f.write_text('a = 1\nb = "open\n', encoding="utf-8")
    data, _text, errors = read_toml(f)
    assert data is None and [(e.path, e.line) for e in errors] == [(rel(f), 2)]
    assert errors[0].message.startswith("invalid TOML: ") and "(at line" not in errors[0].message
    f.write_text('a = 1\nb = [1,\n', encoding="utf-8")
    _data, _text, errors = read_toml(f)
    assert errors[0].line == 2 and "end of document" not in errors[0].message


def test_read_toml_points_at_the_line_that_is_not_utf8(tmp_path):
    f = tmp_path / "x.toml"
    f.write_bytes(b'a = 1\nb = 2\nc = "caf\xe9"\n')
    data, _text, errors = read_toml(f)
    assert data is None and errors[0].line == 3 and "not valid UTF-8" in errors[0].message


def test_read_toml_gives_the_text_as_a_text_mode_read_would(tmp_path):
    f = tmp_path / "x.toml"
    f.write_bytes(b'a = 1\r\n[t]\r\nb = 2\r\n')
    data, text, errors = read_toml(f)
    assert not errors and data == {"a": 1, "t": {"b": 2}} and text == 'a = 1\n[t]\nb = 2\n'
    assert TomlLines(text).line(("t", "b")) == 3


def test_missing_file_is_an_error_not_a_crash(tmp_path):
    data, text, errors = read_toml(tmp_path / "nope.toml")
    assert data is None and text == "" and errors[0].line == 1 and "cannot read" in errors[0].message


keys = st.text("abcdefgh", min_size=1, max_size=6)


@st.composite
def tables(draw):
    """A TOML text of [[items]] tables with scalar keys, some values holding TOML-looking text."""
    decoy = st.sampled_from(['"[[items]]"', '"""\n[[items]]\nx = 1\n"""', "'# not = a comment'", "[1, \n 2]", "3"])
    items = draw(st.lists(st.dictionaries(keys, decoy, min_size=1, max_size=4), min_size=1, max_size=5))
    return "\n".join("[[items]]\n" + "\n".join(f"{k} = {v}" for k, v in item.items()) for item in items)


@settings(max_examples=150, deadline=None)
@given(tables())
def test_every_key_tomllib_reads_is_found_on_its_own_line(text):
    data = tomllib.loads(text)
    lines = TomlLines(text)
    rows = text.splitlines()
    for i, item in enumerate(data["items"]):
        assert rows[lines.line(("items", i)) - 1] == "[[items]]"
        for key in item:
            assert rows[lines.line(("items", i, key)) - 1].startswith(f"{key} = ")
