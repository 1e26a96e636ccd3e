"""Screening records on the device: encrypted, nameless, short-lived, never synced.

* A screening carries a generated case reference only. Answers, notes, the instrument, the
  profile and every indicator id travel inside one AES-GCM blob bound to that record.
* The plaintext is padded to a multiple of PAD_TO bytes, so the blob's size does not tell
  how many questions were answered or how long the notes are.
* Nothing here logs, and nothing here touches the outbox: screening data never leaves the
  device. `Screening.__repr__` hides answers and notes so a stray print or traceback cannot
  leak them.
* Deleting (now, or by the retention sweep) uses SQLite's secure_delete and truncates the
  write-ahead log, so the deleted ciphertext does not linger in free pages or the WAL. The
  truncating checkpoint cannot finish while another connection reads; it is retried until
  it does (a pending flush is remembered and finished by the next sweep).
* The retention sweep needs no PIN (it reads only `updated_at`): it runs at app start and
  daily (`run_retention`), and counts from the later of the device clock and the last time
  it saw, so setting the clock back does not keep old records.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Callable, Iterable, Mapping

import sqlite_utils

from ..crypto import CryptoError, KdfParams, KeyRecord, PinVault, SessionKey
from .model import Answer

STATUSES = ("in-progress", "complete", "abandoned")
IN_PROGRESS, COMPLETE, ABANDONED = STATUSES
NOTES_MAX = 500  # notes are optional and short: a reminder, not a statement
PAD_TO = 1024
RETENTION_KEY = "screening.retention_days"
LAST_KNOWN_TIME_KEY = "screening.last_known_time"  # the latest clock reading the sweep saw
FLUSH_PENDING_KEY = "screening.flush_pending"  # deleted ciphertext may still be in the WAL
DEFAULT_RETENTION_DAYS = 30
CASE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: read aloud over a phone
PAYLOAD_VERSION = 1


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).isoformat(timespec="seconds")


def new_case_ref() -> str:
    """E.g. WM-7K3F-Q9XD: random, pronounceable, and unrelated to the person."""
    chars = "".join(secrets.choice(CASE_ALPHABET) for _ in range(8))
    return f"WM-{chars[:4]}-{chars[4:]}"


class ScreeningError(Exception):
    pass


@dataclass(frozen=True)
class ScreeningSummary:
    """What can be shown without unlocking: no content at all."""

    id: str
    case_ref: str
    status: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Screening:
    id: str
    case_ref: str
    status: str
    created_at: str
    updated_at: str
    set_id: str = field(repr=False)
    set_version: str = field(repr=False)
    profile_id: str = field(repr=False)
    officer_lang: str = field(repr=False)
    interviewee_lang: str = field(repr=False)
    answers: Mapping[str, Answer] = field(repr=False, default_factory=lambda: MappingProxyType({}))
    notes: str = field(repr=False, default="")
    consent: bool | None = field(repr=False, default=None)  # the person agreed to continue
    flags: tuple[str, ...] = field(repr=False, default=())  # e.g. "immediate-danger"
    # A practice run (for training, or with a practice-only profile): its result is never a
    # real screening's, and it gives no referral summary. Fixed when the screening is created.
    practice: bool = field(repr=False, default=False)
    # Answers the person gave themselves in private-answer mode: indicator id -> question
    # index -> answer to that question. Kept apart from `answers` (the officer's record): a
    # person's Yes to "Can you leave when you want?" is not the indicator's Yes, so the officer
    # reads them after hand-back and chooses; they never overwrite the officer's answers.
    person_answers: Mapping[str, Mapping[int, Answer]] = field(repr=False, default_factory=lambda: MappingProxyType({}))
    step: int = field(repr=False, default=0)  # the part shown last (1-based; 0: not started)

    def with_person_answer(self, indicator_id: str, question: int, answer: Answer | str | None) -> "Screening":
        """A copy with the person's answer to one question set (None clears it)."""
        person = {k: dict(v) for k, v in self.person_answers.items()}
        mine = person.setdefault(indicator_id, {})
        if answer is None:
            mine.pop(question, None)
        else:
            mine[question] = answer if isinstance(answer, Answer) else Answer(answer)
        if not mine:
            person.pop(indicator_id)
        return replace(self, person_answers=MappingProxyType({k: MappingProxyType(v) for k, v in person.items()}))

    def with_answer(self, indicator_id: str, answer: Answer | str | None) -> "Screening":
        """A copy with one answer set (None clears it)."""
        answers = dict(self.answers)
        if answer is None:
            answers.pop(indicator_id, None)
        else:
            answers[indicator_id] = answer if isinstance(answer, Answer) else Answer(answer)
        return replace(self, answers=MappingProxyType(answers))

    def _payload(self) -> bytes:
        body = json.dumps(
            {
                "v": PAYLOAD_VERSION,
                "set": self.set_id,
                "set_version": self.set_version,
                "profile": self.profile_id,
                "officer_lang": self.officer_lang,
                "interviewee_lang": self.interviewee_lang,
                "answers": {k: v.value for k, v in self.answers.items()},
                "notes": self.notes,
                "consent": self.consent,
                "flags": list(self.flags),
                "practice": self.practice,
                "person": {k: {str(q): a.value for q, a in v.items()} for k, v in self.person_answers.items()},
                "step": self.step,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        return body + b" " * (-len(body) % PAD_TO)


def _aad(screening_id: str, case_ref: str) -> bytes:
    return f"waymark/screening/v{PAYLOAD_VERSION}|{screening_id}|{case_ref}".encode()


class ScreeningStore:
    """The screenings table, the wrapped key, and the retention setting of one device DB."""

    def __init__(self, db: sqlite_utils.Database, clock: Callable[[], datetime] = utcnow):
        self.db = db
        self.clock = clock
        db.execute("PRAGMA secure_delete = ON")

    # --- the key (PinVault's KeyStore) ------------------------------------------------

    def load_key_record(self) -> KeyRecord | None:
        row = self.db.execute("SELECT n, r, p, salt, wrapped_key, failures, locked_until FROM screening_key WHERE id = 1").fetchone()
        return KeyRecord(*row) if row else None

    def save_key_record(self, record: KeyRecord) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO screening_key (id, n, r, p, salt, wrapped_key, failures, locked_until) VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
                [record.n, record.r, record.p, record.salt, record.wrapped_key, record.failures, record.locked_until],
            )

    def delete_key_record(self) -> None:
        with self.db.atomic():
            self.db.execute("DELETE FROM screening_key")

    def vault(self, clock: Callable[[], float] | None = None, kdf: KdfParams | None = None) -> PinVault:
        """The PIN vault over this database. `kdf` sets the scrypt cost for a *new* PIN
        (tests use a cheap one); unlocking always uses the parameters stored with the key."""
        return PinVault(self, clock=clock or (lambda: self.clock().timestamp()), kdf=kdf)

    def reset_pin_and_erase(self) -> int:
        """Forgotten PIN: the records cannot be read any more, so delete them with the key."""
        with self.db.atomic():
            n = self.db.execute("DELETE FROM screenings").rowcount
            self.db.execute("DELETE FROM screening_key")
            self._set(FLUSH_PENDING_KEY, "1")
        self.flush_deleted(patience=5.0)
        return n

    # --- screenings -------------------------------------------------------------------

    def create(
        self,
        key: SessionKey,
        *,
        set_id: str,
        set_version: str,
        profile_id: str,
        officer_lang: str,
        interviewee_lang: str,
        practice: bool = False,
    ) -> Screening:
        now = _iso(self.clock())
        for _ in range(10):
            s = Screening(
                id=uuid.uuid4().hex,
                case_ref=new_case_ref(),
                status=IN_PROGRESS,
                created_at=now,
                updated_at=now,
                set_id=set_id,
                set_version=set_version,
                profile_id=profile_id,
                officer_lang=officer_lang,
                interviewee_lang=interviewee_lang,
                practice=bool(practice),
            )
            try:
                with self.db.atomic():
                    self.db.execute(
                        "INSERT INTO screenings (id, case_ref, status, created_at, updated_at, blob) VALUES (?, ?, ?, ?, ?, ?)",
                        [s.id, s.case_ref, s.status, s.created_at, s.updated_at, key.encrypt(s._payload(), _aad(s.id, s.case_ref))],
                    )
                return s
            except sqlite3.IntegrityError:
                continue  # a case reference collision: draw another
        raise ScreeningError("could not generate a unique case reference")

    def save(self, key: SessionKey, screening: Screening) -> Screening:
        """Write answers, notes, consent and flags (re-encrypted with a fresh nonce)."""
        if len(screening.notes) > NOTES_MAX:
            raise ScreeningError(f"notes are limited to {NOTES_MAX} characters")
        if screening.status != IN_PROGRESS:
            raise ScreeningError("a closed screening cannot be changed")
        stored = self.open(key, screening.id)
        if stored.practice != screening.practice:
            # a practice run can never become a real screening (nor the reverse)
            raise ScreeningError("whether a screening is a practice run is fixed when it is created")
        saved = replace(screening, updated_at=_iso(self.clock()))
        blob = key.encrypt(saved._payload(), _aad(saved.id, saved.case_ref))
        with self.db.atomic():
            cur = self.db.execute(
                "UPDATE screenings SET blob = ?, updated_at = ? WHERE id = ? AND status = ?",
                [blob, saved.updated_at, saved.id, IN_PROGRESS],
            )
        if cur.rowcount != 1:
            raise ScreeningError("this screening no longer exists or is closed")
        return saved

    def record_answer(self, key: SessionKey, screening: Screening, indicator_id: str, answer: Answer | str | None) -> Screening:
        return self.save(key, screening.with_answer(indicator_id, answer))

    def open(self, key: SessionKey, screening_id: str) -> Screening:
        """Decrypt one screening. A changed blob raises crypto.Tampered."""
        row = self.db.execute(
            "SELECT id, case_ref, status, created_at, updated_at, blob FROM screenings WHERE id = ?", [screening_id]
        ).fetchone()
        if row is None:
            raise ScreeningError("no such screening (it may have been deleted by the retention rule)")
        sid, case_ref, status, created_at, updated_at, blob = row
        data = json.loads(key.decrypt(blob, _aad(sid, case_ref)).decode("utf-8"))
        if data.get("v") != PAYLOAD_VERSION:
            raise ScreeningError(f"unsupported screening record version {data.get('v')!r}")
        return Screening(
            id=sid,
            case_ref=case_ref,
            status=status,
            created_at=created_at,
            updated_at=updated_at,
            set_id=data["set"],
            set_version=data["set_version"],
            profile_id=data["profile"],
            officer_lang=data["officer_lang"],
            interviewee_lang=data["interviewee_lang"],
            answers=MappingProxyType({k: Answer(v) for k, v in data["answers"].items()}),
            notes=data["notes"],
            consent=data["consent"],
            flags=tuple(data["flags"]),
            practice=bool(data.get("practice", False)),  # records written before practice runs existed: real
            person_answers=MappingProxyType(
                {k: MappingProxyType({int(q): Answer(a) for q, a in v.items()}) for k, v in data.get("person", {}).items()}
            ),
            step=int(data.get("step", 0)),
        )

    def pause(self, key: SessionKey, screening: Screening) -> ScreeningSummary:
        """Save and leave; the screening stays in progress and can be resumed."""
        s = self.save(key, screening)
        return ScreeningSummary(s.id, s.case_ref, s.status, s.created_at, s.updated_at)

    def resume(self, key: SessionKey, screening_id: str) -> Screening:
        s = self.open(key, screening_id)
        if s.status != IN_PROGRESS:
            raise ScreeningError("only a screening in progress can be resumed")
        return s

    def close(self, screening_id: str, status: str) -> None:
        """Close as complete or abandoned. Closed records stay readable until deleted."""
        if status not in (COMPLETE, ABANDONED):
            raise ScreeningError("a screening closes as 'complete' or 'abandoned'")
        with self.db.atomic():
            cur = self.db.execute(
                "UPDATE screenings SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
                [status, _iso(self.clock()), screening_id, IN_PROGRESS],
            )
        if cur.rowcount != 1:
            raise ScreeningError("this screening no longer exists or is already closed")

    def list(self, statuses: Iterable[str] | None = None) -> list[ScreeningSummary]:
        wanted = tuple(statuses or STATUSES)
        rows = self.db.execute(
            f"SELECT id, case_ref, status, created_at, updated_at FROM screenings WHERE status IN ({','.join('?' * len(wanted))}) ORDER BY updated_at DESC, case_ref",
            list(wanted),
        ).fetchall()
        return [ScreeningSummary(*r) for r in rows]

    def delete(self, screening_id: str) -> bool:
        """Delete now (the WAL is truncated within a few seconds, or by the next sweep)."""
        with self.db.atomic():
            n = self.db.execute("DELETE FROM screenings WHERE id = ?", [screening_id]).rowcount
            if n:
                self._set(FLUSH_PENDING_KEY, "1")
        if n:
            self.flush_deleted(patience=5.0)
        return n == 1

    # --- retention --------------------------------------------------------------------

    def retention_days(self) -> int:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [RETENTION_KEY]).fetchone()
        try:
            days = int(row[0]) if row else DEFAULT_RETENTION_DAYS
        except ValueError:
            days = DEFAULT_RETENTION_DAYS
        return days if days >= 1 else DEFAULT_RETENTION_DAYS

    def set_retention_days(self, days: int) -> None:
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
            raise ScreeningError("retention is a whole number of days from 1 to 365")
        self.db["settings"].upsert({"key": RETENTION_KEY, "value": str(days)}, pk="key")

    def _get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def _set(self, key: str, value: str | None) -> None:
        if value is None:
            self.db.execute("DELETE FROM settings WHERE key = ?", [key])
        else:
            self.db["settings"].upsert({"key": key, "value": value}, pk="key")

    def trusted_now(self, now: datetime | None = None) -> datetime:
        """The later of the clock and the last time the sweep saw (recorded as it goes)."""
        now = now or self.clock()
        try:
            last = datetime.fromisoformat(json.loads(self._get(LAST_KNOWN_TIME_KEY) or "null") or "")
        except (ValueError, TypeError):
            last = None
        if last is not None and last.tzinfo is not None and last > now:
            return last
        with self.db.atomic():
            self._set(LAST_KNOWN_TIME_KEY, json.dumps(_iso(now)))
        return now

    def sweep(self, now: datetime | None = None, *, patience: float | None = None) -> int:
        """Delete every screening not changed for `retention_days()` days. Returns how many.

        `now` defaults to `trusted_now()`. Afterwards the WAL is checkpointed and truncated,
        retried until it succeeds (`patience`: give up after that many seconds; None: never).
        """
        cutoff = _iso(self.trusted_now(now) - timedelta(days=self.retention_days()))
        with self.db.atomic():
            n = self.db.execute("DELETE FROM screenings WHERE updated_at < ?", [cutoff]).rowcount
            if n:
                self._set(FLUSH_PENDING_KEY, "1")
        if self._get(FLUSH_PENDING_KEY):
            self.flush_deleted(patience=patience)
        return n

    def flush_deleted(self, *, patience: float | None = None) -> bool:
        """Checkpoint and truncate the WAL, retrying while other connections read.

        True once the WAL is empty (the deleted ciphertext is gone from it); False if
        `patience` ran out first (the flag stays, and the next sweep finishes the job).
        """
        start = time.monotonic()
        delay = 0.01
        while True:
            try:
                busy = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.OperationalError:  # locked by a writer: same as busy
                busy = 1
            if not busy:
                with self.db.atomic():
                    self._set(FLUSH_PENDING_KEY, None)
                # The flag's own deletion is in the WAL now: truncate once more (harmless if busy).
                try:
                    self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.OperationalError:
                    pass
                return True
            if patience is not None and time.monotonic() - start >= patience:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def run_retention(db_path, clock: Callable[[], datetime] = utcnow, *, patience: float | None = None) -> int:
    """One retention pass on its own connection (call from a worker thread): sweep, then
    truncate the WAL, waiting for readers as long as it takes. No PIN is needed."""
    from ..storage import open_db

    db = open_db(db_path)
    try:
        return ScreeningStore(db, clock=clock).sweep(patience=patience)
    finally:
        db.conn.close()


__all__ = [
    "ABANDONED",
    "COMPLETE",
    "CryptoError",
    "DEFAULT_RETENTION_DAYS",
    "IN_PROGRESS",
    "NOTES_MAX",
    "Screening",
    "ScreeningError",
    "ScreeningStore",
    "ScreeningSummary",
    "new_case_ref",
    "run_retention",
]
