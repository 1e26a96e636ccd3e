"""The enrolment sheet and the Arabic dashboard in a real browser.

- The sheet, made on a cohort's page, renders at print size (A4, cards of 95 x 68 mm) and each
  QR code, as Chromium draws it, decodes (zxing-cpp) to the link printed beside it.
- The dashboard in Arabic at 412 and 1280 px: dates read 03/12/2026 left to right wherever they
  stand (measured from the glyph positions Chromium laid out, in HTML and in the SVG chart).
Screenshots go to tests/browser/artifacts/.
"""

from __future__ import annotations

import io
import re

import pytest

from tests.browser.conftest import LAPTOP, PHONE, shot
from tests.browser.test_dashboard_browser import server, sign_in  # noqa: F401  (fixture)
from tests.unit.dashboard_support import L1

pytestmark = pytest.mark.browser

MM = 96 / 25.4  # CSS pixels per millimetre
DATE = re.compile(r"\d\d/\d\d/\d{4}")


def decode_qr(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    image = image.resize((image.width * 2, image.height * 2), Image.NEAREST)
    return [r.text for r in zxingcpp.read_barcodes(image)]


def test_enrolment_sheet_prints_and_its_qr_codes_decode_to_the_links(server, new_page):  # noqa: F811
    page = new_page(LAPTOP, locale="en-GB")
    sign_in(page, server)
    page.get_by_role("link", name="Inspectors north").click()
    page.fill("section[aria-labelledby=sheet] input[name=copies]", "10")
    with page.context.expect_page() as opened:
        page.click("section[aria-labelledby=sheet] button[type=submit]")
    sheet = opened.value
    sheet.wait_for_load_state()
    assert sheet.title().startswith("Enrolment sheet: Inspectors north")
    cards = sheet.locator("section.card")
    assert cards.count() == 10
    shot(sheet, "enrolment-sheet-screen")

    sheet.emulate_media(media="print")
    sheet.set_viewport_size({"width": round(210 * MM), "height": round(297 * MM)})
    assert sheet.locator(".screen-only").is_hidden()
    sizes = sheet.eval_on_selector_all("section.card", "els => els.map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])")
    for w, h in sizes:
        assert abs(w - 95 * MM) < 1.5 and abs(h - 68 * MM) < 1.5, (w, h)
    qr = sheet.locator("section.card .qr svg").first.bounding_box()
    assert abs(qr["width"] - 34 * MM) < 1.5 and abs(qr["height"] - 34 * MM) < 1.5
    # Nothing on a card spills over its cut lines (the code in large type included).
    assert sheet.evaluate("""() => [...document.querySelectorAll('section.card')].every(c =>
        [...c.querySelectorAll('*')].every(e => { const r = e.getBoundingClientRect(), b = c.getBoundingClientRect();
          return r.left >= b.left - 0.5 && r.right <= b.right + 0.5 && r.bottom <= b.bottom + 0.5; }))""")
    # Two columns, four rows: eight cards on the first A4 page (190 x 277 mm inside the margins).
    first = sheet.locator("main.sheet").first.bounding_box()
    assert first["width"] <= 190 * MM + 1 and first["height"] <= 277 * MM
    shot(sheet, "enrolment-sheet-print")

    for i in range(cards.count()):
        card = cards.nth(i)
        link = card.get_attribute("data-link")
        code = card.locator(".code").inner_text()
        assert link.endswith("code=" + code) and link.startswith("waymark://enrol?server=")
        assert decode_qr(card.locator(".qr svg").screenshot()) == [link]
    # Printing to PDF works (what "Print" on the laptop does), one A4 page per eight cards.
    pdf = sheet.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 2


def _glyph_xs_html(page, selector: str) -> list[tuple[str, list[float]]]:
    """For each date inside `selector`, the left edge of each of its characters as laid out."""
    return page.evaluate(
        """(sel) => {
          const out = [];
          for (const root of document.querySelectorAll(sel)) {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
              const re = /\\d\\d\\/\\d\\d\\/\\d{4}/g;
              let m;
              while ((m = re.exec(node.data))) {
                const xs = [];
                for (let i = m.index; i < m.index + m[0].length; i++) {
                  const r = document.createRange();
                  r.setStart(node, i); r.setEnd(node, i + 1);
                  xs.push(r.getBoundingClientRect().left);
                }
                out.push([m[0], xs]);
              }
            }
          }
          return out;
        }""",
        selector,
    )


def _glyph_xs_svg(page) -> list[tuple[str, list[float]]]:
    return page.evaluate(
        """() => {
          const out = [];
          for (const t of document.querySelectorAll('svg.chart text')) {
            const s = t.textContent; const m = /\\d\\d\\/\\d\\d\\/\\d{4}/.exec(s);
            if (!m) continue;
            const xs = [];
            for (let i = m.index; i < m.index + m[0].length; i++) xs.push(t.getStartPositionOfChar(i).x);
            out.push([m[0], xs]);
          }
          return out;
        }"""
    )


def assert_left_to_right(found: list, where: str) -> None:
    assert found, f"no date found in {where}"
    for text, xs in found:
        assert all(b > a for a, b in zip(xs, xs[1:])), (where, text, xs)  # day, month, year from left to right


@pytest.mark.parametrize("viewport, name", [(PHONE, "phone"), (LAPTOP, "laptop")])
def test_arabic_dashboard_dates_read_in_order(server, new_page, viewport, name):  # noqa: F811
    page = new_page(viewport, locale="ar")
    sign_in(page, server)
    assert page.get_attribute("html", "dir") == "rtl"
    assert_left_to_right(_glyph_xs_svg(page), "overview chart axis")
    assert_left_to_right(_glyph_xs_html(page, "main table"), "overview table")
    shot(page, f"dashboard-overview-{name}-ar")

    page.goto(server + "/dashboard/completion")
    assert page.locator("td.cell.failed").count() >= 1  # "لم ينجح" with ✘, best score and attempts
    assert_left_to_right(_glyph_xs_html(page, "table.matrix"), "completion matrix")
    if name == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, f"dashboard-completion-{name}-ar")

    page.goto(server + "/dashboard/learner?key=" + "account%3Ahttps%3A%2F%2Fwaymark.invalid%2Flearners%7C" + L1)
    assert page.locator("article.attempt").count() == 3
    assert_left_to_right(_glyph_xs_html(page, "article.attempt p"), "attempt lines")
    # Each attempt line: the date comes before the time in reading order: on one line the date
    # stands to the right of the time (right to left); wrapped, the date's line comes first.
    pairs = page.evaluate("""() => [...document.querySelectorAll('article.attempt p')].map(p => {
        const w = document.createTreeWalker(p, NodeFilter.SHOW_TEXT); let n;
        while ((n = w.nextNode())) { const i = n.data.search(/\\d\\d\\/\\d\\d\\/\\d{4}/), j = n.data.search(/\\d\\d:\\d\\d/);
          if (i >= 0 && j >= 0) { const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 10);
            const q = document.createRange(); q.setStart(n, j); q.setEnd(n, j + 5);
            const a = r.getBoundingClientRect(), b = q.getBoundingClientRect();
            return [a.left, a.top, b.right, b.top]; } } return null; })""")
    assert pairs and all(pairs), pairs
    for date_left, date_top, time_right, time_top in pairs:
        assert (abs(date_top - time_top) < 2 and date_left >= time_right) or date_top < time_top - 2, pairs
    shot(page, f"dashboard-learner-{name}-ar")
