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
