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
from typing import Literal

import numpy as np

from indicators import taxonomy, units
from indicators.model import Assessment, Block, BudgetLine, Indicator, within_bounds
from indicators.values import Value, ValueKind, parse_value
from scoring.results import ExecutionBase, ExecutionResult, IndicatorResult, ScoredAssessment, WeightOrigin
from scoring.rules import RuleSet

FORMULA_KEYS = {">=": "higher", ">": "higher", "<=": "lower", "<": "lower", "=": "equal"}
HUNDRED = Decimal(100)
CRITERIA_REASON = "评分表按评分标准打分，保留公布得分，不重算"
DRAFT_REASON = "绩效目标申报表（草案）只审核指标设置，不计分"
MERGED_REASON = "得分为二级指标合并单元格，按二级整体计分，无法逐项重算"
FORMULA_FAILED_REASON = "规则集的计分公式对此行得不出 0 到分值之间的有限得分，未计分（C002）"
UNSCORED_GROUP_REASON = "表格按二级指标整体计分，此二级指标没有得分，不分配分值"
BASE_LABEL: dict[ExecutionBase, str] = {"full_year": "全年预算数", "initial": "年初预算数"}

WeightSource = Literal["stated", "label", "ruleset", "criteria", "draft"]
"""Where a scored table's 分值 come from: its rows, its labels, the rule set, or a criteria sheet's rows."""


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
    target = _parse(indicator.effective_target, indicator.measure_unit)
    actual = _parse(indicator.actual, indicator.measure_unit or target.unit)
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
    elif not all(within_bounds(v.number) for v in (target, actual) if v.number is not None):
        result.reason = "指标值或实际完成值超出合理范围，无法重算"
    else:
        column = units.lookup(indicator.measure_unit)
        stated_unit = target.unit or (column.name if column else None)
        if actual.unit and stated_unit and not units.same_family(actual.unit, stated_unit):
            result.reason = f"指标值单位“{stated_unit}”与实际完成值单位“{actual.unit}”不属于同一类，无法比较"
            result.unit_mismatch = True
            return result
        unit = comparison_unit(stated_unit, actual.unit)
        result.comparison_unit = unit
        result.target_value = _in_unit(target, unit)
        result.actual_value = _in_unit(actual, unit)
        result.status = "comparable"  # evaluate() settles met / unmet
    return result


def _standard_weight(ruleset: RuleSet, level1: str | None) -> Decimal | None:
    key = taxonomy.normalise(level1)
    for name, weight in ruleset.weights.items():
        if taxonomy.normalise(name) == key:
            return weight
    return None


def _group_key(result: IndicatorResult) -> tuple[str, str] | None:
    ind = result.indicator
    level2 = taxonomy.normalise(ind.level2)
    return (taxonomy.normalise(ind.level1), level2) if level2 else None


def scoring_units(results: Sequence[IndicatorResult]) -> list[list[IndicatorResult]]:
    """The rows scored together: one row each, except a 二级 group scored in one merged 得分 cell.

    A run of rows with the same 一级 and 二级 where only the first prints a
    得分 is read as one cell spanning the group (黄石 2022: 数量指标 | 2 rows | 10).
    """
    units: list[list[IndicatorResult]] = []
    start = 0
    while start < len(results):
        end, key = start + 1, _group_key(results[start])
        while key is not None and end < len(results) and _group_key(results[end]) == key:
            end += 1
        group = list(results[start:end])
        first, *rest = group
        if rest and first.indicator.score is not None and all(r.indicator.score is None for r in rest):
            units.append(group)
        else:
            units.extend([r] for r in group)
        start = end
    if any(len(unit) > 1 for unit in units):
        return _unscored_groups(units)
    return units


def _unscored_groups(units: list[list[IndicatorResult]]) -> list[list[IndicatorResult]]:
    """In a table scored per 二级 group, a group that prints no 得分 at all is one unit too (without a score)."""
    merged: list[list[IndicatorResult]] = []
    for unit in units:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and len(unit) == 1
            and unit[0].indicator.score is None
            and all(r.indicator.score is None for r in previous)
            and _group_key(previous[0]) == _group_key(unit[0]) is not None
        ):
            previous.append(unit[0])
        else:
            merged.append(list(unit))
    return merged


