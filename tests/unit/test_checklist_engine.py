"""The rule engine against hand-worked cases (every combination of the element rule, every
branch of every profile rule and outcome), plus property tests of its invariants."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.core.checklist import Answer, evaluate, load_indicator_set, load_indicator_sets, outcome_wording
from trainer.core.checklist.engine import NOT_PRESENT, OPEN, PRESENT, PracticeOnly

ROOT = Path(__file__).resolve().parents[2]
SETS = load_indicator_sets(ROOT / "curricula")
DELPHI = SETS["ilo-ec-delphi-2009"]
FL = SETS["ilo-11-forced-labour"]

Y, N, NS, D = Answer.YES, Answer.NO, Answer.NOT_SURE, Answer.DECLINED


# --- the element rule on a synthetic element: S1 S2 M1 M2 M3 W1 W2 -----------------------

GRADED = {"s1": "S", "s2": "S", "m1": "M", "m2": "M", "m3": "M", "w1": "W", "w2": "W"}
ALL_GRADED = [*GRADED, "g1", "g2"]  # the tiny fixture's own two graded indicators too


@pytest.fixture(scope="module")
def graded_set(tmp_path_factory):
    """A set with one graded element (the Delphi combinations) and the tiny set's texts."""
    base = (ROOT / "tests/fixtures/valid_indicators/indicators/tiny.toml").read_text(encoding="utf-8")
    inds = "".join(
        f'\n[[indicators]]\nid = "{i}"\nquestion_kinds = ["yes-no"]\nelement = "e-graded"\ngrades = {{ p1 = "{g}" }}\nsource = "t"\nunverified = {{ from = "secondary", where = "t" }}\n' for i, g in GRADED.items()
    )
    texts = "".join(
        f'\n[text.{lang}.indicators.{i}]\nlabel = "x"\nofficer = "x"\nquestions = ["q?"]\nobserve = "x"\n'
        for lang in ("en", "ar")
        for i in GRADED
    )
    base = base.replace('all_of = ["e-any", "e-graded"]', 'all_of = ["e-graded"]')
    text = base.replace("\n[[outcomes]]", inds + "\n[[outcomes]]", 1) + texts
    path = tmp_path_factory.mktemp("sets") / "tiny.toml"
    path.write_text(text, encoding="utf-8")
    return load_indicator_set(path)


@pytest.mark.parametrize(
    "yes, status, combination",
    [
        ([], OPEN, None),
        (["s1"], OPEN, None),
        (["s1", "s2"], PRESENT, "2S"),
        (["s1", "m1"], PRESENT, "1S + 1M|W"),
        (["s1", "w1"], PRESENT, "1S + 1M|W"),
        (["m1", "m2"], OPEN, None),
        (["m1", "m2", "m3"], PRESENT, "3M"),
        (["m1", "m2", "w1"], PRESENT, "2M + 1W"),
        (["m1", "w1", "w2"], OPEN, None),  # 1M + 2W is not a combination
        (["w1", "w2"], OPEN, None),
        (["s1", "s2", "m1", "w1"], PRESENT, "2S"),  # the first combination met is reported
    ],
)
def test_element_rule_combinations(graded_set, yes, status, combination):
    out = evaluate(graded_set, "p1", {i: Y for i in yes})
    e = out.element("e-graded")
    assert (e.status, e.combination) == (status, combination)
    if status == PRESENT:
        assert set(e.because) <= set(yes)
        assert out.outcome_id == "met"
    else:
        assert e.because == ()


@pytest.mark.parametrize(
    "yes, status",
    [
        (["m1", "w1", "w2"], NOT_PRESENT),  # everything else answered No: nothing left open
        (["m1", "m2"], NOT_PRESENT),
        ([], NOT_PRESENT),
    ],
)
def test_element_closed_when_everything_else_is_no(graded_set, yes, status):
    answers = {i: (Y if i in yes else N) for i in ALL_GRADED}
    assert evaluate(graded_set, "p1", answers).element("e-graded").status == status


def test_not_sure_and_declined_keep_an_element_open_but_never_present(graded_set):
    answers = {i: N for i in ALL_GRADED} | {"s1": Y, "s2": NS, "m1": D}
    e = evaluate(graded_set, "p1", answers).element("e-graded")
    assert e.status == OPEN and e.not_sure == 1 and e.declined == 1 and e.unanswered == 0


