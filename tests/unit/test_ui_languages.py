"""Partial UI languages: discovered from locales/, counted with Babel, offered by threshold,
untranslated strings in English, and locales/STATUS.md generated from the catalogues."""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.unit.partial_locale import EMPTY, FUZZY, KEEP_ENGLISH, LANG, make_partial_locales
from trainer.cli import main
from trainer.core import catalogues, i18n

BUNDLED = i18n.locales_dir()


@pytest.fixture
def sw(tmp_path, monkeypatch):
    made = make_partial_locales(tmp_path / "locales")
    monkeypatch.setenv("WAYMARK_LOCALES", str(made["locales"]))
    return made


def set_config(locales: Path, text: str) -> None:
    path = locales / "languages.toml"
    path.write_text(text, encoding="utf-8")
    later = time.time() + 2  # a different mtime even on coarse file systems
    os.utime(path, (later, later))


def translate(po: Path, msgid: str, text: str) -> None:
    """What a translator does: fill in one empty entry."""
    old = po.read_text(encoding="utf-8")
    new = old.replace(f'msgid "{msgid}"\nmsgstr ""\n', f'msgid "{msgid}"\nmsgstr "{text}"\n')
    assert new != old
    po.write_text(new, encoding="utf-8")


# --- discovery and the threshold ------------------------------------------------------------


def test_a_new_catalogue_is_discovered_but_below_the_threshold_is_not_offered_by_default(sw):
    assert LANG in i18n.known_languages()
    assert LANG not in i18n.ui_languages()
    assert i18n.partial_languages() == (LANG,)
    assert i18n.ui_languages()[:6] == ("en", "fr", "es", "ar", "ru", "pt")  # languages.toml's order
    # First start follows the device only among the languages offered by default...
    assert i18n.negotiate(["sw-KE", "fr"]) == "fr"
    assert i18n.negotiate(["sw-KE"]) == "en"
    # ...but the language stays reachable when chosen.
    assert i18n.negotiate(["sw-KE"], i18n.known_languages()) == LANG
    assert i18n.Translator(LANG).lang == LANG


def test_the_threshold_and_the_order_come_from_languages_toml(sw):
    locales = sw["locales"]
    share = math.floor(1e6 * 100 * len(sw["translated"]) / sw["total"]) / 1e6  # just over 10 %
    set_config(locales, f'order = ["en", "sw", "fr"]\noffer_threshold = {share:.6f}\n')
    assert i18n.ui_languages() == ("en", "sw", "fr", "ar", "es", "pt", "ru")  # unlisted ones by code
    assert i18n.partial_languages() == ()
    set_config(locales, f'order = ["en", "sw", "fr"]\noffer_threshold = {share + 0.01:.6f}\n')
    assert LANG not in i18n.ui_languages() and i18n.partial_languages() == (LANG,)
    set_config(locales, "offer_threshold = 100\n")
    status = i18n.ui_status()
    complete = [s.code for s in status.statuses if s.translated == s.total]
    assert i18n.ui_languages() == tuple(complete) and complete[0] == "en"


def test_a_catalogue_added_while_running_appears_without_a_restart(sw):
    locales = sw["locales"]
    hidden = locales.parent / "sw-away"
    (locales / LANG).rename(hidden)
    assert LANG not in i18n.known_languages() and i18n.partial_languages() == ()
    hidden.rename(locales / LANG)
    assert i18n.partial_languages() == (LANG,)
    po = locales / LANG / "LC_MESSAGES" / "messages.po"
    assert i18n.Translator(LANG).gettext("Cohorts") == "Cohorts"
    translate(po, "Cohorts", "Vikundi")
    later = time.time() + 2
    os.utime(po, (later, later))
    assert i18n.Translator(LANG).gettext("Cohorts") == "Vikundi"  # an edited catalogue is reloaded
    assert i18n.ui_status().status(LANG).translated == len(sw["translated"]) + 1


def test_bad_configuration_is_reported_with_file_and_line(tmp_path):
    (tmp_path / "languages.toml").write_text('order = ["en", "fr", "fr"]\n\noffer_threshold = 120\ncolour = "red"\n')
    config, errors = catalogues.load_config(tmp_path)
    text = [str(e) for e in errors]
    assert any(t.endswith(":1: order lists fr more than once") for t in text), text
    assert any(":3: offer_threshold must be a percentage from 0 to 100, not 120" in t for t in text), text
    assert any(":4: unknown key 'colour'" in t for t in text), text
    assert config.offer_threshold == catalogues.DEFAULT_THRESHOLD and config.order == ("en", "fr")
    (tmp_path / "languages.toml").write_text("offer_threshold = \n")
    _, errors = catalogues.load_config(tmp_path)
    assert len(errors) == 1 and ":1: not valid TOML" in str(errors[0])


