"""Cohorts, enrolment codes and devices with their own revocable credentials.

A trainer creates a cohort and a code; a device trades the code for its own key and secret
(HTTP Basic, as xAPI record stores expect). Revoking a device cuts it off at its next
request without touching anyone else. Codes are stored only as scrypt hashes, device
secrets only as HMAC-SHA-256 under the server key (see `hashing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from urllib.parse import urlencode

import sqlite_utils

from .db import now_text
from .hashing import (
    CODE_N,
    db_file_of,
    device_secret_hash,
    format_code,
    hash_secret,
    new_device_secret,
    normalise_code,
    random_code,
    server_key,
    verify_device_secret,
    verify_secret,
)

CODE_ID_LEN = 4
CODE_SECRET_LEN = 8
# Limits on a new enrolment code, the same from the CLI and the dashboard: 0 days means
# "no expiry"; a code is for one cohort's devices, so a few thousand uses is already generous.
CODE_MAX_DAYS = 366
CODE_MAX_USES = 10_000
ENROL_LINK = "waymark://enrol"


def enrol_link(server_url: str, code: str) -> str:
    """What a QR code or a message carries: opening it fills in the app's sync settings."""
    return f"{ENROL_LINK}?{urlencode({'server': server_url, 'code': code})}"


class CodeLimitError(ValueError):
    """A new code's validity or number of uses is outside the limits."""


def check_code_limits(valid_days: float | None, max_uses: int | None) -> None:
    """Refuse a validity outside 0..CODE_MAX_DAYS days or uses outside 1..CODE_MAX_USES."""
    days = valid_days or 0
    if not 0 <= days <= CODE_MAX_DAYS or (max_uses is not None and not 1 <= max_uses <= CODE_MAX_USES):
        raise CodeLimitError(
            f"choose between 0 and {CODE_MAX_DAYS} days (0: no expiry) and between 1 and {CODE_MAX_USES:,} uses"
        )


class EnrolmentError(Exception):
    """A code could not be used; the message is safe to show to the person enrolling."""


class AuthError(Exception):
    """Credentials were refused; the message says why in plain words."""


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def create_cohort(db: sqlite_utils.Database, name: str) -> dict:
    name = name.strip()
    if not name:
        raise ValueError("a cohort needs a name")
    with db.atomic():
        table = db["cohort"].insert({"name": name, "created_at": now_text()})
    return db["cohort"].get(table.last_pk)