def test_any_rule_one_yes_is_enough(graded_set):
    out = evaluate(graded_set, "p1", {"a1": Y})
    assert out.element("e-any").status == PRESENT and out.element("e-any").combination == "any"
    assert evaluate(graded_set, "p1", {"a1": N}).element("e-any").status == NOT_PRESENT
    assert evaluate(graded_set, "p1", {"a1": NS}).element("e-any").status == OPEN


# --- profile rules on the real Delphi set -----------------------------------------------------

# Two indicators that make each element present, for every profile (strong + medium).
ELEMENT_YES = {
    "act": ["act-moved"],
    "deceptive-recruitment": ["dr-job-place-employer", "dr-wages"],
    "coercive-recruitment": ["cr-violence", "cr-documents"],
    "recruitment-abuse-of-vulnerability": ["vr-family-difficulty", "vr-irregular-status", "vr-economic"],
    "exploitation": ["ex-excessive-hours", "ex-low-no-pay"],
    "coercion-at-destination": ["cd-documents", "cd-violence"],
    "abuse-of-vulnerability-at-destination": ["vd-dependency", "vd-unknown-area", "vd-economic"],
}


# The sexual-exploitation profiles have their own exploitation indicators (strong + medium).
SEXUAL_EXPLOITATION_YES = ["ex-sx-hours-clients", "ex-sx-earnings-taken"]


def yes_for(*elements: str, profile: str = "adults-labour") -> dict[str, Answer]:
    sexual = DELPHI.profiles[profile].exploitation == "sexual"
    return {i: Y for e in elements for i in (SEXUAL_EXPLOITATION_YES if sexual and e == "exploitation" else ELEMENT_YES[e])}


def ev(iset, profile: str, answers) -> object:
    """Evaluate as the screens do: a practice-only profile only ever as a practice run."""
    return evaluate(iset, profile, answers, practice=iset.profiles[profile].practice is not None)


ADULT_CASES = [
    # recruitment (each of the three) AND exploitation AND (either means at destination)
    (("deceptive-recruitment", "exploitation", "coercion-at-destination"), "refer-formal-identification-adult"),
    (("coercive-recruitment", "exploitation", "coercion-at-destination"), "refer-formal-identification-adult"),
    (("recruitment-abuse-of-vulnerability", "exploitation", "coercion-at-destination"), "refer-formal-identification-adult"),
    (("deceptive-recruitment", "exploitation", "abuse-of-vulnerability-at-destination"), "refer-formal-identification-adult"),
    (("coercive-recruitment", "exploitation", "abuse-of-vulnerability-at-destination"), "refer-formal-identification-adult"),
    # one part missing
    (("exploitation", "coercion-at-destination"), "exploitation-look-further"),  # no recruitment
    (("deceptive-recruitment", "exploitation"), "exploitation-look-further"),  # no means at destination
    (("exploitation",), "exploitation-look-further"),
    (("deceptive-recruitment", "coercion-at-destination"), "some-indicators-look-further"),  # no exploitation
    (("coercive-recruitment", "recruitment-abuse-of-vulnerability", "abuse-of-vulnerability-at-destination"), "some-indicators-look-further"),
    ((), "none-noted"),
]


@pytest.mark.parametrize("profile", ["adults-labour", "adults-sexual"])
@pytest.mark.parametrize("elements, outcome", ADULT_CASES)
def test_adult_profile_rule(profile, elements, outcome):
    out = ev(DELPHI, profile, yes_for(*elements, profile=profile))
    assert set(out.present_elements) == set(elements)
    assert out.outcome_id == outcome
    assert out.rule_met == (outcome == "refer-formal-identification-adult")
    if out.rule_met:
        assert set(out.rule_because) <= set(elements)
        assert "exploitation" in out.rule_because


CHILD_CASES = [
    # act or any recruitment element AND exploitation; no means needed (Palermo Art. 3(c))
    (("act", "exploitation"), "refer-formal-identification-child"),
    (("deceptive-recruitment", "exploitation"), "refer-formal-identification-child"),
    (("coercive-recruitment", "exploitation"), "refer-formal-identification-child"),
    (("recruitment-abuse-of-vulnerability", "exploitation"), "refer-formal-identification-child"),
    (("exploitation",), "child-exploitation-refer"),
    (("exploitation", "coercion-at-destination"), "child-exploitation-refer"),
    (("act",), "some-indicators-look-further"),
    (("act", "coercion-at-destination", "abuse-of-vulnerability-at-destination"), "some-indicators-look-further"),
    ((), "none-noted"),
]


