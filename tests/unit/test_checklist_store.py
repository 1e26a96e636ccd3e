"""Screening records: encrypted at rest, nameless, never in the outbox or the logs, deleted on
time. Nothing sensitive is printed: assertion messages here never include record contents."""

from __future__ import annotations

import dataclasses
import json

import logging
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from trainer.core.checklist import Answer, evaluate, load_indicator_sets
from trainer.core.checklist import store as store_module
from trainer.core.checklist.store import (
    ABANDONED,
    COMPLETE,
    DEFAULT_RETENTION_DAYS,
    NOTES_MAX,
    ScreeningError,
    ScreeningStore,
)
from trainer.core.crypto import KdfParams, SessionKey, Tampered, WrongPin
from trainer.core.storage import open_db
from trainer.core.storage.migrations import FEATURE_SCHEMAS

ROOT = Path(__file__).resolve().parents[2]
DELPHI = load_indicator_sets(ROOT / "curricula")["ilo-ec-delphi-2009"]
CHEAP = KdfParams(n=2**10, r=8, p=1)
PIN = "246810"
NOTE = "Met near the harbour gate; speaks Tigrinya."
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, t: datetime = T0):
        self.t = t

    def __call__(self) -> datetime:
        return self.t


@pytest.fixture
def env(tmp_path):
    db = open_db(tmp_path / "device.db")
    clock = Clock()
    store = ScreeningStore(db, clock=clock)
    key = store.vault(kdf=CHEAP).set_up(PIN)
    yield db, store, key, clock, tmp_path / "device.db"
    db.close()


def new(store, key, profile="adults-labour"):
    return store.create(key, set_id=DELPHI.id, set_version=DELPHI.version, profile_id=profile, officer_lang="en", interviewee_lang="ar")


def full_screening(store, key):
    """70 answers' worth: every indicator of the children's profile, cycling the four answers."""
    s = new(store, key, "children-labour")
    answers = list(Answer)
    for n, iid in enumerate(DELPHI.profiles["children-labour"].indicator_ids):
        s = s.with_answer(iid, answers[n % 4])
    from dataclasses import replace

    return store.save(key, replace(s, notes=NOTE, consent=True, flags=("immediate-danger",)))


def raw_bytes(db_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))


def test_schema_is_registered():
    assert "trainer.core.checklist.schema" in FEATURE_SCHEMAS


def test_only_metadata_is_stored_in_clear(env):
    db, *_ = env
    assert set(db["screenings"].columns_dict) == {"id", "case_ref", "status", "created_at", "updated_at", "blob"}


def test_round_trip(env):
    db, store, key, _clock, _path = env
    s = full_screening(store, key)
    back = store.open(key, s.id)
    assert back.answers == s.answers and back.notes == NOTE and back.consent is True
    assert back.flags == ("immediate-danger",) and back.profile_id == "children-labour"
    assert re.fullmatch(r"WM-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", back.case_ref)
    assert evaluate(DELPHI, back.profile_id, back.answers).answered == len(s.answers)


def test_raw_database_holds_no_answers_notes_or_ids(env):
    db, store, key, _clock, path = env
    s = full_screening(store, key)
    store.pause(key, s)
    db.close()
    raw = raw_bytes(path)
    secrets = [NOTE, "Tigrinya", DELPHI.id, "children-labour", "not_sure", "declined", "immediate-danger"]
    secrets += list(DELPHI.profiles["children-labour"].indicator_ids)
    leaked = [x for x in secrets if x.encode("utf-8") in raw]
    assert leaked == [], f"{len(leaked)} sensitive strings found in the database file"
    assert s.case_ref.encode() in raw  # the generated reference is the one thing in clear


def test_blob_size_does_not_reveal_how_much_was_answered(env):
    db, store, key, *_ = env
    empty = new(store, key)
    full = full_screening(store, key)
    sizes = {len(db.execute("SELECT blob FROM screenings WHERE id = ?", [i]).fetchone()[0]) for i in (empty.id, full.id)}
    assert len(sizes) <= 2 and all((n - 29) % 1024 == 0 for n in sizes)


def test_wrong_pin_cannot_open(env):
    db, store, key, _clock, _path = env
    s = full_screening(store, key)
    with pytest.raises(WrongPin):
        store.vault(kdf=CHEAP).unlock("135790")
    with pytest.raises(Tampered):
        store.open(SessionKey(bytes(32)), s.id)  # any other key fails authentication
    assert store.open(store.vault(kdf=CHEAP).unlock(PIN), s.id).notes == NOTE


def test_tampered_ciphertext_is_detected(env):
    db, store, key, *_ = env
    s = full_screening(store, key)
    blob = bytearray(db.execute("SELECT blob FROM screenings WHERE id = ?", [s.id]).fetchone()[0])
    blob[40] ^= 0xFF
    db.execute("UPDATE screenings SET blob = ? WHERE id = ?", [bytes(blob), s.id])
    with pytest.raises(Tampered):
        store.open(key, s.id)


def test_a_blob_moved_to_another_record_is_detected(env):
    db, store, key, *_ = env
    a, b = full_screening(store, key), new(store, key)
    blob = db.execute("SELECT blob FROM screenings WHERE id = ?", [a.id]).fetchone()[0]
    db.execute("UPDATE screenings SET blob = ? WHERE id = ?", [blob, b.id])
    with pytest.raises(Tampered):
        store.open(key, b.id)


