"""Quizzes: the file format's model and loader, pure scoring and shuffling, attempt records.

The loader (TOML) is imported on first use only, so reading quizzes from the compiled
curricula cache does not pay for it.
"""

from .model import Option, Question, Quiz, Scenario

__all__ = ["Option", "Question", "Quiz", "Scenario", "parse_quiz_file", "compare_quiz_translation"]


def __getattr__(name: str):
    if name in ("parse_quiz_file", "compare_quiz_translation"):
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
