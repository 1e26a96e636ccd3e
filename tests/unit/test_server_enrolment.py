"""Cohorts, enrolment codes, device credentials: rules, hashing, revocation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from trainer.server.db import open_server_db
from trainer.server.enrolment import (
    Authenticator,
    AuthError,
    EnrolmentError,
    create_code,
    create_cohort,
    enrol_device,
    list_devices,
    record_report,
    revoke_code,
    revoke_device,
)
from trainer.server.hashing import format_code, hash_secret, normalise_code, verify_secret


@pytest.fixture()
def db(tmp_path):
    d = open_server_db(tmp_path / "s.db")
    yield d
    d.conn.close()


@pytest.fixture()
def cohort(db):
    return create_cohort(db, "حرس الحدود")  # Arabic names are fine


def test_secrets_are_hashed_with_scrypt():
    h = hash_secret("s3cret")
    assert h.startswith("scrypt$") and "s3cret" not in h
    assert verify_secret("s3cret", h)
    assert not verify_secret("s3cret!", h)
    assert not verify_secret("s3cret", "garbage")
    assert hash_secret("s3cret") != h  # salted


def test_code_normalisation_forgives_case_spaces_and_lookalikes():
    assert normalise_code(" abcd-efgh 1jkm ") == "ABCDEFGH1JKM"
    assert normalise_code("O0IL") == "0011"
    assert format_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"


def test_enrol_with_a_code_gives_working_credentials_and_stores_no_plain_secret(db, cohort, tmp_path):
    code, _ = create_code(db, cohort["id"])
    e = enrol_device(db, code.lower(), label="tablet 3")
    assert e.cohort_name == "حرس الحدود"
    device = Authenticator().check(db, e.device_id, e.secret)
    assert device.cohort_id == cohort["id"] and device.label == "tablet 3"
    raw = (tmp_path / "s.db").read_bytes() + b"".join(
        p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("s.db-")
    )
    assert e.secret.encode() not in raw
    assert normalise_code(code)[4:].encode() not in raw


def test_code_rules(db, cohort):
    code, _ = create_code(db, cohort["id"], max_uses=2)
    enrol_device(db, code)
    enrol_device(db, code)
    with pytest.raises(EnrolmentError, match="used as often"):
        enrol_device(db, code)

    old, _ = create_code(db, cohort["id"], valid_days=1, now=datetime.now(timezone.utc) - timedelta(days=2))
    with pytest.raises(EnrolmentError, match="expired"):
        enrol_device(db, old)

    withdrawn, _ = create_code(db, cohort["id"])
    assert revoke_code(db, withdrawn)
    with pytest.raises(EnrolmentError, match="withdrawn"):
        enrol_device(db, withdrawn)

    with pytest.raises(EnrolmentError, match="not an enrolment code"):
        enrol_device(db, "hello")
    real, _ = create_code(db, cohort["id"])
    wrong_secret = real[:5] + ("A" if real[5] != "A" else "B") + real[6:]
    with pytest.raises(EnrolmentError, match="not known"):
        enrol_device(db, wrong_secret)

    with pytest.raises(ValueError, match="no cohort"):
        create_code(db, 999)


def test_revocation_takes_effect_at_once_even_after_a_cached_check(db, cohort):
    code, _ = create_code(db, cohort["id"])
    e = enrol_device(db, code)
    auth = Authenticator()
    auth.check(db, e.device_id, e.secret)
    auth.check(db, e.device_id, e.secret)  # cached
    with pytest.raises(AuthError, match="not known"):
        auth.check(db, e.device_id, e.secret + "x")
    assert revoke_device(db, e.device_id)
    assert not revoke_device(db, e.device_id)
    with pytest.raises(AuthError, match="withdrawn"):
        auth.check(db, e.device_id, e.secret)
    with pytest.raises(AuthError):
        auth.check(db, "d-nobody", e.secret)


def test_list_devices_flags_silent_ones(db, cohort):
    code, _ = create_code(db, cohort["id"])
    a = enrol_device(db, code, label="a")
    b = enrol_device(db, code, label="b")
    recent = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    db.execute("UPDATE device SET last_sync_at = ? WHERE id = ?", [recent, a.device_id])
    db.execute("UPDATE device SET last_sync_at = '2020-01-01T00:00:00Z' WHERE id = ?", [b.device_id])
    db.conn.commit()
    record_report(db, a.device_id, pending=4, rejected=0, device_last_sync_at="2025-01-01T00:00:00Z", app_version="0.1")
    everyone = {d["id"]: d for d in list_devices(db, cohort["id"])}
    assert everyone[a.device_id]["pending_count"] == 4
    assert [d["id"] for d in list_devices(db, cohort["id"], silent_days=7)] == [b.device_id]
