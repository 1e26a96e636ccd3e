"""Client drain: 10,000 queued statements sent by the sync service to `trainer serve` on loopback.

Prints the total time of one "Sync now" (probe, 20 batches of 500 gzip POSTs, acknowledgement,
status report) and the client's peak memory: Python allocations during the drain
(tracemalloc, measured in a second run because tracing slows Python down) and the process's
peak resident size.

    python tests/bench/bench_client_drain.py [--statements 10000] [--batch 500]
"""

from __future__ import annotations

import argparse
import shutil
import asyncio
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_server_ingest import free_port, start_server  # noqa: E402
from tests.sync_factory import device_statements, outbox_rows  # noqa: E402


def make_device(path: Path, statements: list[dict]) -> None:
    from trainer.core.storage import open_db

    db = open_db(path)
    db["outbox"].insert_all(outbox_rows(statements), batch_size=1000)
    db.conn.close()


async def drain(db_path: Path, url: str, code: str, batch: int) -> tuple[float, object]:
    from trainer.sync.service import SyncService
    from trainer.sync.settings import SyncSettings
    from trainer.core.storage import open_db

    svc = SyncService(db_path)
    await svc.enrol(url, code)
    d = open_db(db_path)
    SyncSettings(d).set_batch_size(batch)
    d.conn.close()
    t0 = time.perf_counter()
    status = await svc.sync_now()
    elapsed = time.perf_counter() - t0
    await svc.close()
    return elapsed, status


def new_code(server_db: Path) -> str:
    from trainer.server.db import open_server_db
    from trainer.server.enrolment import create_code, create_cohort

    db = open_server_db(server_db)
    code, _ = create_code(db, create_cohort(db, "bench")["id"])
    db.conn.close()
    return code


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--statements", type=int, default=10_000)
    p.add_argument("--batch", type=int, default=500)
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="waymark-drain-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_server(tmp / "server.db", port, 1)
    try:
        results = []
        for run, traced in enumerate((False, True)):
            statements = device_statements(args.statements, seed=run + 1)
            db_path = tmp / f"device{run}.db"
            make_device(db_path, statements)
            del statements
            if traced:
                tracemalloc.start()
            elapsed, status = asyncio.run(drain(db_path, url, new_code(tmp / "server.db"), args.batch))
            peak = tracemalloc.get_traced_memory()[1] if traced else None
            if traced:
                tracemalloc.stop()
            assert status.sent == args.statements and status.waiting == 0, status
            results.append((elapsed, peak))
        elapsed, _ = results[0]
        _, peak = results[1]
        n = args.statements
        print(f"\nclient drain: {n:,} queued statements, batches of {args.batch}, to trainer serve on loopback")
        print(f"  total time         {elapsed:7.2f} s   ({n / elapsed:,.0f} statements/s, {elapsed / (n / args.batch) * 1000:.0f} ms per batch)")
        print(f"  peak Python memory {peak / 1e6:7.1f} MB  (tracemalloc, during the drain)")
        print(f"  peak resident size {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.1f} MB  (whole bench process)")
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
