"""Encryption at rest for screening records: AES-GCM under a key protected by the officer's PIN.

Design (why it is shaped this way):

* **Data key, wrapped by a PIN key.** A random 256-bit data key encrypts the records. It is
  stored only *wrapped* (AES-GCM) under a key-encryption key derived from the PIN with
  scrypt. Changing the PIN re-wraps one small value instead of re-encrypting every record,
  and the wrapped key's authentication tag is the PIN verifier: a wrong PIN fails to unwrap.
* **scrypt, N = 2**16, r = 8, p = 2 (64 MiB, 0.2 to 0.3 s per derivation on the development
  machine; see tests/bench/bench_checklist.py).** This is one of the OWASP password-storage
  equivalents of N = 2**17, r = 8, p = 1 (same work, half the memory). 64 MiB is what a
  low-end Android phone can afford inside the app process; 2**17 with p = 1 needs 128 MiB.
  The parameters are stored with the wrapped key, so a device can be moved to stronger
  ones later without breaking existing data.
* **Honest limits.** A 6-digit PIN has 10**6 values: someone who copies the database can
  try them all offline, at roughly 0.25 s each on one core of this machine (about three
  days). The delay after wrong PINs only slows guessing through the app. The key lives in
  memory only, in a bytearray that is zeroed on lock (best effort: Python may hold copies).
* **Tamper detection.** Every blob is AES-GCM with associated data that binds it to its
  record (case reference and format version), so an edited ciphertext, or a blob moved to
  another record, fails authentication and raises `Tampered`.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

BLOB_VERSION = 1
NONCE_LEN = 12
KEY_LEN = 32
SALT_LEN = 16
PIN_RE = re.compile(r"^[0-9]{6,12}$")
FREE_ATTEMPTS = 3  # wrong PINs allowed before any delay
BASE_DELAY_S = 30.0  # the first delay; it doubles with every further wrong PIN
MAX_DELAY_S = 3600.0
_WRAP_AAD = b"waymark/data-key/v1"
Offload = Callable[..., Awaitable[Any]]  # e.g. asyncio.to_thread


class CryptoError(Exception):
    """Base class: nothing here ever includes key material or plaintext in its message."""


class WrongPin(CryptoError):
    def __init__(self, failures: int, retry_after: float):
        self.failures = failures
        self.retry_after = retry_after
        super().__init__(f"wrong PIN (attempt {failures}); next try allowed in {retry_after:.0f} s")


class PinLocked(CryptoError):
    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        super().__init__(f"too many wrong PINs; try again in {retry_after:.0f} s")


class Tampered(CryptoError):
    """The ciphertext, its nonce or its associated data were changed (or the key is wrong)."""


class InvalidPin(CryptoError):
    """The PIN does not meet the policy (6 to 12 digits)."""


@dataclass(frozen=True)
class KdfParams:
    n: int = 2**16
    r: int = 8
    p: int = 2
    salt: bytes = b""

    @classmethod
    def fresh(cls, **overrides: int) -> "KdfParams":
        return cls(salt=os.urandom(SALT_LEN), **overrides)


def check_pin_policy(pin: str) -> None:
    if not isinstance(pin, str) or not PIN_RE.match(pin):
        raise InvalidPin("a PIN is 6 to 12 digits")


def derive_kek(pin: str, params: KdfParams) -> bytes:
    """The key-encryption key for `pin` (slow on purpose)."""
    return Scrypt(salt=params.salt, length=KEY_LEN, n=params.n, r=params.r, p=params.p).derive(pin.encode("utf-8"))


def encrypt(key: bytes | bytearray, plaintext: bytes, aad: bytes) -> bytes:
    """version byte + 96-bit random nonce + AES-GCM ciphertext and tag."""
    nonce = os.urandom(NONCE_LEN)
    return bytes([BLOB_VERSION]) + nonce + AESGCM(bytes(key)).encrypt(nonce, plaintext, aad)


def decrypt(key: bytes | bytearray, blob: bytes, aad: bytes) -> bytes:
    if len(blob) < 1 + NONCE_LEN + 16 or blob[0] != BLOB_VERSION:
        raise Tampered("not a recognised encrypted record")
    try:
        return AESGCM(bytes(key)).decrypt(blob[1 : 1 + NONCE_LEN], blob[1 + NONCE_LEN :], aad)
    except InvalidTag:
        raise Tampered("the record failed authentication: it was changed, or the key is wrong") from None


def lockout_seconds(failures: int) -> float:
    """Delay after `failures` consecutive wrong PINs: none for the first few, then doubling."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(BASE_DELAY_S * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_S)


@dataclass
class KeyRecord:
    """What is persisted: never the PIN, never the unwrapped key."""

    n: int
    r: int
    p: int
    salt: bytes
    wrapped_key: bytes
    failures: int = 0
    locked_until: float = 0.0


class KeyStore(Protocol):
    def load_key_record(self) -> KeyRecord | None: ...
    def save_key_record(self, record: KeyRecord) -> None: ...
    def delete_key_record(self) -> None: ...


