"""In-process tests of the referral summary action on the result screen: nothing is prepared
or handed to the browser, share sheet or save dialog until the officer confirms; the note
goes in only when ticked; a lock while the dialog is open prepares nothing; and the result
screen shows the verification note in the officer's language."""

from __future__ import annotations

from flet.messaging.protocol import MessageAction

from trainer.ui.screening.state import checklist_state

from .harness import find_all
from .test_screening import answer, boot, has, new_screening, run, set_pin

FILE_CALLS = ("save_file", "share_files", "share_text", "share_uri")
NOTE = "Second visit on Friday."
TITLE = "Indicators of possible trafficking for labour exploitation are present: refer for formal identification."


def file_calls(h) -> list:
    """Every call that would put the summary in the officer's hands (download, share, save)."""
    return [m.body for m in h.conn.messages if m.action == MessageAction.INVOKE_METHOD and m.body.name in FILE_CALLS]


def in_open_dialog(h, key: str):
    """A control of the dialog on top (closed dialogs stay listed until the client's dismiss)."""
    for d in reversed(h.page._dialogs.controls):
        if d.open:
            found = find_all(d, lambda c: getattr(c, "key", None) == key)
            assert found, f"no control {key!r} in the open dialog"
            return found[0]
    raise AssertionError("no dialog is open")


def dialog_open(h) -> bool:
    """Whether a summary dialog is showing (the one holding the confirm button)."""
    return any(d.open and find_all(d, lambda c: getattr(c, "key", None) == "summary-confirm") for d in h.page._dialogs.controls)


async def to_results(h, profile="adults-labour", note: str | None = NOTE):
    state = await new_screening(h, profile=profile)
    sid = state.screening.id
    await answer(h, "dr-job-place-employer", "dr-wages")
    await h.go(f"/screening/s/{sid}/step/4")
    await answer(h, "ex-excessive-hours", "ex-low-no-pay")
    await h.go(f"/screening/s/{sid}/step/5")
    await answer(h, "cd-documents", "cd-violence")
    await h.go(f"/screening/s/{sid}/results")
    if note:
        await h.set_value(h.find("notes"), note)
        await h.click(h.find("save-notes"))
    return state


