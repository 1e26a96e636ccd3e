"""The sync service against the real server app in-process, with faults injected in transport."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from tests.sync_factory import device_statements, outbox_rows
from tests.sync_harness import make_server, new_code, stored_ids
from trainer.core.storage import open_db
from trainer.server.enrolment import revoke_device
from trainer.sync import outbox
from trainer.sync.service import SyncService, SyncSetupError

BASE = "http://trainer.test"


class Faulty(httpx.AsyncBaseTransport):
    """Wraps the in-process server; `hook(request, inner)` decides what the device sees."""

    def __init__(self, inner: httpx.AsyncBaseTransport, hook=None):
        self.inner = inner
        self.hook = hook
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request):
        self.requests.append(request)
        if self.hook is None:
            return await self.inner.handle_async_request(request)
        return await self.hook(request, self.inner)

    def posts(self) -> int:
        return sum(1 for r in self.requests if r.method == "POST" and r.url.path.endswith("/statements"))


def queue(db_path: Path, statements: list[dict]) -> None:
    d = open_db(db_path)
    d["outbox"].insert_all(outbox_rows(statements))
    d.conn.close()


def device_rows(db_path: Path) -> dict[str, tuple]:
    d = open_db(db_path)
    try:
        return {r[0]: r[1:] for r in d.execute("SELECT id, status, attempts, next_attempt_at, last_error FROM outbox")}
    finally:
        d.conn.close()


@pytest.fixture()
def env(tmp_path):
    srv = make_server(tmp_path)
    transport = Faulty(httpx.ASGITransport(app=srv.app))
    return srv, transport, tmp_path / "device.db"


async def enrolled(env, statements=(), **kwargs) -> SyncService:
    srv, transport, db_path = env
    queue(db_path, list(statements))
    svc = SyncService(db_path, http_transport=transport, **kwargs)
    await svc.enrol(BASE, new_code(srv))
    return svc


def run(coro):
    return asyncio.run(coro)


# --- set-up ----------------------------------------------------------------------------------


def test_status_before_setup_says_what_to_do(env):
    async def go():
        _, transport, db_path = env
        queue(db_path, device_statements(5))
        svc = SyncService(db_path, http_transport=transport)
        st = await svc.status()
        assert (st.state, st.waiting) == ("not_set_up", 5)
        assert "enrolment code" in st.problem.message()
        st = await svc.sync_now()
        assert st.state == "not_set_up" and transport.requests == []
        await svc.close()

    run(go())


def test_enrol_by_code_or_link_and_refusals_in_plain_words(env):
    async def go():
        srv, transport, db_path = env
        svc = SyncService(db_path, http_transport=transport)
        st = await svc.enrol(f"waymark://enrol?server={BASE}&code={new_code(srv)}")
        assert st.state == "idle" and st.target == BASE
        with pytest.raises(SyncSetupError) as e:
            await svc.enrol(BASE, "ABCD-EFGH-JKMN")
        assert e.value.problem.code == "enrol_failed" and "not known" in e.value.problem.message()
        with pytest.raises(SyncSetupError) as e:
            await svc.enrol("not a url at all", "x")
        assert e.value.problem.code == "bad_settings"
        with pytest.raises(SyncSetupError) as e:
            await svc.enrol(BASE, "")
        assert e.value.problem.code == "bad_settings"
        # The whole link pasted into the code field, nothing in the server field.
        st = await svc.enrol("", f"Enrol: waymark://enrol?server={BASE}&code={new_code(srv)}.")
        assert st.target == BASE
        await svc.close()

    run(go())


def test_enrol_when_offline_or_behind_a_captive_portal(env):
    async def go():
        _, _, db_path = env

        async def down(request):
            raise httpx.ConnectError("no route to host", request=request)

        svc = SyncService(db_path, http_transport=httpx.MockTransport(down))
        with pytest.raises(SyncSetupError) as e:
            await svc.enrol(BASE, "ABCD-EFGH-JKMN")
        assert e.value.problem.code == "offline"
        await svc.close()
        portal = httpx.MockTransport(lambda r: httpx.Response(200, html="<html>Sign in to Hotel Wi-Fi</html>"))
        svc = SyncService(db_path, http_transport=portal)
        with pytest.raises(SyncSetupError) as e:
            await svc.enrol(BASE, "ABCD-EFGH-JKMN")
        assert e.value.problem.code == "not_lrs"
        await svc.close()

    run(go())


# --- draining ---------------------------------------------------------------------------------


def test_drain_sends_everything_once_in_batches_and_reports(env):
    async def go():
        srv, transport, db_path = env
        statements = device_statements(1234)
        svc = await enrolled(env, statements)
        seen = []
        svc.listeners.append(lambda st: seen.append(st.state))
        st = await svc.sync_now()
        assert (st.state, st.waiting, st.sent, st.problem) == ("idle", 0, 1234, None)
        assert st.last_success_at
        assert transport.posts() == 3  # 500 + 500 + 234
        assert sorted(stored_ids(srv.db_path)) == sorted(s["id"] for s in statements)
        assert seen[0] == "syncing" and seen[-1] == "idle"
        device = next(srv.db().query("SELECT pending_count, rejected_count, statements_received FROM device ORDER BY enrolled_at DESC"))
        assert device == {"pending_count": 0, "rejected_count": 0, "statements_received": 1234}
        # nothing left: a second sync posts nothing
        await svc.sync_now()
        assert transport.posts() == 3
        await svc.close()

    run(go())


def test_batch_size_setting_and_server_limit(env):
    async def go():
        srv, transport, db_path = env
        svc = await enrolled(env, device_statements(50))
        d = open_db(db_path)
        from trainer.sync.settings import SyncSettings

        SyncSettings(d).set_batch_size(20)
        d.conn.close()
        await svc.sync_now()
        assert transport.posts() == 3
        await svc.close()

    run(go())


def test_one_bad_statement_is_rejected_with_its_reason_and_the_rest_go(env):
    async def go():
        srv, transport, db_path = env
        statements = device_statements(40)
        statements[7]["result"]["score"]["scaled"] = 2
        svc = await enrolled(env, statements)
        st = await svc.sync_now()
        assert st.rejected == 1 and st.sent == 39 and st.waiting == 0
        assert st.problem.code == "rejected" and "between -1 and 1" in st.problem.message()
        assert st.state == "idle"
        rows = device_rows(db_path)
        assert rows[statements[7]["id"]][0] == "rejected"
        assert "result.score.scaled" in rows[statements[7]["id"]][3]
        assert len(stored_ids(srv.db_path)) == 39
        posts = transport.posts()
        await svc.sync_now()  # a rejected statement is not sent again
        assert transport.posts() == posts
        await svc.close()

    run(go())


def test_an_lrs_that_does_not_say_which_statement_is_bad_is_bisected(env):
    async def strip_details(request, inner):
        r = await inner.handle_async_request(request)
        await r.aread()
        if r.status_code == 400:
            return httpx.Response(400, json={"message": "Invalid statement"})
        return r

    async def go():
        srv, transport, db_path = env
        transport.hook = strip_details
        statements = device_statements(64)
        statements[50]["verb"]["id"] = "answered"
        svc = await enrolled(env, statements)
        st = await svc.sync_now()
        assert st.rejected == 1 and st.sent == 63
        assert device_rows(db_path)[statements[50]["id"]][3] == "Invalid statement"
        assert sorted(stored_ids(srv.db_path)) == sorted(s["id"] for i, s in enumerate(statements) if i != 50)
        await svc.close()

    run(go())


def test_a_conflicting_id_is_rejected_and_does_not_block_the_queue(env):
    async def go():
        srv, transport, db_path = env
        statements = device_statements(10)
        svc = await enrolled(env, statements[:3])
        await svc.sync_now()
        twin = json.loads(json.dumps(statements[3]))
        twin["id"] = statements[0]["id"]  # same id, different content
        queue(db_path, statements[4:])
        d = open_db(db_path)
        d["outbox"].insert({"id": "local-dup", "kind": "xapi-statement", "payload": json.dumps(twin),
                            "created_at": "2025-03-01T09:00:00Z", "status": "pending", "attempts": 0})
        d.conn.close()
        st = await svc.sync_now()
        assert st.rejected == 1 and "different content" in st.problem.message()
        assert sorted(stored_ids(srv.db_path)) == sorted(s["id"] for s in statements if s is not statements[3])
        await svc.close()

    run(go())


def test_captive_portal_is_never_taken_for_an_acknowledgement(env):
    async def go():
        srv, transport, db_path = env
        svc = await enrolled(env, device_statements(30))

        async def portal(request, inner):
            if request.url.path.endswith("/about"):
                return await inner.handle_async_request(request)  # the portal lets the probe through
            return httpx.Response(200, html="<html>Please accept the terms of use</html>")

        transport.hook = portal
        st = await svc.sync_now()
        assert st.problem.code == "not_lrs" and st.sent == 0 and st.waiting == 30
        assert {r[0] for r in device_rows(db_path).values()} == {"pending"}
        transport.hook = lambda request, inner: _html(request)
        st = await svc.sync_now()
        assert st.problem.code == "not_lrs" and st.state == "error"
        transport.hook = None
        st = await svc.sync_now()
        assert st.sent == 30 and st.problem is None and st.last_success_at
        await svc.close()

    run(go())


async def _html(request):
    return httpx.Response(200, html="<html>Welcome</html>")


def test_revoked_device_asks_to_enrol_again_and_keeps_its_results(env):
    async def go():
        srv, transport, db_path = env
        svc = await enrolled(env, device_statements(10))
        from trainer.sync.settings import SyncSettings

        d = open_db(db_path)
        key = SyncSettings(d).target().key
        d.conn.close()
        revoke_device(srv.db(), key)
        st = await svc.sync_now()
        assert st.state == "needs_enrolment" and st.waiting == 10
        assert "new enrolment code" in st.problem.message()
        assert all(r[1] == 0 for r in device_rows(db_path).values())  # no retry penalty
        await svc.enrol(BASE, new_code(srv))
        st = await svc.sync_now()
        assert st.sent == 10 and st.state == "idle"
        await svc.close()

    run(go())


def test_busy_server_retry_after_is_honoured(env):
    async def go():
        srv, transport, db_path = env
        now = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
        svc = await enrolled(env, device_statements(10), clock=lambda: now)

        async def busy(request, inner):
            if request.method == "POST" and request.url.path.endswith("/statements"):
                return httpx.Response(503, headers={"Retry-After": "90"}, json={"error": "busy"})
            return await inner.handle_async_request(request)

        transport.hook = busy
        st = await svc.sync_now()
        assert st.problem.code == "busy" and "90 seconds" in st.problem.message()
        assert {r[2] for r in device_rows(db_path).values()} == {"2025-03-01T12:01:30.000Z"}
        transport.hook = None
        st = await svc.sync_now(force=False)  # the background loop respects the server's wish
        assert st.sent == 0
        st = await svc.sync_now(force=True)  # "Sync now" does not wait
        assert st.sent == 10
        await svc.close()

    run(go())


def test_network_errors_and_5xx_back_off_and_keep_everything(env):
    async def go():
        srv, transport, db_path = env
        svc = await enrolled(env, device_statements(20))

        async def broken(request, inner):
            if request.method == "POST":
                return httpx.Response(500, text="Internal Server Error")
            return await inner.handle_async_request(request)

        transport.hook = broken
        st = await svc.sync_now()
        assert st.problem.code == "server_error" and "500" in st.problem.message()
        rows = device_rows(db_path)
        assert {r[0] for r in rows.values()} == {"pending"} and {r[1] for r in rows.values()} == {1}
        assert all(r[2] for r in rows.values())  # scheduled with backoff

        async def unplugged(request, inner):
            raise httpx.ConnectError("network unreachable", request=request)

        transport.hook = unplugged
        st = await svc.sync_now()
        assert st.state == "offline" and "safe on this device" in st.problem.message()
        transport.hook = None
        st = await svc.sync_now()
        assert st.sent == 20 and stored_ids(srv.db_path)
        await svc.close()

    run(go())


def test_lost_acknowledgement_is_resent_and_stored_once(env):
    async def go():
        srv, transport, db_path = env
        statements = device_statements(700)
        svc = await enrolled(env, statements)
        calls = {"n": 0}

        async def drop_first_answer(request, inner):
            r = await inner.handle_async_request(request)
            if request.method == "POST" and request.url.path.endswith("/statements"):
                calls["n"] += 1
                if calls["n"] == 1:
                    raise httpx.ReadError("connection reset by peer", request=request)
            return r

        transport.hook = drop_first_answer
        st = await svc.sync_now()
        assert st.problem.code == "offline" and st.sent == 0 and st.waiting == 700
        assert len(stored_ids(srv.db_path)) == 500  # the server had stored the first batch
        st = await svc.sync_now()
        assert st.sent == 700
        assert sorted(stored_ids(srv.db_path)) == sorted(s["id"] for s in statements)
        await svc.close()

    run(go())


def test_rows_left_sending_by_a_killed_app_are_sent(env):
    async def go():
        srv, transport, db_path = env
        statements = device_statements(30)
        queue(db_path, statements)
        d = open_db(db_path)
        outbox.claim(d, 30, datetime.now(timezone.utc))  # the app died holding these
        d.conn.close()
        svc = SyncService(db_path, http_transport=transport)
        await svc.enrol(BASE, new_code(srv))
        assert (await svc.status()).waiting == 30
        st = await svc.sync_now(force=False)
        assert st.sent == 30
        await svc.close()

    run(go())


@pytest.mark.parametrize("hours", [-9, 7])
def test_device_clock_hours_off(env, hours):
    async def go():
        srv, transport, db_path = env
        off = timedelta(hours=hours)
        statements = device_statements(25)
        svc = await enrolled(env, statements, clock=lambda: datetime.now(timezone.utc) + off)

        async def flaky(request, inner):
            if request.method == "POST":
                raise httpx.ConnectError("down", request=request)
            return await inner.handle_async_request(request)

        transport.hook = flaky
        await svc.sync_now()
        svc.clock = lambda: datetime.now(timezone.utc)  # the clock is corrected
        transport.hook = None
        st = await svc.sync_now(force=False)
        assert st.sent == 25
        stored = srv.db().execute("SELECT MAX(stored) FROM statement").fetchone()[0]
        assert abs(datetime.fromisoformat(stored.replace("Z", "+00:00")) - datetime.now(timezone.utc)) < timedelta(minutes=5)
        await svc.close()

    run(go())


def test_external_record_store_mode(env):
    async def go():
        srv, transport, db_path = env
        queue(db_path, device_statements(15))
        svc = SyncService(db_path, http_transport=transport)
        with pytest.raises(SyncSetupError):
            await svc.configure_lrs("ftp://nowhere", "k", "s")
        st = await svc.configure_lrs(BASE + "/xapi", srv.key, srv.secret)
        assert st.target == BASE + "/xapi/"
        st = await svc.sync_now()
        assert st.sent == 15
        assert not any(r.url.path.startswith("/api/") for r in transport.requests)
        await svc.close()

    run(go())


def test_sqlite_work_never_runs_on_the_event_loop_thread(env, monkeypatch):
    threads = set()
    for name in ("claim", "acknowledge", "counts", "recover_interrupted", "release", "reject"):
        original = getattr(outbox, name)

        def spy(*a, _original=original, **k):
            threads.add(threading.current_thread().name)
            return _original(*a, **k)

        monkeypatch.setattr(outbox, name, spy)

    async def go():
        svc = await enrolled(env, device_statements(40))
        await svc.sync_now()
        await svc.close()

    run(go())
    assert threads and all(t.startswith("waymark-sync-db") for t in threads)


def test_background_loop_syncs_when_the_link_comes_back(env):
    async def go():
        srv, transport, db_path = env
        svc = await enrolled(env, device_statements(12), periodic_seconds=3600)
        svc.notify_link(False)
        task = asyncio.create_task(svc.run())
        for _ in range(20):
            await asyncio.sleep(0.01)
        assert transport.posts() == 0  # no link: nothing tried
        svc.notify_link(True)
        for _ in range(400):
            if (await svc.status()).sent == 12:
                break
            await asyncio.sleep(0.01)
        assert (await svc.status()).sent == 12
        queue(db_path, device_statements(5, seed=77))
        svc.poke()  # new results were written
        for _ in range(400):
            if (await svc.status()).sent == 17:
                break
            await asyncio.sleep(0.01)
        assert (await svc.status()).sent == 17
        svc.stop()
        await asyncio.wait_for(task, 5)
        await svc.close()

    run(go())
