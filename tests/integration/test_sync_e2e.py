"""End to end on loopback: the real server as a subprocess, the sync client, and faults.

Every test ends the same way: once the connection is good again, the server holds exactly
the statements the device queued: none missing, none twice.

Run as a script, this file is also the fault-injecting server and client used by the tests
(`python test_sync_e2e.py serve ...` / `drain ...`): production code has no fault hooks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import pytest  # noqa: E402

from tests.sync_factory import device_statements, outbox_rows  # noqa: E402

XAPI = {"X-Experience-API-Version": "1.0.3"}
FAST = httpx.Timeout(connect=1.0, read=1.5, write=2.0, pool=1.0)  # only where a stall must time out
# Everywhere else the device is patient: on a loaded 2-core machine (CI runs tests in parallel)
# a batch of 500 can take longer than 1.5 s to be acknowledged, which is not what these tests test.
PATIENT = httpx.Timeout(connect=10.0, read=30.0, write=30.0, pool=10.0)


# --- processes ---------------------------------------------------------------------------


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`trainer serve` in a subprocess on a fixed loopback port and database file."""

    def __init__(self, tmp: Path, port: int | None = None):
        self.db = tmp / "server.db"
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "server.log"
        self.proc: subprocess.Popen | None = None

    def start(self, *faults: str) -> "Server":
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, __file__, "serve", "--db", str(self.db), "--port", str(self.port), *faults],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        deadline = time.monotonic() + 90  # generous: a loaded 2-core machine starts Python slowly
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log}")
            try:
                if httpx.get(self.url + "/xapi/about", timeout=0.5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not start")

    def wait_exit(self, timeout: float = 20) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def ids(self) -> list[str]:
        with closing(sqlite3.connect(self.db)) as c:
            return [r[0] for r in c.execute("SELECT id FROM statement")]

    def new_code(self) -> str:
        from trainer.server.db import open_server_db
        from trainer.server.enrolment import create_code, create_cohort, list_cohorts

        db = open_server_db(self.db)
        try:
            cohorts = list_cohorts(db) or [create_cohort(db, "Border officers")]
            code, _ = create_code(db, cohorts[0]["id"])
        finally:
            db.conn.close()
        return code


def drain_in_subprocess(db: Path, *faults: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, __file__, "drain", "--db", str(db), *faults],
        capture_output=True,
        cwd=ROOT,
        timeout=timeout,
    )


class Proxy:
    """A loopback TCP proxy that passes, resets or stalls connections on command.

    Modes act on the answer to a POST of statements (after the server has it):
    `pass`; `reset` (connection reset before the request reaches the server);
    `reset-answer` (server stored the batch, the device sees a reset); `stall` (server
    stored it, the device never hears back and times out).
    """

    def __init__(self, upstream_port: int):
        self.upstream = upstream_port
        self.mode = "pass"
        self.faults_left = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.open: list[socket.socket] = []
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def fault(self, mode: str, times: int) -> None:
        self.mode, self.faults_left = mode, times

    def _take_fault(self) -> str:
        if self.faults_left > 0:
            self.faults_left -= 1
            return self.mode
        return "pass"

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    @staticmethod
    def _reset(s: socket.socket) -> None:
        """Abort with a TCP reset (linger 0), waking any thread blocked reading it first."""
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        try:
            s.shutdown(socket.SHUT_RD)
        except OSError:
            pass
        s.close()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream), timeout=5)
        except OSError:
            self._reset(client)
            return
        self.open += [client, upstream]
        state = {"fault": None}

        def to_server():
            try:
                while True:
                    data = client.recv(65536)
                    if not data:
                        break
                    if data.startswith(b"POST /xapi/statements"):
                        state["fault"] = self._take_fault()
                        if state["fault"] == "reset":
                            self._reset(client)
                            upstream.close()
                            return
                    upstream.sendall(data)
            except OSError:
                pass
            try:
                upstream.shutdown(socket.SHUT_WR)
            except OSError:
                pass

        threading.Thread(target=to_server, daemon=True).start()
        try:
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                fault = state["fault"]
                if fault == "reset-answer":
                    self._reset(client)
                    break
                if fault == "stall":
                    continue  # swallow the answer; the device times out
                client.sendall(data)
        except OSError:
            pass
        finally:
            for s in (client, upstream):
                try:
                    s.close()
                except OSError:
                    pass

    def close(self) -> None:
        self._stop = True
        self.sock.close()
        for s in self.open:
            try:
                s.close()
            except OSError:
                pass


