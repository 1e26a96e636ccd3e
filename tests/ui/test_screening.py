"""In-process tests of the screening screens: PIN, a bilingual screening to its result,
private answers, quick exit, idle lock, immediate danger, closing and deleting."""

from __future__ import annotations

import asyncio


from trainer.core.checklist import Answer
from trainer.ui.app import make_main
from trainer.ui.screening.chrome import idle_tick
from trainer.ui.screening.state import checklist_state

from .harness import find_all, start

PIN = "246810"


def run(coro):
    return asyncio.run(coro)


async def until(h, pred, timeout: float = 15.0) -> None:
    """Wait for work done off the event loop (the PIN's key derivation)."""
    for _ in range(int(timeout / 0.02)):
        if pred():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out on {h.view.route}")


def in_dialog(h, key: str):
    """A control of the open dialog (dialogs sit on the page, outside the view)."""
    found = find_all(h.page._dialogs.controls, lambda c: getattr(c, "key", None) == key)
    assert found, f"no dialog control {key!r}"
    return found[0]


def has(h, key: str) -> bool:
    return bool(find_all(h.view, lambda c: getattr(c, "key", None) == key))


async def boot(tmp_path):
    return await start(make_main(data_dir=tmp_path), answers={"get_device_info": lambda args: None})


async def set_pin(h) -> None:
    await h.go("/screening")
    await h.set_value(h.find("pin-new"), PIN)
    await h.set_value(h.find("pin-repeat"), PIN)
    await h.click(h.find("pin-set"))
    await until(h, lambda: has(h, "new-screening"))


async def new_screening(h, instrument="ilo-ec-delphi-2009", profile="adults-labour", lang="ar"):
    await h.click(h.find("new-screening"))
    await h.set_value(h.find("choose-instrument"), instrument)
    await h.set_value(h.find("choose-profile"), profile)
    await h.set_value(h.find("choose-language"), lang)
    await h.click(h.find("start-screening"))
    assert h.view.route.endswith("/consent")
    return checklist_state(h.page.data)


async def answer(h, *ids: str, value: str = "yes") -> None:
    for iid in ids:
        await h.set_value(h.find(f"answer-{iid}"), value)


