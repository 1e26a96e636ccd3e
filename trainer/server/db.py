"""Opening the server database: one file, WAL, its own migration set.

The server answers requests from a thread pool; SQLite connections must not be shared
between threads, so each thread gets its own connection, and writes go one at a time
through a lock (SQLite allows one writer; the lock keeps waiting writers out of the busy
loop and lets the app tell a device to come back later when the queue is long).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import sqlite_utils

from .schema import server_migrations

DEFAULT_DB = "waymark-server.db"


def default_db_path() -> Path:
    return Path(os.getenv("WAYMARK_SERVER_DB") or DEFAULT_DB)


def now_text() -> str:
    """Server time as UTC text with milliseconds, the form `stored` uses."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def connect(path: Path | str) -> sqlite_utils.Database:
    """A connection with the server's pragmas; the schema is migrated on first open."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    # A stored statement is 1-2 KB: with 16 KB pages several share a page instead of one
    # per 4 KB page, halving what each batch writes. Only takes effect on a new file.
    conn.execute("PRAGMA page_size = 16384")
    db = sqlite_utils.Database(conn)
    if str(path) != ":memory:":
        db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    # FULL: a batch is on disk before the device hears "stored" and drops it from its
    # queue; a power cut on the server must not lose acknowledged results.
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA temp_store = MEMORY")
    db.execute("PRAGMA cache_size = -32000")
    db.execute("PRAGMA wal_autocheckpoint = 4000")
    return db


def open_server_db(path: Path | str) -> sqlite_utils.Database:
    db = connect(path)
    server_migrations.apply(db)
    from .dashboard.schema import dashboard_migrations  # the dashboard's own set (accounts, summaries)

    dashboard_migrations.apply(db)
    return db


class ServerDB:
    """Per-thread connections to one server database file, and the single-writer lock."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._local = threading.local()
        self.write_lock = threading.Lock()
        self._waiting = 0
        self._waiting_lock = threading.Lock()
        self._all: list[sqlite_utils.Database] = []
        self._writer: sqlite_utils.Database | None = None
        self._generation = 0
        open_server_db(self.path).conn.close()

    def get(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None or getattr(self._local, "generation", None) != self._generation:
            db = self._local.db = connect(self.path)
            self._local.generation = self._generation
            self._all.append(db)
        return db

    @property
    def writers_waiting(self) -> int:
        return self._waiting

    @contextmanager
    def writer(self) -> Iterator[sqlite_utils.Database]:
        """This thread's connection, holding the write lock, inside one transaction."""
        with self._waiting_lock:
            self._waiting += 1
        try:
            self.write_lock.acquire()
        finally:
            with self._waiting_lock:
                self._waiting -= 1
        try:
            # One connection for all writes, whichever pool thread runs them (the lock makes
            # that safe): its page cache stays warm with the indexes every batch touches.
            if self._writer is None:
                self._writer = connect(self.path)
                self._all.append(self._writer)
            db = self._writer
            # IMMEDIATE takes SQLite's write lock at once: with several server processes a
            # writer waits its turn (busy_timeout) instead of failing to upgrade a read.
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.conn.in_transaction:
                    db.conn.execute("ROLLBACK")
                raise
            db.conn.execute("COMMIT")
        finally:
            self.write_lock.release()

    def close(self) -> None:
        """Close every connection (app shutdown); a later request opens fresh ones."""
        self._generation += 1
        self._writer = None
        for db in self._all:
            try:
                db.conn.close()
            except sqlite3.Error:
                pass
        self._all.clear()
