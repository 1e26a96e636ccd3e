"""Issue 14: retention you can prove (no ciphertext left in the database or WAL even with a
reader open; the clock cannot be set back to keep records) and the device's sync secret
encrypted at rest under an owner-only key file. Nothing here prints record contents."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from datetime import timedelta

from tests.unit.test_checklist_store import CHEAP, PIN, T0, Clock, full_screening
from trainer.core.checklist.store import ScreeningStore, run_retention
from trainer.core.storage import open_db
from trainer.sync import secretbox
from trainer.sync.settings import SyncSettings


def _files(path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_retention_with_a_reader_open_leaves_no_ciphertext_in_db_or_wal(tmp_path):
    path = tmp_path / "device.db"
    db = open_db(path)
    clock = Clock()
    store = ScreeningStore(db, clock=clock)
    key = store.vault(kdf=CHEAP).set_up(PIN)
    s = full_screening(store, key)
    blob = db.execute("SELECT blob FROM screenings WHERE id = ?", [s.id]).fetchone()[0]
    probe = bytes(blob[40:72])  # a run of ciphertext bytes
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.save(key, s.with_answer(next(iter(s.answers)), next(iter(s.answers.values()))))  # more copies in the WAL
    assert probe in _files(path)

    reader = sqlite3.connect(path, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM screenings").fetchone()  # holds a snapshot: checkpoints are busy
    release = threading.Timer(1.0, reader.rollback)
    release.start()
    started = time.monotonic()
    deleted = run_retention(path, clock=lambda: T0 + timedelta(days=400))  # its own connection, as at app start
    release.join()
    reader.close()
    assert deleted == 1
    assert time.monotonic() - started >= 0.9, "the sweep waited for the reader instead of giving up"
    assert probe not in _files(path), "ciphertext of the deleted screening is still on disk"
    assert os.path.getsize(str(path) + "-wal") == 0
    db.close()


def test_setting_the_clock_back_does_not_keep_old_records(tmp_path):
    db = open_db(tmp_path / "device.db")
    clock = Clock()
    store = ScreeningStore(db, clock=clock)
    key = store.vault(kdf=CHEAP).set_up(PIN)
    full_screening(store, key)
    clock.t = T0 + timedelta(days=10)
    assert store.sweep() == 0  # the sweep has seen day 10
    clock.t = T0 + timedelta(days=31)
    store.trusted_now()  # the app ran on day 31
    clock.t = T0 + timedelta(days=2)  # then the clock was set back
    assert store.sweep() == 1, "the record older than 30 days (by the last known time) is deleted"
    db.close()


def test_the_sync_secret_is_stored_encrypted_under_an_owner_only_key_file(tmp_path):
    path = tmp_path / "device.db"
    db = open_db(path)
    s = SyncSettings(db)
    secret = "k2V9-very-secret-device-token-XYZ"
    s.save_enrolment("http://trainer.test", "http://trainer.test/xapi/", "d-abc", secret, "Cohort")
    assert s.target().secret == secret
    stored = db.execute("SELECT value FROM settings WHERE key = 'sync.secret'").fetchone()[0]
    assert secret not in stored and "enc1:" in stored
    assert secret.encode() not in _files(path)
    key_file = tmp_path / secretbox.KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    db.close()
    # a copy of the database without the key file carries no usable credential
    other = tmp_path / "copy"
    other.mkdir()
    (other / "device.db").write_bytes(path.read_bytes())
    copy = open_db(other / "device.db")
    assert SyncSettings(copy).target() is None
    copy.close()


def test_a_secret_saved_in_plain_text_by_an_older_version_is_encrypted_on_first_read(tmp_path):
    db = open_db(tmp_path / "device.db")
    s = SyncSettings(db)
    s.save_lrs("https://lrs.example.org/xapi/", "key", "old-secret")
    s.s.set("sync.secret", "old-secret")  # as an older version stored it
    assert s.target().secret == "old-secret"
    assert db.execute("SELECT value FROM settings WHERE key = 'sync.secret'").fetchone()[0].startswith('"enc1:')
    assert s.target().secret == "old-secret"
    db.close()
