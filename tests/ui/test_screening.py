"""In-process tests of the screening screens: PIN, a bilingual screening to its result,
the one-tap answering view, private answers, consent before any record, reopening where it
was left, quick exit (also over a dialog), idle lock, immediate danger, closing and deleting."""

from __future__ import annotations

import asyncio

import flet as ft


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


async def new_screening(h, instrument="ilo-ec-delphi-2009", profile="adults-labour", lang="ar", agree=True):
    await h.click(h.find("new-screening"))
    await h.click(h.find(f"instrument-{instrument}"))
    await h.set_value(h.find("choose-profile"), profile)
    await h.set_value(h.find("choose-language"), lang)
    await h.click(h.find("start-screening"))
    assert h.view.route == "/screening/consent"
    state = checklist_state(h.page.data)
    if agree:
        await h.click(h.find("consent-yes"))
        assert h.view.route == f"/screening/s/{state.screening.id}/step/1"
    return state


async def answer(h, *ids: str, value: str = "yes") -> None:
    """One tap per indicator on its segmented control."""
    for iid in ids:
        await h.click(h.find(f"answer-{iid}-{value}"))


def chosen(h, iid: str) -> str | None:
    """The answer shown as selected on an indicator's segmented control."""
    picked = [c.data for c in find_all(h.find(f"answer-{iid}"), lambda c: str(getattr(c, "key", "")).startswith(f"answer-{iid}-") and c.bgcolor == ft.Colors.PRIMARY)]
    assert len(picked) <= 1
    return picked[0] if picked else None


def plain(control) -> str:
    """A text without the directional isolates around the interviewee's language."""
    return control.value.strip("\u2066\u2067\u2068\u2069")