def test_the_summary_is_prepared_only_after_the_explicit_confirm(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        h.session.apply_page_patch({"web": True})  # a browser: the summary is downloaded
        saved: list[dict] = []
        h.conn.answers["save_file"] = lambda args: saved.append(args)
        await set_pin(h)
        state = await to_results(h)
        ref = state.screening.case_ref
        assert h.find("prepare-summary").content == "Prepare a referral summary"

        # The action first explains what the page holds and that it leaves the protected store.
        await h.click(h.find("prepare-summary"))
        assert dialog_open(h)
        assert "indicators answered Yes" in in_open_dialog(h, "summary-contents").value
        assert in_open_dialog(h, "summary-no-names").value.startswith("It contains no names")
        assert "not protected by your PIN" in in_open_dialog(h, "summary-leaves-store").value
        assert in_open_dialog(h, "summary-where").value == "Your browser will download it as a file."
        assert in_open_dialog(h, "summary-include-notes").value is False
        assert file_calls(h) == [] and saved == []

        # Cancel: nothing is prepared.
        await h.click(in_open_dialog(h, "summary-cancel"))
        assert not dialog_open(h)
        assert file_calls(h) == [] and not h.find("summary-status").visible

        # Confirm without the note.
        await h.click(h.find("prepare-summary"))
        await h.click(in_open_dialog(h, "summary-confirm"))
        assert len(file_calls(h)) == 1 and len(saved) == 1
        first = saved[0]
        assert first["file_name"] == f"waymark-referral-{ref}.html"
        html = first["src_bytes"].decode("utf-8")
        assert TITLE in html and ref in html and "Deceived about pay" in html
        assert NOTE not in html
        status = h.find("summary-status")
        assert status.visible and status.value.startswith(f"The summary is ready: waymark-referral-{ref}.html.")

        # Confirm again, this time with the note ticked.
        await h.click(h.find("prepare-summary"))
        await h.set_value(in_open_dialog(h, "summary-include-notes"), True)
        await h.click(in_open_dialog(h, "summary-confirm"))
        assert len(saved) == 2 and NOTE in saved[1]["src_bytes"].decode("utf-8")
        assert not h.conn.crashed

    run(scenario())


def test_on_a_phone_the_share_sheet_receives_it(tmp_path):
    async def scenario():
        h = await boot(tmp_path)  # the harness plays an Android phone
        shared: list[dict] = []
        h.conn.answers["share_files"] = lambda args: shared.append(args) or {"status": "success", "raw": "ok"}
        await set_pin(h)
        state = await to_results(h, note=None)
        await h.click(h.find("prepare-summary"))
        assert in_open_dialog(h, "summary-where").value.startswith("Your phone's share menu will open")
        # No note was written, so there is nothing to include.
        assert not find_all(h.page._dialogs.controls, lambda c: getattr(c, "key", None) == "summary-include-notes")
        assert shared == []
        await h.click(in_open_dialog(h, "summary-confirm"))
        (call,) = shared
        (file,) = call["files"]
        assert file.name == f"waymark-referral-{state.screening.case_ref}.html" and file.mime_type == "text/html"
        assert TITLE in file.data.decode("utf-8")
        assert [b.name for b in file_calls(h)] == ["share_files"]  # nothing saved to app storage
        assert h.find("summary-status").value.startswith("The summary is ready")

        # Dismissing the share sheet is reported as such.
        h.conn.answers["share_files"] = lambda args: {"status": "dismissed", "raw": ""}
        await h.click(h.find("prepare-summary"))
        await h.click(in_open_dialog(h, "summary-confirm"))
        assert h.find("summary-status").value == "No summary was saved or shared."

    run(scenario())


def test_a_lock_while_the_dialog_is_open_prepares_nothing(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await to_results(h)
        await h.click(h.find("prepare-summary"))
        confirm = in_open_dialog(h, "summary-confirm")
        state.lock()  # e.g. the idle lock fired
        await h.click(confirm)
        assert file_calls(h) == []
        assert not checklist_state(h.page.data).unlocked

    run(scenario())


def test_result_screen_shows_the_verification_note_in_the_officers_language(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        h.page.data.set_languages(ui="fr")
        await set_pin(h)
        state = await new_screening(h, profile="adults-sexual")
        await h.go(f"/screening/s/{state.screening.id}/results")
        note = h.find("unverified-grades").content.controls[1].value
        source = state.indicator_set().profiles["adults-sexual"].verification
        assert source not in note and "wcms_105023" in note
        # a practice-only profile: a practice run, said so first, and no referral summary
        assert state.screening.practice and has(h, "practice-only")
        assert "Entraînement uniquement" in h.find("practice-only").content.controls[1].value
        assert not has(h, "prepare-summary")

    run(scenario())


def test_result_screen_states_the_verification_counts(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        state = await new_screening(h, profile="adults-labour")
        await h.go(f"/screening/s/{state.screening.id}/results")
        counts = h.find("verification-counts").value
        assert "verified against the source document: 0 of 67." in counts
        assert "Rules verified against the source document: 0 of 2." in counts
        assert "secondary sources, not yet verified: 67." in counts
        assert not state.screening.practice and not has(h, "practice-only")
        assert has(h, "prepare-summary")

    run(scenario())


def test_a_practice_only_profile_starts_a_practice_run(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        await h.click(h.find("new-screening"))
        await h.click(h.find("instrument-ilo-ec-delphi-2009"))
        await h.set_value(h.find("choose-profile"), "children-sexual")
        assert has(h, "profile-practice")
        assert h.find("start-screening").content == "Start a practice screening"
        await h.set_value(h.find("choose-profile"), "children-labour")
        assert not has(h, "profile-practice")
        assert h.find("start-screening").content == "Continue to the introduction"
        await h.set_value(h.find("choose-profile"), "children-sexual")
        await h.click(h.find("start-screening"))
        state = checklist_state(h.page.data)
        assert state.draft["practice"] and has(h, "practice-only")  # said on every screen of the run
        await h.click(h.find("consent-yes"))
        assert state.screening.practice and has(h, "practice-only")
        assert state.outcome().practice

    run(scenario())

