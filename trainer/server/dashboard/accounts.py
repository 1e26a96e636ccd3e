"""Trainer accounts, their cohorts, and browser sessions.

Two roles: an administrator sees and manages everything; a trainer sees only the cohorts
assigned to them (a cohort a trainer creates is assigned to them). Passwords and session
tokens are stored only as hashes (scrypt at N = 2^17 for passwords, SHA-256 for random session
tokens), so a copied database opens no account and no session. A password hash made with
older, cheaper parameters is replaced at the next successful sign-in (`upgrade_hash`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlite_utils

from ..db import now_text
from ..hashing import hash_secret, needs_rehash, verify_secret

ROLES = ("administrator", "trainer")
MIN_PASSWORD = 10
SESSION_HOURS = 12
_USERNAME = USERNAME_RULE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
_DUMMY = hash_secret("no-such-account")


class AccountError(ValueError):
    """An account could not be created or changed; `reason` names the field for translated messages."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason  # username | role | password | exists | unknown


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str | None
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"

    @property
    def label(self) -> str:
        return self.display_name or self.username


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("password", f"a password needs at least {MIN_PASSWORD} characters")


def _account(row) -> Account:
    return Account(row[0], row[1], row[2], row[3])


def create_account(
    db: sqlite_utils.Database, username: str, password: str, *, role: str = "trainer", display_name: str | None = None
) -> Account:
    username = username.strip()
    if not _USERNAME.match(username):
        raise AccountError("username", "a user name is 2-64 letters, digits, dots, dashes, underscores or @, starting with a letter or digit")
    if role not in ROLES:
        raise AccountError("role", f"the role must be one of {', '.join(ROLES)}")
    check_password(password)
    if db.execute("SELECT 1 FROM dash_account WHERE username = ?", [username]).fetchone():
        raise AccountError("exists", f"there is already an account {username!r}")
    with db.atomic():
        cur = db.execute(
            "INSERT INTO dash_account (username, display_name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)",
            [username, (display_name or "").strip() or None, hash_secret(password), role, now_text()],
        )
    return Account(cur.lastrowid, username, (display_name or "").strip() or None, role)