@pytest.mark.parametrize("profile", ["children-labour", "children-sexual"])
@pytest.mark.parametrize("elements, outcome", CHILD_CASES)
def test_child_profile_rule(profile, elements, outcome):
    out = ev(DELPHI, profile, yes_for(*elements, profile=profile))
    assert set(out.present_elements) == set(elements)
    assert out.outcome_id == outcome
    assert out.level == ("refer" if "refer" in outcome else "look-further" if elements else "none-noted")


def test_a_single_indicator_gives_some_indicators_not_a_verdict():
    out = evaluate(DELPHI, "adults-labour", {"cd-violence": Y})
    assert out.present_elements == ()
    assert (out.outcome_id, out.level, out.yes_count) == ("some-indicators-look-further", "look-further", 1)


def test_grades_depend_on_the_profile():
    # Education (W for adults, S for children) + wages (M): 1M + 1W for an adult, 1S + 1M for a child.
    answers = {"dr-education": Y, "dr-wages": Y}
    assert evaluate(DELPHI, "adults-labour", answers).element("deceptive-recruitment").status == OPEN
    child = evaluate(DELPHI, "children-labour", answers).element("deceptive-recruitment")
    assert child.status == PRESENT and child.combination == "1S + 1M|W"
    # Threats at destination: M for adults, S for children.
    answers = {"cd-threats": Y, "cd-act-against-peers": Y}
    assert not evaluate(DELPHI, "adults-labour", answers).element("coercion-at-destination").present
    assert evaluate(DELPHI, "children-labour", answers).element("coercion-at-destination").present


def test_explanation_names_the_indicators_and_the_combination():
    out = evaluate(DELPHI, "adults-labour", yes_for("deceptive-recruitment", "exploitation", "coercion-at-destination") | {"dr-contract": Y})
    dr = out.element("deceptive-recruitment")
    assert dr.because == ("dr-job-place-employer", "dr-wages")
    assert dr.combination == "1S + 1M|W"
    assert [i for i, _g in dr.yes] == ["dr-job-place-employer", "dr-wages", "dr-contract"]
    assert out.element("coercion-at-destination").combination == "2S"
    assert out.rule_because == ("deceptive-recruitment", "exploitation", "coercion-at-destination")


def test_rule_possible_tracks_what_is_still_open():
    assert evaluate(DELPHI, "adults-labour", {}).rule_possible
    all_no = {i: N for i in DELPHI.profiles["adults-labour"].indicator_ids}
    out = evaluate(DELPHI, "adults-labour", all_no)
    assert not out.rule_possible and out.complete and out.outcome_id == "none-noted"


def test_answers_outside_the_profile_are_ignored_and_listed():
    out = evaluate(DELPHI, "children-labour", {"vr-false-law": Y, "no-such-indicator": Y})
    assert out.ignored == ("no-such-indicator", "vr-false-law")
    assert out.yes_count == 0


def test_bad_input_is_refused():
    with pytest.raises(KeyError):
        evaluate(DELPHI, "no-such-profile", {})
    with pytest.raises(ValueError):
        evaluate(DELPHI, "adults-labour", {"dr-wages": "maybe"})


def test_string_answers_are_accepted():
    assert evaluate(DELPHI, "adults-labour", {"dr-wages": "yes"}).yes_count == 1


@pytest.mark.parametrize(
    "answers, outcome",
    [
        ({}, "none-noted"),
        ({"fl-documents": Y}, "look-further-refer"),  # one indicator is enough to look further
        ({"fl-documents": NS, "fl-debt-bondage": D}, "none-noted"),
        ({i: N for i in FL.indicators}, "none-noted"),
    ],
)
def test_forced_labour_instrument(answers, outcome):
    assert evaluate(FL, "workers", answers).outcome_id == outcome


# --- wording -------------------------------------------------------------------------------


def test_outcome_wording_is_careful_and_filled_in():
    out = evaluate(DELPHI, "adults-labour", yes_for("deceptive-recruitment", "exploitation", "coercion-at-destination"))
    en = outcome_wording(DELPHI, out, "en")
    assert en.title == "Indicators of possible trafficking for labour exploitation are present: refer for formal identification."
    assert en.level == "refer" and not en.needs_review and not en.fell_back
    ar = outcome_wording(DELPHI, out, "ar")
    assert "الاستغلال في العمل" in ar.title and ar.needs_review and "{" not in ar.title
    assert "de" not in DELPHI.texts
    de = outcome_wording(DELPHI, out, "de")  # no German text: English, and said so
    assert de.fell_back and de.lang == "en"
    fr = outcome_wording(DELPHI, out, "fr")
    assert not fr.fell_back and fr.lang == "fr" and "traite des personnes" in fr.title
    sexual = outcome_wording(DELPHI, evaluate(DELPHI, "adults-sexual", {}, practice=True), "en")
    assert sexual.verification.startswith("PRACTICE ONLY") and sexual.practice and not en.practice