def _mark_merged(units: list[list[IndicatorResult]]) -> None:
    """A merged group keeps its one stated score: no row of it can be rescored on its own."""
    for unit in units:
        if len(unit) < 2:
            continue
        for r in unit:
            r.status, r.reason, r.score_kept = "unverifiable", MERGED_REASON, True


def _split(units: Sequence[list[IndicatorResult]], weight: Decimal, origin: WeightOrigin) -> None:
    """A weight shared equally among scoring units; a merged group's weight stands on its first row.

    Where the table scores per 二级 group, a group that prints no 得分 at all
    takes no share: the table gave its points to the groups it scored.
    """
    per_group = any(len(unit) > 1 and unit[0].indicator.score is not None for unit in units)
    unscored = [u for u in units if per_group and all(r.indicator.score is None for r in u)]
    shared = [u for u in units if not any(u is v for v in unscored)]
    if not shared:
        shared, unscored = list(units), []
    share = weight / len(shared)
    for first, *rest in shared:
        first.weight, first.weight_origin = share, origin
        for r in rest:
            r.weight, r.weight_origin = None, "merged"
    for unit in unscored:
        for r in unit:
            r.weight, r.weight_origin = None, "missing"
            r.status, r.reason, r.score_kept = "unverifiable", UNSCORED_GROUP_REASON, True


def level1_label_weights(blocks: Sequence[Block]) -> dict[str, Decimal]:
    """The weight each 一级 label prints (产出指标(40分) → 产出: 40), by normalised name."""
    weights: dict[str, Decimal] = {}
    for block in blocks:
        if block.level == 1 and block.path:
            weights.setdefault(taxonomy.normalise(block.path[-1]), block.weight)
    return weights


def _criteria_weights(results: Sequence[IndicatorResult], assessment: Assessment) -> WeightSource | None:
    """A criteria sheet keeps every row's 分值 and 得分 as published; unscored when it prints no 得分."""
    any_weight = any(r.indicator.weight is not None for r in results)
    for r in results:
        stated = r.indicator.weight
        if stated is not None:
            r.weight, r.weight_origin = stated, "stated"
        elif any_weight:
            r.weight, r.weight_origin = Decimal(0), "missing"
        r.status, r.reason, r.score_kept = "unverifiable", CRITERIA_REASON, True
    budget = assessment.budget
    scored = any(r.indicator.score is not None for r in results) or (budget is not None and budget.score is not None)
    return "criteria" if scored else None


def _label_weights(
    groups: dict[str, list[list[IndicatorResult]]], labels: dict[str, Decimal], assessment: Assessment, ruleset: RuleSet
) -> None:
    """Each labelled 一级's weight split among its units; others get the rule set's, or what is left of 100."""
    budget = assessment.budget
    exec_weight = budget.weight if budget is not None and budget.weight is not None else ruleset.execution.weight
    assigned, pending = Decimal(0), []
    for key, members in groups.items():
        weight, origin = (labels[key], "label") if key in labels else (_standard_weight(ruleset, key), "inferred")
        if weight is None:
            pending.extend(members)
            continue
        _split(members, weight, origin)  # type: ignore[arg-type]
        assigned += weight
    if pending:
        _split(pending, max(HUNDRED - exec_weight - assigned, Decimal(0)), "inferred")


