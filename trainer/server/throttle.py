"""Throttles for guesses (sign-in passwords, enrolment codes), counted in the database.

Counting in the server database, inside one `BEGIN IMMEDIATE` transaction, makes the count
atomic and shared by every worker process: 60 parallel guesses cannot all slip past "5
allowed" as they could with per-process counters read before the slow password check.

Each attempt is charged *before* its check (`charge`) and forgiven after a success
(`forgive`). A key that has used up its free attempts must wait, and the wait doubles with
each further failure up to a cap: a growing delay, not a lockout. Keys name what is guessed
from where: sign-in uses the account at an address, the address alone, and the account from
anywhere with a larger allowance, so a real user who is being attacked from elsewhere can
still sign in from their own address.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """`free` attempts per `window` seconds, then a wait of `base` * 2^(n - free), at most `cap`."""

    free: int
    base: float
    cap: float
    window: float = 15 * 60


def wait_for(rule: Rule, failures: int) -> float:
    if failures < rule.free:
        return 0.0
    return min(rule.cap, rule.base * 2 ** min(failures - rule.free, 30))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: float = 0.0  # seconds until the next attempt is allowed (when refused)


def charge(conn: sqlite3.Connection, keys: dict[str, Rule], now: float | None = None) -> Verdict:
    """Count one attempt against every key, atomically; refused if any key must still wait.

    A refused attempt is not counted (it costs the attacker nothing and the server nothing).
    Run it inside a write transaction (`ServerDB.writer()`, which is BEGIN IMMEDIATE), so the
    read and the count are one atomic step across threads and worker processes.
    """
    now = time.time() if now is None else now
    rows = {}
    for key in keys:
        row = conn.execute("SELECT failures, first_at, next_at FROM throttle WHERE key = ?", [key]).fetchone()
        rows[key] = row
    wait = 0.0
    for key, row in rows.items():
        if row is not None and row[2] > now:
            wait = max(wait, row[2] - now)
    if wait > 0:
        return Verdict(False, wait)
    for key, rule in keys.items():
        row = rows[key]
        if row is None or now - row[1] >= rule.window:
            failures, first = 1, now
        else:
            failures, first = row[0] + 1, row[1]
        conn.execute(
            "INSERT INTO throttle (key, failures, first_at, next_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, first_at = excluded.first_at, "
            "next_at = excluded.next_at",
            [key, failures, first, now + wait_for(rule, failures)],
        )
    # Forget keys nobody has tried for a day: made-up user names must not fill the table.
    conn.execute("DELETE FROM throttle WHERE next_at < ? AND first_at < ?", [now - 86400, now - 86400])
    return Verdict(True)


def forgive(conn: sqlite3.Connection, keys: list[str]) -> None:
    """A success: these keys start afresh (inside a write transaction, as `charge`)."""
    conn.executemany("DELETE FROM throttle WHERE key = ?", [(k,) for k in keys])


# --- the rules ---------------------------------------------------------------------------

# Sign-in: 5 tries per account from one address, then 1 min, 2, 4 ... 15 min; 20 per address
# over all accounts; 20 per account from anywhere, then a short growing delay (5 s ... 5 min)
# so guessing spread over many addresses is slowed while the real user, from their own
# address, waits seconds at most.
SIGN_IN_AT_ADDRESS = Rule(free=5, base=60, cap=15 * 60)
SIGN_IN_ADDRESS = Rule(free=20, base=30, cap=15 * 60)
SIGN_IN_ACCOUNT = Rule(free=20, base=5, cap=5 * 60)
# Enrolment codes: 10 tries per address and 10 per code id, then 10 s, 20 s ... 15 min.
ENROL_ADDRESS = Rule(free=10, base=10, cap=15 * 60)
ENROL_CODE = Rule(free=10, base=10, cap=15 * 60)


def sign_in_keys(username: str, address: str) -> dict[str, Rule]:
    user = username.strip().lower()[:64]
    return {
        f"sign-in:{user}@{address}": SIGN_IN_AT_ADDRESS,
        f"addr:sign-in:{address}": SIGN_IN_ADDRESS,
        f"sign-in:{user}": SIGN_IN_ACCOUNT,
    }


def enrol_keys(code_id: str, address: str) -> dict[str, Rule]:
    return {f"addr:enrol:{address}": ENROL_ADDRESS, f"enrol:{code_id[:8]}": ENROL_CODE}
