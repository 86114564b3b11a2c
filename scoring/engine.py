"""Assessments → one frame → vectorised evaluation → scored assessments.

Reading a row's texts (what is the target, in which unit, is the actual a
bound) is per-indicator work done once in :func:`prepare`.  Scoring is done
by the rule set's formulas evaluated once per formula over the whole batch
(:func:`evaluate`).  :mod:`scoring.reference` computes the same thing row
by row in Decimal; the tests hold the two together.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache

import numpy as np
import pandas as pd

from indicators import taxonomy, units
from indicators.model import Assessment, Indicator
from indicators.values import Value, ValueKind, parse_value
from scoring.results import ExecutionResult, IndicatorResult, ScoredAssessment
from scoring.rules import RuleSet

FORMULA_KEYS = {">=": "higher", ">": "higher", "<=": "lower", "<": "lower", "=": "equal"}
HUNDRED = Decimal(100)


@lru_cache(maxsize=65536)
def _parse(text: str | None, expected_unit: str | None) -> Value:
    return parse_value(text, expected_unit)


def resolve_nature(indicator: Indicator, target: Value) -> tuple[str | None, str]:
    """指标性质: the column when there is one, else the operator in the target, else a default."""
    if indicator.nature:
        return indicator.nature, "column"
    if target.kind is ValueKind.QUANTITATIVE:
        return (target.op, "target") if target.op else (">=", "default")
    if target.kind is ValueKind.QUALITATIVE:
        return "qualitative", "target"
    return None, "none"


def _in_unit(value: Value, unit: str | None) -> Decimal | None:
    if value.number is None:
        return None
    if unit is None or value.unit is None or value.unit == unit:
        return value.number
    return units.convert(value.number, value.unit, unit)


def comparison_unit(target_unit: str | None, actual_unit: str | None) -> str | None:
    """The finer of two units of one family, so that converting is an exact multiplication.

    95分钟 against 100小时 compares 95 with 6000 (minutes), not 1.58333… with 100.
    """
    if target_unit is None or actual_unit is None:
        return target_unit or actual_unit
    finer = units.lookup(target_unit), units.lookup(actual_unit)
    return target_unit if finer[0] and finer[1] and finer[0].factor <= finer[1].factor else actual_unit


def read_indicator(indicator: Indicator, index: int) -> IndicatorResult:
    """Everything about one row that does not depend on the rule set's formulas."""
    target = _parse(indicator.effective_target, indicator.unit)
    actual = _parse(indicator.actual, indicator.unit or target.unit)
    nature, nature_origin = resolve_nature(indicator, target)
    result = IndicatorResult(
        index=index,
        indicator=indicator,
        target=target,
        actual=actual,
        nature=nature,
        nature_origin=nature_origin,
        weight=None,
        weight_origin="none",
        status="unverifiable",
    )
    if target.kind is ValueKind.EMPTY:
        result.status, result.reason = "no_target", "没有指标值"
    elif target.kind is ValueKind.PLACEHOLDER:
        result.reason = f"指标值为占位符“{target.text}”"
    elif target.kind is ValueKind.DATE:
        result.reason = "时间（日期）指标，无法按数值重算"
    elif nature == "qualitative" or target.kind is not ValueKind.QUANTITATIVE:
        result.reason = "定性指标，无法重算，只能检查得分区间"
    elif actual.kind in (ValueKind.EMPTY, ValueKind.PLACEHOLDER):
        result.reason = "缺少实际完成值"
    elif actual.kind is not ValueKind.QUANTITATIVE:
        result.reason = "实际完成值不是数值"
    else:
        column = units.lookup(indicator.unit)
        stated_unit = target.unit or (column.name if column else None)
        if actual.unit and stated_unit and not units.same_family(actual.unit, stated_unit):
            result.reason = f"指标值单位“{stated_unit}”与实际完成值单位“{actual.unit}”不属于同一类，无法比较"
            result.unit_mismatch = True
            return result
        unit = comparison_unit(stated_unit, actual.unit)
        result.unit = unit
        result.target_value = _in_unit(target, unit)
        result.actual_value = _in_unit(actual, unit)
        result.status = "met"  # provisional: quantitative; evaluate() settles met / unmet
    return result


