"""A plain reference scorer: the default rules written out row by row, in Decimal.

It shares the reading of the texts with the engine (:func:`engine.read_indicator`,
:func:`engine.assign_weights`) but none of the evaluation: no frame, no
formulas, no floats.  The tests require the vectorised engine to agree with
it on random batches; it implements the rules of ``mof-2020`` as written in
RULES.md §1 (R1 for reverse indicators, ``=`` as the platform).  The weights,
and which stated scores stand as published (criteria sheets, merged 二级
得分 cells), come from :func:`engine.assign_weights`, as in the engine.
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


def _reference_execution(assessment: Assessment, ruleset: RuleSet, criteria: bool) -> tuple[Decimal, Decimal]:
    """Weight and score of the 预算执行率 item, (0, 0) when it does not count.

    Rate on 全年预算数, or on 年初预算数 where none is printed; a criteria sheet
    counts the block only where it prints its own 分值 or 得分.
    """
    budget = assessment.budget
    if budget is None or (criteria and budget.weight is None and budget.score is None):
        return ZERO, ZERO
    weight = budget.weight if budget.weight is not None else ruleset.execution.weight
    base = budget.full_year if budget.full_year is not None else budget.initial
    if base and base > 0 and budget.executed is not None:
        rate = budget.executed / base * HUNDRED
        return weight, quantize(weight * min(rate, HUNDRED) / HUNDRED, ruleset.precision)
    if ruleset.policies.unverifiable == "keep_stated" and budget.score is not None:
        return weight, budget.score
    return weight, ZERO


def reference_assessment(assessment: Assessment, ruleset: RuleSet) -> tuple[list[Decimal | None], Decimal | None]:
    """Indicator scores (in order, headings left out) and the total, or None when unscored."""
    results = [read_indicator(ind, i) for i, ind in enumerate(assessment.indicators) if not ind.is_heading]
    source = assign_weights(results, ruleset, assessment)
    scores: list[Decimal | None] = []
    for r in results:
        stated = r.indicator.score
        if r.score_kept:  # criteria sheets and merged 二级 cells: the stated score stands
            scores.append(quantize(stated, ruleset.precision) if stated is not None else None)
        elif r.status == "comparable":
            scores.append(reference_indicator_score(r, ruleset)[1] if source is not None else None)
        elif source is None:
            scores.append(None)
        elif ruleset.policies.unverifiable == "zero":
            scores.append(ZERO)
        else:
            scores.append(quantize(stated, ruleset.precision) if stated is not None else None)
    if source is None:
        return scores, None
    criteria = source == "criteria"
    exec_weight, exec_score = _reference_execution(assessment, ruleset, criteria)
    raw = exec_score + sum((s or ZERO for s in scores), ZERO)
    if criteria and all(r.weight is None for r in results):
        return scores, quantize(raw, ruleset.precision)  # no 分值 printed: nothing to rescale by
    weights = exec_weight + sum((r.weight or ZERO for r in results), ZERO)
    total = raw
    if (
        ruleset.policies.weights_not_100 == "normalise"
        and weights > 0
        and quantize(weights, ruleset.precision) != HUNDRED
    ):
        total = raw * HUNDRED / weights
    return scores, quantize(total, ruleset.precision)
