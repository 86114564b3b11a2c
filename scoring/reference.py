"""A plain reference scorer: the default rules written out row by row, in Decimal.

It shares the reading of the texts with the engine (:func:`engine.read_indicator`,
:func:`engine.assign_weights`) but none of the evaluation: no frame, no
formulas, no floats.  The tests require the vectorised engine to agree with
it on random batches; it implements the rules of ``mof-2020`` as written in
RULES.md §1 (R1 for reverse indicators, ``=`` as the platform).
"""

from __future__ import annotations

from decimal import Decimal

from indicators.model import Assessment
from scoring.engine import HUNDRED, assign_weights, quantize, read_indicator
from scoring.results import IndicatorResult
from scoring.rules import RuleSet

ZERO = Decimal(0)


def reference_met(nature: str, actual: Decimal, target: Decimal, actual_op: str | None, equal_met: str) -> bool:
    if nature == ">=":
        return actual >= target
    if nature == ">":
        return actual > target or (actual == target and actual_op == ">")
    if nature == "<=":
        return actual <= target
    if nature == "<":
        return actual < target or (actual == target and actual_op == "<")
    if nature == "=":
        if target == 0:
            return actual <= 0
        return actual >= target if equal_met == "at_least" else actual == target
    return False


def reference_indicator_score(r: IndicatorResult, ruleset: RuleSet) -> tuple[bool, Decimal]:
    """Met, and the score of one quantitative indicator, by the written rules."""
    assert r.target_value is not None and r.actual_value is not None and r.nature is not None
    weight = r.weight or ZERO
    target, actual = r.target_value, max(r.actual_value, ZERO)
    met = reference_met(r.nature, actual, target, r.actual.op, ruleset.equal_met)
    if met:
        return True, quantize(weight, ruleset.precision)
    # weight × a / b, multiplied first: exact whenever the true score terminates
    numerator, denominator = (target, actual) if r.nature in {"<=", "<"} else (actual, target)
    score = weight * numerator / denominator if denominator != 0 else ZERO
    return False, quantize(min(max(score, ZERO), weight), ruleset.precision)


def reference_assessment(assessment: Assessment, ruleset: RuleSet) -> tuple[list[Decimal | None], Decimal | None]:
    """Indicator scores (in order, headings left out) and the total, or None when unscored."""
    results = [read_indicator(ind, i) for i, ind in enumerate(assessment.indicators) if not ind.is_heading]
    inferred = assign_weights(results, ruleset)
    scores: list[Decimal | None] = []
    for r in results:
        if r.status == "met":
            scores.append(reference_indicator_score(r, ruleset)[1] if inferred is not None else None)
        elif inferred is None:
            scores.append(None)
        elif ruleset.policies.unverifiable == "zero":
            scores.append(ZERO)
        else:
            stated = r.indicator.score
            scores.append(quantize(stated, ruleset.precision) if stated is not None else None)
    if inferred is None:
        return scores, None
    budget = assessment.budget
    exec_weight = exec_score = ZERO
    if budget is not None:
        exec_weight = budget.weight if budget.weight is not None else ruleset.execution.weight
        if budget.full_year and budget.full_year > 0 and budget.executed is not None:
            rate = budget.executed / budget.full_year * HUNDRED
            exec_score = quantize(exec_weight * min(rate, HUNDRED) / HUNDRED, ruleset.precision)
        elif ruleset.policies.unverifiable == "keep_stated" and budget.score is not None:
            exec_score = budget.score
    raw = exec_score + sum((s or ZERO for s in scores), ZERO)
    weights = exec_weight + sum((r.weight or ZERO for r in results), ZERO)
    total = raw
    if (
        ruleset.policies.weights_not_100 == "normalise"
        and weights > 0
        and quantize(weights, ruleset.precision) != HUNDRED
    ):
        total = raw * HUNDRED / weights
    return scores, quantize(total, ruleset.precision)
