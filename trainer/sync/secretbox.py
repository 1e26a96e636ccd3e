"""The device's sync secret, encrypted at rest under a key kept outside the database.

The secret (from enrolment, or an external record store's) lets whoever holds it post
results as this device. It is stored in the device settings only as AES-GCM ciphertext
(`enc1:` + base64); the 256-bit key is a separate file, `sync.key`, in the app's data folder,
created readable and writable by its owner only (0600). A copy of the database alone, sent
as a backup or attached to a bug report, no longer carries a usable credential.

What this protects, and what it does not:
- Laptop/desktop: another user account on the same computer cannot read the key file; a
  copied database is useless without it. Anyone who runs as the same user (malware, or a
  person at the unlocked session) can read both files: use the operating system's disk
  encryption and screen lock.
- Phone builds (Android, iOS): the data folder is already private to the app, so the key
  file adds protection only for copies of the database taken out of that folder (exports,
  backups that exclude it, bug reports). A rooted/jailbroken phone, or a device backup that
  includes the whole app folder, exposes both. The platform keystores (Android Keystore,
  iOS Keychain) could hold the key in hardware, but Flet's Python runtime has no binding to
  them; if one becomes available, the key file is the one thing to move there.
- A stolen phone with its screen unlocked can sync as the device until a trainer revokes
  it (`trainer admin revoke-device`), which takes effect at the next request.
"""

from __future__ import annotations

import base64
import os
import secrets
import threading
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc1:"
KEY_FILE = "sync.key"
_AAD = b"waymark/sync-secret/v1"
_EPHEMERAL = AESGCM.generate_key(bit_length=256)  # for an in-memory database
_lock = threading.Lock()


class SecretUnreadable(Exception):
    """The stored secret cannot be decrypted (the key file was lost or replaced)."""


def data_dir_of(db) -> Path | None:
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file).parent
    return None


def key_for(data_dir: Path | None) -> bytes:
    """The key in `data_dir/sync.key`, created (owner-only) on first use."""
    if data_dir is None:
        return _EPHEMERAL
    path = Path(data_dir) / KEY_FILE
    with _lock:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raw = path.read_bytes()
            if len(raw) != 32:
                raise SecretUnreadable(f"{path} is not a sync key") from None
            return raw
        key = AESGCM.generate_key(bit_length=256)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        return key


def seal(secret: str, key: bytes) -> str:
    nonce = secrets.token_bytes(12)
    blob = nonce + AESGCM(key).encrypt(nonce, secret.encode("utf-8"), _AAD)
    return PREFIX + base64.b64encode(blob).decode("ascii")


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def open_sealed(value: str, key: bytes) -> str:
    try:
        blob = base64.b64decode(value[len(PREFIX) :], validate=True)
        return AESGCM(key).decrypt(blob[:12], blob[12:], _AAD).decode("utf-8")
    except (ValueError, InvalidTag) as e:
        raise SecretUnreadable("the stored sync secret cannot be decrypted with this device's key") from e
