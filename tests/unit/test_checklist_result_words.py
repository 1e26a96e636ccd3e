"""The result's words: 'look further' names exactly the elements still missing, for every
combination of present elements of every profile; the unverified note for every profile whose
data says so, whatever the case."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from trainer.core.checklist import evaluate, load_indicator_sets, outcome_wording
from trainer.core.checklist.engine import _eval, missing_groups
from trainer.core.checklist.loader import expr_elements
from trainer.core.checklist.verification import is_unverified

ROOT = Path(__file__).resolve().parents[2]
SETS = load_indicator_sets(ROOT / "curricula")


def yes_for(iset, profile, elements):
    """Answers that make exactly `elements` present (every indicator of each answered Yes)."""
    return {i: "yes" for e in elements for i, _g in iset.profiles[profile].members[e]}


CASES = [
    (set_id, pid, frozenset(combo))
    for set_id, iset in SETS.items()
    for pid, profile in iset.profiles.items()
    for n in range(len(profile.element_ids) + 1)
    for combo in itertools.combinations(profile.element_ids, n)
]


@pytest.mark.parametrize("set_id,profile_id,present", CASES, ids=lambda v: "+".join(sorted(v)) if isinstance(v, frozenset) else str(v))
def test_look_further_names_exactly_the_missing_elements(set_id, profile_id, present):
    iset = SETS[set_id]
    rule = iset.profiles[profile_id].rule
    practice = iset.profiles[profile_id].practice is not None
    outcome = evaluate(iset, profile_id, yes_for(iset, profile_id, present), practice=practice)
    assert set(outcome.present_elements) == present
    groups = missing_groups(rule, present)
    named = {e for g in groups for e in g}
    # nothing present is named; every group, once filled, brings the rule closer; filling
    # one element of every group meets the rule
    assert not named & present
    assert bool(groups) == (not outcome.rule_met)
    for choice in itertools.product(*groups):
        assert _eval(rule, present | set(choice))[0]
    # each named element really is needed: the rule is not met while all of its group is absent
    for g in groups:
        others = (set(expr_elements(rule)) - set(g)) | present
        assert not _eval(rule, others - set(g))[0]
    for lang in iset.texts:
        words = outcome_wording(iset, outcome, lang)
        text = iset.officer_text(lang)[0]
        if words.lang != lang:
            continue  # an interviewee-only language: the officer reads the source language
        for eid in iset.profiles[profile_id].element_ids:
            name = text.elements[eid][0]
            in_meaning = name in words.meaning
            if outcome.level == "look-further" and "{missing}" in text.outcomes[outcome.outcome_id].meaning:
                # a name can contain another ("Recruitment by abuse of vulnerability" is not
                # inside any other name, but check only whole-name mentions of the missing)
                if eid in named:
                    assert in_meaning, (lang, eid)
        assert "{" not in words.meaning and "{" not in words.title


def test_the_adult_look_further_wording_with_only_coercion_missing():
    iset = SETS["ilo-ec-delphi-2009"]
    present = {"deceptive-recruitment", "exploitation"}
    outcome = evaluate(iset, "adults-labour", yes_for(iset, "adults-labour", present))
    words = outcome_wording(iset, outcome, "en")
    assert outcome.outcome_id == "exploitation-look-further"
    assert "Still missing: Coercion at destination or Abuse of vulnerability at destination." in words.meaning
    assert "recruitment" not in words.meaning.split("Still missing:")[1].lower()


@pytest.mark.parametrize("set_id,profile_id", [(s, p) for s, iset in SETS.items() for p in iset.profiles])
def test_the_unverified_note_shows_for_every_profile_whose_data_says_unverified(set_id, profile_id):
    """Whatever the case ("UNVERIFIED PLACEHOLDER GRADES", "... Unverified.")."""
    iset = SETS[set_id]
    if "unverified" in iset.profiles[profile_id].verification.casefold():
        assert is_unverified(iset, profile_id)


def test_the_adult_labour_profile_is_flagged_unverified():
    assert is_unverified(SETS["ilo-ec-delphi-2009"], "adults-labour")
