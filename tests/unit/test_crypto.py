"""AES-GCM records, the PIN-wrapped data key, the wrong-PIN slowdown, tamper detection."""

from __future__ import annotations

import pytest

from trainer.core import crypto
from trainer.core.crypto import (
    CryptoError,
    InvalidPin,
    KdfParams,
    KeyRecord,
    PinLocked,
    PinVault,
    SessionKey,
    Tampered,
    WrongPin,
    decrypt,
    encrypt,
    lockout_seconds,
)

CHEAP = KdfParams(n=2**10, r=8, p=1)  # tests only: production uses the class defaults


class MemoryKeyStore:
    def __init__(self):
        self.record: KeyRecord | None = None
        self.saves = 0

    def load_key_record(self):
        return None if self.record is None else KeyRecord(**vars(self.record))

    def save_key_record(self, record):
        self.record = KeyRecord(**vars(record))
        self.saves += 1

    def delete_key_record(self):
        self.record = None


class Clock:
    def __init__(self, t: float = 1_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def vault():
    return PinVault(MemoryKeyStore(), clock=Clock(), kdf=CHEAP)


def test_production_parameters_are_the_documented_ones():
    p = KdfParams()
    assert (p.n, p.r, p.p) == (2**16, 8, 2)
    assert 128 * p.n * p.r == 64 * 2**20  # scrypt memory: 64 MiB


def test_round_trip_and_fresh_nonce():
    key = bytes(range(32))
    a = encrypt(key, b"answers", b"aad")
    b = encrypt(key, b"answers", b"aad")
    assert a != b  # a fresh nonce every time
    assert decrypt(key, a, b"aad") == b"answers"
    assert b"answers" not in a


@pytest.mark.parametrize("position", [0, 1, 12, 13, -1])  # version, nonce, ciphertext, tag
def test_any_changed_byte_is_detected(position):
    key = bytes(32)
    blob = bytearray(encrypt(key, b"some answers", b"aad"))
    blob[position] ^= 0x01
    with pytest.raises(Tampered):
        decrypt(key, bytes(blob), b"aad")


def test_wrong_key_or_associated_data_is_detected():
    blob = encrypt(bytes(32), b"x", b"record-1")
    with pytest.raises(Tampered):
        decrypt(bytes(32), blob, b"record-2")
    with pytest.raises(Tampered):
        decrypt(b"\x01" * 32, blob, b"record-1")
    with pytest.raises(Tampered):
        decrypt(bytes(32), b"\x01short", b"record-1")


def test_key_derivation_depends_on_pin_and_salt():
    p1 = KdfParams(n=2**10, r=8, p=1, salt=b"a" * 16)
    p2 = KdfParams(n=2**10, r=8, p=1, salt=b"b" * 16)
    assert crypto.derive_kek("123456", p1) == crypto.derive_kek("123456", p1)
    assert crypto.derive_kek("123456", p1) != crypto.derive_kek("123457", p1)
    assert crypto.derive_kek("123456", p1) != crypto.derive_kek("123456", p2)


def test_lockout_schedule():
    assert [lockout_seconds(n) for n in range(1, 8)] == [0, 0, 30, 60, 120, 240, 480]
    assert lockout_seconds(50) == 3600


@pytest.mark.parametrize("pin", ["12345", "abcdef", "12345678901234", "", "12 456"])
def test_pin_policy(vault, pin):
    with pytest.raises(InvalidPin):
        vault.set_up(pin)


def test_set_up_then_unlock(vault):
    key = vault.set_up("246810")
    blob = key.encrypt(b"note", b"r")
    again = vault.unlock("246810")
    assert again.decrypt(blob, b"r") == b"note"
    with pytest.raises(CryptoError):
        vault.set_up("135790")  # only once


def test_nothing_secret_is_stored(vault):
    vault.set_up("246810")
    rec = vault.store.record
    raw = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in vars(rec).values())
    assert b"246810" not in raw


def test_wrong_pin_fails_and_slows_down(vault, monkeypatch):
    vault.set_up("246810")
    clock = vault.clock
    for attempt in (1, 2):
        with pytest.raises(WrongPin) as exc:
            vault.unlock("000000")
        assert exc.value.failures == attempt and exc.value.retry_after == 0
    with pytest.raises(WrongPin) as exc:
        vault.unlock("000000")
    assert exc.value.retry_after == 30
    # Locked: even the right PIN is refused, without running the slow derivation at all.
    calls = []
    real = crypto.derive_kek
    monkeypatch.setattr(crypto, "derive_kek", lambda *a: calls.append(a) or real(*a))
    with pytest.raises(PinLocked) as locked:
        vault.unlock("246810")
    assert calls == [] and locked.value.retry_after == 30
    clock.t += 31
    with pytest.raises(WrongPin) as exc:
        vault.unlock("111111")
    assert exc.value.retry_after == 60
    clock.t += 61
    vault.unlock("246810")
    assert vault.store.record.failures == 0 and vault.retry_after() == 0


def test_the_counter_survives_a_restart():
    store, clock = MemoryKeyStore(), Clock()
    PinVault(store, clock=clock, kdf=CHEAP).set_up("246810")
    for _ in range(3):
        with pytest.raises(WrongPin):
            PinVault(store, clock=clock, kdf=CHEAP).unlock("000000")
    with pytest.raises(PinLocked):
        PinVault(store, clock=clock, kdf=CHEAP).unlock("246810")


def test_change_pin_keeps_the_data_key(vault):
    key = vault.set_up("246810")
    blob = key.encrypt(b"kept", b"r")
    vault.change_pin("246810", "975310")
    assert vault.unlock("975310").decrypt(blob, b"r") == b"kept"
    with pytest.raises(WrongPin):
        vault.unlock("246810")


def test_reset_forgets_the_key(vault):
    vault.set_up("246810")
    vault.reset()
    assert not vault.is_set_up()
    with pytest.raises(CryptoError):
        vault.unlock("246810")


def test_session_key_wipe_and_repr():
    key = SessionKey(b"\x07" * 32)
    assert "07" not in repr(key) and "hidden" in repr(key)
    blob = key.encrypt(b"x", b"a")
    key.wipe()
    assert not key.usable
    with pytest.raises(CryptoError):
        key.decrypt(blob, b"a")


def test_measure_kdf_returns_seconds():
    assert 0 < crypto.measure_kdf(KdfParams(n=2**10, r=8, p=1)) < 5


def test_async_forms_offload_only_the_derivation(vault):
    import asyncio

    offloaded = []

    async def offload(fn, *args):
        offloaded.append(fn.__name__)
        return fn(*args)

    async def scenario():
        key = await vault.set_up_async("246810", offload=offload)
        again = await vault.unlock_async("246810", offload=offload)
        assert again.decrypt(key.encrypt(b"x", b"a"), b"a") == b"x"
        with pytest.raises(WrongPin):
            await vault.unlock_async("000000", offload=offload)

    asyncio.run(scenario())
    assert offloaded == ["derive_kek", "_derive_for", "_derive_for"]
