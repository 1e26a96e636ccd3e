"""Issue 14: one statement the server cannot take never stalls the queue, and a server that
trickles its answer cannot hold a sync (or its lock) beyond the request deadline."""

from __future__ import annotations

import asyncio
import gzip
import json
import time

import httpx

from tests.sync_factory import device_statements
from tests.sync_harness import stored_ids
from tests.unit.test_sync_service import Faulty, device_rows, enrolled, env, run  # noqa: F401 (fixture)
from trainer.sync import outbox


def _ids_in(request: httpx.Request) -> list[str]:
    return [s["id"] for s in json.loads(gzip.decompress(request.content))]


def test_a_poison_statement_in_a_queue_of_1000_is_set_aside_and_999_arrive(env):
    async def go():
        srv, transport, db_path = env
        statements = device_statements(1000)
        poison = statements[617]["id"]
        svc = await enrolled(env, statements)

        async def server_bug(request, inner):
            # The device's validator accepts it, but the server fails on it (a 500).
            if request.method == "POST" and request.url.path.endswith("/statements") and poison in _ids_in(request):
                return httpx.Response(500, json={"error": "internal error"})
            return await inner.handle_async_request(request)

        transport.hook = server_bug
        rounds = 0
        st = await svc.status()
        while st.waiting and rounds < 3:
            st = await svc.sync_now()
            rounds += 1
        assert rounds == 1, "the rest flowed in the same sync"
        held = sorted(stored_ids(srv.db_path))
        assert len(held) == 999 and poison not in held and len(set(held)) == 999
        assert (st.waiting, st.held, st.sent) == (0, 1, 999)
        assert "500" in st.held_reason and "alone" in st.held_reason
        rows = device_rows(db_path)
        assert rows[poison][0] == outbox.HELD
        assert transport.posts() <= 40, f"{transport.posts()} posts"
        # after the server is fixed, the person can send it again
        transport.hook = None
        assert await svc.resend_rejected() == 1
        st = await svc.sync_now()
        assert (st.sent, st.held) == (1000, 0) and len(stored_ids(srv.db_path)) == 1000
        await svc.close()

    run(go())


def test_a_broken_server_sets_nothing_aside(env):
    async def go():
        srv, transport, db_path = env
        svc = await enrolled(env, device_statements(300))

        async def broken(request, inner):
            if request.method == "POST" and request.url.path.endswith("/statements"):
                return httpx.Response(500, text="Internal Server Error")
            return await inner.handle_async_request(request)

        transport.hook = broken
        st = await svc.sync_now()
        assert st.problem.code == "server_error" and st.held == 0 and st.waiting == 300
        assert transport.posts() <= 30, f"{transport.posts()} posts while the server is down"
        assert {r[0] for r in device_rows(db_path).values()} == {"pending"}
        await svc.close()

    run(go())


class Trickle(httpx.AsyncByteStream):
    """A reply that arrives one byte every `every` seconds (a hostile or broken proxy)."""

    def __init__(self, every: float):
        self.every = every

    async def __aiter__(self):
        for b in b"[" + b" " * 10_000:
            await asyncio.sleep(self.every)
            yield bytes([b])


def test_a_trickling_server_cannot_hold_the_sync_beyond_its_deadline(env):
    async def go():
        srv, transport, db_path = env
        statements = device_statements(60)
        svc = await enrolled(env, statements, deadline=1.5)

        async def trickle(request, inner):
            if request.method == "POST" and request.url.path.endswith("/statements"):
                await inner.handle_async_request(request)  # stored; the answer never completes
                return httpx.Response(200, stream=Trickle(0.2))
            return await inner.handle_async_request(request)

        transport.hook = trickle
        started = time.monotonic()
        st = await svc.sync_now()
        took = time.monotonic() - started
        assert took < 10, f"sync_now took {took:.1f} s"
        assert st.problem.code == "timeout"
        assert not svc._lock.locked()
        assert {r[0] for r in device_rows(db_path).values()} == {"pending"}  # nothing left 'sending'
        transport.hook = None
        st = await svc.sync_now(force=True)
        assert st.sent == 60
        held = stored_ids(srv.db_path)
        assert sorted(held) == sorted(s["id"] for s in statements)  # resent without duplicates
        await svc.close()

    run(go())
