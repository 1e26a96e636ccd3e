"""The rule engine: answers in, per-element status and an outcome out. Pure and fast.

It runs after every answer (the screen re-renders the element summary), so it works from
the per-profile index the loader built and does no I/O. Only an explicit Yes counts towards
an element; No, Not sure and Declined never do. Not sure, Declined and unanswered indicators
keep an element *open*: it is not present, but it could still become present.

Every rule is monotone (more Yes answers can only add elements), which the property tests
check: answering one more indicator Yes never turns a present element absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from .model import AllOf, Answer, AnyOf, Combination, Condition, ElementRule, IndicatorSet, Ref, RuleExpr

class PracticeOnly(ValueError):
    """The profile may only be used for practice (its lists are incomplete or composed by the
    project), and a real screening's result was asked for. Never caught to carry on."""


PRESENT = "present"
OPEN = "open"  # not present yet, but unanswered/uncertain indicators could still make it present
NOT_PRESENT = "not-present"


@dataclass(frozen=True)
class ElementResult:
    element: str
    status: str  # present | open | not-present
    yes: tuple[tuple[str, str | None], ...]  # (indicator id, grade) answered Yes, in data order
    because: tuple[str, ...]  # the Yes indicators that satisfy `combination` (empty unless present)
    combination: str | None  # the combination that was met, e.g. "1S + 1M|W", or "any"
    total: int
    unanswered: int
    not_sure: int
    declined: int

    @property
    def present(self) -> bool:
        return self.status == PRESENT


@dataclass(frozen=True)
class Outcome:
    set_id: str
    profile_id: str
    elements: tuple[ElementResult, ...]
    rule_met: bool  # the profile's combination of elements is met
    rule_possible: bool  # it could still be met if the open indicators turned out Yes
    rule_because: tuple[str, ...]  # the present elements that satisfy the profile rule
    outcome_id: str  # which outcome (wording) applies; texts live in the indicator set
    level: str  # refer | look-further | none-noted
    yes_count: int
    answered: int
    total: int
    ignored: tuple[str, ...]  # answered ids that are not indicators of this profile
    practice: bool = False  # a practice run: never the result of a real screening

    def element(self, element_id: str) -> ElementResult:
        return next(e for e in self.elements if e.element == element_id)

    @property
    def present_elements(self) -> tuple[str, ...]:
        return tuple(e.element for e in self.elements if e.present)

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def normalise_answers(answers: Mapping[str, Answer | str]) -> dict[str, Answer]:
    """Accept enum members or their string values; reject anything else loudly."""
    return {k: v if isinstance(v, Answer) else Answer(v) for k, v in answers.items()}


def _meet(rule: ElementRule, items: list[tuple[str, str | None]]) -> tuple[Combination | None, tuple[str, ...]] | None:
    """The first combination of `rule` met by `items` and a witness, or None."""
    if rule.kind == "any":
        return (None, (items[0][0],)) if items else None
    for combo in rule.combinations:
        used: list[str] = []
        for cls, n in combo.needs:
            picks = [i for i, g in items if g in cls][:n]
            if len(picks) < n:
                break
            used.extend(picks)
        else:
            return combo, tuple(used)
    return None


def _eval(expr: RuleExpr, present: set[str]) -> tuple[bool, tuple[str, ...]]:
    """Evaluate a rule; when it holds, also return the elements that make it hold."""
    if isinstance(expr, Ref):
        return (expr.element in present), (expr.element,)
    if isinstance(expr, AllOf):
        why: list[str] = []
        for item in expr.items:
            ok, w = _eval(item, present)
            if not ok:
                return False, ()
            why.extend(x for x in w if x not in why)
        return True, tuple(why)
    assert isinstance(expr, AnyOf)
    for item in expr.items:
        ok, w = _eval(item, present)
        if ok:
            return True, w
    return False, ()


def _condition(cond: Condition, rule_met: bool, yes_count: int, present: set[str]) -> bool:
    if cond.kind == "profile":
        return rule_met
    if cond.kind == "any-yes":
        return yes_count > 0
    if cond.kind == "always":
        return True
    assert cond.expr is not None
    return _eval(cond.expr, present)[0]


