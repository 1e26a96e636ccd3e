"""Indicator-set languages (issue 12): sidecar files `<set-id>.<lang>.toml`, the two scopes
(full | interviewee), key-by-key fallback to the source language, and the per-language and
per-profile report of `trainer curricula check`. Each test builds a small set in a temporary
folder from the valid fixture (tests/fixtures/valid_indicators/indicators/tiny.toml)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.core.checklist import check_indicators, load_indicator_sets, parse_indicator_set
from trainer.core.checklist.report import language_status, report_lines, verification_counts

ROOT = Path(__file__).resolve().parents[2]
TINY = (ROOT / "tests/fixtures/valid_indicators/indicators/tiny.toml").read_text(encoding="utf-8")

UK_INTERVIEWEE = """# Ukrainian (uk) interviewee text for the tiny fixture. Machine translation, unreviewed.
translation = "unreviewed"
scope = "interviewee"
consent = ["Привіт."]
handover = "Ось, будь ласка."
handback = "Поверніть, будь ласка."
answers = { yes = "Так", not_sure = "Не знаю точно", declined = "Не хочу відповідати" }
navigation = { start = "Почати", previous = "Попереднє запитання", finish = "Я закінчив" }

[indicators.a1]
questions = ["Перше запитання?", "Друге запитання?"]
"""


def split_arabic(text: str) -> tuple[str, str]:
    """The tiny set without its inline Arabic, and that Arabic as a sidecar's text."""
    i = text.index("[text.ar]\n")
    body = text[i:].replace("[text.ar]\n", "", 1).replace("[text.ar.", "[")
    return text[:i], "# Arabic (ar): unreviewed draft.\n" + body


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    d = tmp_path / "indicators"
    d.mkdir(exist_ok=True)
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_sidecar_holds_a_language_like_the_inline_table(tmp_path):
    base, ar = split_arabic(TINY)
    root = write(tmp_path, {"tiny.toml": base, "tiny.ar.toml": ar})
    assert check_indicators(root) == []
    iset = load_indicator_sets(root)["tiny"]
    inline = load_indicator_sets(ROOT / "tests/fixtures/valid_indicators")["tiny"]
    side, same = iset.texts["ar"], inline.texts["ar"]
    assert side.file.endswith("indicators/tiny.ar.toml") and same.file.endswith("indicators/tiny.toml")
    for field in ("title", "consent", "answers", "navigation", "private", "elements", "profiles", "indicators", "outcomes", "fallbacks", "scope", "rtl"):
        assert getattr(side, field) == getattr(same, field), field


def test_a_language_both_inline_and_in_a_sidecar_is_an_error(tmp_path):
    _base, ar = split_arabic(TINY)
    root = write(tmp_path, {"tiny.toml": TINY, "tiny.ar.toml": ar})
    errors = check_indicators(root)
    assert len(errors) == 1
    assert errors[0].path.endswith("tiny.ar.toml") and errors[0].message.startswith("ar: ") and "also written inline" in errors[0].message


def test_errors_in_a_sidecar_name_its_file_line_and_language(tmp_path):
    base, ar = split_arabic(TINY)
    ar = ar.replace('questions = ["السؤال الأول؟", "السؤال الثاني؟"]', 'questions = ["السؤال الأول؟"]')
    ar = ar.replace('handover = "تفضل."', 'handover = "تفضل."\ncolour = "أحمر"')
    root = write(tmp_path, {"tiny.toml": base, "tiny.ar.toml": ar})
    errors = check_indicators(root)
    lines = ar.splitlines()
    want = {
        (lines.index('colour = "أحمر"') + 1, "ar: unknown field 'colour'"),
        (lines.index('questions = ["السؤال الأول؟"]') + 1, "ar: 'a1' has 1 question(s) in ar but 2 in en"),
    }
    got = {(e.line, e.message) for e in errors}
    assert all(e.path.endswith("indicators/tiny.ar.toml") for e in errors)
    for line, fragment in want:
        assert any(l == line and m.startswith(fragment) for l, m in got), (line, fragment, got)
    assert len(errors) == 2


def test_a_sidecar_without_its_set_or_with_a_bad_name_is_reported(tmp_path):
    root = write(tmp_path, {"tiny.toml": TINY, "other-set.uk.toml": UK_INTERVIEWEE, "tiny.ukrainian.toml": UK_INTERVIEWEE})
    messages = sorted((Path(e.path).name, e.message) for e in check_indicators(root))
    assert messages == [
        ("other-set.uk.toml", "uk: there is no indicator set 'other-set' (other-set.toml) for this language file"),
        ("tiny.ukrainian.toml", "a language file is named <set-id>.<lang>.toml, e.g. ilo-ec-delphi-2009.fr.toml"),
    ]