def get_cohort(db: sqlite_utils.Database, cohort_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM cohort WHERE id = ?", [cohort_id]))
    return rows[0] if rows else None


def list_cohorts(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("SELECT * FROM cohort ORDER BY id"))


def create_code(
    db: sqlite_utils.Database,
    cohort_id: int,
    *,
    valid_days: float | None = 14,
    max_uses: int | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> tuple[str, dict]:
    """A new enrolment code as the trainer will read it out (`XXXX-XXXX-XXXX`), and its row."""
    check_code_limits(valid_days, max_uses)
    cohort = get_cohort(db, cohort_id)
    if cohort is None:
        raise ValueError(f"there is no cohort {cohort_id}")
    if cohort["archived_at"]:
        raise ValueError(f"cohort {cohort_id} is archived")
    now = now or datetime.now(timezone.utc)
    with db.atomic():
        while True:
            code_id = random_code(CODE_ID_LEN)
            if not db.execute("SELECT 1 FROM enrolment_code WHERE id = ?", [code_id]).fetchone():
                break
        secret = random_code(CODE_SECRET_LEN)
        row = {
            "id": code_id,
            "cohort_id": cohort_id,
            "secret_hash": hash_secret(secret, n=CODE_N),
            "created_at": _iso(now),
            "expires_at": _iso(now + timedelta(days=valid_days)) if valid_days else None,
            "max_uses": max_uses,
            "uses": 0,
            "note": note,
        }
        db["enrolment_code"].insert(row)
    return format_code(code_id + secret), row


def revoke_code(db: sqlite_utils.Database, code_id: str) -> bool:
    with db.atomic():
        cur = db.execute(
            "UPDATE enrolment_code SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [now_text(), normalise_code(code_id)[:CODE_ID_LEN]],
        )
    return cur.rowcount == 1


def list_codes(db: sqlite_utils.Database, cohort_id: int | None = None) -> list[dict]:
    sql = "SELECT id, cohort_id, created_at, expires_at, max_uses, uses, revoked_at, note FROM enrolment_code"
    args: list = []
    if cohort_id is not None:
        sql += " WHERE cohort_id = ?"
        args.append(cohort_id)
    return list(db.query(sql + " ORDER BY created_at", args))


@dataclass(frozen=True)
class Enrolment:
    device_id: str
    secret: str
    cohort_id: int
    cohort_name: str


def enrol_device(
    db: sqlite_utils.Database,
    typed_code: str,
    *,
    label: str | None = None,
    app_version: str | None = None,
    now: datetime | None = None,
) -> Enrolment:
    """Trade an enrolment code for a device key and secret (the secret is shown only now)."""
    code = normalise_code(typed_code or "")
    if len(code) != CODE_ID_LEN + CODE_SECRET_LEN or any(c not in "0123456789ABCDEFGHJKMNPQRSTVWXYZ" for c in code):
        raise EnrolmentError("That is not an enrolment code. It has 12 letters and digits, like ABCD-EFGH-JKMN.")
    code_id, secret = code[:CODE_ID_LEN], code[CODE_ID_LEN:]
    row = db.execute(
        "SELECT c.secret_hash, c.expires_at, c.max_uses, c.uses, c.revoked_at, c.cohort_id, k.name, k.archived_at "
        "FROM enrolment_code c JOIN cohort k ON k.id = c.cohort_id WHERE c.id = ?",
        [code_id],
    ).fetchone()
    # The hash is checked whether or not the code id exists, so the answer takes as long
    # for an unknown code as for a known one with a wrong secret (no timing oracle).
    if not verify_secret(secret, row[0] if row is not None else _DUMMY_CODE_HASH) or row is None:
        raise EnrolmentError("This enrolment code is not known. Check it with your trainer.")
    secret_hash, expires_at, max_uses, uses, revoked_at, cohort_id, cohort_name, archived = row
    now = now or datetime.now(timezone.utc)
    if revoked_at or archived:
        raise EnrolmentError("This enrolment code has been withdrawn. Ask your trainer for a new one.")
    if expires_at and _iso(now) >= expires_at:
        raise EnrolmentError("This enrolment code has expired. Ask your trainer for a new one.")
    if max_uses is not None and uses >= max_uses:
        raise EnrolmentError("This enrolment code has been used as often as allowed. Ask your trainer for a new one.")
    device_secret = new_device_secret()
    with db.atomic():
        # The use count is re-checked inside the transaction so two devices racing for the
        # last use cannot both get in.
        cur = db.execute(
            "UPDATE enrolment_code SET uses = uses + 1 WHERE id = ? AND (max_uses IS NULL OR uses < max_uses)",
            [code_id],
        )
        if cur.rowcount != 1:
            raise EnrolmentError("This enrolment code has been used as often as allowed. Ask your trainer for a new one.")
        while True:
            device_id = "d-" + random_code(12).lower()
            if not db.execute("SELECT 1 FROM device WHERE id = ?", [device_id]).fetchone():
                break
        db["device"].insert(
            {
                "id": device_id,
                "cohort_id": cohort_id,
                "code_id": code_id,
                "label": (label or "").strip()[:80] or None,
                "secret_hash": device_secret_hash(device_secret, server_key(db_file_of(db))),
                "enrolled_at": now_text(),
                "statements_received": 0,
                "app_version": (app_version or "")[:40] or None,
            }
        )
    return Enrolment(device_id, device_secret, cohort_id, cohort_name)


def revoke_device(db: sqlite_utils.Database, device_id: str) -> bool:
    with db.atomic():
        cur = db.execute(
            "UPDATE device SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [now_text(), device_id]
        )
    return cur.rowcount == 1


def list_devices(
    db: sqlite_utils.Database, cohort_id: int | None = None, *, silent_days: float | None = None
) -> list[dict]:
    """Devices with what they last reported; `silent_days` keeps only those not synced since."""
    sql = (
        "SELECT d.id, d.cohort_id, k.name AS cohort, d.label, d.enrolled_at, d.revoked_at, d.last_seen_at, "
        "d.last_sync_at, d.statements_received, d.pending_count, d.rejected_count, d.reported_at, "
        "d.device_last_sync_at, d.app_version FROM device d JOIN cohort k ON k.id = d.cohort_id WHERE 1"
    )
    args: list = []
    if cohort_id is not None:
        sql += " AND d.cohort_id = ?"
        args.append(cohort_id)
    if silent_days is not None:
        cutoff = _iso(datetime.now(timezone.utc) - timedelta(days=silent_days))
        sql += " AND d.revoked_at IS NULL AND (d.last_sync_at IS NULL OR d.last_sync_at < ?)"
        args.append(cutoff)
    return list(db.query(sql + " ORDER BY d.cohort_id, d.last_sync_at", args))


def check_report(body: object) -> dict:
    """A device's status report (`PUT /api/device/status`) as `record_report` arguments.

    Raises ValueError with a message for the device when a field is not usable.
    """
    if not isinstance(body, dict):
        raise ValueError("the request body must be a JSON object")
    out: dict = {}
    for key in ("pending", "rejected"):
        v = body.get(key, 0)
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"{key} must be a whole number of statements")
        out[key] = v
    last = body.get("last_sync_at")
    if last is not None and (not isinstance(last, str) or len(last) > 40):
        raise ValueError("last_sync_at must be a date and time text")
    version = body.get("app_version")
    if version is not None and (not isinstance(version, str) or len(version) > 40):
        raise ValueError("app_version must be a short text")
    out["device_last_sync_at"] = last
    out["app_version"] = version
    return out


def record_report(
    db: sqlite_utils.Database,
    device_id: str,
    *,
    pending: int,
    rejected: int,
    device_last_sync_at: str | None,
    app_version: str | None,
) -> None:
    """What the device says about its own queue: shown to trainers as "as last reported"."""
    now = now_text()
    with db.atomic():
        db.execute(
            "UPDATE device SET pending_count = ?, rejected_count = ?, device_last_sync_at = ?, "
            "app_version = COALESCE(?, app_version), reported_at = ?, last_seen_at = ? WHERE id = ?",
            [pending, rejected, device_last_sync_at, app_version, now, now, device_id],
        )


@dataclass(frozen=True)
class Device:
    id: str
    cohort_id: int
    label: str | None


class Authenticator:
    """Checks HTTP Basic credentials against device rows.

    Device secrets are random 256-bit tokens kept as HMAC-SHA-256 under the server key, so a
    check takes microseconds whether the key is known or not: a flood of made-up credentials
    costs the server next to nothing. A device enrolled before (scrypt hash) is moved to the
    HMAC at its first successful request. Revocation is read from the database on every
    request, so it takes effect at once.
    """

    def check(self, db: sqlite_utils.Database, key: str, secret: str) -> Device:
        server = getattr(db, "_waymark_server_key", None)
        if server is None:  # once per connection: finding the key file costs more than the HMAC
            server = db._waymark_server_key = server_key(db_file_of(db))
        row = None
        if len(key) <= 64 and len(secret) <= 256:
            row = db.execute(
                "SELECT secret_hash, revoked_at, cohort_id, label FROM device WHERE id = ?", [key]
            ).fetchone()
        if row is None:
            verify_device_secret(secret[:256], _DUMMY_DEVICE_HASH, server)  # the same work either way
            raise AuthError("These device credentials are not known. Enrol the device again.")
        secret_hash, revoked_at, cohort_id, label = row
        ok, outdated = verify_device_secret(secret, secret_hash, server)
        if not ok:
            raise AuthError("These device credentials are not known. Enrol the device again.")
        if revoked_at:
            raise AuthError("This device's access was withdrawn by a trainer. Enrol it again with a new code.")
        if outdated:
            with db.atomic():
                db.execute("UPDATE device SET secret_hash = ? WHERE id = ?", [device_secret_hash(secret, server), key])
        return Device(key, cohort_id, label)


_DUMMY_DEVICE_HASH = "hmac-sha256$" + "0" * 64
_DUMMY_CODE_HASH = hash_secret("not-a-code", n=CODE_N)
