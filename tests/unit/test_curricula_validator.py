"""The validator names the file and the line of every mistake (tests/fixtures/broken_curricula)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.core.curricula import check_curricula, load_curricula
from trainer.core.errors import DataErrors

BROKEN = Path(__file__).resolve().parents[1] / "fixtures" / "broken_curricula"
SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "curricula_small"

# case -> (file inside modules/m1, line, part of the message)
EXPECTED = {
    "toml-syntax": ("module.toml", 3, "invalid TOML"),
    "unknown-field": ("module.toml", 7, "unknown field 'colour'"),
    "wrong-type": ("module.toml", 4, "'estimated_minutes' must be a whole number"),
    "bad-audience": ("module.toml", 5, "audience must be"),
    "id-mismatch": ("module.toml", 1, "must equal the folder name"),
    "missing-field": ("module.toml", 1, "missing required field 'version'"),
    "missing-title": ("en.md", 1, "missing header field 'title:'"),
    "unknown-header": ("en.md", 4, "unknown header field 'author'"),
    "heading-without-id": ("en.md", 9, "needs an explicit id"),
    "empty-section": ("en.md", 9, "section 'details' is empty"),
    "duplicate-section": ("en.md", 9, "duplicate section id 'intro' (first at line 5)"),
    "broken-link": ("en.md", 7, "broken link '#nowhere'"),
    "broken-module-link": ("en.md", 7, "no module 'missing-module'"),
    "missing-image": ("en.md", 13, "image 'images/diagram.png' does not exist"),
    "text-before-section": ("en.md", 5, "text before the first '##'"),
    "sections-differ": ("ar.md", 5, "sections differ"),
    "missing-translation": ("module.toml", 1, "missing translation: ar.md"),
    "reviewed-without-reviewer": ("ar.md", 3, "needs 'reviewed_by:'"),
    "bad-translation-state": ("ar.md", 3, "translation must be one of"),
}


def test_every_fixture_case_is_covered():
    assert sorted(p.name for p in BROKEN.iterdir() if p.is_dir()) == sorted(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_error_names_file_and_line(case):
    filename, line, fragment = EXPECTED[case]
    _, errors = check_curricula(BROKEN / case)
    assert len(errors) == 1, [str(e) for e in errors]
    error = errors[0]
    assert error.path.endswith(f"{case}/modules/m1/{filename}")
    assert error.line == line
    assert fragment in error.message
    assert str(error).startswith(f"{error.path}:{line}: ")


def test_load_raises_with_all_errors(tmp_path):
    # Two broken modules side by side: both problems are reported at once.
    root = tmp_path / "c"
    shutil.copytree(BROKEN / "unknown-field", root)
    shutil.copytree(BROKEN / "broken-link" / "modules" / "m1", root / "modules" / "m2")
    (root / "modules" / "m2" / "module.toml").write_text(
        (root / "modules" / "m2" / "module.toml").read_text().replace('"m1"', '"m2"').replace("order = 1", "order = 2")
    )
    with pytest.raises(DataErrors) as info:
        load_curricula(root)
    messages = [e.message for e in info.value.errors]
    assert any("unknown field" in m for m in messages) and any("broken link" in m for m in messages)


def test_valid_fixture_loads_into_immutable_model():
    c = load_curricula(SMALL)
    assert [m.id for m in c.modules] == ["alpha", "beta"]
    alpha = c.module("alpha")
    text, fell_back = alpha.text("ar")
    assert not fell_back and text.needs_review and text.section_ids == ("first", "second", "third")
    text, fell_back = c.module("beta").text("ar")
    assert fell_back and text.lang == "en"
    assert alpha.matches_audience("border") and not c.module("beta").matches_audience("labour-inspection")
    with pytest.raises(Exception):
        alpha.texts["fr"] = text  # read-only mapping
    with pytest.raises(Exception):
        alpha.id = "x"  # frozen dataclass


def test_cli_check_exit_codes():
    ok = subprocess.run([sys.executable, "-m", "trainer", "curricula", "check", str(SMALL)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "Translation report" in ok.stdout and "not yet reviewed" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "trainer", "curricula", "check", str(BROKEN / "broken-link")], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "modules/m1/en.md:7: broken link" in bad.stderr


def test_printable_html_is_self_contained_and_rtl():
    from trainer.core.curricula.render import render_module_html

    c = load_curricula(SMALL)
    html = render_module_html(c.module("alpha"), "ar")
    assert 'dir="rtl"' in html and "الجزء الثاني" in html
    assert '<a href="#second">' in html  # table of contents from Python-Markdown
    assert "http://" not in html and "https://" not in html  # nothing fetched when printed


def test_printable_module_isolates_labels_of_another_direction():
    """An Arabic module printed with English labels: '15 minutes' must not read 'minutes 15'."""
    from trainer.core.curricula import load_curricula
    from trainer.core.curricula.render import render_module_html

    module = load_curricula().module("understanding-trafficking")
    page = render_module_html(module, "ar", labels={"minutes": "minutes"})
    assert 'dir="rtl"' in page
    assert f'<bdi dir="auto">{module.estimated_minutes} minutes</bdi>' in page
