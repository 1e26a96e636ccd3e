"""On a phone (412x915): a whole adult labour screening, every indicator answered with one tap,
through private-answer mode and back, to the result. Twice: English UI with an Arabic
interviewee, and Arabic UI with an English interviewee. Then the immediate-danger screen and
quick exit.

Measured and asserted: the content height of the answering screens, in screen heights, for the
whole screening (the issue's target: at most 12; about 34 before), and the taps; the result's
explanation (the present elements and the indicators behind each) on the first screen,
without scrolling. Figures are printed (pytest -s) and screenshots saved under
tests/browser/artifacts/screening-<ui>-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trainer.core.checklist import load_indicator_sets
from trainer.core.i18n import Translator

from .conftest import PHONE, click_settled, open_app, shot, type_into
from .scrolling import SNAPSHOT, scroll_extent, scroll_to_top

pytestmark = pytest.mark.browser

TIMEOUT = 30_000
PIN = "246810"
ROOT = Path(__file__).resolve().parents[2]
DELPHI = load_indicator_sets(ROOT / "curricula")["ilo-ec-delphi-2009"]
PROFILE = "adults-labour"
BODY = PHONE["height"] - 56 - 72  # the scrolling body between the app bar and the danger bar
MAX_SCREENS = 12
# Yes to these (two per element of the adult rule), No to every other indicator.
YES = {"dr-job-place-employer", "dr-wages", "ex-excessive-hours", "ex-low-no-pay", "cd-documents", "cd-violence"}


def button(page, name: str, exact: bool = True):
    return page.get_by_role("button", name=name, exact=exact)


def shown(page, fragment: str):
    """An element whose text or accessible label contains `fragment`."""
    return page.locator(f'flt-semantics[aria-label*="{fragment}"]').or_(page.get_by_text(fragment)).first


def wheel_until(page, locator, max_turns: int = 80, delta: int = 300) -> dict:
    """Scroll the canvas-drawn screen until `locator` is fully on screen (between the app bar
    and the bottom bar) and has stopped moving; returns its box."""
    box = None
    for _ in range(max_turns):
        if locator.count():
            box = locator.first.bounding_box()
            # (a node partly under the bottom bar is clipped: its box is then only a few px high)
            if box and box["height"] >= 40 and 60 <= box["y"] and box["y"] + box["height"] <= PHONE["height"] - 80:
                page.wait_for_timeout(250)
                again = locator.first.bounding_box()
                if again == box:
                    return box
                continue
        page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
        page.mouse.wheel(0, -delta if box and box["y"] < 60 and box["height"] >= 40 else delta)
        page.wait_for_timeout(150)
    raise AssertionError(f"could not scroll to {locator}: last seen at {box}")




class Taps:
    """Counts the taps the officer makes (scroll gestures are not taps)."""

    def __init__(self, page):
        self.page = page
        self.n = 0

    def click(self, locator, settled: bool = False) -> None:
        self.n += 1
        if settled:
            click_settled(self.page, locator, TIMEOUT)
        else:
            locator.first.click(timeout=TIMEOUT)


def run_screening(page, ui: str, person: str, tag: str) -> dict:
    _ = Translator(ui).gettext
    ngettext = Translator(ui).ngettext
    officer = DELPHI.text(ui)[0]
    person_text = DELPHI.text(person)[0]
    private_words = DELPHI.private_text(person)
    taps = Taps(page)
    step = iter(range(1, 100))

    def snap(name: str) -> None:
        page.mouse.move(5, 5)  # no hover highlight in the picture (a phone has none)
        shot(page, f"screening-{tag}-{next(step):02d}-{name}")

    # PIN set-up
    shown(page, _("Protect the checklist with a PIN")).wait_for(state="attached", timeout=60_000)
    type_into(page, _("New PIN (6 to 12 digits)"), PIN)
    type_into(page, _("Repeat the PIN"), PIN)
    snap("pin-set-up")
    taps.click(button(page, _("Set PIN")))
    button(page, _("New screening")).wait_for(timeout=TIMEOUT)
    snap("list")

    # New screening: instrument, profile, the person's language
    taps.click(button(page, _("New screening")), settled=True)
    taps.click(page.locator(f'flt-semantics[aria-label="{officer.title}"]'))
    page.locator(f'flt-semantics[aria-label="{officer.title}"][aria-checked="true"]').wait_for(state="attached", timeout=TIMEOUT)
    taps.click(page.get_by_role("radio", name=officer.profiles[PROFILE][0]))
    lang_name = {"ar": "العربية", "en": "English"}[person]
    taps.click(page.get_by_role("radio", name=lang_name))
    page.get_by_role("radio", name=lang_name, checked=True).wait_for(timeout=TIMEOUT)
    snap("new")
    go_on = button(page, _("Continue to the introduction"))
    wheel_until(page, go_on)
    taps.click(go_on)

    # Consent, both languages; nothing is recorded before "agrees"
    shown(page, person_text.consent[-1][:30]).wait_for(state="attached", timeout=TIMEOUT)
    snap("consent")
    agree = button(page, _("The person agrees to continue"))
    wheel_until(page, agree)
    snap("consent-end")
    taps.click(agree, settled=True)

    parts = list(DELPHI.profiles[PROFILE].members)
    heights: list[int] = []
    for n, element in enumerate(parts, 1):
        part_label = _("Part %(i)d of %(n)d") % {"i": n, "n": len(parts)}
        shown(page, part_label).wait_for(state="attached", timeout=TIMEOUT)
        page.wait_for_timeout(900)
        snap(f"part-{n}")
        extent = scroll_extent(page)
        heights.append(extent + BODY)
        scroll_to_top(page)
        page.wait_for_timeout(300)

        if n == 1:
            # Private-answer mode: hand over, the person answers in their own language
            hand = button(page, _("Hand the phone over"))
            taps.click(hand)
            shown(page, person_text.handover[:25]).wait_for(state="attached", timeout=TIMEOUT)
            snap("private-handover")
            assert button(page, private_words["quick_exit"]).count() and button(page, private_words["danger"]).count()
            taps.click(button(page, person_text.navigation["start"]))
            yes_no = spoken = 0
            while yes_no < 2:
                answer_yes = button(page, person_text.answers["yes"])
                nxt = button(page, private_words["next"])
                page.wait_for_timeout(500)
                if answer_yes.count():
                    # nothing preselected
                    if yes_no == 0:
                        snap("private-yes-no-question")
                    taps.click(answer_yes if yes_no == 0 else button(page, person_text.answers["no"]))
                    yes_no += 1
                else:
                    shown(page, private_words["spoken"][:20]).wait_for(state="attached", timeout=TIMEOUT)
                    if spoken == 0:
                        snap("private-spoken-question")
                    taps.click(nxt)
                    spoken += 1
            give_back = button(page, private_words["give_back"])
            wheel_until(page, give_back)
            taps.click(give_back)
            shown(page, person_text.handback[:20]).wait_for(state="attached", timeout=TIMEOUT)
            snap("private-handback")
            taps.click(button(page, _("I have the phone back: show the answers")), settled=True)
            shown(page, _("The person answered privately:")).wait_for(state="attached", timeout=TIMEOUT)
            snap("after-handback")

        # Every indicator: one tap
        labels = {"yes": _("Yes"), "no": _("No")}
        members = DELPHI.profiles[PROFILE].members[element]
        for iid, _g in members:
            name = f"{labels['yes' if iid in YES else 'no']}: {officer.indicators[iid].label}".replace('"', '\\"')
            target = page.locator(f'flt-semantics[aria-label="{name}"]')
            box = wheel_until(page, target)
            taps.n += 1  # a tap where the control is drawn
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            # one tap, one answer: the segment is checked (an accessible state, not a colour)
            try:
                page.locator(f'flt-semantics[aria-label="{name}"][aria-checked="true"]').wait_for(state="attached", timeout=TIMEOUT)
            except Exception:
                shot(page, f"debug-{tag}-{iid}")
                raise AssertionError(f"{name}: tapped at {box}, now at {target.first.bounding_box()}")
        scroll_to_top(page)
        done = ngettext("%(done)d of %(n)d answered", "%(done)d of %(n)d answered", len(members)) % {"done": len(members), "n": len(members)}
        shown(page, done).wait_for(state="attached", timeout=TIMEOUT)
        nav = button(page, _("Next part") if n < len(parts) else _("See the result"))
        wheel_until(page, nav)
        snap(f"part-{n}-answered")
        taps.click(nav, settled=True)

    # Result first: outcome, meaning, present elements with their indicators, unscrolled
    title = DELPHI.text(ui)[0].outcomes["refer-formal-identification-adult"].title.format(purpose=officer.profiles[PROFILE][2])
    shown(page, title[:40]).wait_for(state="attached", timeout=TIMEOUT)
    page.wait_for_timeout(1200)
    snap("result")
    for element in ("deceptive-recruitment", "exploitation", "coercion-at-destination"):
        name = shown(page, officer.elements[element][0])
        box = name.bounding_box()
        assert box and box["y"] + box["height"] <= PHONE["height"] - 72, f"{element} is not on the first screen"
    because = shown(page, officer.indicators["cd-violence"].label)
    box = because.bounding_box()
    assert box and box["y"] + box["height"] <= PHONE["height"] - 72, "the explanation is not on the first screen"
    page.evaluate(SNAPSHOT)
    scroll_extent(page)
    snap("result-end")
    return {"screens": sum(heights) / PHONE["height"], "heights": heights, "taps": taps.n}


@pytest.mark.parametrize("ui,person", [("en", "ar"), ("ar", "en")], ids=["en-ui-ar-person", "ar-ui-en-person"])
def test_whole_adult_labour_screening_on_a_phone(app_url, new_page, ui, person):
    page = new_page(PHONE, locale={"en": "en-GB", "ar": "ar"}[ui])
    open_app(page, app_url + "screening")
    figures = run_screening(page, ui, person, f"{ui}-ui")
    n_indicators = len(DELPHI.profiles[PROFILE].indicator_ids)
    per_part = ", ".join(f"{h / PHONE['height']:.1f}" for h in figures["heights"])
    print(
        f"\n[{ui} UI, {person} interviewee] whole adult labour screening ({n_indicators} indicators): "
        f"{figures['screens']:.1f} screen heights at 412x915 (per part: {per_part}); "
        f"{figures['taps']} taps from PIN set-up to the result"
    )
    assert figures["screens"] <= MAX_SCREENS


def test_immediate_danger_and_quick_exit(app_url, new_page):
    page = new_page(PHONE)
    open_app(page, app_url + "screening")
    _ = Translator("en").gettext
    shown(page, "Protect the checklist with a PIN").wait_for(state="attached", timeout=60_000)
    type_into(page, "New PIN (6 to 12 digits)", PIN)
    type_into(page, "Repeat the PIN", PIN)
    button(page, "Set PIN").click()
    button(page, "Immediate danger").click(timeout=TIMEOUT)
    shown(page, "Emergency: Demoland emergency number (fictional)").wait_for(state="attached", timeout=TIMEOUT)
    shot(page, "screening-urgent")
    back = button(page, "Back to the checklist")  # no danger bar on this screen: fully in view
    back.wait_for(timeout=TIMEOUT)
    click_settled(page, back, TIMEOUT)
    button(page, "New screening").wait_for(timeout=TIMEOUT)
    button(page, "Quick exit").first.click(timeout=TIMEOUT)
    shown(page, "Training modules").wait_for(state="attached", timeout=TIMEOUT)
    shot(page, "screening-after-quick-exit")
    page.goto(app_url + "screening")
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
    page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
    shown(page, "The checklist is locked").wait_for(state="attached", timeout=TIMEOUT)
    shot(page, "screening-locked-after-quick-exit")
    assert re.search(r"screening", page.url)
