"""Real-browser fixtures: the app served by `trainer` on a free port, driven in Debian's Chromium.

Nothing may leave the machine: every request to a non-loopback address is aborted and
recorded, and the test fails if there was any.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = os.getenv("WAYMARK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"width": 412, "height": 915}
LAPTOP = {"width": 1280, "height": 800}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s: {last}")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install Debian's browser with "
            "`apt-get install -y chromium` (that is what .ci/run does), or point WAYMARK_CHROMIUM at it.",
            pytrace=False,
        )
    return CHROMIUM


def start_app(data_dir: Path, extra_env: dict | None = None, args: list[str] | None = None):
    port = free_port()
    env = {**os.environ, "WAYMARK_LOG_LEVEL": "warning", **(extra_env or {})}
    log = open(data_dir / "server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "trainer", "app", "--port", str(port), "--no-browser", "--data-dir", str(data_dir), *(args or [])],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_http(url)
    except Exception:
        proc.kill()
        raise
    return proc, url


@pytest.fixture
def app_url(tmp_path):
    """A fresh app (fresh device database) for each test."""
    proc, url = start_app(tmp_path)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser(chromium_path):
    """One Chromium per test module. Playwright's sync API keeps an asyncio loop running while
    it is open, so it must be closed before tests that call asyncio.run() (tests/conftest.py
    also runs the browser tests last)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Offline:
    """Aborts and records every request that would leave the machine."""

    def __init__(self):
        self.blocked: list[str] = []

    def __call__(self, route):
        host = urlparse(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost", "::1") or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()


@pytest.fixture
def new_page(browser):
    """Factory: a page of the given size, with the offline guard; checked at teardown."""
    contexts = []
    guards = []

    missing_fonts: list[str] = []

    def make(viewport=PHONE, locale="en-GB"):
        ctx = browser.new_context(viewport=viewport, locale=locale)
        guard = Offline()
        ctx.route("**/*", guard)
        # A missing font means boxes instead of letters (e.g. Arabic): never acceptable.
        ctx.on("response", lambda r: missing_fonts.append(f"{r.status} {r.url}") if "/fonts/" in r.url and r.status >= 400 else None)
        contexts.append(ctx)
        guards.append(guard)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()
    blocked = [u for g in guards for u in g.blocked]
    assert not blocked, f"the app tried to reach the internet: {blocked}"
    assert not missing_fonts, f"fonts the page could not load: {missing_fonts}"


def open_app(page, url: str, timeout: float = 60_000) -> None:
    """Load the Flutter app and switch on its accessibility tree."""
    page.goto(url)
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=timeout)
    page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
    page.wait_for_selector("flt-semantics", state="attached", timeout=timeout)


def shot(page, name: str, settle_ms: int = 900) -> Path:
    """Save a screenshot once page transitions (about 300 ms in Flutter) have finished."""
    page.wait_for_timeout(settle_ms)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def click_settled(page, locator, timeout_ms: int = 30_000) -> None:
    """Click once a page transition has finished.

    While Flutter animates from one screen to the next, both screens are in the
    accessibility tree, so a button such as "Next" matches twice; clicking the old screen's
    copy would repeat the previous step. Wait until exactly one match is left.
    """
    waited = 0
    while locator.count() != 1 and waited < timeout_ms:
        page.wait_for_timeout(100)
        waited += 100
    (locator.last if locator.count() > 1 else locator.first).click(timeout=timeout_ms)


def type_into(page, label: str, text: str) -> None:
    """Type into a Flutter text field (see test_quiz_browser for why it is checked)."""
    focused = "document.activeElement && document.activeElement.tagName === 'INPUT'"
    value = "document.activeElement ? document.activeElement.value : null"
    for _ in range(4):
        page.get_by_label(label).first.click(timeout=30_000)
        page.wait_for_function(focused, timeout=30_000)
        page.wait_for_timeout(300)
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        page.keyboard.type(text, delay=30)
        if page.evaluate(value) == text:
            return
    raise AssertionError(f"could not type into {label!r}")
