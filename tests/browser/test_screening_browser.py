"""On a phone (412x915): a full bilingual screening, English officer and Arabic interviewee,
from PIN set-up through consent, the indicators (one question answered privately by the
person, in Arabic), to the result screen and a downloaded referral summary, then the
immediate-danger screen and quick exit.
Screenshots are saved under tests/browser/artifacts/screening-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import click_settled, PHONE, open_app, shot

pytestmark = pytest.mark.browser

TIMEOUT = 30_000
PIN = "246810"


def wheel_until(page, locator, max_turns: int = 60, delta: int = 500) -> None:
    """Scroll the canvas-drawn screen until `locator` is in the accessibility tree."""
    for _ in range(max_turns):
        if locator.count() and locator.first.is_visible():
            page.wait_for_timeout(500)  # let the scroll settle before anything is clicked
            return
        page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
        page.mouse.wheel(0, delta)
        page.wait_for_timeout(150)
    locator.first.wait_for(timeout=TIMEOUT)


def scroll_by(page, pixels: int) -> None:
    page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
    for _ in range(pixels // 200):
        page.mouse.wheel(0, 200)
        page.wait_for_timeout(60)


def button(page, name: str, exact: bool = True):
    return page.get_by_role("button", name=name, exact=exact)


def open_checklist_from_home(page) -> None:
    """The checklist card is the last item of home: scroll to the very end and let the list
    come to rest first, so that the tap lands on the card and not on a module sliding by."""
    card = page.get_by_role("button", name=re.compile(r"^Indicator checklist"))
    card.first.wait_for(state="attached", timeout=TIMEOUT)
    page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
    for _ in range(12):
        page.mouse.wheel(0, 800)
        page.wait_for_timeout(120)
    page.wait_for_timeout(800)
    box = card.first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 30))


def shown(page, fragment: str):
    """An element whose text or accessible label contains `fragment` (Flutter merges a card's
    texts into its label, with direction marks around right-to-left runs)."""
    return page.locator(f'flt-semantics[aria-label*="{fragment}"]').or_(page.get_by_text(fragment)).first


def type_into(page, label: str, text: str) -> None:
    """Type into a Flutter text field. Flutter creates the real <input> when the field takes
    focus and may move focus once more just after, which can swallow the first key: so wait
    for a focused input, type, check the value, and start again if it is not exact."""
    focused = "document.activeElement && document.activeElement.tagName === 'INPUT'"
    value = "document.activeElement ? document.activeElement.value : null"
    for _ in range(4):
        page.get_by_label(label).first.click(timeout=TIMEOUT)
        page.wait_for_function(focused, timeout=TIMEOUT)
        page.wait_for_timeout(400)
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        page.keyboard.type(text, delay=30)
        if page.evaluate(value) == text:
            return
    raise AssertionError(f"could not type into {label!r}")


def answer_yes(page, n_first: int) -> None:
    """Answer Yes to the first `n_first` indicators of the element on screen."""
    for i in range(n_first):
        radio = page.get_by_role("radio", name="Yes", exact=True).nth(i)
        wheel_until(page, radio)
        radio.click(timeout=TIMEOUT)
        page.get_by_role("radio", name="Yes", exact=True, checked=True).nth(i).wait_for(timeout=TIMEOUT)


def next_part(page) -> None:
    """Go to the next part and wait for *that* part: during the page transition the old
    part is still on screen, so "any part" would be satisfied too early."""
    shown = page.get_by_text(re.compile(r"^Part \d of 6")).first.text_content() or ""
    current = int(re.search(r"Part (\d) of 6", shown).group(1))
    target = button(page, "Next part")
    wheel_until(page, target)
    click_settled(page, target, TIMEOUT)
    page.get_by_text(re.compile(rf"^Part {current + 1} of 6")).first.wait_for(timeout=TIMEOUT)


def test_bilingual_screening_to_the_result(app_url, new_page):
    page = new_page(PHONE)
    open_app(page, app_url)

    # Home -> the checklist -> set a PIN.
    open_checklist_from_home(page)
    try:
        shown(page, "Protect the checklist with a PIN").wait_for(state="attached", timeout=8000)
    except Exception:
        shot(page, "debug-card")
        print([ (e.get_attribute("role"), (e.get_attribute("aria-label") or e.inner_text())[:40]) for e in page.query_selector_all("flt-semantics [role], input, flt-semantics[aria-label]")])
        raise
    type_into(page, "New PIN (6 to 12 digits)", PIN)
    type_into(page, "Repeat the PIN", PIN)
    shot(page, "screening-01-pin-set-up")
    button(page, "Set PIN").click()
    button(page, "New screening").wait_for(timeout=TIMEOUT)

    # Instrument, profile, and the person's language.
    button(page, "New screening").click()
    page.get_by_role("radio", name="Trafficking indicators (ILO/EC 2009)").click()
    page.get_by_role("radio", name="Adult, labour exploitation").click()
    page.get_by_role("radio", name="العربية").click()
    page.get_by_role("radio", name="العربية", checked=True).wait_for(timeout=TIMEOUT)
    shot(page, "screening-02-new")
    button(page, "Continue to the introduction").click()

    # Consent script, English beside Arabic.
    shown(page, "هل لديك أي أسئلة؟ هل توافق على المتابعة؟").wait_for(state="attached", timeout=TIMEOUT)
    shot(page, "screening-03-consent-bilingual")
    agree = button(page, "The person agrees to continue")
    wheel_until(page, agree)
    agree.click()

    # Part 1: deceptive recruitment, bilingual questions.
    page.get_by_text("Part 1 of 6", exact=False).first.wait_for(timeout=TIMEOUT)
    shown(page, "قبل أن تبدأ، ماذا قيل لك عن العمل").wait_for(state="attached", timeout=TIMEOUT)
    shot(page, "screening-04-part-1-bilingual")

    # The person answers the first question privately, in Arabic.
    button(page, "Hand the phone over (private answers)").click()
    shown(page, "يمكنك الإجابة عن هذه الأسئلة على انفراد").wait_for(state="attached", timeout=TIMEOUT)
    shot(page, "screening-05-private-handover-ar")
    button(page, "ابدأ").click()
    button(page, "نعم").wait_for(timeout=TIMEOUT)
    shot(page, "screening-06-private-question-ar")
    button(page, "نعم").click()
    # The second question, then the officer takes the phone back with the AppBar back arrow.
    shown(page, "ماذا قيل لك عن الأجر الذي ستتقاضاه؟").wait_for(state="attached", timeout=TIMEOUT)
    button(page, "Back").click()
    page.get_by_role("button", name=re.compile(r"^WM-")).first.click(timeout=TIMEOUT)

    # Back in part 1: the private answer is there; the officer records one more Yes.
    page.get_by_text("Part 1 of 6", exact=False).first.wait_for(timeout=TIMEOUT)
    page.get_by_role("radio", name="Yes", exact=True, checked=True).first.wait_for(timeout=TIMEOUT)
    answer_yes(page, 2)
    page.get_by_text("Element present", exact=True).wait_for(timeout=TIMEOUT)
    shot(page, "screening-07-part-1-element-present")

    next_part(page)  # 2: coercive recruitment
    next_part(page)  # 3: recruitment by abuse of vulnerability
    shown(page, "Observe, do not ask").wait_for(state="attached", timeout=TIMEOUT)
    next_part(page)  # 4: exploitation
    answer_yes(page, 2)
    next_part(page)  # 5: coercion at destination
    answer_yes(page, 2)
    next_part(page)  # 6: abuse of vulnerability at destination
    result = button(page, "See the result")
    wheel_until(page, result)
    result.click()

    title = "Indicators of possible trafficking for labour exploitation are present: refer for formal identification."
    shown(page, title).wait_for(state="attached", timeout=TIMEOUT)
    shot(page, "screening-08-result")
    shown(page, "+000 0000 0000").wait_for(state="attached", timeout=TIMEOUT)
    scroll_by(page, 1000)
    shot(page, "screening-09-result-contacts")

    # A referral summary only on explicit action: what it holds and that it leaves the
    # protected store, then the browser downloads it (a blob: URL, allowed by the page's CSP).
    prepare = button(page, "Prepare a referral summary")
    wheel_until(page, prepare)
    prepare.click()
    shown(page, "The file leaves the protected store").wait_for(state="attached", timeout=TIMEOUT)
    shot(page, "screening-09b-summary-confirm")
    with page.expect_download(timeout=TIMEOUT) as download:
        button(page, "Prepare the summary").click()
    assert download.value.suggested_filename.startswith("waymark-referral-WM-")
    summary = Path(download.value.path()).read_text(encoding="utf-8")
    assert title in summary and "DEMONSTRATION" in summary and "http" not in summary
    shown(page, "The summary is ready").wait_for(state="attached", timeout=TIMEOUT)
    shown(page, "Present because of: Deceived about the job, the place or the employer; Deceived about pay").wait_for(state="attached", timeout=TIMEOUT)
    scroll_by(page, 2600)
    shot(page, "screening-10-result-elements")

    # Immediate danger is on every checklist screen: emergency contacts of the directory.
    button(page, "Immediate danger").click()
    shown(page, "Emergency: Demoland emergency number (fictional)").wait_for(state="attached", timeout=TIMEOUT)
    shot(page, "screening-11-urgent")
    back = button(page, "Back to the checklist")
    wheel_until(page, back)
    back.click()
    shown(page, title).wait_for(state="attached", timeout=TIMEOUT)
    page.wait_for_timeout(600)

    # Quick exit: the training home replaces the checklist, which is locked.
    button(page, "Quick exit").first.click(timeout=TIMEOUT)
    shown(page, "Training modules").wait_for(state="attached", timeout=TIMEOUT)
    shot(page, "screening-12-after-quick-exit")
    open_checklist_from_home(page)
    shown(page, "The checklist is locked").wait_for(state="attached", timeout=TIMEOUT)
    shot(page, "screening-13-locked-after-quick-exit")