def test_pause_resume_and_close(env):
    _db, store, key, clock, _path = env
    s = new(store, key)
    s = store.record_answer(key, s, "dr-wages", Answer.YES)
    summary = store.pause(key, s)
    assert summary.status == "in-progress"
    clock.t += timedelta(hours=2)
    resumed = store.resume(key, s.id)
    assert resumed.answers == {"dr-wages": Answer.YES}
    resumed = store.record_answer(key, resumed, "dr-wages", None)
    assert store.open(key, s.id).answers == {}
    store.close(s.id, COMPLETE)
    assert store.list([COMPLETE])[0].id == s.id and store.list(["in-progress"]) == []
    with pytest.raises(ScreeningError):
        store.resume(key, s.id)
    with pytest.raises(ScreeningError):
        store.save(key, resumed)  # closed records are read-only
    with pytest.raises(ScreeningError):
        store.close(s.id, ABANDONED)  # already closed
    with pytest.raises(ScreeningError):
        store.close(new(store, key).id, "deleted")


def test_notes_are_short(env):
    from dataclasses import replace

    _db, store, key, *_ = env
    s = new(store, key)
    with pytest.raises(ScreeningError):
        store.save(key, replace(s, notes="x" * (NOTES_MAX + 1)))


def test_delete_now(env):
    db, store, key, _clock, path = env
    s = full_screening(store, key)
    assert store.delete(s.id)
    assert not store.delete(s.id)
    with pytest.raises(ScreeningError):
        store.open(key, s.id)
    assert s.case_ref.encode() not in raw_bytes(path)  # secure_delete zeroed it


def test_retention_sweep(env):
    _db, store, key, clock, _path = env
    assert store.retention_days() == DEFAULT_RETENTION_DAYS == 30
    old = new(store, key)
    clock.t = T0 + timedelta(days=20)
    touched = store.record_answer(key, new(store, key), "dr-wages", "no")
    clock.t = T0 + timedelta(days=29, hours=23)
    assert store.sweep() == 0
    clock.t = T0 + timedelta(days=30, minutes=1)
    assert store.sweep() == 1
    assert [x.id for x in store.list()] == [touched.id]
    with pytest.raises(ScreeningError):
        store.open(key, old.id)
    store.set_retention_days(7)
    clock.t = T0 + timedelta(days=27, minutes=1)
    assert store.sweep() == 1 and store.list() == []
    for bad in (0, 400, "7", True):
        with pytest.raises(ScreeningError):
            store.set_retention_days(bad)


def test_reset_pin_erases_everything(env):
    _db, store, key, *_ = env
    full_screening(store, key)
    assert store.reset_pin_and_erase() == 1
    assert store.list() == [] and not store.vault(kdf=CHEAP).is_set_up()


def test_never_in_the_outbox_or_the_logs(env, caplog):
    db, store, key, *_ = env
    caplog.set_level(logging.DEBUG)
    before = db["outbox"].count
    s = full_screening(store, key)
    store.open(key, s.id)
    store.close(s.id, COMPLETE)
    store.sweep(T0 + timedelta(days=365))
    assert db["outbox"].count == before == 0
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert NOTE not in logged and "dr-" not in logged


def test_repr_hides_the_content(env):
    _db, store, key, *_ = env
    s = full_screening(store, key)
    text = repr(s) + str(s)
    assert NOTE not in text and "answers" not in text and "children-labour" not in text


# --- practice runs (issue 12) -------------------------------------------------------------------


def test_a_practice_run_is_recorded_as_such_and_stays_one(env):
    _db, store, key, _clock, _path = env
    s = store.create(key, set_id=DELPHI.id, set_version=DELPHI.version, profile_id="adults-sexual", officer_lang="en", interviewee_lang="ar", practice=True)
    assert s.practice and "practice" not in repr(s)
    s = store.record_answer(key, s, "ex-sx-hours-clients", Answer.YES)
    assert store.open(key, s.id).practice
    with pytest.raises(ScreeningError, match="practice run is fixed"):
        store.save(key, dataclasses.replace(s, practice=False))  # never turned into a real screening
    real = new(store, key)
    assert not real.practice and not store.open(key, real.id).practice
    with pytest.raises(ScreeningError, match="practice run is fixed"):
        store.save(key, dataclasses.replace(real, practice=True))


def test_a_record_written_before_practice_runs_existed_reads_as_real(env):
    _db, store, key, _clock, _path = env
    s = new(store, key)
    payload = json.loads(s._payload().decode("utf-8"))
    del payload["practice"]
    blob = key.encrypt(json.dumps(payload).encode("utf-8"), store_module._aad(s.id, s.case_ref))
    store.db.execute("UPDATE screenings SET blob = ? WHERE id = ?", [blob, s.id])
    assert store.open(key, s.id).practice is False


def test_the_persons_own_answers_and_the_place_left_are_kept_encrypted_apart_from_the_officers(env):
    db, store, key, _clock, path = env
    s = new(store, key)
    s = s.with_answer("cd-isolation", Answer.YES)
    s = s.with_person_answer("cd-isolation", 1, Answer.NO).with_person_answer("cd-documents", 0, "declined")
    from dataclasses import replace

    s = store.save(key, replace(s, step=4))
    back = store.open(key, s.id)
    assert back.answers == {"cd-isolation": Answer.YES}  # the officer's answer is untouched
    assert back.person_answers == {"cd-isolation": {1: Answer.NO}, "cd-documents": {0: Answer.DECLINED}}
    assert back.step == 4
    assert back.with_person_answer("cd-documents", 0, None).person_answers == {"cd-isolation": {1: Answer.NO}}
    assert "person_answers" not in repr(back) and "cd-isolation" not in repr(back)
    db.close()
    raw = raw_bytes(path)
    assert b"cd-isolation" not in raw and b"cd-documents" not in raw and b"person" not in raw