# --- properties ------------------------------------------------------------------------------

PROFILES = [(s, p) for s in (DELPHI, FL) for p in s.profiles]
ANSWER_OR_NONE = st.sampled_from([None, Y, N, NS, D])


@st.composite
def screenings(draw):
    s, pid = draw(st.sampled_from(PROFILES))
    ids = s.profiles[pid].indicator_ids
    picks = draw(st.lists(ANSWER_OR_NONE, min_size=len(ids), max_size=len(ids)))
    return s, pid, {i: a for i, a in zip(ids, picks) if a is not None}


@settings(max_examples=300, deadline=None)
@given(screenings(), st.data())
def test_one_more_yes_never_removes_an_element(case, data):
    s, pid, answers = case
    candidates = [i for i in s.profiles[pid].indicator_ids if answers.get(i) is not Y]
    if not candidates:
        return
    extra = data.draw(st.sampled_from(candidates))
    before = ev(s, pid, answers)
    after = ev(s, pid, answers | {extra: Y})
    assert set(before.present_elements) <= set(after.present_elements)
    assert after.rule_met or not before.rule_met
    assert after.yes_count == before.yes_count + 1


@settings(max_examples=300, deadline=None)
@given(screenings(), st.sampled_from([N, None]))
def test_not_sure_and_declined_never_count_as_yes(case, replacement):
    s, pid, answers = case
    replaced = {k: v for k, v in answers.items() if v in (Y, N)}
    if replacement is not None:
        replaced |= {k: replacement for k, v in answers.items() if v in (NS, D)}
    a, b = ev(s, pid, answers), ev(s, pid, replaced)
    assert a.present_elements == b.present_elements
    assert (a.rule_met, a.outcome_id, a.yes_count) == (b.rule_met, b.outcome_id, b.yes_count)


@settings(max_examples=200, deadline=None)
@given(screenings())
def test_open_means_it_could_still_become_present(case):
    s, pid, answers = case
    out = ev(s, pid, answers)
    for e in out.elements:
        if e.status == PRESENT:
            continue
        filled = dict(answers)
        for i, _g in s.profiles[pid].members[e.element]:
            if answers.get(i) is not N:
                filled[i] = Y
        assert ev(s, pid, filled).element(e.element).present == (e.status == OPEN)


# --- the sexual-exploitation profiles, hand-worked (issue 12) ---------------------------------
# Grades (see curricula/indicators/ilo-ec-delphi-2009.toml; composed by the project, practice only):
# adults-sexual: dr-sx-prostitution-conditions M, dr-wages M, dr-housing M; ex-sx-earnings-taken M,
# ex-sx-earnings-manipulated M, ex-sx-health-risks M, ex-sx-hours-clients S; cd-sx-no-choice-clients M,
# cd-sx-forced-drugs M, cd-sx-forced-prostitution M, cd-violence S.
# children-sexual: ex-sx-child-commercial-sex S, ex-living-conditions M, cd-sx-no-choice-clients S.


def test_a_practice_only_profile_gives_no_real_result():
    for pid in ("adults-sexual", "children-sexual"):
        with pytest.raises(PracticeOnly):
            evaluate(DELPHI, pid, {})
        assert evaluate(DELPHI, pid, {}, practice=True).practice
    assert not evaluate(DELPHI, "adults-labour", {}).practice  # a real screening
    assert evaluate(DELPHI, "adults-labour", {}, practice=True).practice  # training on a real profile


def test_adults_sexual_positive_by_three_medium_indicators_in_each_element():
    answers = {
        "dr-sx-prostitution-conditions": Y, "dr-wages": Y, "dr-housing": Y,  # 3M: deceptive recruitment
        "ex-sx-earnings-taken": Y, "ex-sx-earnings-manipulated": Y, "ex-sx-health-risks": Y,  # 3M: exploitation
        "cd-sx-no-choice-clients": Y, "cd-sx-forced-drugs": Y, "cd-sx-forced-prostitution": Y,  # 3M: coercion
    }
    out = evaluate(DELPHI, "adults-sexual", answers, practice=True)
    assert out.present_elements == ("deceptive-recruitment", "exploitation", "coercion-at-destination")
    assert out.element("exploitation").combination == "3M"
    assert (out.rule_met, out.outcome_id, out.level) == (True, "refer-formal-identification-adult", "refer")
    assert outcome_wording(DELPHI, out, "en").title == "Indicators of possible trafficking for sexual exploitation are present: refer for formal identification."


