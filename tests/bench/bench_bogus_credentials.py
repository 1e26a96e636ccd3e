"""Issue 14: what unknown device credentials cost the server, and what a flood of them does
to a real device.

Prints:
- server CPU per refused request with made-up credentials (target: at most 0.2 ms), measured
  on `trainer serve` in its own process (/proc CPU time over N requests), and the credential
  check alone (HMAC-SHA-256 under the server key) in-process;
- a real device's batch POST latency (median and 90th percentile), unloaded and while 64
  clients hammer the server with bogus credentials (target: within 2x).

    python tests/bench/bench_bogus_credentials.py [--requests 3000] [--batch 20] [--clients 64]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gzip
import json
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.bench.bench_server_ingest import enrol, free_port, server_cpu, start_server  # noqa: E402
from tests.sync_factory import device_statements  # noqa: E402

HEADERS = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json", "Content-Encoding": "gzip"}


def bogus_auth(i: int) -> dict:
    token = base64.b64encode(f"d-{uuid.uuid4().hex[:12]}:{'x' * 43}{i}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def _flood(url: str, clients: int, stop_at: float, counter) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(max_connections=clients)) as c:
        body = gzip.compress(b"[]")

        async def one(k: int) -> None:
            i = 0
            while time.monotonic() < stop_at:
                i += 1
                try:
                    await c.post("/xapi/statements", content=body, headers={**HEADERS, **bogus_auth(k * 1_000_000 + i)})
                except httpx.HTTPError:
                    await asyncio.sleep(0.01)
                with counter.get_lock():
                    counter.value += 1

        await asyncio.gather(*(one(k) for k in range(clients)))


def flood(url: str, clients: int, seconds: float, counter) -> None:
    asyncio.run(_flood(url, clients, time.monotonic() + seconds, counter))


def batch_latencies(url: str, key: str, secret: str, batches: list[bytes]) -> list[float]:
    out = []
    with httpx.Client(base_url=url, auth=(key, secret), headers=HEADERS, timeout=60) as c:
        c.get("/xapi/about")
        for body in batches:
            t0 = time.perf_counter()
            r = c.post("/xapi/statements", content=body)
            out.append(time.perf_counter() - t0)
            if r.status_code != 200:
                raise SystemExit(f"real device refused: {r.status_code} {r.text[:200]}")
    return out


def describe(xs: list[float]) -> str:
    xs = sorted(xs)
    return f"median {statistics.median(xs) * 1000:7.1f} ms   p90 {xs[int(len(xs) * 0.9)] * 1000:7.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=3000, help="bogus requests for the CPU figure")
    ap.add_argument("--batch", type=int, default=20, help="statements per real batch")
    ap.add_argument("--batches", type=int, default=40, help="real batches per measurement")
    ap.add_argument("--clients", type=int, default=64)
    args = ap.parse_args()

    # The credential check alone, in-process.
    from trainer.server.db import open_server_db
    from trainer.server.enrolment import Authenticator, AuthError

    tmp = Path(tempfile.mkdtemp(prefix="waymark-bench-"))
    try:
        db = open_server_db(tmp / "check.db")
        auth = Authenticator()
        n = 20_000
        t0 = time.process_time()
        for i in range(n):
            try:
                auth.check(db, f"d-unknown{i % 100}", "y" * 43)
            except AuthError:
                pass
        check_us = (time.process_time() - t0) / n * 1e6
        db.conn.close()

        dbp = tmp / "server.db"
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start_server(dbp, port, 1)
        try:
            key, secret = enrol(dbp, url)
            statements = device_statements(args.batch * args.batches * 2, learners=1)
            batches = [
                gzip.compress(json.dumps(statements[i : i + args.batch]).encode())
                for i in range(0, len(statements), args.batch)
            ]
            with httpx.Client(base_url=url, timeout=30) as c:
                body = gzip.compress(b"[]")
                for i in range(200):  # warm up
                    c.post("/xapi/statements", content=body, headers={**HEADERS, **bogus_auth(i)})
                cpu0 = server_cpu(proc.pid)
                for i in range(args.requests):
                    r = c.post("/xapi/statements", content=body, headers={**HEADERS, **bogus_auth(i)})
                    assert r.status_code == 401, r.status_code
                per_request_ms = (server_cpu(proc.pid) - cpu0) / args.requests * 1000

            unloaded = batch_latencies(url, key, secret, batches[: args.batches])
            counter = multiprocessing.Value("l", 0)
            flooder = multiprocessing.Process(target=flood, args=(url, args.clients, 3600, counter), daemon=True)
            flooder.start()
            time.sleep(2)
            c0, t0 = counter.value, time.monotonic()
            loaded = batch_latencies(url, key, secret, batches[args.batches :])
            rate = (counter.value - c0) / (time.monotonic() - t0)
            flooder.terminate()
            flooder.join(5)
        finally:
            proc.terminate()
            proc.wait(10)
        print("refusing unknown device credentials (HMAC-SHA-256 under the server key):")
        print(f"  credential check alone     {check_us:8.1f} us per check (in-process)")
        print(f"  server CPU per refused req {per_request_ms:8.3f} ms   (target <= 0.2 ms; whole request: HTTP, routing, check)")
        print(f"a real device's POST of {args.batch} statements ({args.batches} batches each):")
        print(f"  unloaded                   {describe(unloaded)}")
        print(f"  under {args.clients} bogus clients      {describe(loaded)}   ({rate:,.0f} bogus requests/s refused meanwhile)")
        ratio = statistics.median(loaded) / statistics.median(unloaded)
        print(f"  ratio of medians           {ratio:8.2f}x  (target <= 2x)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