def assign_weights(results: Sequence[IndicatorResult], ruleset: RuleSet, assessment: Assessment) -> WeightSource | None:
    """Set each result's weight and say where the weights come from; None when the table is unscored.

    A criteria sheet keeps its rows as published.  A table that prints
    得分 but no 分值 takes the weights its 一级 labels print (产出指标(40分)),
    else the rule set's 一级 weights, split equally among each 一级's scoring
    units (when its 一级 are not the standard ones, the indicator share split
    equally among all units).  A 二级 group scored in one merged cell is one unit.
    """
    if assessment.form == "criteria":
        return _criteria_weights(results, assessment)
    if assessment.is_draft:
        return _draft_weights(results)
    if any(r.indicator.weight is not None for r in results):
        for r in results:
            stated = r.indicator.weight
            r.weight, r.weight_origin = (stated, "stated") if stated is not None else (Decimal(0), "missing")
        return "stated"
    if not any(r.indicator.score is not None for r in results):
        return None
    scored_units = scoring_units(results)
    _mark_merged(scored_units)
    groups: dict[str, list[list[IndicatorResult]]] = {}
    for unit in scored_units:
        groups.setdefault(taxonomy.normalise(unit[0].indicator.level1), []).append(unit)
    labels = level1_label_weights(assessment.blocks)
    if any(key in labels for key in groups):
        _label_weights(groups, labels, assessment, ruleset)
        return "label"
    standard = {key: _standard_weight(ruleset, key) for key in groups}
    if all(weight is not None for weight in standard.values()):
        for key, members in groups.items():
            _split(members, standard[key], "inferred")  # type: ignore[arg-type]
    else:
        _split(scored_units, HUNDRED - ruleset.execution.weight, "inferred")
    return "ruleset"


def _draft_weights(results: Sequence[IndicatorResult]) -> WeightSource:
    """A draft's weights are the ones it writes, if any: nothing is inferred for a table no one scores yet."""
    absent: WeightOrigin = "missing" if any(r.indicator.weight is not None for r in results) else "none"
    for r in results:
        stated = r.indicator.weight
        r.weight, r.weight_origin = (stated, "stated") if stated is not None else (None, absent)
    return "draft"


def round_half_up(values: np.ndarray, precision: int) -> list[Decimal]:
    """Half-up rounding of floats, immune to binary noise (2.675 → 2.68)."""
    scale = 10.0**precision
    scaled = np.round(np.asarray(values, dtype=float) * scale, 6)
    rounded = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) / scale
    return [Decimal(f"{v:.{precision}f}") for v in rounded]


_WIDE = Context(prec=80)  # room for ratios of the largest and smallest figures the model accepts


def quantize(value: Decimal, precision: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP, context=_WIDE)


Columns = dict[str, np.ndarray]


def batch_frame(rows: list[IndicatorResult]) -> Columns:
    """The quantitative rows of a whole batch, as columns (a negative actual counts as 0).

    Plain numpy columns: pandas is not imported by the scoring at all (it cost every command half a second).
    """
    return {
        "weight": np.array([float(r.weight or 0) for r in rows], dtype=float),
        "target": np.array([float(r.target_value or 0) for r in rows], dtype=float),
        "actual": np.array([max(float(r.actual_value or 0), 0.0) for r in rows], dtype=float),
        "nature": np.array([r.nature for r in rows], dtype=object),
        "actual_op": np.array([r.actual.op for r in rows], dtype=object),
    }


def met_column(frame: Columns, equal_met: str) -> np.ndarray:
    """Does the actual reach the target? A strict bound in the actual proves a strict target."""
    a, t = frame["actual"], frame["target"]
    nature, op = frame["nature"], frame["actual_op"]
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
    keys = np.array([FORMULA_KEYS.get(n) for n in frame["nature"]], dtype=object)
    for key in ("higher", "lower", "equal"):
        mask = keys == key
        if not mask.any():
            continue
        formula = ruleset.quantitative_formula(key)
        columns = {
            "weight": frame["weight"][mask],
            "target": frame["target"][mask],
            "actual": frame["actual"][mask],
            "met": met[mask],
        }
        scores[mask] = formula.evaluate_rows(columns)
    failed = _failed(scores, frame["weight"])
    rounded = round_half_up(np.where(failed, 0.0, scores), ruleset.precision)
    expressions = {key: ruleset.quantitative_formula(key).expression for key in set(keys)}  # not once per row
    for r, is_met, key, score, fails in zip(rows, met, keys, rounded, failed, strict=True):
        r.met = bool(is_met)
        r.status = "met" if is_met else "unmet"
        r.rule = f"quantitative.{key}"
        r.formula = expressions[key]
        r.score = score if r.weight is not None else None
        if fails:
            r.status, r.score, r.formula_failed = "unverifiable", None, True
            r.reason = FORMULA_FAILED_REASON


