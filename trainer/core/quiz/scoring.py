"""Scoring rules from curricula/FORMAT.md, as pure functions.

Scores are computed with exact fractions so that "all correct" is exactly 1 and a score on
the pass mark (say 4 of 5 against 0.8) passes, whatever the floating-point rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Collection, Mapping

from .model import Question, Quiz


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    chosen: tuple[str, ...]  # option ids, in the question's written order
    score: Fraction  # 0..1
    correct: bool  # exactly the correct set was chosen

    @property
    def answered(self) -> bool:
        return bool(self.chosen)


@dataclass(frozen=True)
class AttemptScore:
    results: tuple[QuestionResult, ...]  # in the quiz's written order
    score: Fraction  # mean of the question scores, 0..1
    pass_mark: Fraction
    passed: bool

    @property
    def scaled(self) -> float:
        return float(self.score)

    @property
    def raw(self) -> Fraction:
        return sum((r.score for r in self.results), Fraction(0))

    @property
    def correct_count(self) -> int:
        return sum(r.correct for r in self.results)

    def result(self, question_id: str) -> QuestionResult | None:
        return next((r for r in self.results if r.question_id == question_id), None)


def _checked_choice(question: Question, chosen: Collection[str]) -> frozenset[str]:
    chosen_set = frozenset(chosen)
    unknown = chosen_set - set(question.option_ids)
    if unknown:
        raise ValueError(f"question {question.id!r} has no option(s) {sorted(unknown)}")
    return chosen_set


def question_score(question: Question, chosen: Collection[str]) -> Fraction:
    """single / true_false: 1 or 0. multiple: max(0, (right chosen - wrong chosen) / right)."""
    picked = _checked_choice(question, chosen)
    right = question.correct_ids
    if question.type == "multiple":
        hits = len(picked & right)
        misses = len(picked - right)
        return max(Fraction(0), Fraction(hits - misses, len(right)))
    return Fraction(1) if picked == right else Fraction(0)


def is_correct(question: Question, chosen: Collection[str]) -> bool:
    """Answered correctly only when exactly the correct set was chosen."""
    return _checked_choice(question, chosen) == question.correct_ids


def score_question(question: Question, chosen: Collection[str]) -> QuestionResult:
    picked = _checked_choice(question, chosen)
    ordered = tuple(oid for oid in question.option_ids if oid in picked)
    return QuestionResult(question.id, ordered, question_score(question, picked), is_correct(question, picked))


def to_fraction(pass_mark: float | Fraction | str) -> Fraction:
    """0.8 -> 4/5 exactly (via its decimal text, not its binary float value)."""
    if isinstance(pass_mark, Fraction):
        return pass_mark
    return Fraction(str(pass_mark))


def score_attempt(
    quiz: Quiz, answers: Mapping[str, Collection[str]], pass_mark: float | Fraction | str = 0.8
) -> AttemptScore:
    """Score every question of the quiz; an unanswered question scores 0."""
    unknown = set(answers) - set(quiz.question_ids)
    if unknown:
        raise ValueError(f"answers for questions not in the quiz: {sorted(unknown)}")
    if not quiz.questions:
        raise ValueError("a quiz without questions cannot be scored")
    results = tuple(score_question(q, answers.get(q.id, ())) for q in quiz.questions)
    score = sum((r.score for r in results), Fraction(0)) / len(results)
    mark = to_fraction(pass_mark)
    return AttemptScore(results=results, score=score, pass_mark=mark, passed=score >= mark)


def sections_to_revisit(quiz: Quiz, attempt: AttemptScore) -> tuple[str, ...]:
    """Sections behind the questions not answered correctly, in quiz order, each once.

    Feedback says what to read again rather than only that something was wrong.
    """
    out: list[str] = []
    for q, r in zip(quiz.questions, attempt.results):
        if not r.correct and q.section not in out:
            out.append(q.section)
    return tuple(out)
