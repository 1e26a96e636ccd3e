"""Start-up: Waymark versus a minimal Flet hello-world, measured in the same run.

1. Process start -> first view built (in-process Flet session, no browser).
2. Process start -> first HTTP 200 in web mode (`trainer app` vs hello-world `ft.run`).
3. Process start -> home screen rendered in Chromium (the figure the target is about): the
   clock starts when the server process is spawned (`trainer app` on a data folder that has
   been launched once, so its database and compiled curricula exist, as on every launch after
   the first; and on a fresh folder, a first launch), the page is opened in a fresh browser
   context (empty cache) as soon as the server answers, Flutter's accessibility tree is
   switched on, and the clock stops when the home screen's heading ("Training modules"; for
   the hello-world its "Hello, world!") is in the rendered tree. The browser itself is started
   once, before any run. Runs alternate between the two apps so that machine noise hits both.
Prints medians over BENCH_RUNS runs (default 5) and the ratios Waymark / hello-world
(target <= 1.2 for the Chromium figure). Bytecode is cached as in an installed package
(this machine's shell sets PYTHONDONTWRITEBYTECODE; the children run without it).

    python tests/bench/bench_startup.py [--chromium-only]
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
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CHROMIUM = os.getenv("WAYMARK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


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
        out = subprocess.run([sys.executable, str(ROOT / "tests/bench/_startup_child.py"), kind, d], cwd=ROOT, env=CHILD_ENV, capture_output=True, text=True, check=True).stdout
        built = float(next(l for l in out.splitlines() if l.startswith("BUILT")).split()[1])
        return built - t0


def time_http(cmd: list[str], port: int) -> float:
    url = f"http://127.0.0.1:{port}/"
    t0 = time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=CHILD_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_rendered(browser, cmd: list[str], port: int, text: str) -> tuple[float, float, float]:
    """Spawn the server; open it in a fresh context once it answers; wait for `text` rendered.
    Returns (seconds to first HTTP 200, seconds to the rendered text, both from the spawn, and
    the CPU seconds the server process used up to the render)."""
    url = f"http://127.0.0.1:{port}/"
    t0 = time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=CHILD_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx = None
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    if r.status == 200:
                        break
            except Exception:
                if proc.poll() is not None:
                    raise RuntimeError(f"{cmd} exited with {proc.returncode}")
                time.sleep(0.01)
            if time.time() - t0 > 120:
                raise RuntimeError("no answer in 120 s")
        http = time.time() - t0
        ctx = browser.new_context(viewport={"width": 412, "height": 915}, locale="en-GB")
        page = ctx.new_page()
        page.goto(url)
        page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=120_000)
        page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
        page.get_by_text(text, exact=True).first.wait_for(timeout=120_000)
        return http, time.time() - t0, cpu_seconds(proc.pid)
    finally:
        if ctx is not None:
            ctx.close()
        proc.terminate()
        proc.wait(timeout=10)


def chromium(runs: int) -> None:
    from playwright.sync_api import sync_playwright

    hello = lambda p: [sys.executable, str(ROOT / "tests/bench/_hello_web.py"), str(p)]  # noqa: E731
    waymark = lambda p, d: [sys.executable, "-m", "trainer", "app", "--port", str(p), "--no-browser", "--data-dir", d]  # noqa: E731
    rows: dict[str, list[tuple[float, float, float]]] = {"waymark": [], "waymark-first": [], "hello": []}
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as later:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            p = free_port()
            time_rendered(browser, waymark(p, later), p, "Training modules")  # the first launch of `later`; not counted
            p = free_port()
            time_rendered(browser, hello(p), p, "Hello, world!")  # warms the OS file cache alike; not counted
            for _ in range(runs):
                p = free_port()
                rows["hello"].append(time_rendered(browser, hello(p), p, "Hello, world!"))
                p = free_port()
                rows["waymark"].append(time_rendered(browser, waymark(p, later), p, "Training modules"))
                with tempfile.TemporaryDirectory() as fresh:
                    p = free_port()
                    rows["waymark-first"].append(time_rendered(browser, waymark(p, fresh), p, "Training modules"))
        finally:
            browser.close()
    med = {k: tuple(statistics.median(r[i] for r in v) for i in range(3)) for k, v in rows.items()}
    h, hc = med["hello"][1], med["hello"][2]
    print(f"process start -> home screen rendered in Chromium, median of {runs} (seconds; first HTTP 200 in brackets;")
    print("  server CPU = user+system CPU seconds the server process used from its start to the render,")
    print("  which a loaded machine disturbs far less than the wall clock)")
    print(f"  hello-world           : {h:.3f}  ({med['hello'][0]:.3f})   server CPU {hc:.2f}")
    for k, label in (("waymark", "waymark, later launch"), ("waymark-first", "waymark, first launch")):
        print(f"  {label:<22}: {med[k][1]:.3f}  ({med[k][0]:.3f})   ratio {med[k][1] / h:.2f}"
              f"{'   (target <= 1.2)' if k == 'waymark' else ''}   server CPU {med[k][2]:.2f} ({med[k][2] / hc:.2f}x)")
    for k, v in rows.items():
        print(f"    {k} each (wall / server CPU): {', '.join(f'{r[1]:.2f}/{r[2]:.2f}' for r in v)}")


def main() -> None:
    if "--chromium-only" in sys.argv:
        chromium(RUNS)
        return
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
    print("  (no target for these two; they locate the cost)")
    chromium(RUNS)


if __name__ == "__main__":
    main()