def _standard_weight(ruleset: RuleSet, level1: str | None) -> Decimal | None:
    key = taxonomy.normalise(level1)
    for name, weight in ruleset.weights.items():
        if taxonomy.normalise(name) == key:
            return weight
    return None


def assign_weights(results: Sequence[IndicatorResult], ruleset: RuleSet) -> bool | None:
    """Set each result's weight; True when inferred, False when stated, None when unscored.

    A table that prints 得分 but no 分值 gets the rule set's 一级 weights split
    equally among each 一级's indicators (or, when its 一级 are not the
    standard ones, the indicator share split equally among all indicators).
    """
    if any(r.indicator.weight is not None for r in results):
        for r in results:
            stated = r.indicator.weight
            r.weight, r.weight_origin = (stated, "stated") if stated is not None else (Decimal(0), "missing")
        return False
    if not any(r.indicator.score is not None for r in results):
        return None
    groups: dict[str, list[IndicatorResult]] = {}
    for r in results:
        groups.setdefault(taxonomy.normalise(r.indicator.level1), []).append(r)
    standard = {key: _standard_weight(ruleset, key) for key in groups}
    if all(weight is not None for weight in standard.values()):
        for key, members in groups.items():
            share = standard[key] / len(members)  # type: ignore[operator]
            for r in members:
                r.weight, r.weight_origin = share, "inferred"
    else:
        share = (HUNDRED - ruleset.execution.weight) / len(results)
        for r in results:
            r.weight, r.weight_origin = share, "inferred"
    return True


def round_half_up(values: np.ndarray, precision: int) -> list[Decimal]:
    """Half-up rounding of floats, immune to binary noise (2.675 → 2.68)."""
    scale = 10.0**precision
    scaled = np.round(np.asarray(values, dtype=float) * scale, 6)
    rounded = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) / scale
    return [Decimal(f"{v:.{precision}f}") for v in rounded]


_WIDE = Context(prec=80)  # room for ratios of the largest and smallest figures the model accepts


def quantize(value: Decimal, precision: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP, context=_WIDE)


def batch_frame(rows: list[IndicatorResult]) -> pd.DataFrame:
    """The quantitative rows of a whole batch, as columns (a negative actual counts as 0)."""
    return pd.DataFrame(
        {
            "weight": [float(r.weight or 0) for r in rows],
            "target": [float(r.target_value or 0) for r in rows],
            "actual": [max(float(r.actual_value or 0), 0.0) for r in rows],
            "nature": [r.nature for r in rows],
            "actual_op": [r.actual.op for r in rows],
        }
    )


def met_column(frame: pd.DataFrame, equal_met: str) -> np.ndarray:
    """Does the actual reach the target? A strict bound in the actual proves a strict target."""
    a, t = frame["actual"].to_numpy(), frame["target"].to_numpy()
    nature, op = frame["nature"].to_numpy(), frame["actual_op"].to_numpy()
    exact = np.isclose(a, t, rtol=0, atol=1e-9)
    ge, le = (a > t) | exact, (a < t) | exact
    # "=" with target 0 (零事故): only 0 reaches it, whatever equal_met says (RULES §1.3)
    equal = np.where(t == 0, a <= 0, ge if equal_met == "at_least" else exact)
    return np.select(
        [nature == ">=", nature == ">", nature == "<=", nature == "<", nature == "="],
        [ge, (a > t) & ~exact | (exact & (op == ">")), le, (a < t) & ~exact | (exact & (op == "<")), equal],
        default=False,
    ).astype(bool)


def evaluate(rows: list[IndicatorResult], ruleset: RuleSet) -> None:
    """Settle met / unmet and the score of every quantitative row, one formula evaluation each."""
    if not rows:
        return
    frame = batch_frame(rows)
    met = met_column(frame, ruleset.equal_met)
    scores = np.zeros(len(rows))
    keys = frame["nature"].map(FORMULA_KEYS).to_numpy()
    for key in ("higher", "lower", "equal"):
        mask = keys == key
        if not mask.any():
            continue
        formula = ruleset.quantitative_formula(key)
        columns = {
            "weight": frame["weight"].to_numpy()[mask],
            "target": frame["target"].to_numpy()[mask],
            "actual": frame["actual"].to_numpy()[mask],
            "met": met[mask],
        }
        scores[mask] = np.broadcast_to(np.asarray(formula.evaluate(columns), dtype=float), mask.sum())
    rounded = round_half_up(scores, ruleset.precision)
    for r, is_met, key, score in zip(rows, met, keys, rounded, strict=True):
        r.met = bool(is_met)
        r.status = "met" if is_met else "unmet"
        r.rule = f"quantitative.{key}"
        r.formula = ruleset.quantitative_formula(key).expression
        r.score = score if r.weight is not None else None


