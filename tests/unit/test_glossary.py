"""Glossaries: same term ids in every language, every field filled, errors with file and line."""

from __future__ import annotations

from pathlib import Path

from trainer.core.curricula.glossary import check_glossaries

BUNDLED = Path(__file__).resolve().parents[2] / "curricula"

EN = '''language = "en"
translation = "source"

[[terms]]
id = "forced-labour"
term = "forced labour"
definition = "Work taken under the menace of a penalty and not offered voluntarily."
source = "ILO C29, Art. 2(1)"

[[terms]]
id = "debt-bondage"
term = "debt bondage"
definition = "A debt used to control a person's labour."
source = "1956 Supplementary Convention, Art. 1(a)"
'''


def test_bundled_glossaries_are_consistent():
    assert check_glossaries(BUNDLED) == []


def test_missing_term_and_empty_field_are_reported(tmp_path):
    g = tmp_path / "glossary"
    g.mkdir()
    (g / "en.toml").write_text(EN, encoding="utf-8")
    fr = EN.replace('language = "en"', 'language = "fr"').replace('"source"\n', '"unreviewed"\n', 1)
    fr = fr.replace('term = "debt bondage"', 'term = ""').replace('id = "forced-labour"', 'id = "travail-force"')
    (g / "fr.toml").write_text(fr, encoding="utf-8")
    errors = [str(e) for e in check_glossaries(tmp_path)]
    assert any(e.endswith("glossary/fr.toml:10: term 2 (debt-bondage): 'term' is missing or empty") for e in errors), errors
    assert any("fr.toml:1: missing terms (in en.toml): forced-labour" in e for e in errors), errors
