"""L2xx — the logic of the indicators: targets, actuals, weights, levels, directions, years."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from indicators import taxonomy, units
from indicators.model import SourceRef
from indicators.units import in_money_unit
from indicators.values import PLACEHOLDERS, ValueKind, normalise_text, num
from indicators.vocabulary import YEAR
from scoring.checks.registry import EVERY_STAGE, check, finding
from scoring.results import Finding, IndicatorResult, ScoredAssessment
from scoring.rules import RuleSet

_NO_REASON = {"", "无", "没有偏差", "无偏差", "没有", "无。", "完成", "已完成", "—", "/"}
_PER_UNIT = re.compile(r"人均|单价|均价|标准|每|平均|单位成本")
_MONEY_SENSE = re.compile(r"资金|经费|成本|费用|费|支出|金额|预算")
_YEAR = re.compile(rf"(?<!\d)({YEAR})\s*年")
_ADJUSTED = re.compile(r"调整|调减|调增|追加|核减")
_REASON_HEADER = re.compile(r"原因|理由|扣分说明|扣分依据|扣分情况")  # an extra column that explains a deduction


@lru_cache(maxsize=65536)
def squash(text: str | None) -> str:
    """A cell as compared: the parser's normalisation, without any whitespace.

    Cached: a batch's cells repeat (≥95%, 完成, 满意度 …) and every check on a row squashes them again.
    """
    return re.sub(r"\s+", "", normalise_text(text or ""))


def measured(scored: ScoredAssessment) -> list[IndicatorResult]:
    """The rows judged on a target and an actual: none on a criteria sheet (评分表), nor in a criteria block.

    Rows judged by written criteria (a 评分表, or a 资金管理情况 block with no
    target column) have no target or actual to copy, bound, miss or
    overshoot, so the checks about targets and actuals have nothing to say there.
    """
    return [] if scored.by_criteria else [r for r in scored.indicators if not r.indicator.by_criteria]


def _published_weight(r: IndicatorResult) -> Decimal | None:
    """The 分值 the table prints, when positive.

    Full marks, a deduction or a share of the 分值 mean something only
    against a published 分值, not against one the engine inferred.
    """
    weight = r.indicator.weight
    return weight if weight is not None and weight > 0 else None


@check("L201", "unmet_full_score", "error", "未完成指标值却给了满分", stake="points", field="score")
def unmet_full_score(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The actual misses the target, yet the stated 得分 is the full 分值 (得分虚高).

    Anti-pattern: 指标值 ≥100%, 实际完成值 ≥10%, 分值 10, 得分 10.
    Best practice: score the shortfall (mof-2020: 10 × 10 / 100 = 1).
    """
    for r in measured(scored):
        stated = r.indicator.score
        weight = _published_weight(r)
        if r.status == "unmet" and stated is not None and weight is not None and stated >= weight:
            yield finding(
                scored,
                f"实际完成值 {r.actual.text} 未达到指标值 {r.target.text}，却得满分 {num(stated)}",
                result=r,
                expected=r.score,
                stated=stated,
            )


def _copies_target(r: IndicatorResult) -> bool:
    """The actual repeats a quantitative target's text, operator included (指标值 ≥95%, 实际完成值 ≥95%)."""
    if r.target.kind is not ValueKind.QUANTITATIVE or r.target.op is None or r.nature == "qualitative":
        return False  # a bare figure reached exactly is not evidence of copying; its operator is
    targets = {squash(r.indicator.target), squash(r.indicator.adjusted_target)} - {""}
    return squash(r.indicator.actual) in targets