def test_adults_sexual_strong_plus_medium():
    answers = {"ex-sx-hours-clients": Y, "ex-sx-degrading-conditions": Y, "cd-violence": Y, "cd-sx-moral-values": Y, "cr-violence": Y, "cr-threats": Y}
    out = evaluate(DELPHI, "adults-sexual", answers, practice=True)
    assert out.element("exploitation").combination == "1S + 1M|W" and out.element("exploitation").because == ("ex-sx-hours-clients", "ex-sx-degrading-conditions")
    assert out.outcome_id == "refer-formal-identification-adult"


def test_adults_sexual_not_positive():
    # exploitation with two medium indicators only: open, so exploitation only "look further"
    two_m = {"ex-sx-earnings-taken": Y, "ex-sx-health-risks": Y, "cd-sx-no-choice-clients": Y, "cd-sx-forced-drugs": Y, "cd-sx-forced-prostitution": Y}
    out = evaluate(DELPHI, "adults-sexual", two_m, practice=True)
    assert out.element("exploitation").status == OPEN and not out.rule_met
    assert out.outcome_id == "some-indicators-look-further"
    # exploitation present but no recruitment element: look further, not refer
    out = evaluate(DELPHI, "adults-sexual", two_m | {"ex-sx-earnings-manipulated": Y}, practice=True)
    assert out.present_elements == ("exploitation", "coercion-at-destination") and out.outcome_id == "exploitation-look-further"
    # the old failure mode: labour indicators are not this profile's, so they cannot count
    labour = {"ex-excessive-hours": Y, "ex-low-no-pay": Y, "dr-job-place-employer": Y, "dr-wages": Y, "cd-documents": Y, "cd-violence": Y}
    out = evaluate(DELPHI, "adults-sexual", labour, practice=True)
    assert out.ignored == ("ex-excessive-hours", "ex-low-no-pay")
    assert "exploitation" not in out.present_elements and out.outcome_id == "some-indicators-look-further"


def test_children_sexual_positive_with_the_act_and_without_any_means():
    answers = {"act-moved": Y, "ex-sx-child-commercial-sex": Y, "ex-living-conditions": Y}
    out = evaluate(DELPHI, "children-sexual", answers, practice=True)
    assert out.present_elements == ("act", "exploitation") and out.element("exploitation").combination == "1S + 1M|W"
    assert (out.outcome_id, out.level) == ("refer-formal-identification-child", "refer")
    # exploitation alone (2 strong) still refers to child protection
    out = evaluate(DELPHI, "children-sexual", {"ex-sx-child-commercial-sex": Y, "ex-sx-hours-clients": Y}, practice=True)
    assert (out.present_elements, out.outcome_id) == (("exploitation",), "child-exploitation-refer")
    # for a child, no freedom to refuse clients is strong (medium for adults)
    answers = {"cd-sx-no-choice-clients": Y, "cd-sx-forced-drugs": Y}
    assert evaluate(DELPHI, "children-sexual", answers, practice=True).element("coercion-at-destination").combination == "2S"
    assert evaluate(DELPHI, "adults-sexual", answers, practice=True).element("coercion-at-destination").status == OPEN


def test_children_sexual_not_positive():
    # one strong exploitation indicator alone is not the element (the rule needs a second one)
    out = evaluate(DELPHI, "children-sexual", {"act-moved": Y, "ex-sx-child-commercial-sex": Y}, practice=True)
    assert out.present_elements == ("act",) and out.element("exploitation").status == OPEN
    assert out.outcome_id == "some-indicators-look-further"
    everything_no = {i: N for i in DELPHI.profiles["children-sexual"].indicator_ids}
    out = evaluate(DELPHI, "children-sexual", everything_no, practice=True)
    assert out.present_elements == () and out.outcome_id == "none-noted" and out.complete
    # adult-only indicators are not in the children's lists
    assert evaluate(DELPHI, "children-sexual", {"vr-false-law": Y}, practice=True).ignored == ("vr-false-law",)
