"""Reproducible presentation order for a quiz attempt.

The seed is stored with the attempt, so the exact order a learner saw can be rebuilt
for the review screen and for a trainer later. `random.Random` seeded with an int or a str
is stable across platforms and Python versions (str seeds are hashed with SHA-512).
"""

from __future__ import annotations

import random
import secrets

from .model import Question, Quiz


def new_seed() -> int:
    return secrets.randbits(32)


def _blocks(quiz: Quiz) -> list[list[str]]:
    """Standalone questions are blocks of one; a scenario's questions form one block,
    in their written order, placed where its first question was written."""
    blocks: list[list[str]] = []
    by_scenario: dict[str, list[str]] = {}
    for q in quiz.questions:
        if q.scenario:
            if q.scenario not in by_scenario:
                by_scenario[q.scenario] = []
                blocks.append(by_scenario[q.scenario])
            by_scenario[q.scenario].append(q.id)
        else:
            blocks.append([q.id])
    return blocks


def question_order(quiz: Quiz, seed: int, shuffle: bool = True) -> tuple[str, ...]:
    """Question ids in the order to present them: scenario questions stay together and in order."""
    blocks = _blocks(quiz)
    if shuffle:
        random.Random(f"waymark-questions:{seed}").shuffle(blocks)
    return tuple(qid for block in blocks for qid in block)


def option_order(question: Question, seed: int, shuffle: bool = True) -> tuple[str, ...]:
    """Option ids in the order to present them. True/false always reads true, then false."""
    ids = list(question.option_ids)
    if question.type == "true_false":
        return tuple(sorted(ids, key=("true", "false").index))
    if shuffle:
        random.Random(f"waymark-options:{seed}:{question.id}").shuffle(ids)
    return tuple(ids)