def _execution(scored: list[ScoredAssessment], ruleset: RuleSet) -> None:
    """The 预算执行率 score of every scored assessment, one formula evaluation."""
    computable: list[ExecutionResult] = []
    for s in scored:
        budget = s.assessment.budget
        if s.status != "scored" or budget is None:
            continue
        weight, origin = (
            (budget.weight, "stated") if budget.weight is not None else (ruleset.execution.weight, "ruleset")
        )
        result = ExecutionResult(
            weight=weight,
            weight_origin=origin,
            rate=None,
            score=None,
            status="unverifiable",
            formula=ruleset.execution.formula,
        )
        if budget.full_year and budget.full_year > 0 and budget.executed is not None:
            result.rate = budget.executed / budget.full_year * HUNDRED
            result.status = "scored"
            computable.append(result)
        else:
            result.reason = "全年预算数为空或为零，无法计算执行率"
            keep = ruleset.policies.unverifiable == "keep_stated"
            result.score = budget.score if keep else Decimal(0)
        s.execution = result
    if computable:
        values = ruleset.execution_formula.evaluate(
            {
                "weight": np.array([float(r.weight) for r in computable]),
                "rate": np.array([float(r.rate) for r in computable]),  # type: ignore[arg-type]
            }
        )
        values = np.broadcast_to(np.asarray(values, dtype=float), len(computable))
        for r, score in zip(computable, round_half_up(values, ruleset.precision), strict=True):
            r.score = score


def _totals(s: ScoredAssessment, ruleset: RuleSet) -> None:
    if s.status != "scored":
        return
    exec_score = s.execution.score if s.execution and s.execution.score is not None else Decimal(0)
    exec_weight = s.execution.weight if s.execution else Decimal(0)
    s.raw = exec_score + sum((r.score or Decimal(0) for r in s.indicators), Decimal(0))
    s.weights_total = exec_weight + sum((r.weight or Decimal(0) for r in s.indicators), Decimal(0))
    total = s.raw
    if (
        ruleset.policies.weights_not_100 == "normalise"
        and s.weights_total > 0
        and quantize(s.weights_total, ruleset.precision) != HUNDRED
    ):
        total = s.raw * HUNDRED / s.weights_total
    s.raw = quantize(s.raw, ruleset.precision)
    s.weights_total = quantize(s.weights_total, ruleset.precision)
    s.total = quantize(total, ruleset.precision)
    s.grade = ruleset.grade(s.total)


def score_assessments(
    assessments: Sequence[Assessment], ruleset: RuleSet, ids: Sequence[str], read_from: Sequence[str]
) -> list[ScoredAssessment]:
    """Score a batch: per-row reading, then one vectorised evaluation per formula."""
    scored: list[ScoredAssessment] = []
    quantitative: list[IndicatorResult] = []
    keep = ruleset.policies.unverifiable == "keep_stated"
    for assessment, aid, origin in zip(assessments, ids, read_from, strict=True):
        results = [read_indicator(ind, i) for i, ind in enumerate(assessment.indicators) if not ind.is_heading]
        inferred = assign_weights(results, ruleset)
        for r in results:
            if r.status == "met":
                quantitative.append(r)
            elif inferred is not None:
                stated = r.indicator.score
                r.score = (
                    Decimal(0) if not keep else (quantize(stated, ruleset.precision) if stated is not None else None)
                )
        scored.append(
            ScoredAssessment(
                id=aid,
                read_from=origin,
                assessment=assessment,
                ruleset=ruleset.name,
                status="unscored" if inferred is None else "scored",
                indicators=results,
                execution=None,
                weights_inferred=bool(inferred),
            )
        )
    evaluate(quantitative, ruleset)
    _execution(scored, ruleset)
    for s in scored:
        _totals(s, ruleset)
    return scored
