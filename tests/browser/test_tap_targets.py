"""Tap-target audit, on a phone (412x915), in English and in Arabic.

Walks every screen of the app (training home, reader, quiz, certificates, settings, sync, and
the checklist: PIN, list, new screening, consent, questions, private answers, result,
immediate danger, and their dialogs), scrolls each one from top to bottom, and reads
Flutter's accessibility tree: every interactive node (role button, checkbox, radio, switch,
link, tab, menu item, slider, or anything tappable) must be at least 48x48 CSS px, which is
48x48 dp at this device pixel ratio. A failure names the screen, the element's role and its
accessible label.

Screenshots of every screen land in tests/browser/artifacts/tap-<lang>-<screen>.png.
"""

from __future__ import annotations

import re

import pytest

from trainer.core.curricula import load_curricula
from trainer.core.i18n import Translator

from .conftest import PHONE, click_settled, open_app, shot, type_into

pytestmark = pytest.mark.browser

MIN = 48.0
TIMEOUT = 30_000
PIN = "246810"
TOLERANCE = 0.5  # sub-pixel rounding of the semantics rectangles

INTERACTIVE = ", ".join(
    [
        *(f'flt-semantics[role="{r}"]' for r in ("button", "checkbox", "radio", "switch", "link", "tab", "menuitem", "menuitemradio", "slider", "option")),
        "flt-semantics[flt-tappable]",
    ]
)

_COLLECT = """
(sel) => [...document.querySelectorAll(sel)].map(e => {
  const r = e.getBoundingClientRect();
  const label = (e.getAttribute('aria-label') || e.innerText || '').replace(/[\\u2066-\\u2069\\u200e\\u200f]/g, '').trim();
  return {role: e.getAttribute('role') || 'tappable', label: label.slice(0, 90), x: r.x, y: r.y, w: r.width, h: r.height};
})
"""


def interactive_nodes(page) -> list[dict]:
    return page.evaluate(_COLLECT, INTERACTIVE)


def fully_on_screen(n: dict) -> bool:
    return n["w"] > 0 and n["h"] > 0 and n["y"] >= -TOLERANCE and n["y"] + n["h"] <= PHONE["height"] + TOLERANCE and n["x"] >= -TOLERANCE and n["x"] + n["w"] <= PHONE["width"] + TOLERANCE


class Audit:
    """Collects undersized targets per screen, over every scroll position of the screen.

    Flutter clips a node's rectangle to the scrolling area, so an element half scrolled
    under the app bar looks small: each element is judged by the largest rectangle it had at
    any scroll position (it is fully in view at one of them, since each screen is scrolled
    in steps smaller than the viewport)."""

    def __init__(self, page, lang: str):
        self.page, self.lang = page, lang
        self.sizes: dict[tuple, tuple[float, float]] = {}
        self.screens: list[str] = []

    @property
    def checked(self) -> int:
        return len(self.sizes)

    def _scan(self, screen: str) -> set[tuple]:
        seen = set()
        for n in interactive_nodes(self.page):
            if not fully_on_screen(n):
                continue
            key = (screen, n["role"], n["label"])
            w, h = self.sizes.get(key, (0.0, 0.0))
            self.sizes[key] = (max(w, n["w"]), max(h, n["h"]))
            seen.add((n["role"], n["label"], round(n["y"])))
        return seen

    def screen(self, name: str, *, scroll: bool = True, settle_ms: int = 900) -> None:
        """Audit what is on screen now, scrolling down to the end of the screen."""
        self.screens.append(name)
        shot(self.page, f"tap-{self.lang}-{name}", settle_ms)
        previous = self._scan(name)
        if not scroll:
            return
        for turn in range(40):
            self.page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
            self.page.mouse.wheel(0, 400)
            self.page.wait_for_timeout(350)
            now = self._scan(name)
            if now == previous:
                break
            previous = now
            if turn in (1, 4):
                shot(self.page, f"tap-{self.lang}-{name}-scrolled-{turn}", 300)

    def report(self) -> list[str]:
        return sorted(
            f"[{self.lang}] {screen}: {role} {label!r} is {w:.0f}x{h:.0f} px"
            for (screen, role, label), (w, h) in self.sizes.items()
            if w + TOLERANCE < MIN or h + TOLERANCE < MIN
        )


def navigate(page, route: str) -> None:
    """Client-side navigation, as a link inside the app would do (the server serves the
    app at the root; Flet follows the browser history)."""
    page.evaluate("r => { history.pushState({}, '', r); window.dispatchEvent(new PopStateEvent('popstate', {state: {}})); }", route)
    page.wait_for_timeout(700)


def button(page, name: str, exact: bool = True):
    return page.get_by_role("button", name=name, exact=exact)




def close_dialog(page, name: str) -> None:
    click_settled(page, button(page, name).last, TIMEOUT)
    page.wait_for_timeout(600)


