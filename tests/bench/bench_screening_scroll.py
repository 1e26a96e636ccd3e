"""How long is a whole adult labour screening on a phone (412x915)? Prints, per part, how far
the answering screen scrolls, and the total content height in screen heights.

    python tests/bench/bench_screening_scroll.py                 # this checkout
    python tests/bench/bench_screening_scroll.py --repo /path    # another checkout (e.g. main)

Drives Debian's Chromium headless (tests/browser/). English UI, English interviewee, nothing
answered (answering does not change the layout's height).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(HERE))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, open_app, start_app  # noqa: E402
from tests.browser.scrolling import scroll_extent  # noqa: E402

BODY = PHONE["height"] - 56 - 72  # the scrolling body between the app bar and the danger bar


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", default=str(HERE))
    args = ap.parse_args()
    os.environ["PYTHONPATH"] = args.repo
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_app(Path(tmp))
        try:
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                page = b.new_context(viewport=PHONE, locale="en-GB").new_page()
                open_app(page, url + "screening")
                for label in ("New PIN (6 to 12 digits)", "Repeat the PIN"):
                    page.get_by_label(label).first.click()
                    page.wait_for_timeout(500)
                    page.keyboard.type("246810", delay=30)
                page.get_by_role("button", name="Set PIN").click()
                page.get_by_role("button", name="New screening").click(timeout=60_000)
                title = "Trafficking indicators (ILO/EC 2009)"
                page.get_by_role("radio", name=title).or_(page.locator(f'flt-semantics[aria-label="{title}"]')).first.click(timeout=60_000)
                page.get_by_role("radio", name="Adult, labour exploitation").click()
                page.get_by_role("button", name="Continue to the introduction").click()
                agree = page.get_by_role("button", name="The person agrees to continue")
                agree.wait_for(state="attached", timeout=30_000)
                scroll_extent(page)
                agree.click()
                total = 0
                parts = 0
                for n in range(1, 7):
                    page.get_by_text(re.compile(rf"Part {n} of 6")).first.wait_for(timeout=30_000)
                    page.wait_for_timeout(1200)
                    extent = scroll_extent(page)
                    parts += 1
                    total += extent + BODY
                    print(f"part {n}: scrolls {extent} px, content {(extent + BODY) / PHONE['height']:.1f} screen heights")
                    if n < 6:
                        nxt = page.get_by_role("button", name="Next part")
                        nxt.last.click()
                        page.wait_for_timeout(800)
                print(f"whole adult labour screening: {total} px = {total / PHONE['height']:.1f} screen heights at 412x915")
                b.close()
        finally:
            proc.terminate()


if __name__ == "__main__":
    main()