def count_accounts(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT COUNT(*) FROM dash_account").fetchone()[0]


def get_account(db: sqlite_utils.Database, username: str) -> Account | None:
    row = db.execute(
        "SELECT id, username, display_name, role FROM dash_account WHERE username = ?", [username.strip()]
    ).fetchone()
    return _account(row) if row else None


def list_accounts(db: sqlite_utils.Database) -> list[dict]:
    return list(
        db.query(
            "SELECT a.id, a.username, a.display_name, a.role, a.created_at, a.disabled_at, "
            "(SELECT group_concat(c.name, ', ') FROM dash_cohort_trainer t JOIN cohort c ON c.id = t.cohort_id "
            " WHERE t.account_id = a.id) AS cohorts FROM dash_account a ORDER BY a.username"
        )
    )


def set_password(db: sqlite_utils.Database, username: str, password: str) -> None:
    check_password(password)
    with db.atomic():
        cur = db.execute(
            "UPDATE dash_account SET password_hash = ? WHERE username = ?", [hash_secret(password), username.strip()]
        )
        if cur.rowcount != 1:
            raise AccountError("unknown", f"there is no account {username!r}")
        # A new password ends every session opened with the old one.
        db.execute(
            "DELETE FROM dash_session WHERE account_id = (SELECT id FROM dash_account WHERE username = ?)",
            [username.strip()],
        )


def set_disabled(db: sqlite_utils.Database, account_id: int, disabled: bool) -> None:
    with db.atomic():
        db.execute(
            "UPDATE dash_account SET disabled_at = ? WHERE id = ?", [now_text() if disabled else None, account_id]
        )
        if disabled:
            db.execute("DELETE FROM dash_session WHERE account_id = ?", [account_id])


def verify_login(db: sqlite_utils.Database, username: str, password: str) -> Account | None:
    """The account if the password is right and the account is active; the same cost either way."""
    row = db.execute(
        "SELECT id, username, display_name, role, password_hash, disabled_at FROM dash_account WHERE username = ?",
        [username.strip()],
    ).fetchone()
    if row is None:
        verify_secret(password, _DUMMY)
        return None
    if not verify_secret(password, row[4]) or row[5]:
        return None
    return _account(row)


def fresh_hash(db: sqlite_utils.Database, account: Account, password: str) -> str | None:
    """After a successful sign-in: a new hash when the stored one uses older parameters.

    Computed outside any write lock (it takes a few hundred milliseconds); store it with
    `store_hash`.
    """
    row = db.execute("SELECT password_hash FROM dash_account WHERE id = ?", [account.id]).fetchone()
    if row is None or not needs_rehash(row[0]):
        return None
    return hash_secret(password)


def store_hash(db: sqlite_utils.Database, account: Account, password_hash: str) -> None:
    with db.atomic():
        db.execute("UPDATE dash_account SET password_hash = ? WHERE id = ?", [password_hash, account.id])


# --- cohorts a trainer may see ---------------------------------------------------------------


def assign(db: sqlite_utils.Database, account_id: int, cohort_id: int) -> None:
    with db.atomic():
        db.execute(
            "INSERT OR IGNORE INTO dash_cohort_trainer (cohort_id, account_id) VALUES (?, ?)", [cohort_id, account_id]
        )


def unassign(db: sqlite_utils.Database, account_id: int, cohort_id: int) -> None:
    with db.atomic():
        db.execute("DELETE FROM dash_cohort_trainer WHERE cohort_id = ? AND account_id = ?", [cohort_id, account_id])


def trainers_of(db: sqlite_utils.Database, cohort_id: int) -> list[dict]:
    return list(
        db.query(
            "SELECT a.id, a.username, a.display_name, a.role FROM dash_cohort_trainer t "
            "JOIN dash_account a ON a.id = t.account_id WHERE t.cohort_id = ? ORDER BY a.username",
            [cohort_id],
        )
    )


def visible_cohorts(db: sqlite_utils.Database, account: Account) -> list[int] | None:
    """Cohort ids this account may see; None means all (administrators)."""
    if account.is_admin:
        return None
    return [r[0] for r in db.execute("SELECT cohort_id FROM dash_cohort_trainer WHERE account_id = ?", [account.id])]


def may_see(db: sqlite_utils.Database, account: Account, cohort_id: int) -> bool:
    if account.is_admin:
        return True
    return bool(
        db.execute(
            "SELECT 1 FROM dash_cohort_trainer WHERE account_id = ? AND cohort_id = ?", [account.id, cohort_id]
        ).fetchone()
    )


# --- sessions ------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(db: sqlite_utils.Database, account: Account, *, now: datetime | None = None) -> tuple[str, str]:
    """A new session: (token for the cookie, CSRF token for the forms)."""
    now = now or datetime.now(timezone.utc)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with db.atomic():
        db.execute("DELETE FROM dash_session WHERE expires_at < ?", [_iso(now)])
        db.execute(
            "INSERT INTO dash_session (token_hash, account_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            [_token_hash(token), account.id, csrf, _iso(now), _iso(now + timedelta(hours=SESSION_HOURS))],
        )
    return token, csrf


def session_account(
    db: sqlite_utils.Database, token: str | None, *, now: datetime | None = None
) -> tuple[Account, str] | None:
    """(account, CSRF token) for a live session cookie; None if unknown, expired or disabled."""
    if not token or len(token) > 200:
        return None
    now = now or datetime.now(timezone.utc)
    row = db.execute(
        "SELECT a.id, a.username, a.display_name, a.role, s.csrf, s.expires_at, a.disabled_at "
        "FROM dash_session s JOIN dash_account a ON a.id = s.account_id WHERE s.token_hash = ?",
        [_token_hash(token)],
    ).fetchone()
    if row is None or row[5] <= _iso(now) or row[6]:
        return None
    return _account(row), row[4]


def end_session(db: sqlite_utils.Database, token: str | None) -> None:
    if token:
        with db.atomic():
            db.execute("DELETE FROM dash_session WHERE token_hash = ?", [_token_hash(token)])
