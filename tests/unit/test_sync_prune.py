"""Pruning acknowledged outbox rows: only confirmed rows past retention go; attempts stay."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlite_utils

from tests.sync_factory import device_statements, outbox_rows
from tests.unit.quiz_support import T0, all_correct, later, make_module
from trainer.core.quiz.attempts import record_attempt
from trainer.core.quiz.shuffle import question_order
from trainer.core.settings import Settings
from trainer.core.storage import MIGRATION_SETS, open_db
from trainer.sync import outbox
from trainer.sync.prune import DEFAULT_KEEP_DAYS, prune_acknowledged
from trainer.sync.service import read_status

NOW = datetime.now(timezone.utc)


def stamp(db, ids, when: datetime) -> None:
    """Pretend these rows were acknowledged at `when` (the trigger stamps the real time)."""
    for i in ids:
        db.execute("UPDATE outbox SET acked_at = ? WHERE id = ?", [outbox.iso(when), i])


@pytest.fixture()
def db(tmp_path):
    d = open_db(tmp_path / "device.db")
    yield d
    d.conn.close()


def test_acknowledging_stamps_acked_at(db):
    db["outbox"].insert_all(outbox_rows(device_statements(6)))
    ids = [i for i, _ in outbox.claim(db, 6, NOW)]
    before = outbox.iso(datetime.now(timezone.utc) - timedelta(seconds=5))
    outbox.acknowledge(db, ids[:4])
    outbox.reject(db, {ids[4]: "bad"})
    rows = {r["id"]: r for r in db.query("SELECT id, status, acked_at FROM outbox")}
    assert all(rows[i]["acked_at"] >= before for i in ids[:4])
    assert rows[ids[4]]["acked_at"] is None and rows[ids[5]]["acked_at"] is None


def test_only_acknowledged_rows_past_retention_go(db):
    rows = outbox_rows(device_statements(40), created_at="2020-01-01T00:00:00Z")
    db["outbox"].insert_all(rows)
    ids = [r["id"] for r in rows]
    old, recent = ids[:10], ids[10:15]
    outbox.claim(db, 15, NOW)
    outbox.acknowledge(db, old + recent)
    stamp(db, old, NOW - timedelta(days=DEFAULT_KEEP_DAYS, minutes=1))
    stamp(db, recent, NOW - timedelta(days=DEFAULT_KEEP_DAYS - 1))
    # Every other state, however old, including a status another feature may add
    # (set-aside poison statements) and an `acked` row with no stamp at all.
    others = {"pending": ids[15:20], "sending": ids[20:25], "rejected": ids[25:30], "set_aside": ids[30:35]}
    for status, some in others.items():
        for i in some:
            db.execute("UPDATE outbox SET status = ?, acked_at = '2020-01-02T00:00:00.000Z' WHERE id = ?", [status, i])
    unstamped = ids[35:40]
    for i in unstamped:
        db.execute("UPDATE outbox SET status = 'acked' WHERE id = ?", [i])
        db.execute("UPDATE outbox SET acked_at = NULL WHERE id = ?", [i])
    sent_before = read_status(db).sent
    assert prune_acknowledged(db, NOW) == 10
    left = {r[0] for r in db.execute("SELECT id FROM outbox")}
    assert left == set(ids) - set(old)
    assert read_status(db).sent == sent_before == 20  # "sent" still counts the pruned rows
    assert prune_acknowledged(db, NOW) == 0


def test_retention_is_a_setting(db):
    rows = outbox_rows(device_statements(6))
    db["outbox"].insert_all(rows)
    outbox.claim(db, 6, NOW)
    outbox.acknowledge(db, [r["id"] for r in rows])
    stamp(db, [r["id"] for r in rows[:3]], NOW - timedelta(days=8))
    Settings(db).set("sync.keep_sent_days", 7)
    assert prune_acknowledged(db, NOW) == 3
    Settings(db).set("sync.keep_sent_days", 0)
    assert prune_acknowledged(db, datetime.now(timezone.utc) + timedelta(seconds=1)) == 3
    Settings(db).set("sync.keep_sent_days", "soon")  # nonsense falls back to the default
    assert prune_acknowledged(db, NOW) == 0
    assert read_status(db).sent == 6


def test_attempt_records_stay_and_the_file_shrinks(tmp_path):
    path = tmp_path / "device.db"
    db = open_db(path)
    module = make_module()
    quiz = module.quizzes["en"]
    for n in range(60):
        record_attempt(db, module=module, quiz=quiz, answers=all_correct(quiz), seed=n,
                       question_order=question_order(quiz, n), started_at=T0, submitted_at=later(3))
    statements = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
    outbox.claim(db, statements, NOW)
    outbox.acknowledge(db, [r[0] for r in db.execute("SELECT id FROM outbox")])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size_before = path.stat().st_size
    attempts = db.execute("SELECT * FROM quiz_attempt ORDER BY id").fetchall()
    answers = db.execute("SELECT * FROM quiz_attempt_answer ORDER BY attempt_id, question_id").fetchall()
    completions = db.execute("SELECT * FROM module_completion").fetchall()

    assert prune_acknowledged(db, NOW + timedelta(days=31)) == statements
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert db.execute("SELECT * FROM quiz_attempt ORDER BY id").fetchall() == attempts
    assert db.execute("SELECT * FROM quiz_attempt_answer ORDER BY attempt_id, question_id").fetchall() == answers
    assert db.execute("SELECT * FROM module_completion").fetchall() == completions
    assert len(attempts) == 60 and len(answers) == 60 * len(quiz.questions)
    assert path.stat().st_size < size_before / 2
    assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    db.conn.close()


def test_upgrade_keeps_old_acknowledged_rows_for_the_full_retention(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    for mset in MIGRATION_SETS:
        if mset.name == "waymark-core":
            mset.apply(old, stop_before="m002_outbox_acked_at")
        else:
            mset.apply(old)
    rows = outbox_rows(device_statements(8), created_at="2020-01-01T00:00:00Z")
    old["outbox"].insert_all(rows)
    old.execute("UPDATE outbox SET status = 'acked' WHERE rowid <= 5")
    old.conn.commit()
    assert old.execute("PRAGMA auto_vacuum").fetchone()[0] == 0
    old.close()

    db = open_db(path)
    assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental from now on
    stamps = [r[0] for r in db.execute("SELECT acked_at FROM outbox WHERE status = 'acked'")]
    assert len(stamps) == 5 and all(stamps)
    assert prune_acknowledged(db, datetime.now(timezone.utc)) == 0  # counted from the upgrade
    assert prune_acknowledged(db, datetime.now(timezone.utc) + timedelta(days=DEFAULT_KEEP_DAYS + 1)) == 5
    assert outbox.counts(db)["pending"] == 3
    db.conn.close()


def test_new_databases_are_incremental(tmp_path):
    db = open_db(tmp_path / "new.db")
    assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
    db.conn.close()
