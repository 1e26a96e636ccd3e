"""Loading and validating the curricula: the bundled set, then 10x and 100x synthetic modules.

Synthetic modules are copies of the bundled ones under new ids (same text, quizzes and
translations), so the figures show how loading grows with the size of a curriculum.
Target: the bundled set in at most 100 ms on the reference machine (2 cores).

Then the app's cold load of the bundled set (trainer/core/curricula/cache.py), each in a fresh
Python process so nothing is warm in memory: the clock starts just before
`import trainer.core.curricula.cache` and stops when `load_with_cache` has returned the
curriculum, so it includes every import the load needs, fingerprinting the sources (SHA-256
of their contents) and reading the compiled, hash-checked file. "cached" is every launch
after the first (target: at most 100 ms); "first launch" has no compiled file yet (it parses,
validates and compiles). Wall and CPU time (time.process_time, less sensitive to other work on
a shared machine) are both printed, as medians over COLD_RUNS processes.

    python tests/bench/bench_curricula.py [--cold-only]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from trainer.core.curricula.loader import check_curricula, default_curricula_dir

RUNS = 7
COLD_RUNS = int(os.getenv("BENCH_RUNS", "9"))
ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import json, sys, time
w0, c0 = time.perf_counter(), time.process_time()
from trainer.core.curricula.cache import load_with_cache
curriculum, errors = load_with_cache(None, sys.argv[1])
w1, c1 = time.perf_counter(), time.process_time()
assert curriculum is not None and not errors and curriculum.modules
print(json.dumps({"wall": w1 - w0, "cpu": c1 - c0, "parsers": "markdown" in sys.modules or "tomllib" in sys.modules}))
"""


def cold(cache_dir: str) -> dict:
    # Bytecode is cached as in any installed package or `flet build` (this machine's shell
    # sets PYTHONDONTWRITEBYTECODE, which would recompile every module in every process).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run([sys.executable, "-c", CHILD, cache_dir], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def cold_load() -> None:
    first, cached = [], []
    with tempfile.TemporaryDirectory() as d:  # writes the bytecode caches; not counted
        cold(d)
    for _ in range(COLD_RUNS):  # interleaved, so that machine noise hits both alike
        with tempfile.TemporaryDirectory() as d:
            first.append(cold(d))
            cached.append(cold(d))
    med = lambda rows, k: statistics.median(r[k] for r in rows) * 1000  # noqa: E731
    print(f"curricula cold load in a fresh process, bundled set (median of {COLD_RUNS} processes)")
    print(f"  cached (every launch after the first): wall {med(cached, 'wall'):.1f} ms, cpu {med(cached, 'cpu'):.1f} ms"
          f"  (target <= 100 ms; parsers imported: {any(r['parsers'] for r in cached)})")
    print(f"  first launch (parse, validate, compile): wall {med(first, 'wall'):.1f} ms, cpu {med(first, 'cpu'):.1f} ms")
    each = ", ".join(f"{r['wall'] * 1000:.0f}" for r in cached)
    print(f"  wall, each cached run (ms): {each}")


def timed(root: Path) -> tuple[float, int, int]:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        curriculum, errors = check_curricula(root)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(curriculum.modules), len(errors)


def synthetic(src: Path, factor: int, dest: Path) -> Path:
    """A curricula folder with `factor` copies of every bundled module (ids renamed)."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("modules"))
    (dest / "modules").mkdir()
    order = 0
    for copy in range(factor):
        for mod in sorted((src / "modules").iterdir()):
            if not mod.is_dir():
                continue
            order += 1
            new_id = f"{mod.name}-{copy}"
            target = dest / "modules" / new_id
            shutil.copytree(mod, target)
            meta = target / "module.toml"
            text = meta.read_text(encoding="utf-8")
            text = re.sub(r'^id = ".*"$', f'id = "{new_id}"', text, flags=re.M)
            text = re.sub(r"^order = \d+$", f"order = {order}", text, flags=re.M)
            meta.write_text(text, encoding="utf-8")
            for md in target.glob("*.md"):  # links to other modules point at copy 0's twins
                body = md.read_text(encoding="utf-8")
                body = re.sub(r"\]\(([a-z0-9-]+)#", lambda m: f"]({m.group(1)}-{copy}#", body)
                md.write_text(body, encoding="utf-8")
    return dest


def main() -> None:
    cold_load()
    if "--cold-only" in sys.argv:
        return
    src = default_curricula_dir()
    base, n, errors = timed(src)
    files = sum(1 for _ in (src / "modules").rglob("*") if _.is_file())
    print(f"curricula load + validate (median of {RUNS})")
    print(f"  bundled: {n} modules, {files} files, {errors} errors: {base * 1000:.1f} ms  (target <= 100 ms)")
    for factor in (10, 100):
        with tempfile.TemporaryDirectory() as d:
            root = synthetic(src, factor, Path(d) / "c")
            t, n, errors = timed(root) if factor == 10 else (lambda r: (r[0], r[1], r[2]))(timed_once(root))
            print(f"  {factor:>3}x: {n} modules, {errors} errors: {t * 1000:.1f} ms  ({t / base:.1f}x the bundled time)")


def timed_once(root: Path) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    curriculum, errors = check_curricula(root)
    return time.perf_counter() - t0, len(curriculum.modules), len(errors)


if __name__ == "__main__":
    main()