def evaluate(indicator_set: IndicatorSet, profile_id: str, answers: Mapping[str, Answer | str], *, practice: bool = False) -> Outcome:
    """Evaluate one screening. Unknown profile ids raise KeyError; unknown answer values
    raise ValueError; answers for indicators outside the profile are ignored and listed.

    A practice-only profile (`Profile.practice`) gives a result only for a practice run
    (`practice=True`); asking for a real screening's result raises PracticeOnly, so no screen
    or summary can present it as one."""
    profile = indicator_set.profiles[profile_id]
    if profile.practice and not practice:
        raise PracticeOnly(f"profile '{profile_id}' of '{indicator_set.id}' is for practice only ({profile.practice}); it cannot give the result of a real screening")
    given = normalise_answers(answers)
    members = profile.members
    results: list[ElementResult] = []
    present: set[str] = set()
    possible: set[str] = set()
    yes_count = answered = total = 0
    for element_id, items in members.items():
        rule = indicator_set.element_rules[indicator_set.element(element_id).rule]
        yes_items: list[tuple[str, str | None]] = []
        maybe_items: list[tuple[str, str | None]] = []
        unanswered = not_sure = declined = 0
        for iid, grade in items:
            a = given.get(iid)
            if a is Answer.YES:
                yes_items.append((iid, grade))
            elif a is None or a is Answer.NOT_SURE or a is Answer.DECLINED:
                maybe_items.append((iid, grade))
                unanswered += a is None
                not_sure += a is Answer.NOT_SURE
                declined += a is Answer.DECLINED
        total += len(items)
        answered += len(items) - unanswered
        yes_count += len(yes_items)
        met = _meet(rule, yes_items)
        if met is not None:
            combo, because = met
            status = PRESENT
            present.add(element_id)
            possible.add(element_id)
        else:
            combo, because = None, ()
            could = _meet(rule, yes_items + maybe_items) is not None
            status = OPEN if could else NOT_PRESENT
            if could:
                possible.add(element_id)
        results.append(
            ElementResult(
                element=element_id,
                status=status,
                yes=tuple(yes_items),
                because=because,
                combination=(combo.label() if combo else "any") if met is not None else None,
                total=len(items),
                unanswered=unanswered,
                not_sure=not_sure,
                declined=declined,
            )
        )
    rule_met, rule_because = _eval(profile.rule, present)
    rule_possible = _eval(profile.rule, possible)[0]
    outcome = next(
        o
        for o in indicator_set.outcomes
        if (o.profiles is None or profile_id in o.profiles) and _condition(o.when, rule_met, yes_count, present)
    )
    known = set(profile.indicator_ids)
    return Outcome(
        set_id=indicator_set.id,
        profile_id=profile_id,
        elements=tuple(results),
        rule_met=rule_met,
        rule_possible=rule_possible,
        rule_because=rule_because,
        outcome_id=outcome.id,
        level=outcome.level,
        yes_count=yes_count,
        answered=answered,
        total=total,
        ignored=tuple(sorted(k for k in given if k not in known)),
        practice=practice,
    )


def missing_groups(expr: RuleExpr, present: set[str] | frozenset[str] | tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """What a profile rule still lacks, given the present elements: one group per unmet part
    of the rule, each group the elements any one of which would fill that part, in data order.
    () when the rule is met. E.g. for the adult rule with only exploitation present:
    ((deceptive-, coercive-, recruitment-abuse-...), (coercion-at-destination, abuse-...))."""
    present = set(present)
    if _eval(expr, present)[0]:
        return ()
    if isinstance(expr, Ref):
        return ((expr.element,),)
    if isinstance(expr, AllOf):
        out: list[tuple[str, ...]] = []
        for item in expr.items:
            out.extend(g for g in missing_groups(item, present) if g not in out)
        return tuple(out)
    assert isinstance(expr, AnyOf)
    options: list[str] = []
    for item in expr.items:
        for group in missing_groups(item, present):
            options.extend(e for e in group if e not in options)
    return (tuple(options),)


def ordered_indicators(indicator_set: IndicatorSet, profile_id: str) -> Iterable[tuple[str, tuple[tuple[str, str | None], ...]]]:
    """(element id, its indicators with grades) in screening order, for the screens."""
    return indicator_set.profiles[profile_id].members.items()
