"""Quizzes: the file format's model and loader, pure scoring and shuffling, attempt records."""

from .model import Option, Question, Quiz, Scenario
from .loader import compare_quiz_translation, parse_quiz_file

__all__ = ["Option", "Question", "Quiz", "Scenario", "parse_quiz_file", "compare_quiz_translation"]