# --- counting and the fallback --------------------------------------------------------------


def test_counts_fuzzy_and_empty_entries_as_untranslated(sw):
    status = i18n.ui_status().status(LANG)
    assert (status.translated, status.total) == (len(sw["translated"]), sw["total"])
    assert status.translated == -(-sw["total"] // 10)  # 10 %, rounded up
    assert status.fuzzy == 1 and not status.review
    assert status.untranslated == sw["total"] - len(sw["translated"])


def test_untranslated_strings_are_shown_in_english(sw):
    t = i18n.Translator(LANG)
    assert t.gettext("Settings") == "Mipangilio"
    for msgid in (*KEEP_ENGLISH, FUZZY, EMPTY):
        assert t.gettext(msgid) == msgid
    shown = sum(1 for m in sw["ids"] if isinstance(m, str) and t.gettext(m) != m)
    plural = sum(1 for m in sw["ids"] if isinstance(m, tuple) and t.ngettext(m[0], m[1], 2) != m[1])
    assert shown + plural == len(sw["translated"])  # exactly what the status counts, no more


def test_status_command_prints_translated_total_percent_fallback_and_review(sw, capsys):
    assert main(["i18n", "status", "--locales", str(sw["locales"])]) == 0
    out = capsys.readouterr().out
    n, total = len(sw["translated"]), sw["total"]
    line = next(line for line in out.splitlines() if line.strip().startswith("sw "))
    assert f"{n}/{total}" in line and "10 %" in line and "still being translated" in line
    assert f"{total - n} shown in English (1 fuzzy)" in line and "not yet reviewed by a fluent human" in line
    fr = next(line for line in out.splitlines() if line.strip().startswith("fr "))
    assert "offered" in fr and "still being translated" not in fr
    assert main(["i18n", "status", "--locales", str(sw["locales"]), "--missing", "sw"]) == 0
    listed = capsys.readouterr().out.split(f"sw: {total - n} strings shown in English")[1].splitlines()[1:]
    assert len(listed) == total - n
    assert "  'Cohorts'" in listed and f"  {FUZZY!r}" in listed


def test_a_recorded_review_shows_in_the_status(sw):
    po = sw["locales"] / "fr" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8").replace('"Language-Team: none (unreviewed)\\n"', '"Language-Team: Equipe FR (reviewed 2026-12-01)\\n"')
    po.write_text(text, encoding="utf-8")
    assert catalogues.compute(sw["locales"]).status("fr").review == "reviewed by Equipe FR on 2026-12-01"


# --- the cache ------------------------------------------------------------------------------


def test_counts_are_cached_and_recounted_when_a_catalogue_changes(sw, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setattr(catalogues, "_cache_dir", cache)
    first = i18n.ui_status()
    assert (cache / catalogues.CACHE_NAME).is_file()
    assert json.loads((cache / catalogues.CACHE_NAME).read_text())  # plain JSON, nothing personal
    catalogues.forget()

    def no_counting(locales):
        raise AssertionError("counted again although nothing changed")

    monkeypatch.setattr(catalogues, "compute", no_counting)
    assert i18n.ui_status().statuses == first.statuses  # a new process: read from the cache file
    po = sw["locales"] / LANG / "LC_MESSAGES" / "messages.po"
    later = time.time() + 2
    os.utime(po, (later, later))
    with pytest.raises(AssertionError, match="counted again"):
        i18n.ui_status()


# --- locales/STATUS.md ----------------------------------------------------------------------


def test_status_file_is_generated_and_checked(sw, capsys):
    status_md = sw["locales"] / "STATUS.md"
    assert main(["i18n", "status", "--locales", str(sw["locales"]), "--write", str(status_md)]) == 0
    text = status_md.read_text(encoding="utf-8")
    n, total = len(sw["translated"]), sw["total"]
    assert f"| Kiswahili (sw) | `sw/LC_MESSAGES/messages.po` | {n} of {total} (10 %) | {total - n} (1 fuzzy) | no, still being translated |" in text
    assert "## Review log" in text and "## Recording a review" in text  # the hand-written parts stay
    assert catalogues.updated_status_file(text, catalogues.compute(sw["locales"])) == text
    po = sw["locales"] / LANG / "LC_MESSAGES" / "messages.po"
    translate(po, "Cohorts", "Vikundi")
    assert catalogues.updated_status_file(text, catalogues.compute(sw["locales"])) != text


def test_status_check_fails_until_the_files_are_written_again(sw, capsys):
    locales = sw["locales"]
    args = ["i18n", "status", "--locales", str(locales)]
    assert main([*args, "--check", str(locales / "STATUS.md")]) == 1  # Swahili is not in the table yet
    assert "STATUS.md: out of date; run: trainer i18n status --write" in capsys.readouterr().err
    assert main([*args, "--write", str(locales / "STATUS.md")]) == 0
    assert main([*args, "--check", str(locales / "STATUS.md")]) == 0
    translate(locales / LANG / "LC_MESSAGES" / "messages.po", "Cohorts", "Vikundi")
    assert main([*args, "--check", str(locales / "STATUS.md")]) == 1
    err = capsys.readouterr().err
    assert "STATUS.md: out of date" in err and "counts.json: out of date" in err


def test_bundled_status_file_and_shipped_counts_are_up_to_date():
    path = BUNDLED / "STATUS.md"
    text = path.read_text(encoding="utf-8")
    result = catalogues.compute(BUNDLED)
    hint = "run `trainer i18n status --write locales/STATUS.md`"
    assert catalogues.updated_status_file(text, result) == text, f"locales/STATUS.md is out of date: {hint}"
    shipped = (BUNDLED / catalogues.COUNTS_NAME).read_text(encoding="utf-8")
    assert catalogues.shipped_counts(BUNDLED, result) == shipped, f"locales/counts.json is out of date: {hint}"


def test_a_first_start_uses_the_shipped_counts_while_the_catalogues_match_them(tmp_path, monkeypatch):
    import shutil

    locales = tmp_path / "locales"
    shutil.copytree(BUNDLED, locales, ignore=shutil.ignore_patterns("*.mo"))  # new mtimes, same contents
    monkeypatch.setenv("WAYMARK_LOCALES", str(locales))
    expected = catalogues.compute(locales).statuses

    def no_counting(path):
        raise AssertionError("counted although the shipped counts match")

    monkeypatch.setattr(catalogues, "compute", no_counting)
    assert i18n.ui_status().statuses == expected
    catalogues.forget()
    edit_french_entry(locales / "fr" / "LC_MESSAGES" / "messages.po")
    with pytest.raises(AssertionError, match="counted although"):
        i18n.ui_status()


def edit_french_entry(po: Path) -> None:
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Sommaire"' in text
    po.write_text(text.replace('msgstr "Sommaire"', 'msgstr "Table des matières"', 1), encoding="utf-8")
    later = time.time() + 2
    os.utime(po, (later, later))


def test_bundled_languages_are_offered_exactly_by_the_configured_threshold():
    """Counted here independently with Babel: no language must be complete, only the
    threshold in locales/languages.toml decides what is offered by default."""
    config, errors = catalogues.load_config(BUNDLED)
    assert errors == []
    with (BUNDLED / "messages.pot").open("rb") as fh:
        ids = {m.id for m in read_po(fh) if m.id}
    result = catalogues.compute(BUNDLED)
    for code in result.codes:
        if code == "en":
            continue
        with (BUNDLED / code / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalog = read_po(fh, locale=code)
        done = sum(
            1 for m in catalog
            if m.id in ids and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else (m.string,))
        )
        assert result.status(code).translated == done, code
        assert (code in result.offered) == (100 * done / len(ids) >= config.offer_threshold), code


def test_bundled_template_has_every_ui_string_of_the_code():
    """The counts are against messages.pot: a string missing from it would be shown in English
    in every language without being counted. `locales/update.sh` re-extracts it."""
    drift = catalogues.template_drift(BUNDLED)
    assert drift is not None
    missing, removed = drift
    assert (missing, removed) == ([], []), "locales/messages.pot is out of date with the code: run locales/update.sh"


def test_a_folder_that_is_no_language_and_a_broken_catalogue_are_reported_not_fatal(sw, capsys):
    locales = sw["locales"]
    odd = locales / "swahili" / "LC_MESSAGES"
    odd.mkdir(parents=True)
    (odd / "messages.po").write_bytes((locales / LANG / "LC_MESSAGES" / "messages.po").read_bytes())
    po = locales / LANG / "LC_MESSAGES" / "messages.po"
    po.write_bytes(b'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Settings"\nmsgstr "\xff\xfe"\n')
    assert "swahili" not in i18n.known_languages()
    assert i18n.Translator(LANG).gettext("Settings") == "Settings"  # English, and the app goes on
    assert LANG not in i18n.ui_languages() and LANG not in i18n.partial_languages()  # not offered at all
    assert main(["i18n", "status", "--locales", str(locales)]) == 1
    captured = capsys.readouterr()
    assert "swahili/LC_MESSAGES/messages.po:1: 'swahili' is not a language code known to CLDR" in captured.err
    assert "not offered: " in captured.out and "sw/LC_MESSAGES/messages.po: cannot be read" in captured.out