def walk(page, lang: str) -> Audit:
    tr = Translator(lang).gettext
    audit = Audit(page, lang)
    curriculum = load_curricula()
    module = curriculum.modules[0]
    text, _fb = module.text(lang)

    # Training: home, reader (content warning, a section, the contents dialog), quiz.
    audit.screen("home")
    navigate(page, f"/module/{module.id}")
    audit.screen("reader-first")
    if text.content_warning:
        click_settled(page, button(page, tr("Continue")), TIMEOUT)
        page.wait_for_timeout(800)
        audit.screen("reader-section")
    last = text.sections[-1].id
    navigate(page, f"/module/{module.id}/section/{last}")
    audit.screen("reader-last-section")
    click_settled(page, button(page, tr("Contents")), TIMEOUT)
    audit.screen("reader-contents-dialog", scroll=False)
    close_dialog(page, tr("Close"))

    navigate(page, f"/quiz/{module.id}")
    audit.screen("quiz-intro")
    click_settled(page, button(page, tr("Start the quiz")), TIMEOUT)
    page.wait_for_timeout(800)
    audit.screen("quiz-question")
    first_option = page.get_by_role("checkbox").first
    first_option.click(timeout=TIMEOUT)
    page.wait_for_timeout(400)
    audit.screen("quiz-question-answered")
    # Through the questions (unanswered ones count as not answered) to the check and the review.
    check = button(page, tr("Check your answers"))
    for _i in range(60):
        if check.count():
            break
        click_settled(page, button(page, tr("Next")), TIMEOUT)
        page.wait_for_timeout(300)
    click_settled(page, check, TIMEOUT)
    button(page, tr("Submit answers")).wait_for(timeout=TIMEOUT)
    audit.screen("quiz-check-answers")
    submit = button(page, tr("Submit answers"))
    wheel_to(page, submit)
    click_settled(page, submit, TIMEOUT)
    page.wait_for_timeout(1200)
    audit.screen("quiz-review")
    navigate(page, f"/certificate/{module.id}")
    audit.screen("certificate")
    navigate(page, "/certificates")
    audit.screen("certificates")

    # Settings (with the checklist's section) and sync.
    navigate(page, "/settings")
    audit.screen("settings")
    navigate(page, "/settings/sync")
    audit.screen("sync")

    # The checklist: PIN set-up, list, new screening, consent, questions, private, result.
    navigate(page, "/screening")
    audit.screen("checklist-pin-set-up")
    type_into(page, tr("New PIN (6 to 12 digits)"), PIN)
    type_into(page, tr("Repeat the PIN"), PIN)
    click_settled(page, button(page, tr("Set PIN")), TIMEOUT)
    button(page, tr("New screening")).wait_for(timeout=TIMEOUT)
    audit.screen("checklist-list")
    click_settled(page, button(page, tr("New screening")), TIMEOUT)
    page.wait_for_timeout(800)
    audit.screen("checklist-new")
    start = button(page, tr("Continue to the introduction"))
    wheel_to(page, start)
    click_settled(page, start, TIMEOUT)
    page.wait_for_timeout(900)
    audit.screen("checklist-consent")
    agree = button(page, tr("The person agrees to continue"))
    wheel_to(page, agree)
    click_settled(page, agree, TIMEOUT)
    page.wait_for_timeout(900)
    audit.screen("checklist-questions")
    sid_route = page.evaluate("location.pathname")
    sid = re.search(r"/screening/s/([^/]+)/", sid_route).group(1)
    navigate(page, f"/screening/s/{sid}/private")
    audit.screen("checklist-private")
    navigate(page, f"/screening/s/{sid}/results")
    audit.screen("checklist-result")
    prepare = button(page, tr("Prepare a referral summary"))
    wheel_to(page, prepare)
    click_settled(page, prepare, TIMEOUT)
    audit.screen("checklist-summary-dialog", scroll=False)
    close_dialog(page, tr("Cancel"))
    delete = button(page, tr("Delete now"))
    wheel_to(page, delete)
    click_settled(page, delete, TIMEOUT)
    audit.screen("checklist-delete-dialog", scroll=False)
    close_dialog(page, tr("Cancel"))
    navigate(page, "/screening/urgent")
    audit.screen("checklist-urgent")

    # Locked: the unlock screen and the "forgot the PIN" dialog.
    navigate(page, "/screening")
    lock_now = button(page, tr("Lock now"))
    wheel_to(page, lock_now)
    click_settled(page, lock_now, TIMEOUT)
    page.wait_for_timeout(800)
    audit.screen("checklist-locked")
    click_settled(page, button(page, tr("Forgot the PIN?")), TIMEOUT)
    audit.screen("checklist-forgot-dialog", scroll=False)
    close_dialog(page, tr("Cancel"))
    return audit


def wheel_to(page, locator, max_turns: int = 40) -> None:
    for _ in range(max_turns):
        if locator.count() and locator.first.is_visible():
            page.wait_for_timeout(500)
            return
        page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
        page.mouse.wheel(0, 500)
        page.wait_for_timeout(150)
    locator.first.wait_for(timeout=TIMEOUT)


def start_at_top(page, url: str, lang: str) -> None:
    open_app(page, url)
    page.get_by_role("button", name=Translator(lang).gettext("Settings")).first.wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(1500)  # the first frame is painted a moment after the tree exists


@pytest.mark.parametrize("lang, locale", [("en", "en-GB"), ("ar", "ar-EG")])
def test_every_interactive_element_is_at_least_48dp(app_url, new_page, lang, locale):
    page = new_page(PHONE, locale=locale)
    start_at_top(page, app_url, lang)
    audit = walk(page, lang)
    assert audit.checked > 100, f"the audit saw only {audit.checked} interactive elements: is the accessibility tree on?"
    offences = audit.report()
    assert not offences, f"{len(offences)} tap targets under {MIN:.0f}x{MIN:.0f} dp at 412x915:\n" + "\n".join(offences)