def test_an_interviewee_language_is_offered_only_for_the_interviewee(tmp_path):
    root = write(tmp_path, {"tiny.toml": TINY, "tiny.uk.toml": UK_INTERVIEWEE})
    iset = load_indicator_sets(root)["tiny"]
    uk = iset.texts["uk"]
    assert uk.scope == "interviewee" and uk.translation == "unreviewed" and not uk.rtl
    assert "uk" in iset.interviewee_languages and "uk" not in iset.officer_languages
    assert iset.officer_languages == ("ar", "en")
    assert iset.text("uk") == (uk, False)  # the person's side
    officer, fell_back = iset.officer_text("uk")  # never the officer's
    assert officer.lang == "en" and fell_back
    assert iset.officer_text("ar")[0].lang == "ar"
    # officer text is not part of its scope: not counted as missing, and present only as English
    assert not any(f.startswith(("title", "elements", "outcomes")) or f.endswith((".label", ".officer", ".observe")) for f in uk.fallbacks)
    assert uk.title == iset.texts["en"].title


def test_a_translation_may_leave_keys_out_each_falls_back_and_is_listed(tmp_path):
    root = write(tmp_path, {"tiny.toml": TINY, "tiny.uk.toml": UK_INTERVIEWEE})
    iset = load_indicator_sets(root)["tiny"]
    uk, en = iset.texts["uk"], iset.texts["en"]
    assert uk.fallbacks == frozenset({"answers.no", "indicators.g1.questions", *(f"private.{k}" for k in en.private)})
    assert uk.answers["no"] == "No" and uk.answers["yes"] == "Так"  # key by key
    assert uk.indicators["g1"].questions == en.indicators["g1"].questions and uk.questions_fell_back("g1")
    assert uk.indicators["a1"].questions == ("Перше запитання?", "Друге запитання?") and not uk.questions_fell_back("a1")
    assert uk.indicators["g2"].questions == ()  # observed only: nothing to translate, nothing missing
    assert uk.private == en.private and uk.fell_back("private") and not uk.fell_back("consent")


def test_unknown_indicators_and_officer_keys_in_an_interviewee_sidecar_are_errors(tmp_path):
    text = UK_INTERVIEWEE + '\n[indicators.zz]\nquestions = ["?"]\n\n[indicators.g1]\nlabel = "Мітка"\nquestions = ["Запитання?"]\n'
    text = text.replace('scope = "interviewee"\n', 'scope = "interviewee"\ntitle = "Крихітний"\n')
    root = write(tmp_path, {"tiny.toml": TINY, "tiny.uk.toml": text})
    messages = sorted(e.message for e in check_indicators(root))
    assert len(messages) == 3
    assert messages[0].startswith("uk: 'title' is officer text, but this language has scope = \"interviewee\"")
    assert messages[1] == "uk: indicators: 'zz' is not defined in the set"
    assert messages[2] == "uk: unknown field 'label' (allowed: questions)"


def test_the_report_counts_scope_status_and_coverage_per_language(tmp_path):
    root = write(tmp_path, {"tiny.toml": TINY, "tiny.uk.toml": UK_INTERVIEWEE})
    iset = load_indicator_sets(root)["tiny"]
    st = {s.lang: s for s in language_status(iset)}
    # interviewee keys: consent, handover, handback (3) + 4 answers + 3 navigation + 8 private
    # + the questions of a1 and g1 (g2 is observed only) = 20.
    # officer keys: title, description (2) + 2 elements x 2 + 1 profile x 3 + 3 indicators x 3
    # + 2 outcomes x 3 = 24.
    assert (st["en"].interviewee_done, st["en"].interviewee_total, st["en"].officer_done, st["en"].officer_total) == (20, 20, 24, 24)
    # ar (inline, full): only 2 of the 8 private labels are translated
    assert (st["ar"].scope, st["ar"].translation, st["ar"].interviewee_done, st["ar"].officer_done) == ("full", "unreviewed", 14, 24)
    # uk (sidecar, interviewee): 3 + 3 answers + 3 navigation + 0 private + 1 question = 10
    assert (st["uk"].scope, st["uk"].interviewee_done, st["uk"].interviewee_total, st["uk"].officer_total) == ("interviewee", 10, 20, None)
    assert st["uk"].missing_questions == ("g1",) and st["uk"].file.endswith("tiny.uk.toml")
    lines = report_lines({"tiny": iset})
    assert "      uk: interviewee, unreviewed; interviewee text 10/20 (50%)" in lines
    assert "      ar: full, unreviewed; interviewee text 14/20 (70%), officer text 24/24 (100%)" in lines
    assert "          questions shown in en (not translated): g1" in lines


