"""Indicator sets: the shipped data loads and says what it is; every kind of mistake in a set
file is reported once, with its file and the line of the mistake (the fixtures mark that line
with `# ERROR: <part of the message>`; regenerate them with
tests/fixtures/make_broken_checklist.py)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from trainer.core.checklist import check_indicators, load_indicator_sets, parse_indicator_set
from trainer.core.checklist.loader import VERDICT_WORDS
from trainer.core.errors import DataErrors

ROOT = Path(__file__).resolve().parents[2]
CURRICULA = ROOT / "curricula"
BROKEN = ROOT / "tests" / "fixtures" / "broken_indicators"
VALID = ROOT / "tests" / "fixtures" / "valid_indicators"


@pytest.fixture(scope="module")
def sets():
    return load_indicator_sets(CURRICULA)


def markers(path: Path) -> list[tuple[int, str]]:
    out = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = re.search(r"# ERROR: (.*)$", line)
        if m:
            out.append((no, m.group(1).strip()))
    return out


def test_shipped_sets_are_valid():
    assert check_indicators(CURRICULA) == []


def test_delphi_profiles_list_the_expected_number_of_indicators(sets):
    delphi = sets["ilo-ec-delphi-2009"]
    counts = {pid: len(p.indicator_ids) for pid, p in delphi.profiles.items()}
    # Adults: 10 + 10 + 16 + 9 + 15 + 7 = 67. Children: 65 (two adult indicators are not in
    # the children's list) plus the three act indicators this app adds.
    # The sexual-exploitation lists (issue 12) replace the labour-only indicators with their own:
    # 68 for adults (exploitation 7, coercion at destination 18), 71 for children (+3 act).
    assert counts == {"adults-labour": 67, "adults-sexual": 68, "children-labour": 68, "children-sexual": 71}
    per_element = {e: len(items) for e, items in delphi.profiles["adults-labour"].members.items()}
    assert per_element == {
        "deceptive-recruitment": 10,
        "coercive-recruitment": 10,
        "recruitment-abuse-of-vulnerability": 16,
        "exploitation": 9,
        "coercion-at-destination": 15,
        "abuse-of-vulnerability-at-destination": 7,
    }
    assert "act" not in delphi.profiles["adults-labour"].members
    assert len(delphi.profiles["children-labour"].members["act"]) == 3


@pytest.mark.parametrize(
    "indicator, adult, child",
    [
        ("dr-education", "W", "S"),  # the notes' example: weak for adults, strong for children
        ("cr-documents", "M", "M"),
        ("cd-documents", "S", "S"),  # M at recruitment, S at destination
        ("cr-debt-bondage", "M", "S"),
        ("cd-debt-bondage", "S", "S"),
        ("cd-exposure-threat", "W", "M"),
        ("vd-personal-characteristics", "W", "M"),
        ("ex-excessive-hours", "S", "S"),
    ],
)
def test_grades_follow_the_notes_tables(sets, indicator, adult, child):
    ind = sets["ilo-ec-delphi-2009"].indicators[indicator]
    assert ind.grades["adults-labour"] == adult
    assert ind.grades["children-labour"] == child


def test_children_labour_has_no_weak_grade_and_drops_two_adult_indicators(sets):
    delphi = sets["ilo-ec-delphi-2009"]
    grades = [g for items in delphi.profiles["children-labour"].members.values() for _i, g in items if g]
    assert "W" not in grades
    assert delphi.indicators["vr-false-law"].profiles == ("adults-labour", "adults-sexual")
    assert delphi.indicators["ex-social-protection"].profiles == ("adults-labour",)  # a labour indicator


def test_unverified_material_says_so_in_the_data(sets):
    delphi = sets["ilo-ec-delphi-2009"]
    assert "UNVERIFIED" in delphi.verification
    rule = delphi.element_rules["delphi-2009"].check
    assert not rule.verified and rule.origin == "secondary" and "notes" in rule.where
    for pid in ("adults-sexual", "children-sexual"):
        assert delphi.profiles[pid].verification.startswith("PRACTICE ONLY")
        assert delphi.profiles[pid].practice and "wcms_105023" in delphi.profiles[pid].practice
    for pid in ("adults-labour", "children-labour"):
        assert "unverified" in delphi.profiles[pid].verification and delphi.profiles[pid].practice is None
        assert not delphi.profiles[pid].rule_check.verified
    assert "no" in sets["ilo-11-forced-labour"].profiles["workers"].verification.lower()


def test_every_indicator_grade_and_rule_says_how_sure_it_is(sets):
    for iset in sets.values():
        for ind in iset.indicators.values():
            assert set(ind.grade_checks) == set(ind.profiles)
            for check in (ind.check, *ind.grade_checks.values()):
                if check.verified:
                    assert check.source and check.section
                else:
                    assert check.origin in ("secondary", "project") and check.where
        for r in iset.element_rules.values():
            assert r.check.verified or r.check.where
        for p in iset.profiles.values():
            assert p.rule_check.verified or p.rule_check.where
    delphi = sets["ilo-ec-delphi-2009"]
    # what was actually checked: the act (Palermo Art. 3(a), quoted on p. 1 of the brochure)
    for iid in ("act-recruited", "act-moved", "act-harboured-received"):
        c = delphi.indicators[iid].check
        assert c.verified and "wcms_105023" in c.source and "p. 1" in c.section
        # ... but their place in the children's lists is this app's (the act element is its addition)
        for pid in ("children-labour", "children-sexual"):
            g = delphi.indicators[iid].grade_checks[pid]
            assert not g.verified and g.origin == "secondary" and "addition" in g.where
    # every labour grade is from the notes' tables (secondary), none from the project
    for pid in ("adults-labour", "children-labour"):
        for iid in delphi.profiles[pid].indicator_ids:
            if not iid.startswith("act-"):
                c = delphi.indicators[iid].grade_checks[pid]
                assert not c.verified and c.origin == "secondary" and "section 4" in c.where, iid
    # every place and grade in the sexual lists is the project's (the brochure's lists not consulted)
    for pid in ("adults-sexual", "children-sexual"):
        for iid in delphi.profiles[pid].indicator_ids:
            if not iid.startswith("act-"):
                assert delphi.indicators[iid].grade_checks[pid].from_project, iid
    assert "doubted in issue 12" in delphi.indicators["vr-beliefs"].check.where
    fl = sets["ilo-11-forced-labour"]
    assert all(ind.check.verified and "p. 2" in ind.check.section for ind in fl.indicators.values())
    assert fl.profiles["workers"].rule_check.verified and fl.element_rules["any-indicator"].check.verified


NEW_SEXUAL = [
    "dr-sx-prostitution-conditions",
    "ex-sx-child-commercial-sex",
    "ex-sx-hours-clients",
    "ex-sx-earnings-taken",
    "ex-sx-earnings-manipulated",
    "ex-sx-degrading-conditions",
    "ex-sx-health-risks",
    "cd-sx-forced-prostitution",
    "cd-sx-no-choice-clients",
    "cd-sx-forced-drugs",
    "cd-sx-moral-values",
]


def test_sexual_profiles_have_indicators_of_their_own_kind(sets):
    delphi = sets["ilo-ec-delphi-2009"]
    assert sorted(i for i, ind in delphi.indicators.items() if ind.exploitation == "sexual") == sorted(NEW_SEXUAL)
    assert delphi.element("exploitation").purpose_specific
    for pid, own, other in (("adults-sexual", "sexual", "labour"), ("children-sexual", "sexual", "labour"), ("adults-labour", "labour", "sexual"), ("children-labour", "labour", "sexual")):
        profile = delphi.profiles[pid]
        assert profile.exploitation == own
        kinds = [delphi.indicators[i].exploitation for i, _g in profile.members["exploitation"]]
        assert own in kinds and other not in kinds, pid
        assert all(delphi.indicators[i].exploitation != other for i in profile.indicator_ids), pid
    ex = dict(delphi.profiles["children-sexual"].members["exploitation"])
    assert ex["ex-sx-child-commercial-sex"] == "S" and "ex-sx-child-commercial-sex" not in dict(delphi.profiles["adults-sexual"].members["exploitation"])
    # by analogy with the labour indicator each one stands in for (see their `unverified`)
    assert delphi.indicators["ex-sx-hours-clients"].grades == {"adults-sexual": "S", "children-sexual": "S"}
    assert delphi.indicators["cd-sx-no-choice-clients"].grades == {"adults-sexual": "M", "children-sexual": "S"}


def test_new_sexual_indicators_are_complete_in_english_and_translated_in_every_language(sets):
    delphi = sets["ilo-ec-delphi-2009"]
    en = delphi.texts["en"]
    for iid in NEW_SEXUAL:
        ind, t = delphi.indicators[iid], en.indicators[iid]
        assert t.label and t.officer and t.observe and t.questions
        assert len(ind.question_kinds) == len(t.questions)
        assert ind.check.from_project and "could not be consulted" in ind.check.where
        assert not re.search(r"\b(were you|did they) (forced|raped|trafficked)", " ".join(t.questions), re.I)  # not leading
        for lang, text in delphi.texts.items():  # every sidecar translates them (fallback itself: test_checklist_languages)
            if lang == "en":
                continue
            assert not text.questions_fell_back(iid), (lang, iid)
            qs = text.indicators[iid].questions
            assert len(qs) == len(t.questions) and qs != t.questions, (lang, iid)
            if text.scope == "full":  # label, officer and observe too
                assert not text.fell_back(f"indicators.{iid}"), (lang, iid)


def test_sexual_profiles_are_practice_only_and_labour_ones_are_not(sets):
    delphi = sets["ilo-ec-delphi-2009"]
    assert {pid for pid, p in delphi.profiles.items() if p.practice} == {"adults-sexual", "children-sexual"}
    assert not any(p.practice for p in sets["ilo-11-forced-labour"].profiles.values())


def test_forced_labour_set_has_no_threshold_and_states_its_count_from_the_data(sets):
    fl = sets["ilo-11-forced-labour"]
    assert [r.kind for r in fl.element_rules.values()] == ["any"]
    assert all(not ind.grades for ind in fl.indicators.values())
    # No text states a hand-written count: the number shown is the data's.
    n = str(len(fl.indicators))
    for lang, text in fl.texts.items():
        if text.scope != "full":
            continue
        assert f"{n}" in text.description and "{indicator_count}" not in text.description, lang
        for word in ("eleven", "onze", "once", "одиннадцать", "الأحد عشر"):
            assert word not in text.description.lower(), (lang, word)


def test_every_indicator_has_officer_text_questions_and_observation_in_both_languages(sets):
    for s in sets.values():
        assert s.texts["ar"].translation == "unreviewed" and s.texts["ar"].rtl
        assert s.texts["en"].translation == "source" and not s.texts["en"].rtl
        for iid, ind in s.indicators.items():
            for lang in ("en", "ar"):
                t = s.texts[lang].indicators[iid]
                assert t.label and t.officer and t.observe
                assert bool(t.questions) != ind.observed_only
            assert ind.source


def test_observed_only_indicators_are_marked(sets):
    delphi = sets["ilo-ec-delphi-2009"]
    observed = sorted(i for i, ind in delphi.indicators.items() if ind.observed_only)
    assert observed == ["vd-personal-characteristics", "vr-general-context"]


def test_no_outcome_text_calls_anyone_a_victim(sets):
    for s in sets.values():
        for lang, t in s.texts.items():
            for o in t.outcomes.values():
                assert not VERDICT_WORDS[lang].search(" ".join((o.title, o.meaning, *o.next_steps)))


def test_models_are_immutable(sets):
    delphi = sets["ilo-ec-delphi-2009"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        delphi.version = "9"  # type: ignore[misc]
    with pytest.raises(TypeError):
        delphi.indicators["dr-wages"] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        delphi.profiles["adults-labour"].members["exploitation"] = ()  # type: ignore[index]


def test_text_falls_back_to_the_source_language(sets):
    delphi = sets["ilo-ec-delphi-2009"]
    assert delphi.text("ar_EG") == (delphi.texts["ar"], False)
    assert "de" not in delphi.texts
    assert delphi.text("de") == (delphi.texts["en"], True)


def test_the_valid_fixture_is_valid():
    assert check_indicators(VALID) == []


BROKEN_FILES = sorted(BROKEN.glob("*.toml"))


def test_there_are_broken_fixtures():
    assert len(BROKEN_FILES) >= 25


@pytest.mark.parametrize("path", BROKEN_FILES, ids=[p.stem for p in BROKEN_FILES])
def test_each_mistake_is_reported_once_with_file_and_line(path):
    expected = markers(path)
    assert expected, f"{path.name} has no '# ERROR:' marker"
    s, errors = parse_indicator_set(path)
    assert s is None
    got = [(e.line, e.message) for e in errors]
    assert len(got) == len(expected), [str(e) for e in errors]
    for (line, message), (want_line, fragment) in zip(got, expected):
        assert line == want_line, [str(e) for e in errors]
        assert fragment in message, [str(e) for e in errors]
    for e in errors:
        assert e.path.endswith(f"broken_indicators/{path.name}")
        assert str(e) == f"{e.path}:{e.line}: {e.message}"


def test_check_indicators_reports_every_file(tmp_path):
    (tmp_path / "indicators").mkdir()
    for name in ("bad-grade", "verdict-word"):
        text = (BROKEN / f"{name}.toml").read_text(encoding="utf-8")
        (tmp_path / "indicators" / f"{name}.toml").write_text(text, encoding="utf-8")
    errors = check_indicators(tmp_path)
    assert sorted({Path(e.path).name for e in errors}) == ["bad-grade.toml", "verdict-word.toml"]


def test_missing_folder_is_an_error(tmp_path):
    errors = check_indicators(tmp_path)
    assert len(errors) == 1 and "no indicator sets" in errors[0].message


def test_load_raises_with_every_problem(tmp_path):
    (tmp_path / "indicators").mkdir()
    for name in ("bad-grade", "bad-level"):
        (tmp_path / "indicators" / f"{name}.toml").write_text((BROKEN / f"{name}.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DataErrors) as exc:
        load_indicator_sets(tmp_path)
    assert len(exc.value.errors) == 2


def test_every_indicator_has_one_question_kind_per_question_in_every_language(sets):
    for iset in sets.values():
        for iid, ind in iset.indicators.items():
            for lang, text in iset.texts.items():
                assert len(text.indicators[iid].questions) == len(ind.question_kinds), (iset.id, iid, lang)
    # an open question is never offered Yes/No buttons; a yes/no question is
    wages = sets["ilo-ec-delphi-2009"].indicators["dr-wages"]
    assert wages.question_kinds == ("spoken", "spoken")
    assert sets["ilo-ec-delphi-2009"].indicators["dr-education"].question_kinds == ("yes-no", "yes-no")


def test_private_labels_fall_back_to_the_source_language_key_by_key(tmp_path):
    from trainer.core.checklist.loader import PRIVATE_LABELS

    iset = load_indicator_sets(VALID)["tiny"]
    ar = iset.private_text("ar")
    assert set(ar) == set(PRIVATE_LABELS)
    assert ar["danger"] == "أنا في خطر الآن" and ar["quick_exit"] == "خروج"
    assert ar["spoken"] == iset.private_text("en")["spoken"]  # not translated: English
    for iset in load_indicator_sets(CURRICULA).values():
        for lang in iset.texts:
            assert set(iset.private_text(lang)) == set(PRIVATE_LABELS)
        assert iset.texts["ar"].private["danger"] == "أنا في خطر الآن"
