"""Secrets at rest: the server database never holds a secret it could hand out.

- Trainer passwords: scrypt at N = 2^17, r = 8, p = 1 (128 MiB, current OWASP guidance).
  Parameters travel with the hash; an older, cheaper hash is replaced at the next sign-in.
- Enrolment codes: scrypt too (their secret part has only 40 bits), at N = 2^14: codes are
  short-lived, guesses are throttled, and each try costs the server the same whether or not
  the code exists.
- Device secrets: random 256-bit tokens, so no slow hash is needed to make guessing
  hopeless; they are kept as HMAC-SHA-256 under the server key (a file beside the database,
  see `server_key`), checked in microseconds and in constant time. Refusing a flood of
  made-up credentials therefore costs almost nothing. A copied database without the key file
  lets nobody post as a device.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from pathlib import Path

# Crockford base32: no I, L, O, U, so a code read aloud or typed from paper survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PASSWORD_N = 2**17
CODE_N = 2**14
_R, _P, _LEN = 8, 1, 32
_MAXMEM = 256 * 1024 * 1024  # scrypt needs 128 * r * N bytes: 128 MiB at N = 2^17
HMAC_SCHEME = "hmac-sha256"


def _b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode("ascii").rstrip("=")


def _unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def hash_secret(secret: str, *, n: int = PASSWORD_N) -> str:
    """`scrypt$n$r$p$salt$hash`: parameters travel with the hash so they can be raised later."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=_R, p=_P, dklen=_LEN, maxmem=_MAXMEM)
    return f"scrypt${n}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or int(n) > 2**20 or int(r) > 32 or int(p) > 16:
            return False
        expected = _unb64(digest)
        got = hashlib.scrypt(
            secret.encode("utf-8"), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected),
            maxmem=_MAXMEM * 2,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def needs_rehash(stored: str) -> bool:
    """Is this a password hash below the current parameters (re-hash it at the next sign-in)?"""
    try:
        scheme, n, r, p, _salt, _digest = stored.split("$")
        return scheme != "scrypt" or int(n) < PASSWORD_N or int(r) < _R
    except ValueError:
        return True


# --- device secrets ----------------------------------------------------------------------


def device_secret_hash(secret: str, key: bytes) -> str:
    return f"{HMAC_SCHEME}${hmac.new(key, secret.encode('utf-8'), hashlib.sha256).hexdigest()}"


def verify_device_secret(secret: str, stored: str, key: bytes) -> tuple[bool, bool]:
    """(matches, stored in an older scheme that should be replaced now)."""
    if stored.startswith(HMAC_SCHEME + "$"):
        return hmac.compare_digest(device_secret_hash(secret, key), stored), False
    ok = verify_secret(secret, stored)  # enrolled before device secrets were HMACs
    return ok, ok


def new_device_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits


_KEYS: dict[str, bytes] = {}
_KEYS_LOCK = threading.Lock()
_EPHEMERAL = secrets.token_bytes(32)


def key_path(db_file: str | Path) -> Path:
    """The server key file beside a database file: `server.db` -> `server.db.key`."""
    return Path(str(db_file) + ".key")


def server_key(db_file: str | Path | None) -> bytes:
    """The server's HMAC key for device secrets, created (owner-only) on first use.

    Kept outside the database so that a copy of the database alone opens nothing; back up
    both (`trainer admin backup` copies the key file too). An in-memory database gets a key
    for this process only.
    """
    if not db_file or str(db_file) == ":memory:":
        return _EPHEMERAL
    path = key_path(Path(db_file).resolve())
    with _KEYS_LOCK:
        cached = _KEYS.get(str(path))
        if cached is not None:
            return cached
        key = _read_or_create_key(path)
        _KEYS[str(path)] = key
        return key


def _read_or_create_key(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker may be writing it this very moment
            text = path.read_text(encoding="ascii").strip()
            if len(text) == 64:
                return bytes.fromhex(text)
            time.sleep(0.02)
        raise RuntimeError(f"the server key file {path} is not a key; restore it from the backup")
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex() + "\n")
    return key


def db_file_of(db) -> str | None:
    """The main database file of a sqlite-utils Database (None when in memory)."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return file or None
    return None


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(typed: str) -> str:
    """What a person typed, as the canonical code: case, spaces and dashes don't matter."""
    s = typed.strip().upper().replace("-", "").replace(" ", "")
    return s.translate(str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"}))


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
