"""In-process tests (issue 12): beside the person's text the officer sees, in the officer's
language, that it is a draft translation to confirm with an interpreter, or that it is not
translated yet and shown in English; the consent screen says so too."""

from __future__ import annotations

import re
import shutil

from trainer.core.curricula import default_curricula_dir
from trainer.ui.app import make_main

from .harness import start
from .test_screening import has, new_screening, run, set_pin


def curricula_without_arabic_for(tmp_path, indicator_id: str) -> str:
    """A copy of the bundled curricula whose Arabic Delphi text lacks one indicator (every
    bundled language translates every indicator, so the fallback needs a gap made on purpose)."""
    root = tmp_path / "curricula"
    shutil.copytree(default_curricula_dir(), root)
    path = root / "indicators" / "ilo-ec-delphi-2009.ar.toml"
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(rf"\n\[indicators\.{re.escape(indicator_id)}\]\n(?:(?!\n\[).)*", "\n", text, flags=re.S)
    assert n == 1
    path.write_text(text, encoding="utf-8")
    return str(root)


async def boot(tmp_path):
    curricula = curricula_without_arabic_for(tmp_path, "dr-sx-prostitution-conditions")
    return await start(make_main(data_dir=tmp_path / "data", curricula_dir=curricula), answers={"get_device_info": lambda args: None})


def test_draft_and_untranslated_interviewee_text_is_flagged_for_the_officer(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        h.page.data.set_languages(ui="fr")
        await set_pin(h)
        state = await new_screening(h, profile="adults-labour", lang="ar", agree=False)
        assert has(h, "translation-draft")  # consent: the Arabic is an unreviewed draft
        assert h.find("translation-draft").value == "Traduction provisoire : à confirmer avec un interprète"
        await h.click(h.find("consent-yes"))
        sid = state.screening.id
        assert h.find("question-draft-dr-job-place-employer-0").value == "Traduction provisoire : à confirmer avec un interprète"
        assert not has(h, "question-untranslated-dr-job-place-employer-0")
        # a practice run on the sexual-exploitation list, with one indicator left untranslated
        await h.go("/screening")
        state = await new_screening(h, profile="adults-sexual", lang="ar")
        await h.go(f"/screening/s/{state.screening.id}/step/1")
        q = h.find("question-person-dr-sx-prostitution-conditions-0")
        assert q.value.strip("\u2066\u2067\u2069").startswith("Before you came")  # shown in English ...
        assert h.find("question-untranslated-dr-sx-prostitution-conditions-0").value == "Pas encore traduit : affiché en anglais"  # ... and said so
        assert has(h, "question-draft-dr-wages-0")  # the translated ones stay marked as drafts
        assert sid != state.screening.id

    run(scenario())

