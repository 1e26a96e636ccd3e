"""Device schema for quiz attempts, their answers and module completions.

Attempts and answers are facts about what a learner did: they are written once, in the same
transaction as their xAPI statements, and never edited (triggers refuse UPDATE). A
correction would be a new record and a new statement, never a changed one.
"""

from sqlite_utils.migrations import Migrations

from trainer.core.storage.db import register_migrations

quiz = register_migrations(Migrations("waymark-quiz"))


@quiz()
def m001_attempts(db):
    db["quiz_attempt"].create(
        {
            "id": str,  # UUID; also the xAPI context.registration of its statements
            "learner_id": str,
            "module_id": str,
            "module_version": str,
            "lang": str,
            "seed": int,  # rebuilds the question and option order that was shown
            "question_order": str,  # JSON list of question ids as presented
            "started_at": str,
            "submitted_at": str,
            "score": float,  # 0..1
            "pass_mark": float,
            "passed": int,
        },
        pk="id",
        not_null={"learner_id", "module_id", "lang", "seed", "started_at", "submitted_at", "score", "passed"},
    )
    db["quiz_attempt"].create_index(["learner_id", "module_id"])
    db["quiz_attempt_answer"].create(
        {
            "attempt_id": str,
            "question_id": str,
            "position": int,  # 0-based place in the presented order
            "chosen": str,  # JSON list of option ids
            "score": float,
            "correct": int,
        },
        pk=("attempt_id", "question_id"),
        foreign_keys=[("attempt_id", "quiz_attempt", "id")],
        not_null={"chosen", "score", "correct"},
    )
    # One row per learner and module, written when the module first becomes complete
    # (every section read and the quiz passed). Its id is a uuid5 of module and learner so
    # the same completion recorded on two devices converges on one record.
    db["module_completion"].create(
        {
            "learner_id": str,
            "module_id": str,
            "id": str,
            "module_version": str,
            "lang": str,
            "completed_at": str,
            "attempt_id": str,  # the attempt that completed it, if the quiz came last
            "statement_id": str,  # the xAPI 'completed' statement in the outbox
        },
        pk=("learner_id", "module_id"),
        not_null={"id", "completed_at"},
    )
    for table in ("quiz_attempt", "quiz_attempt_answer", "module_completion"):
        db.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are never edited; record a new one'); END"
        )