# --- the device ---------------------------------------------------------------------------


def make_device(tmp: Path, statements: list[dict]) -> Path:
    from trainer.core.storage import open_db

    db_path = tmp / "device.db"
    d = open_db(db_path)
    d["outbox"].insert_all(outbox_rows(statements))
    d.conn.close()
    return db_path


def service(db_path: Path, **kwargs):
    from trainer.sync.service import SyncService

    kwargs.setdefault("timeout", PATIENT)
    return SyncService(db_path, **kwargs)


async def enrol(db_path: Path, url: str, code: str):
    svc = service(db_path)
    try:
        await svc.enrol(url, code)
    finally:
        await svc.close()


async def sync(db_path: Path, **kwargs):
    svc = service(db_path, **kwargs)
    try:
        return await svc.sync_now()
    finally:
        await svc.close()


def set_endpoint(db_path: Path, url: str) -> None:
    """Point the device at another address (the proxy) keeping its credentials."""
    from trainer.core.storage import open_db
    from trainer.core.settings import Settings

    d = open_db(db_path)
    Settings(d).set("sync.server_url", url)
    Settings(d).set("sync.endpoint", url + "/xapi/")
    d.conn.close()


def device_counts(db_path: Path) -> dict:
    with closing(sqlite3.connect(db_path)) as c:
        return dict(c.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())


def assert_exactly(server: Server, statements: list[dict], db_path: Path) -> None:
    held = server.ids()
    assert len(held) == len(set(held)), "a statement is stored twice"
    assert sorted(held) == sorted(s["id"] for s in statements), "statements missing or extra"
    assert device_counts(db_path) == {"acked": len(statements)}


@pytest.fixture()
def server(tmp_path):
    s = Server(tmp_path)
    yield s
    s.kill()


# --- tests ---------------------------------------------------------------------------------


def test_offline_results_arrive_when_the_connection_comes_back(tmp_path, server):
    statements = device_statements(1500, learners=2)
    db = make_device(tmp_path, statements)
    server.start()
    asyncio.run(enrol(db, server.url, server.new_code()))
    server.kill()  # the device goes offline for days
    st = asyncio.run(sync(db))
    assert st.state == "offline" and st.waiting == 1500
    server.start()  # back in town
    st = asyncio.run(sync(db))
    assert (st.state, st.waiting, st.sent) == ("idle", 0, 1500)
    assert_exactly(server, statements, db)


@pytest.mark.parametrize("fault", ["--die-after-commits=2", "--die-before-commit=2"])
def test_server_killed_mid_batch_and_restarted_on_the_same_database(tmp_path, server, fault):
    statements = device_statements(2200)
    db = make_device(tmp_path, statements)
    server.start(fault)
    asyncio.run(enrol(db, server.url, server.new_code()))
    st = asyncio.run(sync(db))
    assert st.problem is not None and st.waiting > 0
    assert server.wait_exit() == 137
    held_after_crash = len(server.ids())
    assert held_after_crash == (1000 if "after" in fault else 500)
    server.start()
    st = asyncio.run(sync(db))
    assert st.sent == 2200
    assert_exactly(server, statements, db)


