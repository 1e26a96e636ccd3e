"""The sync service: drains the outbox to the record store, never blocking the caller's loop.

One instance per app. All SQLite work runs on one dedicated worker thread with its own
connection (SQLite connections belong to one thread, and a slow disk must not freeze the
UI); HTTP is async (httpx). A drain is:

1. put rows a killed run left `sending` back to `pending`;
2. probe `GET about`: a real xAPI answer, not a captive portal's page (and, for the trainer
   server, a credentials check);
3. claim a batch, send it gzip-compressed, and only on an acknowledgement listing exactly
   those ids mark them acked; refused statements are marked rejected with the reason and
   the rest carry on; network trouble or 5xx puts the batch back with backoff;
4. tell the trainer server how many statements still wait (best effort).
"""

from __future__ import annotations

import asyncio
import logging
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import httpx

from ..core.storage import open_db
from . import outbox
from .prune import prune_acknowledged, pruned_count
from .backoff import CAP_SECONDS, backoff_delay
from .enrol_link import enrolment_input
from .settings import SettingsError, SyncSettings, SyncTarget, normalise_url
from .status import Problem, SyncStatus, derive_state
from .transport import About, Outcome, Transport, batch_body, interpret, parse_about, within

log = logging.getLogger("waymark.sync")
Listener = Callable[[SyncStatus], Any]
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
# Each request's overall deadline: connect, send and the whole reply. httpx's read timeout
# restarts with every byte, so a server trickling its answer would otherwise hold the sync
# (and its lock) forever.
DEFAULT_DEADLINE = 120.0
PERIODIC_SECONDS = 10 * 60.0
SERVER_ERROR_TRIES = 2  # a part that fails this often with a server error is split


@dataclass(frozen=True)
class _Stuck:
    """A part kept failing with a server error, and no single statement could be blamed."""

    outcome: Outcome


