"""Start-up: Waymark versus a minimal Flet hello-world, measured in the same run.

1. Process start -> first view built (in-process Flet session, no browser).
2. Process start -> first HTTP 200 in web mode (`trainer app` vs hello-world `ft.run`).
Prints medians over several runs and the ratio Waymark / hello-world (target <= 1.5).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.getenv("BENCH_RUNS", "5"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_view(kind: str, data_dir: str | None = None) -> float:
    """Process start -> first view built. A fresh data dir is a first launch (no curricula
    cache, new database); passing the same dir again measures a later launch."""
    with tempfile.TemporaryDirectory() as fresh:
        d = data_dir or fresh
        t0 = time.time()
        out = subprocess.run([sys.executable, str(ROOT / "tests/bench/_startup_child.py"), kind, d], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        built = float(next(l for l in out.splitlines() if l.startswith("BUILT")).split()[1])
        return built - t0


def time_http(cmd: list[str], port: int) -> float:
    url = f"http://127.0.0.1:{port}/"
    t0 = time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    if r.status == 200:
                        return time.time() - t0
            except Exception:
                if proc.poll() is not None:
                    raise RuntimeError(f"{cmd} exited with {proc.returncode}")
                time.sleep(0.01)
            if time.time() - t0 > 60:
                raise RuntimeError("no answer in 60 s")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    results: dict[str, list[float]] = {k: [] for k in ("view-waymark", "view-waymark-later", "view-hello", "http-waymark", "http-hello")}
    warm = tempfile.mkdtemp()
    time_view("waymark", warm)  # first launch fills the curricula cache and creates the database
    for _ in range(RUNS):  # interleaved so that machine noise hits both alike
        results["view-waymark"].append(time_view("waymark"))
        results["view-waymark-later"].append(time_view("waymark", warm))
        results["view-hello"].append(time_view("hello"))
        with tempfile.TemporaryDirectory() as d:
            p = free_port()
            results["http-waymark"].append(time_http([sys.executable, "-m", "trainer", "app", "--port", str(p), "--no-browser", "--data-dir", d], p))
        p = free_port()
        results["http-hello"].append(time_http([sys.executable, str(ROOT / "tests/bench/_hello_web.py"), str(p)], p))
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"start-up over {RUNS} runs (median seconds)")
    print(f"  process start -> first view built, first launch : waymark {med['view-waymark']:.3f}  hello-world {med['view-hello']:.3f}  ratio {med['view-waymark'] / med['view-hello']:.2f}")
    print(f"  process start -> first view built, later launch : waymark {med['view-waymark-later']:.3f}  hello-world {med['view-hello']:.3f}  ratio {med['view-waymark-later'] / med['view-hello']:.2f}")
    print(f"  process start -> first HTTP 200 (web mode)      : waymark {med['http-waymark']:.3f}  hello-world {med['http-hello']:.3f}  ratio {med['http-waymark'] / med['http-hello']:.2f}")
    print("  target: ratio <= 1.5")


if __name__ == "__main__":
    main()