def _failed(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Rows where the rule set's formula gives no usable score: not finite, below 0 or above the 分值.

    The formula passed its trial on every kind of figure when the rule set
    loaded; a row it still fails on is reported for that table alone (C002),
    and the rest of the batch is scored.
    """
    return ~np.isfinite(scores) | (scores < -1e-9) | (scores > weights + 1e-9)


def execution_rate(line: BudgetLine) -> tuple[Decimal | None, ExecutionBase | None]:
    """执行率 = executed / base × 100, and the base: 全年预算数, or 年初预算数 where no 全年预算数 is printed.

    北京 2016 tables print 年初预算数(A) | 全年执行数(B) | 执行率(B/A) and nothing else.
    The rate is None when the base is zero or a figure is missing.
    """
    if line.full_year is not None:
        base_value, base = line.full_year, "full_year"
    elif line.initial is not None:
        base_value, base = line.initial, "initial"
    else:
        return None, None
    if base_value > 0 and line.executed is not None:
        return line.executed / base_value * HUNDRED, base  # type: ignore[return-value]
    return None, base  # type: ignore[return-value]


def execution_counts(s: ScoredAssessment) -> bool:
    """Does the budget block count in the total?

    Always in a rescored table; in a criteria sheet only where the block prints
    its own 分值 or 得分 (otherwise it is information beside the sheet's own rows).
    """
    budget = s.assessment.budget
    if budget is None or not s.is_scored:
        return False
    return not s.by_criteria or budget.weight is not None or budget.score is not None


def _execution_result(s: ScoredAssessment, ruleset: RuleSet) -> ExecutionResult:
    budget = s.assessment.budget
    assert budget is not None
    weight, origin = (budget.weight, "stated") if budget.weight is not None else (ruleset.execution.weight, "ruleset")
    rate, base = execution_rate(budget)
    result = ExecutionResult(
        weight=weight,
        weight_origin=origin,  # type: ignore[arg-type]
        rate=rate,
        score=None,
        status="scored",
        formula=ruleset.execution.formula,
        base=base,
        rounded_rate=quantize(rate, ruleset.precision) if rate is not None else None,
    )
    if not execution_counts(s):
        result.status = "unscored"
        if s.is_draft:
            result.reason = DRAFT_REASON
        elif not s.is_scored:
            result.reason = "表中没有得分，只计算执行率"
        else:
            result.reason = "评分表的预算执行情况未列分值和得分，不计入总分"
    elif rate is None:
        result.status = "unverifiable"
        result.reason = f"{BASE_LABEL[base or 'full_year']}或全年执行数为空，或预算数为零，无法计算执行率"
        keep = ruleset.policies.unverifiable == "keep_stated"
        result.score = budget.score if keep else Decimal(0)
    return result


def _execution(scored: list[ScoredAssessment], ruleset: RuleSet) -> None:
    """The 预算执行率 of every assessment with a budget block; its score, one formula evaluation."""
    computable: list[ExecutionResult] = []
    for s in scored:
        if s.assessment.budget is None:
            continue
        s.execution = _execution_result(s, ruleset)
        if s.execution.status == "scored":
            computable.append(s.execution)
    if computable:
        weights = np.array([float(r.weight) for r in computable])
        values = ruleset.execution_formula.evaluate_rows(
            {"weight": weights, "rate": np.array([float(r.rate) for r in computable])}  # type: ignore[arg-type]
        )
        failed = _failed(values, weights)
        rounded = round_half_up(np.where(failed, 0.0, values), ruleset.precision)
        for r, score, fails in zip(computable, rounded, failed, strict=True):
            r.score = None if fails else score
            if fails:
                r.status, r.reason, r.formula_failed = "unverifiable", FORMULA_FAILED_REASON, True


def _totals(s: ScoredAssessment, ruleset: RuleSet) -> None:
    """Raw sum, Σ分值, the total (rescaled to 100 under ``normalise``) and its grade.

    A criteria sheet that prints no 分值 at all has no Σ分值 to rescale by.
    """
    if s.is_draft:
        s.weights_total = _draft_weights_total(s, ruleset)
        return
    if not s.is_scored:
        return
    counted = s.execution if s.execution is not None and s.execution.status != "unscored" else None
    exec_score = counted.score if counted and counted.score is not None else Decimal(0)
    exec_weight = counted.weight if counted else Decimal(0)
    s.raw = quantize(exec_score + sum((r.score or Decimal(0) for r in s.indicators), Decimal(0)), ruleset.precision)
    if s.by_criteria and all(r.weight is None for r in s.indicators):
        s.total, s.grade = s.raw, ruleset.grade(s.raw)
        return
    weights_total = exec_weight + sum((r.weight or Decimal(0) for r in s.indicators), Decimal(0))
    total = exec_score + sum((r.score or Decimal(0) for r in s.indicators), Decimal(0))
    if (
        ruleset.policies.weights_not_100 == "normalise"
        and weights_total > 0
        and quantize(weights_total, ruleset.precision) != HUNDRED
    ):
        total = total * HUNDRED / weights_total
    s.weights_total = quantize(weights_total, ruleset.precision)
    s.total = quantize(total, ruleset.precision)
    s.grade = ruleset.grade(s.total)


def _draft_weights_total(s: ScoredAssessment, ruleset: RuleSet) -> Decimal | None:
    """Σ分值 a draft writes: its indicators' and, only where its budget block prints one, the execution weight."""
    weights = [r.weight for r in s.indicators if r.weight is not None]
    if not weights:
        return None  # a draft without 分值 (many 申报表 have none): nothing to add up
    budget = s.assessment.budget
    if budget is not None and budget.weight is not None:
        weights.append(budget.weight)
    return quantize(sum(weights, Decimal(0)), ruleset.precision)


_STATUS = {None: "unscored", "criteria": "scored_by_criteria", "draft": "draft"}


def score_assessments(
    assessments: Sequence[Assessment], ruleset: RuleSet, ids: Sequence[str], read_from: Sequence[str]
) -> list[ScoredAssessment]:
    """Score a batch: per-row reading, then one vectorised evaluation per formula."""
    scored: list[ScoredAssessment] = []
    quantitative: list[IndicatorResult] = []
    keep = ruleset.policies.unverifiable == "keep_stated"
    for assessment, aid, origin in zip(assessments, ids, read_from, strict=True):
        results = [read_indicator(ind, i) for i, ind in enumerate(assessment.indicators) if not ind.is_heading]
        source = assign_weights(results, ruleset, assessment)
        for r in results:
            if source == "draft":
                continue  # nothing done yet, nothing to score
            if r.indicator.by_criteria and source is not None:  # a 资金管理情况 row in a rescored table
                r.status, r.reason, r.score_kept = "unverifiable", CRITERIA_REASON, True
            stated = r.indicator.score
            if r.score_kept:
                r.score = quantize(stated, ruleset.precision) if stated is not None else None
            elif r.status == "comparable":
                quantitative.append(r)
            elif source is not None:
                r.score = (
                    Decimal(0) if not keep else (quantize(stated, ruleset.precision) if stated is not None else None)
                )
        scored.append(
            ScoredAssessment(
                id=aid,
                read_from=origin,
                assessment=assessment,
                ruleset=ruleset.name,
                status=_STATUS.get(source, "scored"),  # type: ignore[arg-type]
                indicators=results,
                execution=None,
                weights_inferred=source in ("label", "ruleset"),
            )
        )
    evaluate(quantitative, ruleset)
    _execution(scored, ruleset)
    for s in scored:
        _totals(s, ruleset)
    return scored