@check("L202", "actual_copies_target", "warning", "实际完成值照抄指标值", field="actual")
def actual_copies_target(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The actual repeats the target text, operator included: no real figure was reported.

    Only quantitative targets are checked (a qualitative actual may rightly
    restate its goal).  The copy is a condition, not a value, so it is also
    what L203 says; one problem, one finding: L202 says both, L203 stays
    silent on the row.  Anti-pattern: 指标值 ≥95%, 实际完成值 ≥95%.
    """
    for r in measured(scored):
        if _copies_target(r):
            bound = f"，且是条件而不是实际数值，按界值 {num(r.actual.number)} 计算" if r.actual.op else ""
            yield finding(
                scored,
                f"实际完成值“{r.actual.text}”与指标值相同，疑为照抄{bound}",
                result=r,
                expected=None,
                stated=r.actual.text,
            )


@check("L203", "actual_is_bound", "warning", "实际完成值写成了条件（≥、≤、不少于……），不是数值", field="actual")
def actual_is_bound(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The actual is a condition (≥, ≤, >, <, =, 不少于, 不超过 …), not a measured value.

    It is scored at its bound value; a strict bound (>98%) proves a strict
    target.  A copied target is L202's (it says this too).  Anti-pattern:
    实际完成值 ≥95%.  Best practice: 实际完成值 97.3%.
    """
    for r in measured(scored):
        if r.actual.kind is ValueKind.QUANTITATIVE and r.actual.op and not _copies_target(r):
            yield finding(
                scored,
                f"实际完成值“{r.actual.text}”是条件而不是实际数值，按界值 {num(r.actual.number)} 计算",
                result=r,
                stated=r.actual.text,
            )


@check("L204", "missing_unit", "info", "定量指标没有计量单位", field="target", stages=EVERY_STAGE)
def missing_unit(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A quantitative indicator names no unit, neither in 度量单位 nor in its values.

    Anti-pattern: 指标值 等于=7.  Best practice: 指标值 =7人.
    """
    for r in measured(scored):
        if r.target.kind is not ValueKind.QUANTITATIVE or r.nature == "qualitative":
            continue
        if not (r.target.unit or r.actual.unit or _names_a_unit(r.indicator.measure_unit)):
            yield finding(scored, f"指标值“{r.target.text}”没有计量单位", result=r)


def _names_a_unit(measure_unit: str | None) -> bool:
    """The 度量单位 column names a unit, known to :mod:`indicators.units` or not (门, 学时, 元/人·天 are units too)."""
    text = squash(measure_unit)
    return bool(text) and text not in PLACEHOLDERS


@check("L205", "missing_weight", "warning", "指标没有分值（分值被推定或按 0 计）", field="weight", stages=EVERY_STAGE)
def missing_weight(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """An indicator prints no 分值.

    Where no indicator of the table prints one but 得分 are printed, the
    weights are inferred (one finding for the table): the weight each 一级
    label prints (产出指标(40分)), else the rule set's 一级 weights, split
    equally among each 一级's scoring units (a 二级 group scored in one merged
    得分 cell is one unit).  Where others print one, the indicator counts with
    weight 0.
    """
    if scored.weights_inferred:
        shares = "、".join(sorted({num(r.weight) for r in scored.indicators if r.weight is not None}))
        labels = "、".join(b.path[-1] for b in scored.assessment.blocks if b.level == 1 and b.path)
        how = (
            f"按表中一级指标标注的分值（{labels}）在各计分单元间平均推定"
            if any(r.weight_origin == "label" for r in scored.indicators)
            else "按规则集一级指标权重在各一级指标内平均推定"
        )
        yield finding(scored, f"全表未填分值，{how}（每项 {shares} 分）", source=scored.assessment.source)
        return
    message = "该指标没有分值（其他指标有）" if scored.is_draft else "该指标没有分值，按 0 分计入"
    for r in scored.indicators:
        if r.weight_origin == "missing":
            yield finding(scored, message, result=r, expected=None, stated=None)


_PLACEHOLDER_KINDS = {ValueKind.PLACEHOLDER, ValueKind.EMPTY}


@check(
    "L206",
    "placeholder_indicator",
    "warning",
    "占位指标（名称、指标值或完成值为“无”或空）却有分值",
    field="name",
    stages=EVERY_STAGE,
)
def placeholder_indicator(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The indicator's name, target or actual is 无 / — / empty, yet it carries 分值.

    Anti-pattern: 可持续影响指标 | 无 | 无 | 无 | 分值 20 | 得分 10.
    """
    for r in measured(scored):
        name_placeholder = squash(r.indicator.name) in PLACEHOLDERS | {""}
        counts = _published_weight(r) is not None or (r.indicator.score or 0) > 0
        actual_placeholder = not scored.is_draft and r.actual.kind in _PLACEHOLDER_KINDS  # a draft has no actual yet
        if counts and (name_placeholder or r.target.kind in _PLACEHOLDER_KINDS or actual_placeholder):
            yield finding(
                scored,
                f"占位指标（名称“{r.indicator.name or ''}”，指标值“{r.target.text}”，"
                f"实际完成值“{r.actual.text}”）却占分值 {num(r.weight)}",
                result=r,
                stated=r.weight,
            )


@check("L207", "misplaced_level2", "warning", "二级指标放在了不属于它的一级指标下", field="level2", stages=EVERY_STAGE)
def misplaced_level2(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A 二级 stands under a 一级 it does not belong to in any template.

    Anti-pattern: 效益指标 → 成本指标.  Best practice: 产出指标 → 成本指标
    (2020 template) or 成本指标 as a 一级 (2021 template).
    """
    seen: set[tuple[str, str]] = set()
    for r in scored.indicators:
        level1, level2 = r.indicator.level1, r.indicator.level2
        key = (taxonomy.normalise(level1), taxonomy.normalise(level2))
        if key in seen or not taxonomy.is_misplaced(level1, level2):
            continue
        seen.add(key)
        parents = "、".join(f"{p}指标" for p in sorted(taxonomy.level2_parents(level2)))
        yield finding(
            scored,
            f"二级指标“{level2}”放在一级指标“{level1}”下，模板中应属于 {parents}",
            result=r,
            expected=parents,
            stated=level1,
        )


@check(
    "L208", "satisfaction_outside", "info", "满意度类三级指标没有放在满意度指标下", field="level1", stages=EVERY_STAGE
)
def satisfaction_outside(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A 三级 about 满意度 stands outside the 一级 满意度指标.

    Anti-pattern: 效益指标 → 可持续影响指标 → 使用者满意度.
    """
    for r in scored.indicators:
        name = r.indicator.name or ""
        if "满意" in name and not taxonomy.is_satisfaction_level1(r.indicator.level1):
            yield finding(
                scored,
                f"“{name}”是满意度指标，却放在“{r.indicator.level1} → {r.indicator.level2}”下",
                result=r,
                expected="满意度指标",
                stated=r.indicator.level1,
            )


@check(
    "L209",
    "level1_weights_off",
    "info",
    "一级指标分值与规则集的标准权重不同",
    stages=EVERY_STAGE,
    parameters=("weights",),
)
def level1_weights_off(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The 分值 of each 一级 differ from the rule set's standard weights.

    mof-2020 (财预〔2020〕10号): 产出 50, 效益 30, 满意度 10 (+ 预算执行率 10).
    Only checked where the table prints its 分值 and uses the standard 一级,
    and not on a copy that ends before its 总分 row (rows may be missing).
    """
    if scored.weights_inferred or scored.status not in ("scored", "draft") or scored.cut_short:
        return
    standard = {taxonomy.normalise(k): (k, v) for k, v in ruleset.weights.items()}
    sums: dict[str, Decimal] = {}
    for r in scored.indicators:
        key = taxonomy.normalise(r.indicator.level1)
        if key not in standard:
            return
        sums[key] = sums.get(key, Decimal(0)) + (r.weight or Decimal(0))
    stated = {standard[k][0]: sums.get(k, Decimal(0)) for k in standard}
    expected = {name: weight for name, weight in standard.values()}
    if stated != expected:
        parts = "、".join(
            f"{name} {num(stated[name])}（标准 {num(expected[name])}）"
            for name in expected
            if stated[name] != expected[name]
        )
        yield finding(
            scored,
            f"一级指标分值与标准权重不同：{parts}",
            source=scored.assessment.source,
            expected=expected,
            stated=stated,
        )


def overshoot_ratio(r: IndicatorResult, ruleset: RuleSet) -> Decimal | None:
    """How many times a met actual beats its target (target / actual for ≤ <), when by the overshoot ratio or more."""
    if r.status != "met" or not r.target_value or not r.actual_value:
        return None
    if r.target_value <= 0 or r.actual_value <= 0:
        return None
    ratio = r.target_value / r.actual_value if r.nature in {"<=", "<"} else r.actual_value / r.target_value
    return ratio if ratio >= ruleset.overshoot_ratio else None


def target_unit(r: IndicatorResult) -> units.Unit | None:
    """The unit the target is in: the one its text names, else the 度量单位 column's."""
    return units.lookup(r.target.unit or r.indicator.measure_unit)


@check(
    "L210",
    "overshoot",
    "warning",
    "实际完成值远超指标值（指标值可能设置偏低）",
    field="actual",
    parameters=("overshoot_ratio",),
)
def overshoot(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The actual beats the target by the rule set's ratio or more: the target was likely set too low.

    Positive (≥ > =): actual / target ≥ ratio; reverse (≤ <): target / actual ≥
    ratio.  mof-2020: ratio 1.5, no deduction (财预〔2020〕10号 asks to reduce
    the score 按偏离度适度 only where the target was obviously low).
    """
    for r in measured(scored):
        ratio = overshoot_ratio(r, ruleset)
        if ratio is not None:
            reverse = r.nature in {"<=", "<"}
            yield finding(
                scored,
                f"实际完成值 {r.actual.text} 是指标值 {r.target.text} 的 {num(round(ratio, 2))} 倍"
                f"{'（反向指标）' if reverse else ''}，指标值可能设置偏低",
                result=r,
                expected=ruleset.overshoot_ratio,
                stated=round(ratio, 2),
            )


@check("L211", "direction_suspicious", "warning", "指标方向与指标含义相反", field="target", stages=EVERY_STAGE)
def direction_suspicious(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The target's direction contradicts the indicator's sense.

    A count of complaints, petitions, errors or accidents, a response time or
    a cost should be capped (≤ <), not floored (≥ >); a rate of satisfaction
    or completion should be floored.  Anti-pattern: 进京非访量人次 >3人.
    """
    for r in measured(scored):
        if r.nature not in {">=", ">", "<=", "<"}:
            continue
        unit = target_unit(r)
        sense = taxonomy.expected_direction(r.indicator.name, r.indicator.level2, unit.family if unit else None)
        wrong = (sense == "lower" and r.nature in {">=", ">"}) or (sense == "higher" and r.nature in {"<=", "<"})
        if wrong:
            better = "越低越好，应使用 ≤ 或 <" if sense == "lower" else "越高越好，应使用 ≥ 或 >"
            yield finding(
                scored,
                f"“{r.indicator.name}”{better}，指标值却写为“{r.target.text}”",
                result=r,
                expected="≤" if sense == "lower" else "≥",
                stated=r.nature,
            )


@check(
    "L212",
    "year_mismatch",
    "warning",
    "目标或指标中的年份与评价年度不符（疑为沿用旧表）",
    stages=EVERY_STAGE,
    parameters=("year_window",),
)
def year_mismatch(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The goals, targets or actuals name a year outside the rule set's window around the year.

    Anti-pattern: a 2022 table whose 年度目标 begins “我单位2020年整体支出绩效目标…”.
    """
    year = scored.assessment.year
    if year is None:
        return
    goals = scored.assessment.goals
    texts: list[tuple[str, str | None, IndicatorResult | SourceRef | None]] = []
    if goals:
        texts += [("年度目标", goals.target, goals.source), ("实际完成情况", goals.actual, goals.source)]
    for r in measured(scored):
        texts += (("指标值", r.indicator.target, r), ("实际完成值", r.indicator.actual, r))
    for label, text, where in texts:
        outside = [y for y in _years(text) if abs(y - year) > ruleset.year_window]
        if not outside:
            continue
        listed = "、".join(f"{y}年" for y in outside)
        if isinstance(where, IndicatorResult):
            message = f"“{where.indicator.name}”的{label}中出现 {listed}，与评价年度 {year} 年不符，疑为沿用旧表"
            yield finding(scored, message, result=where, expected=year, stated=outside[0])
        else:
            message = f"{label}中出现 {listed}，与评价年度 {year} 年不符，疑为沿用旧表"
            yield finding(scored, message, source=where, expected=year, stated=outside[0])


def _years(text: str | None) -> list[int]:
    """The years a text names (2020年, 2021 年), each once, in order."""
    if not text or "年" not in text:  # most cells: no year to look for
        return []
    return sorted({int(y) for y in _YEAR.findall(text)})


@check(
    "L213",
    "qualitative_out_of_band",
    "warning",
    "定性指标得分不在其完成档次对应的区间内",
    field="score",
    parameters=("qualitative_bands",),
)
def qualitative_out_of_band(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A qualitative score's share of 分值 lies outside the band its stated result implies.

    mof-2020 (财预〔2020〕10号): 达成 80%–100%, 部分达成 60%–80%, 未达成 0–60%;
    the lower bound is inclusive.  A result with no label is not checked.
    """
    for r in measured(scored):
        weight, stated = _published_weight(r), r.indicator.score
        if r.status != "unverifiable" or r.actual.label is None or weight is None or stated is None:
            continue
        low, high = ruleset.qualitative_bands[r.actual.label]  # type: ignore[index]
        share = stated / weight
        inside = low <= share <= high if high >= 1 else low <= share < high
        if not inside:
            yield finding(
                scored,
                f"完成情况为“{r.actual.label}”，应得 {num(low * weight)}–{num(high * weight)} 分，"
                f"公布得分 {num(stated)}",
                result=r,
                expected=[low * weight, high * weight],
                stated=stated,
            )


@check("L214", "unexplained_deduction", "warning", "扣了分却没有说明偏差原因", field="note")
def unexplained_deduction(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """得分 < 分值 while 偏差原因分析 is empty or says there was no deviation.

    Criteria sheets (评分表) too: a column such as 扣分原因 counts as the
    reason there, but the written rule (指标说明, 评分标准) does not say why
    this row lost its points.

    Anti-pattern: 分值 10, 得分 7, 偏差原因 empty; 资金整合 | 分值 2 | 评分 0 on a
    sheet with no reason column.
    """
    for r in scored.indicators:
        weight, stated = _published_weight(r), r.indicator.score
        if stated is None or weight is None or stated >= weight:
            continue
        reasons = [text for header, text in r.indicator.extra.items() if _REASON_HEADER.search(header)]
        if squash(r.indicator.note) in _NO_REASON and all(squash(t) in _NO_REASON for t in reasons):
            yield finding(
                scored,
                f"得分 {num(stated)} 低于分值 {num(weight)}，偏差原因却为“{r.indicator.note or '空'}”",
                result=r,
                expected=weight,
                stated=stated,
            )


def money_cap(scored: ScoredAssessment, r: IndicatorResult) -> Decimal | None:
    """A total-money ceiling (≤/< in 元/万元, not a per-person standard) in the table's money unit."""
    if r.nature not in {"<=", "<"} or r.target.number is None:
        return None
    unit = target_unit(r)
    name = r.indicator.name or ""
    if unit is None or unit.family != "money" or _PER_UNIT.search(name):
        return None
    level2 = taxonomy.normalise(r.indicator.level2)
    if not (level2.endswith("成本") or _MONEY_SENSE.search(name)):
        return None
    return units.convert(r.target.number, unit.name, scored.assessment.money_unit)


def money_tolerance(scored: ScoredAssessment, ruleset: RuleSet) -> Decimal:
    """The rule set's tolerance read in 万元, in the table's money unit: a cap 1.40元 over a budget is no finding.

    So the same table gives the same findings whether it states its money in 元 or in 万元.
    """
    return in_money_unit(ruleset.tolerance, "万元", scored.assessment.money_unit)


@check("L215", "cost_cap_exceeded", "warning", "成本指标的上限低于实际支出", field="target", parameters=("tolerance",))
def cost_cap_exceeded(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A 成本指标's cap is below the money the budget block says was spent.

    Anti-pattern: 年总资金 ≤183.82万元 while 全年执行数 is 196.409万元.
    """
    budget = scored.assessment.budget
    if not budget or budget.executed is None:
        return
    for r in measured(scored):
        cap = money_cap(scored, r)
        if cap is not None and cap + money_tolerance(scored, ruleset) < budget.executed:
            unit = scored.assessment.money_unit
            yield finding(
                scored,
                f"成本上限 {r.target.text} 低于全年执行数 {num(budget.executed)}{unit}",
                result=r,
                expected=budget.executed,
                stated=cap,
            )


def budget_adjusted(scored: ScoredAssessment, r: IndicatorResult) -> bool:
    budget = scored.assessment.budget
    if budget is None:
        return False
    if budget.adjustment not in (None, Decimal(0)):
        return True
    if budget.initial is not None and budget.full_year is not None and budget.initial != budget.full_year:
        return True
    texts = [r.indicator.note or "", *scored.assessment.analysis.values()]
    return any(_ADJUSTED.search(t) for t in texts)


@check(
    "L216",
    "target_not_adjusted",
    "info",
    "预算已调整，金额指标仍按原预算设定",
    field="target",
    parameters=("tolerance",),
)
def target_not_adjusted(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The budget was adjusted, yet a money ceiling still rests on a figure above the new budget.

    Evidence of the adjustment: 预算调整数, 年初 ≠ 全年预算数, or the table's
    own text (偏差原因, 自评结果分析) saying 调整/调减.  Anti-pattern: 成本指标
    ≤35万元 kept after the budget was cut to 15万元.
    """
    budget = scored.assessment.budget
    if not budget or budget.full_year is None:
        return
    for r in measured(scored):
        cap = money_cap(scored, r)
        if cap is not None and cap > budget.full_year + money_tolerance(scored, ruleset) and budget_adjusted(scored, r):
            unit = scored.assessment.money_unit
            yield finding(
                scored,
                f"金额指标 {r.target.text} 高于调整后的全年预算数 {num(budget.full_year)}{unit}，指标值未随预算调整",
                result=r,
                expected=budget.full_year,
                stated=cap,
            )


@check("L217", "empty_level2", "info", "二级指标下没有三级指标", field="level2", stages=EVERY_STAGE)
def empty_level2(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A 二级 row with no 三级 indicator under it (an unfilled template row)."""
    for indicator in scored.assessment.indicators:
        if indicator.is_heading and indicator.level2:
            yield finding(
                scored,
                f"二级指标“{indicator.level2}”下没有三级指标",
                source=indicator.source,
                stated=indicator.level2,
            )


@check("L218", "unit_mismatch", "warning", "指标值与实际完成值的单位不属于同一类，无法比较", field="actual")
def unit_mismatch(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The target and the actual are in units of different families (万元 against %): not comparable.

    Within a family units convert (元/万元, 分钟/小时, %/‰); across families
    the indicator cannot be recomputed and its stated score is kept.
    """
    for r in measured(scored):
        if r.unit_mismatch:
            yield finding(
                scored,
                f"指标值“{r.target.text}”与实际完成值“{r.actual.text}”单位不同类，无法比较",
                result=r,
                expected=r.target.unit,
                stated=r.actual.unit,
            )


@check("L219", "actual_not_numeric", "warning", "定量指标的实际完成值不是数值", field="actual")
def actual_not_numeric(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A quantitative target is answered with words (完成, 达成预期) instead of a figure.

    The indicator cannot be recomputed; its stated score is kept.
    """
    for r in measured(scored):
        if r.nature == "qualitative" or r.target.kind is not ValueKind.QUANTITATIVE:
            continue
        if r.actual.kind in {ValueKind.QUALITATIVE, ValueKind.DATE}:
            yield finding(
                scored,
                f"指标值为“{r.target.text}”，实际完成值却是“{r.actual.text}”，没有数值",
                result=r,
                stated=r.actual.text,
            )
