"""Scoring per curricula/FORMAT.md: properties over generated quizzes, and worked examples."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.core.quiz.model import Option, Question, Quiz
from trainer.core.quiz.scoring import (
    is_correct,
    question_score,
    score_attempt,
    score_question,
    sections_to_revisit,
)

from tests.unit.quiz_support import all_correct, all_wrong, load_quiz


@st.composite
def questions(draw, qid: str = "q"):
    qtype = draw(st.sampled_from(["single", "multiple", "true_false"]))
    if qtype == "true_false":
        right = draw(st.sampled_from(["true", "false"]))
        opts = [Option(o, o, o == right, "fb", 1) for o in ("true", "false")]
    else:
        n = draw(st.integers(2, 6))
        ids = [chr(ord("a") + i) for i in range(n)]
        if qtype == "single":
            right_ids = {draw(st.sampled_from(ids))}
        else:
            right_ids = set(draw(st.lists(st.sampled_from(ids), min_size=1, unique=True)))
        opts = [Option(i, i, i in right_ids, "fb", 1) for i in ids]
    return Question(qid, qtype, "text", "intro", None, tuple(opts), 1)


@st.composite
def quizzes(draw):
    n = draw(st.integers(1, 12))
    qs = tuple(draw(questions(f"q{i}")) for i in range(n))
    return Quiz("en", "quiz.en.toml", (), qs)


@st.composite
def quiz_and_answers(draw):
    quiz = draw(quizzes())
    answers = {}
    for q in quiz.questions:
        if draw(st.booleans()):
            answers[q.id] = draw(st.lists(st.sampled_from(q.option_ids), unique=True))
    return quiz, answers


@given(quiz_and_answers(), st.sampled_from([0.5, 0.8, 1.0]))
def test_score_is_between_0_and_1(qa, mark):
    quiz, answers = qa
    result = score_attempt(quiz, answers, mark)
    assert 0 <= result.score <= 1
    assert all(0 <= r.score <= 1 for r in result.results)
    assert result.passed == (result.score >= Fraction(str(mark)))


@given(quizzes())
def test_all_correct_scores_exactly_1_and_passes(quiz):
    result = score_attempt(quiz, all_correct(quiz), 1.0)
    assert result.score == 1 and result.scaled == 1.0 and result.passed
    assert result.correct_count == len(quiz.questions)


@given(quiz_and_answers(), st.randoms())
def test_order_of_answering_does_not_matter(qa, rnd):
    quiz, answers = qa
    items = list(answers.items())
    rnd.shuffle(items)
    reordered = {qid: list(reversed(chosen)) for qid, chosen in items}
    assert score_attempt(quiz, answers) == score_attempt(quiz, reordered)


@given(quizzes())
def test_nothing_answered_scores_0(quiz):
    result = score_attempt(quiz, {})
    assert result.score == 0 and not result.passed and not any(r.answered for r in result.results)


@settings(max_examples=200)
@given(questions(), st.data())
def test_correct_means_exactly_the_correct_set(question, data):
    chosen = data.draw(st.lists(st.sampled_from(question.option_ids), unique=True))
    r = score_question(question, chosen)
    assert r.correct == (set(chosen) == question.correct_ids)
    if r.correct:
        assert r.score == 1
    if question.type != "multiple":
        assert r.score in (0, 1)


def _multiple(correct: str, all_ids: str = "abcde") -> Question:
    return Question("m", "multiple", "t", "intro", None,
                    tuple(Option(i, i, i in correct, "fb", 1) for i in all_ids), 1)


@pytest.mark.parametrize(
    "chosen, expected",
    [
        ("abc", Fraction(1)),  # exactly right
        ("ab", Fraction(2, 3)),  # two of three right, none wrong
        ("a", Fraction(1, 3)),
        ("abd", Fraction(1, 3)),  # two right, one wrong: (2 - 1) / 3
        ("abcd", Fraction(2, 3)),
        ("ad", Fraction(0)),  # (1 - 1) / 3
        ("de", Fraction(0)),  # would be negative: floor at 0
        ("", Fraction(0)),
        ("abcde", Fraction(1, 3)),  # everything ticked: (3 - 2) / 3
    ],
)
def test_multiple_select_partial_scoring(chosen, expected):
    q = _multiple("abc")
    assert question_score(q, list(chosen)) == expected
    assert is_correct(q, list(chosen)) == (chosen == "abc")


def test_pass_mark_boundary_is_exact():
    quiz = load_quiz("en")  # 5 questions
    answers = all_correct(quiz)
    answers["q5"] = ["a"]  # one wrong: 4/5 = 0.8 exactly
    result = score_attempt(quiz, answers, 0.8)
    assert result.score == Fraction(4, 5) and result.passed
    assert not score_attempt(quiz, answers, 0.81).passed


def test_worked_example_on_the_fixture():
    quiz = load_quiz("en")
    answers = {"q1": ["a"], "q2": ["a", "c"], "q3": ["false"], "q4": ["a"]}  # q5 unanswered
    result = score_attempt(quiz, answers, 0.8)
    # q1 1, q2 (1-1)/3 = 0, q3 0, q4 1, q5 0 -> 2/5
    assert result.score == Fraction(2, 5) and not result.passed
    assert result.result("q2").chosen == ("a", "c") and not result.result("q2").correct
    assert sections_to_revisit(quiz, result) == ("indicators", "intro")
    assert sections_to_revisit(quiz, score_attempt(quiz, all_correct(quiz))) == ()
    assert score_attempt(quiz, all_wrong(quiz)).score == 0


def test_unknown_ids_are_programming_errors():
    quiz = load_quiz("en")
    with pytest.raises(ValueError):
        score_attempt(quiz, {"q1": ["z"]})
    with pytest.raises(ValueError):
        score_attempt(quiz, {"q99": ["a"]})
