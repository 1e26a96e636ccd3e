"""The walkthroughs in curricula/AUTHORING.md, performed on copies of the bundled data.

Each test follows one walkthrough as an author would and checks that `trainer curricula
check`, the content rules the test suite relies on, and the app agree on the result.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from trainer.core.curricula import default_curricula_dir, load_curricula
from trainer.core.curricula.loader import check_curricula, translation_report

ROOT = Path(__file__).resolve().parents[2]
RELAXED = textwrap.dedent(
    """\
    required_languages = ["en", "sw"]

    [rules]
    required_sections = ["sources"]
    last_section = "sources"
    min_questions = 5
    feedback_names_section = true
    no_phone_numbers = true
    no_victim_verdict = true
    """
)


def module_text(lang: str, translation: str) -> str:
    titles = {
        "en": ("Domestic work", "Rights at work", "Signs to notice", "Sources"),
        "sw": ("Kazi za nyumbani", "Haki kazini", "Dalili za kuzingatia", "Vyanzo"),
    }[lang]
    return textwrap.dedent(
        f"""\
        title: {titles[0]}
        summary: {titles[0]}.
        translation: {translation}

        ## {titles[1]} {{#rights}}

        ILO C189 (Domestic Workers Convention, 2011), Art. 10: hours and weekly rest.

        ## {titles[2]} {{#signs}}

        A fictional composite: Amina's passport is kept by her employer (ILO indicators of forced labour, 2012).

        ## {titles[3]} {{#sources}}

        ILO C189, 2011; ILO indicators of forced labour, 2012.
        """
    )


def quiz(lang: str) -> str:
    see = {"en": ("Rights at work", "Signs to notice"), "sw": ("Haki kazini", "Dalili za kuzingatia")}[lang]
    out = []
    for i in range(1, 6):
        section, title = ("rights", see[0]) if i % 2 else ("signs", see[1])
        out.append(
            textwrap.dedent(
                f"""\
                [[questions]]
                id = "q{i}"
                type = "true_false"
                section = "{section}"
                text = "Statement {i}."

                [[questions.options]]
                id = "true"
                text = "True"
                correct = true
                feedback = "Yes (see: {title})."

                [[questions.options]]
                id = "false"
                text = "False"
                correct = false
                feedback = "Look again at {title}."
                """
            )
        )
    return "\n".join(out)


def write_module(root: Path) -> Path:
    folder = root / "modules" / "domestic-work"
    folder.mkdir(parents=True)
    (folder / "module.toml").write_text(
        'id = "domestic-work"\nversion = "1.0.0"\norder = 90\nestimated_minutes = 15\n'
        'audience = ["labour-inspection"]\nsource_language = "en"\n',
        encoding="utf-8",
    )
    (folder / "en.md").write_text(module_text("en", "source"), encoding="utf-8")
    (folder / "sw.md").write_text(module_text("sw", "unreviewed"), encoding="utf-8")
    (folder / "quiz.en.toml").write_text(quiz("en"), encoding="utf-8")
    (folder / "quiz.sw.toml").write_text(quiz("sw"), encoding="utf-8")
    return folder


def test_walkthrough_adding_a_module_under_a_relaxed_config(tmp_path):
    root = tmp_path / "curricula"
    root.mkdir()
    (root / "curricula.toml").write_text(RELAXED, encoding="utf-8")
    write_module(root)

    curriculum, errors = check_curricula(root)
    assert [str(e) for e in errors] == []
    report = translation_report(curriculum)
    assert report["sw"]["unreviewed"] == ["domestic-work"] and report["en"]["complete"] == ["domestic-work"]

    # The same module under the bundled rules: the checker says exactly which rules it misses.
    shutil.copy(default_curricula_dir() / "curricula.toml", root / "curricula.toml")
    _, errors = check_curricula(root)
    broken = {e.message.split("(rule '")[1].split("'")[0] for e in errors if "(rule '" in e.message}
    assert broken == {"required_languages", "min_words", "required_sections", "min_questions", "min_scenario_questions"}


def test_walkthrough_module_appears_in_the_app(tmp_path):
    from tests.ui.harness import start
    from trainer.ui.app import make_main

    root = tmp_path / "curricula"
    root.mkdir()
    (root / "curricula.toml").write_text(RELAXED, encoding="utf-8")
    write_module(root)
    load_curricula(root)  # what the app does at start-up: no error

    async def scenario():
        h = await start(make_main(data_dir=tmp_path / "data", curricula_dir=str(root)), answers={"get_device_info": lambda a: None})
        assert not h.conn.crashed
        assert "Domestic work" in h.texts()

    asyncio.run(scenario())


def test_walkthrough_referral_directory_import_stores_it_under_its_id(tmp_path):
    src = tmp_path / "my-country-2027.toml"
    text = (default_curricula_dir() / "referrals" / "demo.toml").read_text(encoding="utf-8")
    src.write_text(text.replace('id = "demo"', 'id = "demo-copy"'), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "trainer", "referrals", "import", str(src), "--data-dir", str(tmp_path / "data")],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    stored = tmp_path / "data" / "referrals" / "demo-copy.toml"
    assert stored.is_file() and f"to {stored}" in r.stdout

    # Bundled under curricula/referrals/, the file name must equal the id (FORMAT.md says so).
    root = tmp_path / "curricula"
    (root / "referrals").mkdir(parents=True)
    shutil.copy(src, root / "referrals" / "my-country-2027.toml")
    from trainer.core.checklist import check_referrals

    errors = [str(e) for e in check_referrals(root)]
    assert any("must equal the file name" in e for e in errors), errors


NEW_OBSERVATION = '''
[[indicators]]
id = "fl-locked-sleeping-quarters"
question_kinds = []
element = "forced-labour-indicators"
observed_only = true
source = "National labour code, art. 12 (as adopted by this programme)"
verified = { source = "National labour code (official gazette text)", section = "art. 12" }
'''
NEW_TEXT = '''
[text.en.indicators.fl-locked-sleeping-quarters]
label = "Locked sleeping quarters"
officer = "Workers sleep at the workplace behind a door they cannot open themselves."
questions = []
observe = "A sleeping room at the workplace that locks from the outside."
'''


def test_walkthrough_extending_an_indicator_set_with_an_observation(tmp_path):
    from trainer.core.checklist import check_indicators, load_indicator_sets
    from trainer.core.checklist.engine import evaluate
    from trainer.core.checklist.model import Answer
    from trainer.core.checklist.wording import outcome_wording

    root = tmp_path / "curricula"
    shutil.copytree(default_curricula_dir() / "indicators", root / "indicators")
    path = root / "indicators" / "ilo-11-forced-labour.toml"
    text = path.read_text(encoding="utf-8")
    first_outcome = text.index("[[outcomes]]")
    text = text[:first_outcome] + NEW_OBSERVATION.lstrip() + "\n" + text[first_outcome:]
    path.write_text(text.rstrip("\n") + "\n" + NEW_TEXT, encoding="utf-8")

    assert [str(e) for e in check_indicators(root)] == []
    fl = load_indicator_sets(root)["ilo-11-forced-labour"]
    assert "fl-locked-sleeping-quarters" in fl.indicators
    # The count in every full-scope language follows the data, with no text edited by hand.
    for lang, t in fl.texts.items():
        if t.scope == "full":
            assert "12" in t.description and "11" not in t.description, lang
    # Translations that lack the new text fall back to English, marked.
    assert fl.texts["fr"].fell_back("indicators.fl-locked-sleeping-quarters.label")
    # The observation counts like any other indicator of the set.
    profile = next(iter(fl.profiles))
    out = evaluate(fl, profile, {"fl-locked-sleeping-quarters": Answer.YES})
    assert out.level == "look-further"
    none = outcome_wording(fl, evaluate(fl, profile, {}), "en")
    assert "(12 in all)" in none.meaning


def test_walkthrough_adding_a_ui_language(tmp_path, monkeypatch):
    from tests.unit.partial_locale import LANG, make_partial_locales

    made = make_partial_locales(tmp_path / "locales", share=0.10)
    monkeypatch.setenv("WAYMARK_LOCALES", str(made["locales"]))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WAYMARK_LOCALES": str(made["locales"])}
    r = subprocess.run([sys.executable, "-m", "trainer", "i18n", "status"], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    line = next(l for l in r.stdout.splitlines() if l.strip().startswith(LANG + " "))
    assert f"{len(made['translated'])}/{made['total']}" in line and "still being translated" in line
    from trainer.core.i18n import Translator, partial_languages, ui_languages

    assert LANG in partial_languages() and LANG not in ui_languages()
    t = Translator(LANG)
    assert t.gettext("Settings") == "Mipangilio" and t.gettext("App language") == "App language"
