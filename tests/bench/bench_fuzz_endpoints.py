"""The long fuzz run of issue 14: hostile requests against every endpoint of the trainer
server (in-process), counting 5xx answers. Target: 0 in at least 20,000 cases.

Prints the cases tried, the 5xx found (with the first few requests that caused them) and how
the answers were spread over status codes.

    python tests/bench/bench_fuzz_endpoints.py [--cases 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from tests.fuzz_endpoints import Target, requests  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    statuses: collections.Counter = collections.Counter()
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        target = Target(Path(tmp))

        @seed(args.seed)
        @settings(max_examples=args.cases, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(req=requests())
        def run(req):
            status = target.send(req)
            statuses[status] += 1
            if status >= 500 and len(failures) < 5:
                failures.append(f"{req.method} {req.path} params={str(req.params)[:120]} body={str(req.body)[:160]}")

        started = time.perf_counter()
        run()
        took = time.perf_counter() - started
        target.close()
    tried = sum(statuses.values())
    fivexx = sum(n for s, n in statuses.items() if s >= 500)
    print(f"cases tried: {tried} in {took:.0f} s ({tried / took:.0f}/s)")
    print(f"5xx found: {fivexx}")
    for f in failures:
        print("  e.g.", f)
    print("answers:", ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))


if __name__ == "__main__":
    main()