def test_the_report_counts_verified_indicators_and_rules_per_profile(tmp_path):
    iset = load_indicator_sets(write(tmp_path, {"tiny.toml": TINY}))["tiny"]
    v = verification_counts(iset, "p1")
    # a1 verified (p. 2), g1 and g2 from a secondary source; rules: p1's rule (secondary), the
    # graded element rule (secondary) and the any rule (verified, p. 1)
    assert (v.indicators, v.verified, v.secondary, v.project, v.rules, v.rules_verified, v.practice) == (3, 1, 2, 0, 3, 1, False)
    assert "      p1: 1 of 3 indicators verified (2 from secondary sources, 0 composed by the project); 1 of 3 rules verified; usable for screening" in report_lines({"tiny": iset})


def test_curricula_check_prints_the_report_for_the_shipped_sets():
    out = subprocess.run([sys.executable, "-m", "trainer", "curricula", "check", "curricula"], cwd=ROOT, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Indicator sets:" in text
    assert "      adults-labour: 0 of 67 indicators verified (67 from secondary sources, 0 composed by the project); 0 of 2 rules verified; usable for screening" in text
    assert "      adults-sexual: 0 of 68 indicators verified (0 from secondary sources, 68 composed by the project); 0 of 2 rules verified; PRACTICE ONLY" in text
    assert "      children-sexual: 0 of 71 indicators verified (3 from secondary sources, 68 composed by the project); 0 of 3 rules verified; PRACTICE ONLY" in text
    assert "      workers: 11 of 11 indicators verified (0 from secondary sources, 0 composed by the project); 2 of 2 rules verified; usable for screening" in text
    assert re.search(r"      en: full, source; interviewee text (\d+)/\1 \(100%\), officer text (\d+)/\2 \(100%\)", text)
    assert re.search(r"      ar: full, unreviewed; interviewee text \d+/\d+", text)


def test_shipped_arabic_lives_in_sidecars():
    for set_id in ("ilo-ec-delphi-2009", "ilo-11-forced-labour"):
        path = ROOT / "curricula/indicators" / f"{set_id}.toml"
        assert "[text.ar" not in path.read_text(encoding="utf-8")
        side = ROOT / "curricula/indicators" / f"{set_id}.ar.toml"
        head = side.read_text(encoding="utf-8").splitlines()[:3]
        assert head[0].startswith("# Arabic (ar)") and "not yet reviewed by a fluent human" in head[1]
        s, errors = parse_indicator_set(path)
        assert errors == [] and s.texts["ar"].file.endswith(f"{set_id}.ar.toml") and s.texts["ar"].scope == "full"


@pytest.mark.parametrize("lang, word", [("fr", "victimes"), ("es", "víctima"), ("pt", "vítima"), ("ru", "жертвой"), ("ar", "الضحايا")])
def test_the_verdict_check_covers_next_steps_in_every_language(tmp_path, lang, word):
    base, _ar = split_arabic(TINY)
    side = f'translation = "unreviewed"\n\n[outcomes.rest]\nnext_steps = ["{word}"]\n'
    root = write(tmp_path, {"tiny.toml": base, f"tiny.{lang}.toml": side})
    errors = check_indicators(root)
    assert len(errors) == 1
    assert errors[0].line == 4 and errors[0].message.startswith(f"{lang}: next_steps: an outcome describes indicators, never the person")


def test_outcome_text_in_a_language_without_a_verdict_word_list_is_refused(tmp_path):
    base, _ar = split_arabic(TINY)
    side = 'translation = "unreviewed"\n\n[outcomes.rest]\ntitle = "Nessun indicatore."\n'.replace("Nessun", "Hakuna")  # Swahili: no list yet
    root = write(tmp_path, {"tiny.toml": base, "tiny.sw.toml": side})
    errors = check_indicators(root)
    assert len(errors) == 1 and "no list of verdict words for 'sw'" in errors[0].message