def test_server_sigkilled_at_any_moment_during_a_drain(tmp_path, server):
    statements = device_statements(6000)
    db = make_device(tmp_path, statements)
    server.start()
    asyncio.run(enrol(db, server.url, server.new_code()))
    proc = subprocess.Popen([sys.executable, __file__, "drain", "--db", str(db)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not server.ids() and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()
    proc.wait(60)
    server.start()
    asyncio.run(sync(db))
    assert_exactly(server, statements, db)


def test_proxy_resets_and_stalls_then_recovers(tmp_path, server):
    statements = device_statements(2600)
    db = make_device(tmp_path, statements)
    server.start()
    proxy = Proxy(server.port)
    try:
        asyncio.run(enrol(db, proxy.url, server.new_code()))
        for mode in ("reset", "reset-answer", "stall"):
            proxy.fault(mode, 1)
            st = asyncio.run(sync(db, timeout=FAST))
            expected = "timeout" if mode == "stall" else "offline"
            assert st.problem is not None and st.problem.code == expected, (mode, st)
        assert 0 < len(server.ids()) < 2600
        st = asyncio.run(sync(db))
        assert st.sent == 2600
        assert_exactly(server, statements, db)
    finally:
        proxy.close()


def test_same_batch_delivered_twice(tmp_path, server):
    import gzip

    statements = device_statements(500)
    db = make_device(tmp_path, statements)
    server.start()
    asyncio.run(enrol(db, server.url, server.new_code()))
    from trainer.core.storage import open_db
    from trainer.sync.settings import SyncSettings

    d = open_db(db)
    target = SyncSettings(d).target()  # the secret is stored encrypted; the device's key opens it
    d.conn.close()
    key, secret = target.key, target.secret
    body = gzip.compress(json.dumps(statements).encode())
    headers = {**XAPI, "Content-Type": "application/json", "Content-Encoding": "gzip"}
    first = httpx.post(server.url + "/xapi/statements", content=body, headers=headers, auth=(key, secret))
    second = httpx.post(server.url + "/xapi/statements", content=body, headers=headers, auth=(key, secret))
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() == [s["id"] for s in statements]
    # and the device, not knowing, sends them all again
    st = asyncio.run(sync(db))
    assert st.sent == 500
    assert_exactly(server, statements, db)


@pytest.mark.parametrize("hours", [-11, 6])
def test_device_clock_hours_off(tmp_path, server, hours):
    statements = device_statements(800)
    db = make_device(tmp_path, statements)
    server.start()
    skewed = lambda: datetime.now(timezone.utc) + timedelta(hours=hours)  # noqa: E731
    asyncio.run(enrol(db, server.url, server.new_code()))
    proxy = Proxy(server.port)
    try:
        set_endpoint(db, proxy.url)
        proxy.fault("reset", 1)
        st = asyncio.run(sync(db, clock=skewed))  # a failure schedules a retry by the wrong clock
        assert st.problem.code == "offline"
        st = asyncio.run(sync(db))  # the clock is corrected
        assert st.sent == 800
    finally:
        proxy.close()
    assert_exactly(server, statements, db)
    with closing(sqlite3.connect(server.db)) as c:
        stored, timestamp = c.execute("SELECT stored, json_extract(statement, '$.timestamp') FROM statement LIMIT 1").fetchone()
    assert abs(datetime.fromisoformat(stored.replace("Z", "+00:00")) - datetime.now(timezone.utc)) < timedelta(minutes=10)
    assert timestamp in {s["timestamp"] for s in statements}  # the device's own time is kept


@pytest.mark.parametrize("fault", ["--die-after-posts=1", "--die-after-claim"])
def test_app_killed_during_a_sync(tmp_path, server, fault):
    statements = device_statements(1700)
    db = make_device(tmp_path, statements)
    server.start()
    asyncio.run(enrol(db, server.url, server.new_code()))
    done = drain_in_subprocess(db, fault)
    assert done.returncode == 137
    assert device_counts(db).get("sending", 0) > 0  # killed holding a batch
    done = drain_in_subprocess(db)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert json.loads(done.stdout)["sent"] == 1700
    assert_exactly(server, statements, db)


def test_app_sigkilled_at_any_moment_during_a_sync(tmp_path, server):
    statements = device_statements(6000)
    db = make_device(tmp_path, statements)
    server.start()
    asyncio.run(enrol(db, server.url, server.new_code()))
    proc = subprocess.Popen([sys.executable, __file__, "drain", "--db", str(db)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not server.ids() and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    done = drain_in_subprocess(db)
    assert done.returncode == 0
    assert_exactly(server, statements, db)


def test_admin_cli_against_the_running_server(tmp_path, server):
    """`trainer admin` works on the server's database while it serves, and revocation bites."""
    statements = device_statements(20)
    db = make_device(tmp_path, statements)
    server.start()
    run = lambda *a: subprocess.run([sys.executable, "-m", "trainer.server", "admin", *a, "--db", str(server.db)],  # noqa: E731
                                    capture_output=True, text=True, cwd=ROOT, timeout=60)
    out = run("create-cohort", "Labour inspectors")
    assert out.returncode == 0 and "cohort" in out.stdout
    code_out = run("create-code", "--cohort", "1", "--uses", "1")
    code = code_out.stdout.split("enrolment code: ")[1].split()[0]
    asyncio.run(enrol(db, server.url, code))
    assert asyncio.run(sync(db)).sent == 20
    listing = run("list-devices")
    device_id = listing.stdout.splitlines()[1].split()[0]
    assert run("revoke-device", device_id).returncode == 0
    extra = device_statements(3, seed=5)
    from trainer.core.storage import open_db

    d = open_db(db)
    d["outbox"].insert_all(outbox_rows(extra))
    d.conn.close()
    st = asyncio.run(sync(db))
    assert st.state == "needs_enrolment" and st.waiting == 3
    backup = tmp_path / "backup.db"
    assert run("backup", "--to", str(backup)).returncode == 0
    with closing(sqlite3.connect(backup)) as c:
        assert c.execute("SELECT COUNT(*) FROM statement").fetchone()[0] == 20


# --- the fault-injecting server and client (run as a script) ----------------------------------


def _serve(args) -> None:
    import uvicorn

    import trainer.server.app as app_module
    import trainer.server.store as store_module
    from trainer.server.app import create_app
    from trainer.server.config import ServerConfig

    commits = {"n": 0}
    if args.die_after_commits:
        real_store = app_module.store

        def store_then_die(*a, **k):
            out = real_store(*a, **k)
            commits["n"] += 1
            if commits["n"] >= args.die_after_commits:
                os._exit(137)  # stored, but the device never hears so
            return out

        app_module.store = store_then_die
    if args.die_before_commit:
        real_insert = store_module._insert

        def insert_then_die(*a, **k):
            real_insert(*a, **k)
            commits["n"] += 1
            if commits["n"] >= args.die_before_commit:
                os._exit(137)  # inside the transaction: nothing of this batch is kept
        store_module._insert = insert_then_die
    config = ServerConfig(db_path=Path(args.db), public_url=f"http://127.0.0.1:{args.port}")
    uvicorn.run(create_app(config), host="127.0.0.1", port=args.port, log_level="warning")


def _drain(args) -> None:
    from trainer.sync import outbox, service as service_module
    from trainer.sync.transport import Transport

    if args.die_after_posts:
        real_post = Transport.post_statements
        posts = {"n": 0}

        async def post_then_die(self, body):
            answer = await real_post(self, body)
            posts["n"] += 1
            if posts["n"] >= args.die_after_posts:
                os._exit(137)  # the server answered; the app dies before writing it down
            return answer

        Transport.post_statements = post_then_die
    if args.die_after_claim:
        real_claim = outbox.claim

        def claim_then_die(*a, **k):
            rows = real_claim(*a, **k)
            if rows:
                os._exit(137)
            return rows

        service_module.outbox.claim = claim_then_die
    st = asyncio.run(sync(Path(args.db)))
    print(json.dumps({"state": st.state, "sent": st.sent, "waiting": st.waiting}))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--db", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--die-after-commits", type=int, default=0)
    s.add_argument("--die-before-commit", type=int, default=0)
    d = sub.add_parser("drain")
    d.add_argument("--db", required=True)
    d.add_argument("--die-after-posts", type=int, default=0)
    d.add_argument("--die-after-claim", action="store_true")
    a = p.parse_args()
    _serve(a) if a.cmd == "serve" else _drain(a)