def test_bilingual_screening_to_the_result(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        assert has(h, "open-checklist")  # the checklist is offered on the training home
        await set_pin(h)
        state = await new_screening(h, agree=False)
        # Consent: English above Arabic; the Arabic block is right to left, in a font for it.
        person = h.find("consent-person-0")
        assert plain(person).startswith("اسمي") and person.rtl and person.font_family == "Naskh"
        assert not h.find("consent-officer-0").rtl and h.find("consent-officer-0").size >= 16
        assert has(h, "translation-unreviewed")
        assert state.store.list() == []  # nothing is recorded before the person agrees
        await h.click(h.find("consent-yes"))
        sid = state.screening.id
        assert h.view.route == f"/screening/s/{sid}/step/1"
        assert state.store.open(state.key, sid).consent is True
        # The first unanswered card is open: officer question (16 sp) and the person's, larger.
        officer_q = h.find("question-officer-dr-job-place-employer-0")
        person_q = h.find("question-person-dr-job-place-employer-0")
        assert plain(person_q).startswith("قبل أن تبدأ") and person_q.rtl and not officer_q.rtl
        assert officer_q.size >= 16 and person_q.size > officer_q.size
        assert h.find("details-dr-job-place-employer").visible and not h.find("details-dr-wages").visible
        assert h.find("grade-dr-job-place-employer").content.value == "S · strong"
        assert h.find("grade-dr-wages").content.value == "M · medium"
        # The element status is re-evaluated in place after every answer, worded as a count
        # of what was answered and a status that cannot be read as what is left.
        assert h.find("element-status").value == "0 of 10 answered · not present so far"
        await answer(h, "dr-job-place-employer")
        assert chosen(h, "dr-job-place-employer") == "yes"
        assert h.find("element-status").value == "1 of 10 answered · not present so far"
        # answering folds the card and opens the next unanswered one
        assert not h.find("details-dr-job-place-employer").visible and h.find("details-dr-wages").visible
        await answer(h, "dr-wages")
        assert h.find("element-status").value == "2 of 10 answered · element present"
        await answer(h, "dr-wages", value="not_sure")
        assert chosen(h, "dr-wages") == "not_sure"
        assert h.find("element-status").value == "2 of 10 answered · not present so far"
        await answer(h, "dr-wages")
        await h.go(f"/screening/s/{sid}/step/4")
        await answer(h, "ex-excessive-hours", "ex-low-no-pay")
        await h.go(f"/screening/s/{sid}/step/5")
        await answer(h, "cd-documents", "cd-violence")
        await answer(h, "cd-threats", value="declined")
        await h.go(f"/screening/s/{sid}/step/6")
        await h.click(h.find("see-result"))
        # Result first: the outcome, what it means and the present elements with the
        # indicators behind each come before next steps and contacts.
        assert h.find("outcome-title").value == "Indicators of possible trafficking for labour exploitation are present: refer for formal identification."
        assert h.find("because-deceptive-recruitment").value.startswith("Present because of: Deceived about the job, the place or the employer; Deceived about pay (1 strong indicator + 1 medium or weak indicator)")
        keys = [getattr(c, "key", None) for c in find_all(h.view, lambda c: getattr(c, "key", None) in ("outcome-box", "present-box-exploitation", "because-deceptive-recruitment", "unverified-grades", "demo-directory", "element-coercive-recruitment"))]
        assert keys.index("outcome-box") < keys.index("because-deceptive-recruitment") < keys.index("demo-directory")
        assert keys.index("present-box-exploitation") < keys.index("demo-directory") < keys.index("element-coercive-recruitment")
        assert has(h, "unverified-grades")  # the adult labour profile's data says "Unverified."
        assert h.find("status-coercive-recruitment").value == "0 of 10 answered · not present so far"
        assert has(h, "not-proof") and has(h, "demo-directory")
        assert h.find("phone-hotline-25").value.replace("\u2066", "").replace("\u2069", "") == "+000 0000 0000"
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


def test_the_answering_view_is_one_tap_per_indicator_with_targets_of_48(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        sid = state.screening.id
        await h.go(f"/screening/s/{sid}/step/3")
        # "Observe, do not ask": no Declined; the others have all four
        assert [c.data for c in find_all(h.find("answer-vr-general-context"), lambda c: str(getattr(c, "key", "")).startswith("answer-vr-general-context-"))] == ["yes", "no", "not_sure"]
        assert [c.data for c in find_all(h.find("answer-vr-economic"), lambda c: str(getattr(c, "key", "")).startswith("answer-vr-economic-"))] == ["yes", "no", "not_sure", "declined"]
        for c in find_all(h.view, lambda c: str(getattr(c, "key", "")).startswith(("answer-", "toggle-", "part-tile-"))):
            if isinstance(c, (ft.Container, ft.IconButton)) and c.height is not None:
                assert c.height >= 48, c.key
        for key in ("next-unanswered", "hand-over", "step-next"):
            assert h.find(key).height >= 48, key
        # questions fold and unfold
        toggle = h.find("toggle-vr-economic")
        assert not h.find("details-vr-economic").visible
        await h.click(toggle)
        assert h.find("details-vr-economic").visible
        await h.click(toggle)
        assert not h.find("details-vr-economic").visible
        # per-part progress, each part a tap target
        await answer(h, "vr-economic")
        tile = h.find("part-tile-3")
        assert tile.content.controls[1].value == "\u20661/16\u2069"
        await h.click(h.find("part-tile-1"))
        assert h.view.route == f"/screening/s/{sid}/step/1"
        # "Next unanswered": once a part is done, on to the next part with open indicators
        profile = state.indicator_set().profiles["adults-labour"]
        for iid, _g in profile.members["deceptive-recruitment"]:
            await answer(h, iid, value="no")
        assert h.find("element-status").value == "10 of 10 answered · not present"
        await h.click(h.find("next-unanswered"))
        assert h.view.route == f"/screening/s/{sid}/step/2"
        assert not h.conn.crashed

    run(scenario())


def test_english_interviewee_text_inside_the_arabic_ui_keeps_its_own_direction(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        h.page.data.set_languages(ui="ar")
        await set_pin(h)
        await new_screening(h, lang="en")
        person_q = h.find("question-person-dr-job-place-employer-0")
        officer_q = h.find("question-officer-dr-job-place-employer-0")
        # an isolate of its own direction: the question mark stays at the end of the English
        assert person_q.value.startswith("\u2066Before you started") and person_q.value.endswith("for?\u2069")
        assert person_q.text_align == ft.TextAlign.LEFT and not person_q.rtl
        assert officer_q.rtl and officer_q.size >= 16 and person_q.size > officer_q.size

    run(scenario())


def test_a_saved_screening_reopens_where_it_was_left(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        sid, ref = state.screening.id, state.screening.case_ref
        await h.click(h.find("step-next"))
        await h.click(h.find("step-next"))
        assert h.view.route == f"/screening/s/{sid}/step/3"
        await h.click(h.find("pause"))
        state.lock()
        h.page.data.show_route("/screening")
        await h.set_value(h.find("pin"), PIN)
        await h.click(h.find("pin-unlock"))
        await until(h, lambda: has(h, f"screening-{ref}"))
        await h.click(h.find(f"screening-{ref}").content)
        assert h.view.route == f"/screening/s/{sid}/step/3"

    run(scenario())


def test_going_back_or_declining_at_consent_leaves_no_record(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h, agree=False)
        await h.back()
        assert h.view.route == "/screening" and has(h, "no-screenings")
        state = await new_screening(h, agree=False)
        await h.click(h.find("consent-no"))
        assert h.view.route == "/screening"
        assert state.store.list() == [] and state.draft is None

    run(scenario())


def test_quick_exit_locks_and_shows_the_training_home(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        sid = state.screening.id
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
        assert chosen(h, "dr-wages") == "yes"

    run(scenario())


def test_quick_exit_is_on_every_checklist_screen(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        sid = state.screening.id
        for route in ("/screening", "/screening/new", f"/screening/s/{sid}/step/3", f"/screening/s/{sid}/private", f"/screening/s/{sid}/results", "/screening/urgent"):
            await h.go(route)
            assert h.view.route == route
            actions = h.view.appbar.actions  # the app bar does not scroll with the content
            assert find_all(actions, lambda c: getattr(c, "key", None) == "quick-exit"), route
            if route != "/screening/urgent":
                assert find_all(h.view.bottom_appbar, lambda c: getattr(c, "key", None) == "immediate-danger"), route

    run(scenario())


def test_quick_exit_over_an_open_dialog_and_the_idle_lock_closes_dialogs(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        sid = state.screening.id
        await h.go(f"/screening/s/{sid}/results")
        await h.click(h.find("delete-now"))
        assert any(d.open for d in h.page._dialogs.controls)
        await h.click(in_dialog(h, "dialog-quick-exit"))  # the modal barrier covers the app bar
        assert h.view.route == "/" and not state.unlocked
        assert not any(d.open for d in h.page._dialogs.controls)
        assert state.store.list() != []  # quick exit deletes nothing
        # the idle lock closes an open dialog too
        await h.go(f"/screening/s/{sid}/results")
        await h.set_value(h.find("pin"), PIN)
        await h.click(h.find("pin-unlock"))
        await until(h, lambda: has(h, "delete-now"))
        await h.click(h.find("prepare-summary"))
        assert any(d.open for d in h.page._dialogs.controls)
        state.last_activity -= state.idle_minutes * 60 + 1
        assert idle_tick(h.page.data)
        assert not any(d.open for d in h.page._dialogs.controls)
        assert has(h, "pin")

    run(scenario())


def test_idle_lock(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        assert not idle_tick(h.page.data)  # just used: stays open
        state.last_activity -= state.idle_minutes * 60 + 1
        h.page.data.show_route(h.page.route)  # a background refresh is not activity
        assert idle_tick(h.page.data)
        assert not state.unlocked
        assert has(h, "pin") and not any("Deceived" in t for t in h.texts())

    run(scenario())


def test_pin_set_up_speaks_at_once_without_a_spinner(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await h.go("/screening")
        busy = find_all(h.view, lambda c: isinstance(c, ft.ProgressRing))[0]
        await h.set_value(h.find("pin-new"), "123")
        await h.set_value(h.find("pin-repeat"), "123")
        await h.click(h.find("pin-set"))
        assert h.find("pin-message").value == "A PIN is 6 to 12 digits." and h.find("pin-message").visible
        assert not busy.visible
        await h.set_value(h.find("pin-new"), PIN)
        await h.set_value(h.find("pin-repeat"), "135790")
        await h.click(h.find("pin-set"))
        assert h.find("pin-message").value == "The two PINs are different. Please type them again."
        assert not busy.visible and h.find("pin-repeat").value == ""
        await h.set_value(h.find("pin-repeat"), PIN)
        await h.click(h.find("pin-set"))
        await until(h, lambda: has(h, "new-screening"))

    run(scenario())


def test_wrong_pin_says_so_clears_the_field_and_is_slowed_down(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        await h.click(h.find("lock-now"))
        busy = find_all(h.view, lambda c: isinstance(c, ft.ProgressRing))[0]
        await h.set_value(h.find("pin"), "12")
        await h.click(h.find("pin-unlock"))
        assert h.find("pin-message").value == "A PIN is 6 to 12 digits." and not busy.visible
        assert checklist_state(h.page.data).store.load_key_record().failures == 0  # not a try
        messages = []
        for attempt in range(3):
            await h.set_value(h.find("pin"), "000000")
            await h.click(h.find("pin-unlock"))
            await until(h, lambda: bool(h.find("pin-message").value) and not busy.visible)
            messages.append(h.find("pin-message").value)
            assert h.find("pin").value == "" and not busy.visible
            # the client received the message and the hidden spinner
            h.find("pin-message").value = ""
        assert messages[0] == "Wrong PIN. Wrong tries in a row: 1. You can try again now; after 3 wrong tries, each new try has to wait."
        assert messages[2] == "Wrong PIN. Wrong tries in a row: 3. Wait 30 seconds before the next try."
        await h.set_value(h.find("pin"), PIN)
        await h.click(h.find("pin-unlock"))
        await until(h, lambda: bool(h.find("pin-message").value))
        assert h.find("pin-message").value.startswith("Too many wrong PINs. Try again in")
        assert not checklist_state(h.page.data).unlocked and not busy.visible

    run(scenario())


def test_private_answers_in_the_persons_language(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h, instrument="ilo-11-forced-labour", profile="workers", lang="ar")
        sid = state.screening.id
        await answer(h, "fl-deception", value="no")  # the officer's answer, before hand-over
        await h.click(h.find("hand-over"))
        assert h.view.rtl
        assert plain(h.find("private-handover")).startswith("يمكنك الإجابة") and h.find("private-handover").rtl
        # Exit and danger in the person's language, in a font that draws it
        exit_label = find_all(h.view.appbar.actions, lambda c: getattr(c, "key", None) == "quick-exit")[0].content
        assert exit_label.value == "خروج" and exit_label.font_family == "Naskh"
        danger = find_all(h.view.bottom_appbar, lambda c: getattr(c, "key", None) == "immediate-danger")[0].content
        assert danger.value == "أنا في خطر الآن"
        assert h.view.appbar.title.value == "إجاباتك"
        await h.click(h.find("private-start"))
        iset = state.indicator_set()
        seen_spoken = seen_yes_no = 0
        answers = ["yes", "no", "not_sure", "declined"]
        given = 0
        while has(h, "private-question"):
            assert h.find("private-question").rtl
            iid, qi = __import__("trainer.ui.screening.private", fromlist=["sequence"]).sequence(state)[state.private_index]
            if iset.indicators[iid].question_kinds[qi] == "spoken":
                seen_spoken += 1
                assert plain(h.find("private-spoken")) == "يُرجى أن تخبر الموظف بإجابتك عن هذا السؤال."
                assert not has(h, "private-answer-yes")
                await h.click(h.find("private-next"))
            else:
                seen_yes_no += 1
                buttons = find_all(h.view, lambda c: str(getattr(c, "key", "")).startswith("private-answer-"))
                assert [c.content.value for c in buttons] == ["نعم", "لا", "لست متأكدًا", "أفضّل عدم الإجابة"]
                assert all(isinstance(c, ft.OutlinedButton) for c in buttons)  # nothing preselected
                await h.click(h.find(f"private-answer-{answers[given % 4]}"))
                given += 1
        assert seen_spoken and seen_yes_no
        assert plain(h.find("private-handback")).startswith("شكرًا لك")
        await h.click(h.find("private-taken-back"))
        assert h.view.route == f"/screening/s/{sid}/step/1"
        assert h.find("private-done").content.controls[1].value.startswith(f"The person answered {given} questions privately")
        saved = state.store.open(state.key, sid)
        assert saved.answers == {"fl-deception": Answer.NO}  # the officer's answers are untouched
        assert sum(len(v) for v in saved.person_answers.values()) == given
        # shown on the cards, marked as the person's, beside the officer's own answer
        assert chosen(h, "fl-deception") == "no"
        first = next(iter(saved.person_answers))
        assert has(h, f"person-answers-{first}")
        assert not has(h, "answer-fl-deception-x")

    run(scenario())


def test_in_private_mode_the_person_can_say_they_are_in_danger_and_give_the_phone_back(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h, lang="ar")
        sid = state.screening.id
        await h.click(h.find("hand-over"))
        await h.click(h.find("private-start"))
        await h.click(h.find("immediate-danger"))
        assert plain(h.find("private-danger-message")).startswith("اعرض هذه الشاشة على الموظف الآن")
        assert "immediate-danger" in state.store.open(state.key, sid).flags
        await h.click(h.find("private-danger-officer"))
        assert h.view.route == "/screening/urgent"
        await h.go(f"/screening/s/{sid}/private")
        await h.click(h.find("private-start"))
        await h.click(h.find("private-give-back"))
        assert has(h, "private-handback")
        await h.click(h.find("private-taken-back"))
        assert h.view.route == f"/screening/s/{sid}/step/1" and not has(h, "person-answers-dr-wages")
        # Exit in private mode is quick exit: locked, training home
        await h.go(f"/screening/s/{sid}/private")
        await h.click(h.find("quick-exit"))
        assert h.view.route == "/" and not state.unlocked

    run(scenario())


def test_observed_only_indicators_are_marked_and_not_asked(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
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
        await h.click(h.find("immediate-danger"))
        assert h.view.route == "/screening/urgent"
        assert "+000 000" in h.find("phone-emergency-18").value
        assert "+000 0000 0005" in h.find("phone-child-protection-61").value
        assert "immediate-danger" in state.store.open(state.key, sid).flags
        await h.click(h.find("urgent-back"))
        assert h.view.route == f"/screening/s/{sid}/step/1"
        # Reachable while locked too: emergency numbers never need the PIN.
        state.lock()
        await h.go("/screening/urgent")
        assert has(h, "phone-emergency-18")

    run(scenario())


def test_pause_resume_and_delete_now(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        sid, ref = state.screening.id, state.screening.case_ref
        await answer(h, "dr-contract", value="no")
        await h.click(h.find("pause"))
        assert h.view.route == "/screening" and has(h, f"screening-{ref}")
        await h.go(f"/screening/s/{sid}/step/1")  # resume
        assert chosen(h, "dr-contract") == "no"
        await h.go(f"/screening/s/{sid}/results")
        await h.click(h.find("delete-now"))
        await h.click(in_dialog(h, "delete-confirm"))
        assert h.view.route == "/screening" and has(h, "no-screenings")
        assert state.store.list() == []

    run(scenario())


def test_forgotten_pin_says_what_it_deletes_and_erases_everything(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h)
        state.lock()
        await h.go("/screening")
        await h.click(h.find("pin-forgot"))
        assert "deletes the 1 screening on this device" in in_dialog(h, "forgot-what").value
        confirm = in_dialog(h, "forgot-confirm")
        assert confirm.style.bgcolor == ft.Colors.ERROR and confirm.style.minimum_size.height >= 48
        await h.click(confirm)
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
