"""Server ingest: 100,000 quiz statements in gzip POSTs of 500 to `trainer serve` on loopback.

Prints statements per second (target: at least 10,000/s) and where the server's time went,
from its Server-Timing header: JSON parsing, validation, SQLite (one transaction per batch,
synchronous=FULL so an acknowledged batch survives a power cut); the rest is HTTP, gzip,
authentication and the framework.

    python tests/bench/bench_server_ingest.py [--statements 100000] [--batch 500]
"""

from __future__ import annotations

import argparse
import shutil
import gzip
import json
import os
import threading
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.sync_factory import device_statements  # noqa: E402


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "trainer.server", "serve", "--db", str(db), "--port", str(port), "--log-level", "warning",
         "--workers", str(workers)],
        cwd=ROOT,
    )
    for _ in range(400):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/xapi/about", timeout=0.5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("server did not start")


def enrol(db: Path, url: str) -> tuple[str, str]:
    from trainer.server.db import open_server_db
    from trainer.server.enrolment import create_code, create_cohort

    sdb = open_server_db(db)
    code, _ = create_code(sdb, create_cohort(sdb, "bench")["id"])
    sdb.conn.close()
    r = httpx.post(url + "/api/enrol", json={"code": code})
    r.raise_for_status()
    return r.json()["key"], r.json()["secret"]


def server_cpu(pid: int) -> float:
    """User + system CPU seconds of the server and its worker processes (Linux /proc)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def timing(header: str) -> dict[str, float]:
    out = {}
    for part in header.split(","):
        name, _, dur = part.strip().partition(";dur=")
        out[name] = float(dur) / 1000
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--statements", type=int, default=100_000)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--devices", type=int, default=1, help="devices posting at the same time")
    p.add_argument("--workers", type=int, default=1, help="server processes")
    args = p.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="waymark-bench-"))
    db = tmp / "server.db"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    print(f"generating {args.statements:,} statements...", flush=True)
    statements = device_statements(args.statements, learners=max(1, args.statements // 2000))
    bodies = [
        gzip.compress(json.dumps(statements[i : i + args.batch], ensure_ascii=False, separators=(",", ":")).encode(), 6)
        for i in range(0, len(statements), args.batch)
    ]
    raw_bytes = sum(len(json.dumps(s, separators=(",", ":")).encode()) for s in statements)
    del statements
    proc = start_server(db, port, args.workers)
    try:
        key, secret = enrol(db, url)
        headers = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json", "Content-Encoding": "gzip"}
        totals = {"parse": 0.0, "validate": 0.0, "db": 0.0}
        lock = threading.Lock()

        def device(my_bodies: list[bytes]) -> None:
            with httpx.Client(base_url=url, auth=(key, secret), headers=headers, timeout=120) as client:
                for body in my_bodies:
                    r = client.post("/xapi/statements", content=body)
                    if r.status_code != 200:
                        raise SystemExit(f"POST failed: {r.status_code} {r.text[:300]}")
                    with lock:
                        for k, v in timing(r.headers["server-timing"]).items():
                            totals[k] += v

        httpx.get(url + "/xapi/about")
        cpu0 = server_cpu(proc.pid)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.devices) as pool:
            list(pool.map(device, [bodies[i :: args.devices] for i in range(args.devices)]))
        wall = time.perf_counter() - t0
        cpu = server_cpu(proc.pid) - cpu0
        n = args.statements
        with closing(__import__("sqlite3").connect(db)) as c:
            held = c.execute("SELECT COUNT(*) FROM statement").fetchone()[0]
        assert held == n, (held, n)
        print(f"\nserver ingest: {n:,} statements in {len(bodies)} gzip POSTs of {args.batch}, {args.devices} devices at once")
        print(f"  wall time          {wall:8.2f} s")
        print(f"  throughput         {n / wall:8,.0f} statements/s   (target >= 10,000)")
        print(f"  per statement      {wall / n * 1e6:8.1f} us  ({raw_bytes / n:,.0f} bytes of JSON each)")
        print(f"  server CPU time    {cpu:8.2f} s  ({n / cpu:,.0f} statements per CPU-second)")
        busy = sum(totals.values())
        print("  share of the server's time per request (Server-Timing):")
        for name, label in (("parse", "JSON parsing"), ("validate", "validation + indexing"), ("db", "SQLite writes (+ dashboard summaries)")):
            print(f"    {label:40s} {totals[name] / busy:6.1%}   {totals[name] / n * 1e6:6.1f} us/statement")
        print(f"  database size      {db.stat().st_size / 1e6:8.1f} MB")
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
