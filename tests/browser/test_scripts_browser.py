"""Every script the interviewee languages need is drawn offline on a phone: Bengali, Devanagari
(Nepali), Ethiopic (Tigrinya), Arabic script (Urdu, Persian), Cyrillic (Ukrainian) and
Vietnamese. The web engine's fallback-font requests are answered with the bundled fonts; no
request fails, nothing leaves the machine, and every letter of the sample text is in a font the
page really loaded (Roboto or a bundled fallback), so none is drawn as an empty box."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.core.curricula import load_curricula
from trainer.core.i18n import language_name

from .conftest import PHONE, click_settled, free_port, open_app, shot, wait_http

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curricula_scripts"
ROOT = Path(__file__).resolve().parents[2]
LANGS = ["bn", "ne", "ti", "ur", "fa", "uk", "vi"]
# Engine request folder -> the script it must draw (see trainer/assets/fonts/README.md).
FALLBACKS = {"notosansbengali": "Bengali", "notosans": "Devanagari", "notosansethiopic": "Ethiopic", "notosansarabic": "Arabic"}


@pytest.fixture
def scripts_app_url(tmp_path):
    """The app serving the script-sampler curriculum (one module, one sentence per script)."""
    port = free_port()
    code = (
        "import uvicorn; from trainer.ui.serve import asgi_app; "
        f"uvicorn.run(asgi_app(data_dir={str(tmp_path)!r}, curricula_dir={str(FIXTURE)!r}), host='127.0.0.1', port={port}, log_level='warning')"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.getenv("PYTHONPATH")) if p)}
    with open(tmp_path / "server.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_http(url)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def cmap_of(body: bytes) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(io.BytesIO(body)).getBestCmap())


def test_every_script_renders_offline_on_phone(scripts_app_url, new_page):
    module = load_curricula(str(FIXTURE)).module("scripts")
    text, _ = module.text("en")
    samples = [line.split(": ", 1)[1] for line in text.sections[0].markdown.splitlines() if ": " in line]
    assert len(samples) == len(LANGS), samples

    page = new_page(viewport=PHONE)
    fonts: dict[str, bytes] = {}  # font URL path -> body, every font the page loaded
    warnings: list[str] = []
    page.on("response", lambda r: fonts.setdefault(r.url.split("/", 3)[3], r.body()) if r.ok and r.url.endswith((".ttf", ".otf", ".woff2")) else None)
    page.on("console", lambda m: warnings.append(m.text) if "Noto" in m.text or "font" in m.text.lower() else None)

    open_app(page, scripts_app_url)
    click_settled(page, page.get_by_role("button", name=text.title))
    page.get_by_text(text.sections[0].title).wait_for()
    for sample in samples:
        page.get_by_text(sample, exact=False).first.wait_for()
    # The engine asks for each missing script's font once it lays the text out.
    for _ in range(100):
        if all(any(p.startswith(f"assets/fonts/{folder}/") for p in fonts) for folder in FALLBACKS):
            break
        page.wait_for_timeout(100)
    requested = {p.split("/")[2] for p in fonts if p.startswith("assets/fonts/") and p.count("/") > 2}
    assert set(FALLBACKS) <= requested, f"fallback fonts not requested: {set(FALLBACKS) - requested}"
    shot(page, "scripts-reader-phone", settle_ms=1500)

    # No tofu: every letter is in Roboto (Latin, Cyrillic, Vietnamese) or in a fallback font
    # the server gave the engine for it.
    covered: set[int] = set()
    for body in fonts.values():
        try:
            covered |= cmap_of(body)
        except Exception:  # icon and maths fonts the page also loads
            continue
    assert "assets/fonts/roboto.woff2" in fonts
    missing = sorted({c for s in samples for c in s if not c.isspace() and ord(c) not in covered})
    assert not missing, f"no loaded font has: {missing}"
    assert not [w for w in warnings if "Could not find" in w or "failed to fetch" in w.lower()], warnings

    # Settings lists each content language by its own name, in its own script.
    page.go_back()
    click_settled(page, page.get_by_role("button", name="Settings"))
    for lang in LANGS:
        page.get_by_role("radio", name=language_name(lang)).first.wait_for()
    shot(page, "scripts-settings-phone", settle_ms=1500)
    # With Bengali chosen for the content, home lists the module by its Bengali title.
    page.get_by_role("radio", name=language_name("bn")).first.click()
    page.go_back()
    bn, _ = module.text("bn")
    page.get_by_role("button", name=bn.title).first.wait_for()
    shot(page, "scripts-home-bengali-phone", settle_ms=1500)