class SessionKey:
    """The unwrapped data key, held in memory while the checklist is unlocked."""

    __slots__ = ("_key", "_wiped")

    def __init__(self, key: bytes):
        self._key = bytearray(key)
        self._wiped = False

    @property
    def usable(self) -> bool:
        return not self._wiped

    def encrypt(self, plaintext: bytes, aad: bytes) -> bytes:
        self._check()
        return encrypt(self._key, plaintext, aad)

    def decrypt(self, blob: bytes, aad: bytes) -> bytes:
        self._check()
        return decrypt(self._key, blob, aad)

    def wipe(self) -> None:
        for i in range(len(self._key)):
            self._key[i] = 0
        self._wiped = True

    def _check(self) -> None:
        if not self.usable:
            raise CryptoError("the checklist is locked")

    def __repr__(self) -> str:
        return "SessionKey(<hidden>)"


class PinVault:
    """Set up, unlock and change the PIN; slow down wrong guesses with a persisted counter.

    Each operation is split so that only the slow key derivation needs to leave the calling
    thread: the `*_async` forms run it through `offload` (a thread by default) while every
    KeyStore access stays on the caller's thread (SQLite connections are thread-bound).
    """

    def __init__(self, store: KeyStore, clock: Callable[[], float] = time.time, kdf: KdfParams | None = None):
        self.store = store
        self.clock = clock
        self._kdf_template = kdf or KdfParams()

    def is_set_up(self) -> bool:
        return self.store.load_key_record() is not None

    def retry_after(self) -> float:
        rec = self.store.load_key_record()
        return max(0.0, rec.locked_until - self.clock()) if rec else 0.0

    # --- set up -------------------------------------------------------------------------
    def set_up(self, pin: str) -> SessionKey:
        params = self._begin_set_up(pin)
        return self._finish_set_up(params, derive_kek(pin, params))

    async def set_up_async(self, pin: str, offload: Offload | None = None) -> SessionKey:
        params = self._begin_set_up(pin)
        kek = await (offload or asyncio.to_thread)(derive_kek, pin, params)
        return self._finish_set_up(params, kek)

    def _begin_set_up(self, pin: str) -> KdfParams:
        check_pin_policy(pin)
        if self.is_set_up():
            raise CryptoError("a PIN is already set; change it or reset the checklist")
        return self._fresh_params()

    def _finish_set_up(self, params: KdfParams, kek: bytes) -> SessionKey:
        data_key = AESGCM.generate_key(bit_length=256)
        self.store.save_key_record(self._record(params, kek, data_key))
        return SessionKey(data_key)

    # --- unlock -------------------------------------------------------------------------
    def unlock(self, pin: str) -> SessionKey:
        rec, now = self._begin_unlock()
        return self._finish_unlock(rec, now, self._derive_for(pin, rec))

    async def unlock_async(self, pin: str, offload: Offload | None = None) -> SessionKey:
        rec, now = self._begin_unlock()
        kek = await (offload or asyncio.to_thread)(self._derive_for, pin, rec)
        return self._finish_unlock(rec, now, kek)

    def _begin_unlock(self) -> tuple[KeyRecord, float]:
        rec = self.store.load_key_record()
        if rec is None:
            raise CryptoError("no PIN has been set up")
        now = self.clock()
        if rec.locked_until > now:
            raise PinLocked(rec.locked_until - now)  # refused before any derivation
        return rec, now

    @staticmethod
    def _derive_for(pin: str, rec: KeyRecord) -> bytes:
        return derive_kek(pin, KdfParams(rec.n, rec.r, rec.p, rec.salt)) if isinstance(pin, str) else b""

    def _finish_unlock(self, rec: KeyRecord, now: float, kek: bytes) -> SessionKey:
        try:
            data_key = decrypt(kek, rec.wrapped_key, _WRAP_AAD) if kek else None
        except Tampered:
            data_key = None
        if data_key is None:
            rec.failures += 1
            delay = lockout_seconds(rec.failures)
            rec.locked_until = now + delay
            self.store.save_key_record(rec)
            raise WrongPin(rec.failures, delay)
        if rec.failures or rec.locked_until:
            rec.failures, rec.locked_until = 0, 0.0
            self.store.save_key_record(rec)
        return SessionKey(data_key)

    # --- change and reset ---------------------------------------------------------------
    def change_pin(self, old_pin: str, new_pin: str) -> SessionKey:
        check_pin_policy(new_pin)
        session = self.unlock(old_pin)
        params = self._fresh_params()
        self.store.save_key_record(self._record(params, derive_kek(new_pin, params), bytes(session._key)))
        return session

    def reset(self) -> None:
        """Forget the key. Whatever it protected can no longer be read (by design)."""
        self.store.delete_key_record()

    def _fresh_params(self) -> KdfParams:
        t = self._kdf_template
        return KdfParams(n=t.n, r=t.r, p=t.p, salt=os.urandom(SALT_LEN))

    @staticmethod
    def _record(params: KdfParams, kek: bytes, data_key: bytes) -> KeyRecord:
        return KeyRecord(params.n, params.r, params.p, params.salt, encrypt(kek, data_key, _WRAP_AAD))


def measure_kdf(params: KdfParams | None = None, pin: str = "000000") -> float:
    """Seconds for one key derivation with `params` (defaults: the production parameters)."""
    params = params or KdfParams.fresh()
    if not params.salt:
        params = KdfParams(params.n, params.r, params.p, os.urandom(SALT_LEN))
    start = time.perf_counter()
    derive_kek(pin, params)
    return time.perf_counter() - start