class SyncSetupError(Exception):
    """Enrolment or settings failed; `problem` says why in plain words."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.message())


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SyncService:
    def __init__(
        self,
        db_path: Path | str,
        *,
        clock: Callable[[], datetime] = _utcnow,
        http_transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        app_version: str | None = None,
        rng: random.Random | None = None,
        periodic_seconds: float = PERIODIC_SECONDS,
        gzip_level: int = 6,
    ):
        self.db_path = Path(db_path)
        self.clock = clock
        self.http_transport = http_transport
        self.timeout = timeout
        self.deadline = deadline
        self._delivered = False  # this drain has had a batch acknowledged
        self.app_version = app_version
        self.rng = rng or random.Random()
        self.periodic_seconds = periodic_seconds
        self.gzip_level = gzip_level
        self.listeners: list[Listener] = []
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="waymark-sync-db")
        self._db = None
        self._lock = asyncio.Lock()
        self._syncing = False
        self._link_up = True
        self._force_next = False
        self._poked = False
        self._wake: asyncio.Event | None = None
        self._running = False
        self._last_problem: Problem | None = None

    # --- the database thread ------------------------------------------------------------

    def _conn(self):
        if self._db is None:
            self._db = open_db(self.db_path)
        return self._db

    async def _run(self, fn: Callable, *args, **kwargs):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(self._conn(), *args, **kwargs))

    async def close(self) -> None:
        self.stop()

        def _close(_db):
            _db.conn.close()
            self._db = None

        if self._db is not None:
            await self._run(_close)
        self._executor.shutdown(wait=True)

    # --- status ---------------------------------------------------------------------------

    @property
    def syncing(self) -> bool:
        return self._syncing

    def _read_status(self, db) -> SyncStatus:
        return read_status(db, syncing=self._syncing)

    async def status(self) -> SyncStatus:
        return await self._run(self._read_status)

    async def _emit(self) -> None:
        if not self.listeners:
            return
        st = await self.status()
        for listener in list(self.listeners):
            result = listener(st)
            if asyncio.iscoroutine(result):
                await result

    # --- setup ----------------------------------------------------------------------------

    async def enrol(self, server: str, code: str | None = None, *, label: str | None = None) -> SyncStatus:
        """Enrol with the trainer server (address + code, or an enrolment link in either field)."""
        server, code = enrolment_input(server, code)
        try:
            server_url = normalise_url(server)
        except SettingsError as e:
            raise SyncSetupError(Problem("bad_settings", {"reason": str(e), "field": "server"})) from None
        if not code or not code.strip():
            raise SyncSetupError(Problem("bad_settings", {"reason": "the enrolment code is missing", "field": "code"}))
        payload = {"code": code.strip(), "label": label, "app_version": self.app_version}
        async with self._client() as client:
            try:
                r = await within(self.deadline, client.post(server_url + "/api/enrol", json=payload))
            except httpx.TimeoutException:
                raise SyncSetupError(Problem("timeout")) from None
            except httpx.TransportError:
                raise SyncSetupError(Problem("offline")) from None
        try:
            data = r.json()
        except ValueError:
            data = None
        if r.status_code == 201 and isinstance(data, dict) and isinstance(data.get("key"), str) and isinstance(
            data.get("secret"), str
        ):
            cohort = (data.get("cohort") or {}).get("name") if isinstance(data.get("cohort"), dict) else None
            endpoint = server_url + "/xapi/"

            def save(db):
                s = SyncSettings(db)
                s.save_enrolment(server_url, endpoint, data["key"], data["secret"], cohort)
                s.set("sync.last_problem", None)
                s.set("sync.failures", 0)

            await self._run(save)
            self.poke(force=True)
            await self._emit()
            return await self.status()
        if r.status_code == 404:
            raise SyncSetupError(Problem("not_found"))
        if isinstance(data, dict) and isinstance(data.get("error"), str) and 400 <= r.status_code < 500:
            raise SyncSetupError(Problem("enrol_failed", {"reason": data["error"]}))
        if r.status_code >= 500:
            raise SyncSetupError(Problem("server_error", {"status": r.status_code}))
        raise SyncSetupError(Problem("not_lrs"))

    async def configure_lrs(self, endpoint: str, key: str, secret: str) -> SyncStatus:
        """Send results to an external xAPI record store instead of the trainer server."""

        def save(db):
            s = SyncSettings(db)
            s.save_lrs(endpoint, key, secret)
            s.set("sync.last_problem", None)
            s.set("sync.failures", 0)

        try:
            await self._run(save)
        except SettingsError as e:
            raise SyncSetupError(Problem("bad_settings", {"reason": str(e)})) from None
        self.poke(force=True)
        await self._emit()
        return await self.status()

    async def resend_rejected(self) -> int:
        """Queue refused statements again (after the server or the data was fixed)."""
        n = await self._run(outbox.resend_rejected)
        await self._emit()
        return n

    # --- draining -------------------------------------------------------------------------

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.timeout, transport=self.http_transport, follow_redirects=False)

    async def sync_now(self, *, force: bool = True) -> SyncStatus:
        """Send everything waiting (with `force`, also rows still in their backoff)."""
        async with self._lock:
            self._syncing = True
            await self._emit()
            started = self.clock()
            try:
                problem = await self._drain(force)
            finally:
                self._syncing = False
            self._last_problem = problem
            await self._run(self._record_outcome, problem, started)
            await self._run(prune_acknowledged, self.clock())  # confirmed statements past retention
            await self._emit()
            return await self.status()

    def _record_outcome(self, db, problem: Problem | None, started: datetime) -> None:
        s = SyncSettings(db)
        s.set("sync.last_attempt_at", outbox.iso(started))
        if problem is None or problem.code == "rejected":
            s.set("sync.last_success_at", outbox.iso(self.clock()))
            s.set("sync.failures", 0)
        elif problem.code != "not_set_up":
            s.set("sync.failures", int(s.get("sync.failures", 0) or 0) + 1)
        s.set("sync.last_problem", problem.as_json() if problem else None)

    async def _drain(self, force: bool) -> Problem | None:
        target: SyncTarget | None = await self._run(lambda db: SyncSettings(db).target())
        if target is None:
            return Problem("not_set_up")
        batch_size = await self._run(lambda db: SyncSettings(db).batch_size())
        await self._run(outbox.recover_interrupted)
        self._delivered = False
        async with self._client() as client:
            t = Transport(client, target.endpoint, target.key, target.secret, deadline=self.deadline)
            about, problem = await self._probe(t, target)
            if problem:
                return problem
            if about.max_batch:
                batch_size = min(batch_size, about.max_batch)
            rejected: dict[str, str] = {}
            while True:
                rows = await self._run(outbox.claim, batch_size, self.clock(), force=force)
                if not rows:
                    break
                problem = await self._send(t, rows, rejected)
                await self._emit()
                if problem:
                    return problem
            if target.mode == "server" and target.server_url:
                await self._report(t, target.server_url)
        if rejected:
            reason = next(iter(rejected.values()))
            return Problem("rejected", {"reason": reason, "count": len(rejected)})
        return None

    async def _probe(self, t: Transport, target: SyncTarget) -> tuple[About | None, Problem | None]:
        try:
            status, headers, body = await t.about()
            about = parse_about(status, headers, body)
            if about is None:
                return None, Problem("not_found" if status == 404 else "not_lrs")
            if target.mode == "server" and target.server_url and about.waymark:
                code, _ = await t.get_json(target.server_url + "/api/device")
                if code in (401, 403):
                    return None, Problem("needs_enrolment")
                if code >= 500:
                    return None, Problem("server_error", {"status": code})
        except httpx.TimeoutException:
            return None, Problem("timeout")
        except httpx.TransportError:
            return None, Problem("offline")
        return about, None

    async def _send(self, t: Transport, rows: list[tuple[str, str]], rejected_total: dict[str, str]) -> Problem | None:
        """Send one claimed batch; whatever is not settled when it stops goes back to pending."""
        result = await self._deliver(t, rows, rejected_total)
        if result is None:
            return None
        if isinstance(result, _Stuck):
            problem, error, outcome = self._problem_for(result.outcome), result.outcome.reason, result.outcome
        else:
            problem, error, outcome = result
        unsettled = await self._run(outbox.still_sending, [r[0] for r in rows])
        return await self._give_back(unsettled, problem, error, outcome)

    async def _post(self, t: Transport, part: list[tuple[str, str]]):
        """(Outcome, None) for an answer, or (None, (Problem, error, None)) for no answer."""
        ids = [r[0] for r in part]
        payloads = [r[1] for r in part]
        loop = asyncio.get_running_loop()
        body = await loop.run_in_executor(None, lambda: batch_body(payloads, level=self.gzip_level))
        try:
            status, headers, answer = await t.post_statements(body)
        except httpx.TimeoutException:
            return None, (Problem("timeout"), "the server took too long to answer", None)
        except httpx.TransportError as e:
            return None, (Problem("offline"), f"network: {type(e).__name__}", None)
        return interpret(status, headers, answer, ids), None

    async def _deliver(self, t: Transport, part: list[tuple[str, str]], rejected_total: dict[str, str], *, probe: bool = False):
        """Settle every row of `part`: None when done, else a reason to stop (or `_Stuck`).

        A server error (500, 502, ...) is tried once more; when it persists the part is split
        in halves until one statement fails alone, and that one is set aside with the reason,
        so one statement the server cannot take never stops the rest. Only once this drain
        has seen an acknowledgement: while nothing gets through, the server itself is the
        problem, and the batch waits for it instead (`probe` sends once, without splitting).
        """
        outcome: Outcome | None = None
        for _ in range(1 if probe else SERVER_ERROR_TRIES):
            outcome, failed = await self._post(t, part)
            if failed:
                return failed
            ids = [r[0] for r in part]
            if outcome.kind == "acked":
                await self._run(outbox.acknowledge, ids)
                self._delivered = True
                return None
            if outcome.kind == "per_item":
                await self._run(outbox.reject, outcome.rejected)
                rejected_total.update(outcome.rejected)
                rest = [i for i in ids if i not in outcome.rejected]
                if rest:  # valid statements of a refused request go again at once
                    await self._run(outbox.release, rest, error=None, next_attempt_at=None, count_attempt=False)
                return None
            if outcome.kind == "split":
                half = len(part) // 2
                for piece in (part[:half], part[half:]):
                    r = await self._deliver(t, piece, rejected_total)
                    if r is not None:
                        return r
                return None
            if not _server_error(outcome):
                return self._problem_for(outcome), outcome.reason, outcome
        assert outcome is not None
        if probe:
            return _Stuck(outcome)
        if len(part) == 1:
            if not self._delivered:
                return _Stuck(outcome)
            reason = f"the server failed on this statement alone (error {outcome.status}): {outcome.reason}"
            await self._run(outbox.set_aside, part[0][0], reason)
            log.warning("sync: one statement set aside after repeated server errors (status %s)", outcome.status)
            return None
        half = len(part) // 2
        first, second = part[:half], part[half:]
        r1 = await self._deliver(t, first, rejected_total)
        if isinstance(r1, _Stuck):
            # Nothing has got through yet: one try of the other half tells a bad statement
            # (it goes through) from a broken server (it fails too).
            r2 = await self._deliver(t, second, rejected_total, probe=True)
            if r2 is not None:
                return r2
            return await self._deliver(t, first, rejected_total)  # now the first half's culprit is set aside
        if r1 is not None:
            return r1
        return await self._deliver(t, second, rejected_total)

    @staticmethod
    def _problem_for(o: Outcome) -> Problem:
        if o.kind == "auth":
            return Problem("needs_enrolment")
        if o.kind == "retry":
            if o.status in (429, 503):
                return Problem("busy")
            return Problem("server_error", {"status": o.status})
        if o.kind == "not_found":
            return Problem("not_found")
        return Problem("not_lrs")

    async def _give_back(self, ids: list[str], problem: Problem, error: str, outcome: Outcome | None = None) -> Problem:
        """Return unsent rows to pending: after a backoff for transient trouble, else as they were."""
        transient = problem.code in ("offline", "timeout", "busy", "server_error")
        when = None
        if transient:
            if outcome is not None and outcome.retry_after is not None:
                wait = min(outcome.retry_after, CAP_SECONDS)
            else:
                failures = await self._run(lambda db: int(SyncSettings(db).get("sync.failures", 0) or 0))
                wait = backoff_delay(failures + 1, rng=self.rng)
            when = self.clock() + timedelta(seconds=wait)
            if problem.code == "busy":
                problem = Problem("busy", {"seconds": int(round(wait))})
        await self._run(outbox.release, ids, error=error[:300], next_attempt_at=when, count_attempt=transient)
        return problem

    async def _report(self, t: Transport, server_url: str) -> None:
        """Tell the trainer server what still waits here (shown on its dashboard); best effort."""
        c = await self._run(outbox.counts)
        payload = {
            "pending": c[outbox.PENDING] + c[outbox.SENDING],
            "rejected": c[outbox.REJECTED],
            "last_sync_at": outbox.iso(self.clock()),
            "app_version": self.app_version,
        }
        try:
            await t.put_json(server_url + "/api/device/status", payload)
        except httpx.HTTPError:
            pass

    # --- background -----------------------------------------------------------------------

    def poke(self, *, force: bool = False) -> None:
        """Wake the background loop now (new results, or "retry at once")."""
        self._force_next = self._force_next or force
        self._poked = True
        if self._wake is not None:
            self._wake.set()

    def notify_link(self, connected: bool) -> None:
        """Connectivity changed (Flet's Connectivity service): a new link retries at once."""
        was = self._link_up
        self._link_up = connected
        if connected and not was:
            self.poke(force=True)

    def stop(self) -> None:
        self._running = False
        if self._wake is not None:
            self._wake.set()

    async def _next_wait(self) -> float:
        if not self._link_up:
            return self.periodic_seconds
        problem = self._last_problem
        if problem is not None and problem.code not in ("rejected", "not_set_up"):
            failures = await self._run(lambda db: int(SyncSettings(db).get("sync.failures", 0) or 0))
            if problem.code == "busy" and "seconds" in problem.params:
                return float(problem.params["seconds"])
            return backoff_delay(max(1, failures), rng=self.rng)
        due = await self._run(outbox.earliest_due)
        if due:
            try:
                at = datetime.fromisoformat(due.replace("Z", "+00:00"))
                return max(1.0, min(self.periodic_seconds, (at - self.clock()).total_seconds()))
            except ValueError:
                pass
        return self.periodic_seconds

    async def run(self) -> None:
        """Background loop: sync when linked, then wait for a poke, a link, or the next due time."""
        self._running = True
        self._wake = asyncio.Event()
        self._force_next = True
        while self._running:
            if self._link_up:
                force, self._force_next = self._force_next, False
                self._poked = False
                configured = await self._run(lambda db: SyncSettings(db).target() is not None)
                if configured:
                    try:
                        await self.sync_now(force=force)
                    except Exception:  # a bug or a broken disk must not end background sync
                        log.exception("background sync failed")
            if not self._running:
                break
            self._wake.clear()
            if self._link_up and (self._force_next or self._poked):
                continue  # poked while syncing: go again
            wait = await self._next_wait()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=wait)
            except asyncio.TimeoutError:
                pass


def _server_error(o: Outcome) -> bool:
    """A 5xx that is not "busy, come back later" (503): possibly caused by what was sent."""
    return o.kind == "retry" and o.status is not None and o.status >= 500 and o.status != 503


def read_status(db, *, syncing: bool = False) -> SyncStatus:
    """The status from the device database alone (a few small queries)."""
    s = SyncSettings(db)
    c = outbox.counts(db)
    target = s.target()
    waiting = c[outbox.PENDING] + c[outbox.SENDING]
    problem = Problem.from_json(s.get("sync.last_problem"))
    return SyncStatus(
        state=derive_state(configured=target is not None, syncing=syncing, waiting=waiting, problem=problem),
        waiting=waiting,
        rejected=c[outbox.REJECTED],
        sent=c[outbox.ACKED] + pruned_count(db),
        last_success_at=s.get("sync.last_success_at"),
        last_attempt_at=s.get("sync.last_attempt_at"),
        problem=problem if target is not None else Problem("not_set_up"),
        target=(target.server_url or target.endpoint) if target else None,
        held=c.get(outbox.HELD, 0),
        held_reason=outbox.held_reason(db) if c.get(outbox.HELD) else None,
    )
