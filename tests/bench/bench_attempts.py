"""Benchmark: recording a submitted quiz attempt with its xAPI statements.

Measures record_attempt end to end (scoring, statement building and validation, and the one
SQLite transaction writing attempt + answers + outbox) on a file database with WAL, as on a
phone. Target: median <= 5 ms. Also reports the database size per 1,000 attempts.

    python tests/bench/bench_attempts.py [--attempts 1000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from trainer.core.quiz.attempts import record_attempt  # noqa: E402
from trainer.core.quiz.model import Option, Question, Quiz, Scenario  # noqa: E402
from trainer.core.quiz.shuffle import question_order  # noqa: E402
from trainer.core.storage import open_db  # noqa: E402
from tests.unit.quiz_support import SECTION_IDS, T0, later, make_module  # noqa: E402


def realistic_quiz(n_questions: int = 10) -> Quiz:
    """A module-sized quiz: 10 questions of every type, two of them on a scenario."""
    questions = []
    for i in range(n_questions):
        qtype = ("single", "multiple", "true_false")[i % 3]
        if qtype == "true_false":
            opts = (Option("true", "True", True, "Right, because " + "x" * 80, 1),
                    Option("false", "False", False, "Not quite: " + "y" * 80, 1))
        else:
            opts = tuple(Option(c, f"Option {c} " + "z" * 40, (c == "a") or (qtype == "multiple" and c == "c"),
                                "Feedback " + "w" * 100, 1) for c in "abcd")
        questions.append(Question(f"q{i}", qtype, f"Question {i}: " + "q" * 100, SECTION_IDS[i % 4],
                                  "s1" if i in (3, 4) else None, opts, 1))
    return Quiz("en", "quiz.en.toml", (Scenario("s1", "Story", "A fictional composite case.", 1),), tuple(questions))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--attempts", type=int, default=1000)
    args = ap.parse_args()

    module = make_module(with_quiz=False)
    quiz = realistic_quiz()
    rnd = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        db = open_db(path)
        empty = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*"))
        timings = []
        for i in range(args.attempts):
            seed = rnd.getrandbits(32)
            answers = {q.id: [rnd.choice(q.option_ids)] for q in quiz.questions}
            t = time.perf_counter()
            record_attempt(db, module=module, quiz=quiz, answers=answers, seed=seed,
                           question_order=question_order(quiz, seed), started_at=T0, submitted_at=later(3))
            timings.append((time.perf_counter() - t) * 1000)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        n_statements, payload_bytes = db.execute("SELECT count(*), sum(length(payload)) FROM outbox").fetchone()
        size = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*"))
        db.close()

    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    per_1000 = (size - empty) / args.attempts * 1000
    print(f"attempts recorded:        {args.attempts} ({len(quiz.questions)} questions, {n_statements} statements)")
    print(f"record_attempt p50:       {p50:.2f} ms   (target <= 5 ms: {'OK' if p50 <= 5 else 'MISSED'})")
    print(f"record_attempt p95:       {p95:.2f} ms")
    print(f"record_attempt max:       {timings[-1]:.2f} ms")
    print(f"database size / 1,000 attempts: {per_1000 / 1024 / 1024:.2f} MiB "
          f"({per_1000 / 1000 / 1024:.1f} KiB per attempt, outbox included)")
    print(f"  of which statement JSON in the outbox: {payload_bytes / args.attempts / 1024:.1f} KiB per attempt "
          f"(acknowledged rows can be pruned by sync)")


if __name__ == "__main__":
    main()
