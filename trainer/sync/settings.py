"""Where results go, kept in the device `settings` table (keys `sync.*`).

Two kinds of target: the programme's own trainer server (enrol with a code, get a device
key and secret) or any external xAPI 1.0.3 record store (endpoint, key, secret as given by
its administrator).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlite_utils

from ..core.settings import Settings
from . import secretbox
from .enrol_link import parse_enrol_link  # noqa: F401  (kept importable from here)

DEFAULT_BATCH = 500
KEYS = (
    "sync.mode", "sync.server_url", "sync.endpoint", "sync.key", "sync.secret", "sync.cohort",
    "sync.batch_size", "sync.auto",
)


class SettingsError(ValueError):
    """A setting a person typed is not usable; the message says how to fix it."""


@dataclass(frozen=True)
class SyncTarget:
    mode: str  # "server" (Waymark trainer server) | "lrs" (external record store)
    endpoint: str  # xAPI base, ends with "/"
    key: str
    secret: str
    server_url: str | None = None
    cohort: str | None = None


def normalise_url(url: str, *, what: str = "server address") -> str:
    url = (url or "").strip()
    if url and "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
        bad = parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url)
    except ValueError:
        bad = True
    if bad:
        raise SettingsError(f"the {what} must look like https://training.example.org or http://192.168.1.10:8765")
    return url.rstrip("/")


class SyncSettings:
    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.s = Settings(db)

    def _key(self) -> bytes:
        return secretbox.key_for(secretbox.data_dir_of(self.db))

    def _save_secret(self, secret: str | None) -> None:
        """The secret is stored only encrypted (see `secretbox`)."""
        self.s.set("sync.secret", None if secret is None else secretbox.seal(secret, self._key()))

    def secret(self) -> str | None:
        stored = self.s.get("sync.secret")
        if stored is None:
            return None
        if not secretbox.is_sealed(stored):  # saved by an older version in plain text
            self._save_secret(stored)
            return stored
        try:
            return secretbox.open_sealed(stored, self._key())
        except secretbox.SecretUnreadable:
            return None  # the key file is gone: the device must enrol again

    def target(self) -> SyncTarget | None:
        mode = self.s.get("sync.mode")
        endpoint, key = self.s.get("sync.endpoint"), self.s.get("sync.key")
        if mode not in ("server", "lrs") or not endpoint or not key:
            return None
        secret = self.secret()
        if secret is None:
            return None
        return SyncTarget(mode, endpoint, key, secret, self.s.get("sync.server_url"), self.s.get("sync.cohort"))

    def batch_size(self) -> int:
        n = self.s.get("sync.batch_size", DEFAULT_BATCH)
        return n if isinstance(n, int) and n > 0 else DEFAULT_BATCH

    def set_batch_size(self, n: int) -> None:
        if not isinstance(n, int) or not 1 <= n <= 5000:
            raise SettingsError("the batch size must be between 1 and 5000 statements")
        self.s.set("sync.batch_size", n)

    def save_enrolment(self, server_url: str, endpoint: str, key: str, secret: str, cohort: str | None) -> None:
        for k, v in (
            ("sync.mode", "server"), ("sync.server_url", server_url), ("sync.endpoint", endpoint),
            ("sync.key", key), ("sync.cohort", cohort),
        ):
            self.s.set(k, v)
        self._save_secret(secret)

    def save_lrs(self, endpoint: str, key: str, secret: str) -> None:
        endpoint = normalise_url(endpoint, what="record store endpoint") + "/"
        if not key:
            raise SettingsError("the record store needs a key (user name)")
        for k, v in (
            ("sync.mode", "lrs"), ("sync.server_url", None), ("sync.endpoint", endpoint),
            ("sync.key", key), ("sync.cohort", None),
        ):
            self.s.set(k, v)
        self._save_secret(secret or "")

    def forget_credentials(self) -> None:
        for k in ("sync.key", "sync.secret", "sync.cohort"):
            self.s.set(k, None)

    def get(self, key: str, default=None):
        return self.s.get(key, default)

    def set(self, key: str, value) -> None:
        self.s.set(key, value)
