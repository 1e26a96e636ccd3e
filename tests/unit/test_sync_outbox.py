"""Outbox row life on the device: claim, acknowledge, reject, release, recover."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.sync_factory import device_statements, outbox_rows
from trainer.core.storage import open_db
from trainer.sync import outbox

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture()
def db(tmp_path):
    d = open_db(tmp_path / "device.db")
    d["outbox"].insert_all(outbox_rows(device_statements(30)))
    yield d
    d.conn.close()


def statuses(db) -> dict:
    return {r[0]: r[1] for r in db.execute("SELECT id, status FROM outbox")}


def test_claim_marks_sending_in_written_order(db):
    order = [r[0] for r in db.execute("SELECT id FROM outbox ORDER BY rowid")]
    batch = outbox.claim(db, 10, NOW)
    assert [i for i, _ in batch] == order[:10]
    assert all(statuses(db)[i] == "sending" for i, _ in batch)
    assert outbox.counts(db) == {"pending": 20, "sending": 10, "acked": 0, "rejected": 0}
    assert [i for i, _ in outbox.claim(db, 100, NOW)] == order[10:]


def test_recover_puts_a_killed_sync_back(db):
    outbox.claim(db, 12, NOW)
    assert outbox.recover_interrupted(db) == 12
    assert outbox.counts(db)["pending"] == 30


def test_acknowledge_reject_release(db):
    batch = [i for i, _ in outbox.claim(db, 6, NOW)]
    outbox.acknowledge(db, batch[:2])
    outbox.reject(db, {batch[2]: "verb.id: must be an IRI"})
    outbox.release(db, batch[3:], error="network", next_attempt_at=NOW + timedelta(minutes=5), count_attempt=True)
    s = statuses(db)
    assert [s[i] for i in batch] == ["acked", "acked", "rejected", "pending", "pending", "pending"]
    assert outbox.rejected_rows(db)[0]["last_error"] == "verb.id: must be an IRI"
    # released rows wait for their time unless forced
    due = {i for i, _ in outbox.claim(db, 100, NOW)}
    assert not due & set(batch[3:])
    outbox.recover_interrupted(db)
    assert set(batch[3:]) <= {i for i, _ in outbox.claim(db, 100, NOW, force=True)}
    outbox.recover_interrupted(db)
    assert set(batch[3:]) <= {i for i, _ in outbox.claim(db, 100, NOW + timedelta(minutes=6))}


def test_acknowledge_only_touches_the_rows_named(db):
    batch = [i for i, _ in outbox.claim(db, 5, NOW)]
    outbox.acknowledge(db, batch[:1])
    assert outbox.counts(db) == {"pending": 25, "sending": 4, "acked": 1, "rejected": 0}


def test_a_schedule_set_by_a_clock_that_ran_ahead_does_not_strand_rows(db):
    """The device clock was 7 hours ahead when a retry was scheduled, then corrected."""
    batch = [i for i, _ in outbox.claim(db, 5, NOW + timedelta(hours=7))]
    outbox.release(db, batch, error="x", next_attempt_at=NOW + timedelta(hours=7, minutes=2), count_attempt=True)
    assert {i for i, _ in outbox.claim(db, 100, NOW)} >= set(batch)


def test_resend_rejected(db):
    batch = [i for i, _ in outbox.claim(db, 3, NOW)]
    outbox.reject(db, {i: "bad" for i in batch})
    assert outbox.resend_rejected(db, batch[:1]) == 1
    assert outbox.counts(db)["rejected"] == 2
    assert outbox.resend_rejected(db) == 2
    assert outbox.counts(db)["rejected"] == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["claim", "ack", "reject", "release", "recover"]), st.integers(1, 12)), max_size=25))
def test_no_row_is_ever_lost_or_duplicated(tmp_path_factory, ops):
    """Whatever happens, every statement is in exactly one state, and acked rows stay acked."""
    d = open_db(tmp_path_factory.mktemp("ob") / "d.db")
    ids = [r["id"] for r in outbox_rows(device_statements(25))]
    d["outbox"].insert_all(outbox_rows(device_statements(25)))
    in_flight: list[str] = []
    acked: set[str] = set()
    for op, n in ops:
        if op == "claim":
            in_flight += [i for i, _ in outbox.claim(d, n, NOW, force=True)]
        elif op == "ack" and in_flight:
            outbox.acknowledge(d, in_flight[:n])
            acked |= set(in_flight[:n])
            in_flight = in_flight[n:]
        elif op == "reject" and in_flight:
            outbox.reject(d, {i: "no" for i in in_flight[:n]})
            in_flight = in_flight[n:]
        elif op == "release" and in_flight:
            outbox.release(d, in_flight[:n], error=None, next_attempt_at=None, count_attempt=False)
            in_flight = in_flight[n:]
        elif op == "recover":
            outbox.recover_interrupted(d)
            in_flight = []
        rows = dict(d.execute("SELECT id, status FROM outbox").fetchall())
        assert sorted(rows) == sorted(ids)
        assert all(rows[i] == "acked" for i in acked)
        assert sum(outbox.counts(d).values()) == len(ids)
    d.conn.close()
