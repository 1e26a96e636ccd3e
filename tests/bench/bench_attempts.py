"""Benchmark: recording a submitted quiz attempt with its xAPI statements.

Measures record_attempt end to end (scoring, statement building and validation, and the one
SQLite transaction writing attempt + answers + outbox) on a file database with WAL, as on a
phone. Target: median <= 5 ms. Also reports the database size per 1,000 attempts.

Then device storage with the bundled curricula (every module's real quiz, in every language
it has, cycled as one learner's attempts and retakes with random answers): the database file
per attempt before and after the record store acknowledged everything and the retention passed
(trainer/sync/prune.py). Sizes are the database file after a WAL checkpoint, minus the empty
database's file. Target: at most 2 KiB per attempt after pruning.

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

from datetime import datetime, timedelta, timezone  # noqa: E402

from trainer.core.curricula.loader import load_curricula  # noqa: E402
from trainer.core.quiz.attempts import record_attempt  # noqa: E402
from trainer.sync import outbox  # noqa: E402
from trainer.sync.prune import prune_acknowledged  # noqa: E402
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
    device_storage(args.attempts)


def file_size(tmp: Path) -> int:
    return sum(p.stat().st_size for p in tmp.glob("bench.db*"))


def device_storage(n_attempts: int) -> None:
    curriculum = load_curricula()
    pairs = [(m, m.quizzes[lang]) for m in curriculum.modules for lang in sorted(m.quizzes)]
    rnd = random.Random(2)
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        db = open_db(tmp / "bench.db")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        empty = file_size(tmp)
        for i in range(n_attempts):
            module, quiz = pairs[i % len(pairs)]
            seed = rnd.getrandbits(32)
            answers = {q.id: [rnd.choice(q.option_ids)] for q in quiz.questions}
            record_attempt(db, module=module, quiz=quiz, answers=answers, seed=seed,
                           question_order=question_order(quiz, seed), started_at=T0, submitted_at=later(3))
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = file_size(tmp) - empty
        n_statements = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
        # The record store confirms everything; the retention (30 days) passes.
        ids = [i for i, _ in outbox.claim(db, n_statements, datetime.now(timezone.utc), force=True)]
        outbox.acknowledge(db, ids)
        t = time.perf_counter()
        pruned = prune_acknowledged(db, datetime.now(timezone.utc) + timedelta(days=31))
        prune_ms = (time.perf_counter() - t) * 1000
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        after = file_size(tmp) - empty
        kept = db.execute("SELECT count(*) FROM quiz_attempt").fetchone()[0]
        db.close()
    per_before, per_after = before / n_attempts, after / n_attempts
    print(f"device storage, bundled curricula ({len(pairs)} module quizzes x languages, {n_attempts} attempts, "
          f"{n_statements} statements)")
    print(f"  before pruning: {per_before / 1024:.1f} KiB per attempt ({before / 1024 / 1024:.2f} MiB in all)")
    print(f"  after pruning:  {per_after / 1024:.2f} KiB per attempt ({after / 1024 / 1024:.2f} MiB in all; "
          f"{pruned} statements pruned in {prune_ms:.0f} ms, {kept} attempt records kept)   "
          f"(target <= 2 KiB: {'OK' if per_after <= 2048 else 'MISSED'})")


if __name__ == "__main__":
    main()