def test_bilingual_screening_to_the_result(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        assert has(h, "open-checklist")  # the checklist is offered on the training home
        await set_pin(h)
        state = await new_screening(h)
        sid = state.screening.id
        # Consent: English beside Arabic; the Arabic column is right to left, in a font for it.
        person = h.find("consent-person-0")
        assert person.value.startswith("اسمي") and person.rtl and person.font_family == "Naskh"
        assert not h.find("consent-officer-0").rtl
        assert has(h, "translation-unreviewed")
        await h.click(h.find("consent-yes"))
        assert h.view.route == f"/screening/s/{sid}/step/1"
        assert h.find("question-person-dr-job-place-employer-0").value.startswith("قبل أن تبدأ")
        assert h.find("question-person-dr-job-place-employer-0").size > h.find("question-officer-dr-job-place-employer-0").size
        # The element status is re-evaluated in place after every answer.
        assert h.find("element-status").value.startswith("Not present so far")
        await answer(h, "dr-job-place-employer")
        assert h.find("element-status").value.startswith("Not present so far")
        await answer(h, "dr-wages")
        assert h.find("element-status").value == "Element present"
        assert h.find("answered-count").value == "2 of 67 indicators answered"
        await h.go(f"/screening/s/{sid}/step/4")
        await answer(h, "ex-excessive-hours", "ex-low-no-pay")
        await h.go(f"/screening/s/{sid}/step/5")
        await answer(h, "cd-documents", "cd-violence")
        await answer(h, "cd-threats", value="declined")
        await h.go(f"/screening/s/{sid}/step/6")
        await h.click(h.find("see-result"))
        assert h.find("outcome-title").value == "Indicators of possible trafficking for labour exploitation are present: refer for formal identification."
        assert h.find("because-deceptive-recruitment").value.startswith("Present because of: Deceived about the job, the place or the employer; Deceived about pay (1 strong indicator + 1 medium or weak indicator)")
        assert h.find("status-coercive-recruitment").value == "Not present so far"
        assert has(h, "not-proof") and has(h, "demo-directory")
        assert h.find("phone-hotline-25").value == "+000 0000 0000"
        assert not any("victim" in t.lower() for t in h.texts())
        # A short note, then close as complete.
        await h.set_value(h.find("notes"), "Spoke at the depot.")
        await h.click(h.find("save-notes"))
        assert state.store.open(state.key, sid).notes == "Spoke at the depot."
        assert state.store.open(state.key, sid).answers["cd-threats"] is Answer.DECLINED
        await h.click(h.find("close-complete"))
        assert h.view.route == "/screening"
        assert any("Complete" in t for t in h.texts())
        assert not h.conn.crashed

    run(scenario())


def test_quick_exit_locks_and_shows_the_training_home(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        sid = state.screening.id
        await h.click(h.find("consent-yes"))
        await answer(h, "dr-wages")
        await h.click(h.find("quick-exit"))
        assert h.view.route == "/" and len(h.page.views) == 1
        assert not state.unlocked and state.screening is None
        # Going back to the checklist (e.g. with the browser's back button) finds it locked.
        await h.go(f"/screening/s/{sid}/step/1")
        assert has(h, "pin") and not has(h, "answer-dr-wages")
        assert not any("Deceived" in t for t in h.texts())
        await h.set_value(h.find("pin"), PIN)
        await h.click(h.find("pin-unlock"))
        await until(h, lambda: has(h, "answer-dr-wages"))
        assert h.find("answer-dr-wages").value == "yes"

    run(scenario())


def test_quick_exit_is_on_every_checklist_screen(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        sid = state.screening.id
        for route in ("/screening", "/screening/new", f"/screening/s/{sid}/consent", f"/screening/s/{sid}/step/3", f"/screening/s/{sid}/private", f"/screening/s/{sid}/results", "/screening/urgent"):
            await h.go(route)
            assert h.view.route == route
            actions = h.view.appbar.actions  # the app bar does not scroll with the content
            assert find_all(actions, lambda c: getattr(c, "key", None) == "quick-exit"), route
            if route != "/screening/urgent":
                assert find_all(h.view.bottom_appbar, lambda c: getattr(c, "key", None) == "immediate-danger"), route

    run(scenario())


def test_idle_lock(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        await h.click(h.find("consent-yes"))
        assert not idle_tick(h.page.data)  # just used: stays open
        state.last_activity -= state.idle_minutes * 60 + 1
        h.page.data.show_route(h.page.route)  # a background refresh is not activity
        assert idle_tick(h.page.data)
        assert not state.unlocked
        assert has(h, "pin") and not any("Deceived" in t for t in h.texts())

    run(scenario())


def test_wrong_pin_is_slowed_down(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        await h.click(h.find("lock-now"))
        for attempt in range(3):
            await h.set_value(h.find("pin"), "000000")
            await h.click(h.find("pin-unlock"))
            await until(h, lambda: bool(h.find("pin-message").value))
            message = h.find("pin-message").value
            h.find("pin-message").value = ""
        assert message == "Wrong PIN. Try again in 30 seconds."
        await h.set_value(h.find("pin"), PIN)
        await h.click(h.find("pin-unlock"))
        await until(h, lambda: bool(h.find("pin-message").value))
        assert h.find("pin-message").value.startswith("Too many wrong PINs. Try again in")
        assert not checklist_state(h.page.data).unlocked

    run(scenario())


def test_private_answers_in_the_persons_language(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h, instrument="ilo-11-forced-labour", profile="workers", lang="ar")
        await h.click(h.find("consent-yes"))
        await h.click(h.find("hand-over"))
        assert h.find("private-handover").value.startswith("يمكنك الإجابة") and h.find("private-handover").rtl
        await h.click(h.find("private-start"))
        answers = ["yes", "no", "not_sure", "declined"]
        for i in range(11):
            assert h.find("private-question-0").rtl
            labels = [c.content.value for c in find_all(h.view, lambda c: str(getattr(c, "key", "")).startswith("private-answer-"))]
            assert labels == ["نعم", "لا", "لست متأكدًا", "أفضّل عدم الإجابة"]
            await h.click(h.find(f"private-answer-{answers[i % 4]}"))
            if i == 1:  # the person goes back one question and changes the answer
                await h.click(h.find("private-previous"))
                await h.click(h.find("private-answer-yes"))
        assert h.find("private-handback").value.startswith("شكرًا لك")
        await h.click(h.find("private-finish"))
        assert h.view.route.endswith("/step/1")
        assert h.find("private-done").content.controls[1].value.startswith("The person answered 11 questions privately")
        assert h.find("answer-fl-deception").value == "yes"
        assert h.find("answer-fl-restriction-of-movement").value == "not_sure"
        assert state.screening.answers["fl-isolation"] is Answer.DECLINED

    run(scenario())


def test_observed_only_indicators_are_marked_and_not_asked(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        await h.click(h.find("consent-yes"))
        await h.go(f"/screening/s/{state.screening.id}/step/3")
        assert has(h, "observed-only-vr-general-context")
        assert not has(h, "question-person-vr-general-context-0") and not has(h, "question-officer-vr-general-context-0")
        assert not has(h, "answer-vr-general-context-declined")
        assert has(h, "answer-vr-economic-declined") and not has(h, "observed-only-vr-economic")
        assert "vr-general-context" not in state.askable()

    run(scenario())


def test_immediate_danger_shows_emergency_contacts_and_flags_the_screening(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h, profile="children-labour")
        sid = state.screening.id
        await h.click(h.find("consent-yes"))
        await h.click(h.find("immediate-danger"))
        assert h.view.route == "/screening/urgent"
        assert h.find("phone-emergency-18").value == "+000 000"
        assert h.find("phone-child-protection-61").value == "+000 0000 0005"
        assert "immediate-danger" in state.store.open(state.key, sid).flags
        await h.click(h.find("urgent-back"))
        assert h.view.route == f"/screening/s/{sid}/step/1"
        # Reachable while locked too: emergency numbers never need the PIN.
        state.lock()
        await h.go("/screening/urgent")
        assert has(h, "phone-emergency-18")

    run(scenario())


def test_declining_consent_abandons_the_screening(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        sid = state.screening.id
        await h.click(h.find("consent-no"))
        assert h.view.route == "/screening"
        assert [s.status for s in state.store.list()] == ["abandoned"]
        assert state.store.open(state.key, sid).consent is False

    run(scenario())


def test_pause_resume_and_delete_now(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        sid, ref = state.screening.id, state.screening.case_ref
        await h.click(h.find("consent-yes"))
        await answer(h, "dr-contract", value="no")
        await h.click(h.find("pause"))
        assert h.view.route == "/screening" and has(h, f"screening-{ref}")
        await h.go(f"/screening/s/{sid}/step/1")  # resume
        assert h.find("answer-dr-contract").value == "no"
        await h.go(f"/screening/s/{sid}/results")
        await h.click(h.find("delete-now"))
        await h.click(in_dialog(h, "delete-confirm"))
        assert h.view.route == "/screening" and has(h, "no-screenings")
        assert state.store.list() == []

    run(scenario())


def test_forgotten_pin_erases_everything(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        state.lock()
        await h.go("/screening")
        await h.click(h.find("pin-forgot"))
        await h.click(in_dialog(h, "forgot-confirm"))
        assert has(h, "pin-new")
        assert state.store.list() == [] and not state.vault().is_set_up()

    run(scenario())


def test_checklist_settings(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await h.go("/settings")
        assert has(h, "checklist-settings")
        idle = h.find("idle-minutes")
        idle.selected = ["2"]
        await h.event(idle, "change", ["2"])
        assert checklist_state(h.page.data).idle_minutes == 2
        retention = h.find("retention-days")
        retention.selected = ["7"]
        await h.event(retention, "change", ["7"])
        assert checklist_state(h.page.data).store.retention_days() == 7
        await h.set_value(h.find("referral-country"), "XB")
        assert checklist_state(h.page.data).country().code == "XB"

    run(scenario())
