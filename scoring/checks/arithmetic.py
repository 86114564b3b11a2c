"""A1xx — arithmetic inside one table: totals, weights, rates, balances, budget lines, grades."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from indicators import taxonomy
from indicators.model import Block, BudgetLine, Indicator, OtherRow
from indicators.values import num
from indicators.vocabulary import normalise_grade
from scoring.checks.registry import EVERY_STAGE, check, differs, finding
from scoring.choice import choose
from scoring.engine import BASE_LABEL, HUNDRED, execution_rate, quantize
from scoring.results import Finding, ScoredAssessment
from scoring.rules import RuleSet

# A row that prints a bonus rule may score above its 分值: 一个加1分,最多加2分 / 加分项 / 奖励分.
_BONUS = re.compile(r"加\s*(?:\d+(?:\.\d+)?|[一二两三四五])\s*分|(?<!参)加分|奖励分|附加分")


def _budget_rows(scored: ScoredAssessment) -> list[BudgetLine]:
    budget = scored.assessment.budget
    return [budget, *budget.lines] if budget else []


def _stated_item_sum(scored: ScoredAssessment) -> Decimal | None:
    budget = scored.assessment.budget
    scores = [r.indicator.score for r in scored.indicators if r.indicator.score is not None]
    exec_score = budget.score if budget and budget.score is not None else None
    if not scores and exec_score is None:
        return None
    return sum(scores, Decimal(0)) + (exec_score or Decimal(0))


def _stated_weights_total(scored: ScoredAssessment) -> Decimal | None:
    if scored.weights_inferred or not (scored.is_scored or scored.is_draft):
        return None
    return scored.weights_total


def prints_bonus(indicator: Indicator) -> bool:
    """Does the row's own text (its name, 四级, or another column such as 指标说明) print a bonus rule?"""
    texts = [indicator.name, indicator.level4, *indicator.extra.values()]
    return any(_BONUS.search(text) for text in texts if text)


@check(
    "A101",
    "total_mismatch",
    "error",
    "公布的总分不等于各项得分之和（含预算执行率得分）",
    stake="points",
    field="score",
    parameters=("precision", "tolerance"),
)
def total_mismatch(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The stated 总分 must be the sum of the stated item scores, 预算执行率 included.

    Where the stated 分值 do not add up to 100, a total rescaled to 100
    (sum × 100 / Σ分值) is accepted as well: that is arithmetic, not an error.

    Anti-pattern: items 10 + 20 + 20 + 20 + 7 + 10 + 10 + 10 = 107, 总分 93.
    Best practice: 总分 = Σ 得分.
    """
    stated = scored.stated_total
    items = _stated_item_sum(scored)
    if stated is None or items is None:
        return
    candidates = [items]
    weights = _stated_weights_total(scored)
    if weights and weights != HUNDRED:
        candidates.append(items * HUNDRED / weights)
    if all(differs(quantize(c, ruleset.precision), stated, ruleset) for c in candidates):
        yield finding(
            scored,
            f"总分公布为 {num(stated)}，但各项得分（含预算执行率得分）之和为 {num(items)}",
            source=scored.stated_source,
            expected=items,
            stated=stated,
        )


@check(
    "A102",
    "score_exceeds_weight",
    "error",
    "得分高于分值或为负数",
    stake="points",
    field="score",
    parameters=("execution.weight", "tolerance"),
)
def score_exceeds_weight(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """An item's 得分 can be neither above its 分值 nor below zero.

    Checked on every indicator with both figures printed and on every budget
    row that prints a 得分 (its 分值 is the rule set's when the table prints none).
    A row whose own text prints a bonus rule (加1分, 最多加2分, 加分, 奖励分 …) may
    score above its 分值; never below zero.

    Anti-pattern: 分值 10, 得分 12.  Allowed: 工作安排 | 分值 1 | 得分 2, where its
    指标说明 reads “……一个加1分,最多加2分”.
    """
    for r in scored.indicators:
        weight, score = r.indicator.weight, r.indicator.score
        if weight is None or score is None:
            continue
        above = score > weight + ruleset.tolerance and not prints_bonus(r.indicator)
        if score < 0 or above:
            yield finding(
                scored,
                f"得分 {num(score)} 超出分值 0–{num(weight)} 的范围",
                result=r,
                expected=weight,
                stated=score,
            )
    for line in _budget_rows(scored):  # 山西 tables score every funding row, not just the total
        if line.score is None:
            continue
        weight = line.weight if line.weight is not None else ruleset.execution.weight
        if line.score < 0 or line.score > weight + ruleset.tolerance:
            yield finding(
                scored,
                f"{line.name}：预算执行率得分 {num(line.score)} 超出分值 0–{num(weight)} 的范围",
                source=line.source,
                expected=weight,
                stated=line.score,
            )


@check(
    "A103",
    "weights_not_100",
    "error",
    "分值合计（含预算执行率）不等于 100",
    stages=EVERY_STAGE,
    parameters=("policies.weights_not_100",),
)
def weights_not_100(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The 分值 of all items, 预算执行率 included, must add up to 100.

    The recomputed total is then rescaled to 100 (policy ``weights_not_100``).
    Not checked where the table prints no 分值 (see L205), nor where the copy
    ends inside the indicator block before its 总分 row (rows may be missing).
    """
    weights = _stated_weights_total(scored)
    if weights is None or weights == HUNDRED or scored.cut_short:
        return
    policy = "重算总分已按 100 分折算" if ruleset.policies.weights_not_100 == "normalise" else ""
    yield finding(
        scored,
        f"分值合计为 {num(weights)}，应为 100" + (f"；{policy}" if policy else ""),
        source=scored.assessment.source,
        expected=HUNDRED,
        stated=weights,
    )


def _recomputed_rate(line: BudgetLine) -> Decimal | None:
    """The engine's rate: on 全年预算数, or on 年初预算数 where the row prints no 全年预算数."""
    return execution_rate(line)[0]


@check(
    "A104",
    "rate_mismatch",
    "error",
    "公布的执行率不等于全年执行数 ÷ 全年预算数（未列全年预算数时为年初预算数）",
    field="rate",
    parameters=("tolerance",),
)
def rate_mismatch(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """执行率 = 全年执行数 / 全年预算数 × 100, compared at the precision it was published with.

    Where a row prints no 全年预算数 but a 年初预算数 (北京 2016: 年初预算数(A) |
    全年执行数(B) | 执行率(B/A)), the rate is on 年初预算数, as the table says.
    Checked on the 年度资金总额 row and on every budget line that prints the figures.
    """
    for line in _budget_rows(scored):
        rate, base = execution_rate(line)
        if rate is None or base is None or line.rate is None:
            continue
        if differs(rate, line.rate, ruleset):
            base_value = line.full_year if base == "full_year" else line.initial
            yield finding(
                scored,
                f"{line.name}：执行率公布为 {num(line.rate)}%，按全年执行数 {num(line.executed)} ÷ "
                f"{BASE_LABEL[base]} {num(base_value)} 应为 {num(quantize(rate, 2))}%",
                source=line.source,
                expected=quantize(rate, 2),
                stated=line.rate,
            )


@check(
    "A105",
    "balance_mismatch",
    "error",
    "公布的结余不等于全年预算数 − 全年执行数",
    stake="money",
    field="balance",
    parameters=("tolerance",),
)
def balance_mismatch(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """资金结(转)余 = 全年预算数 − 全年执行数, on every budget row that prints all three."""
    for line in _budget_rows(scored):
        if line.balance is None or line.full_year is None or line.executed is None:
            continue
        expected = line.full_year - line.executed
        if differs(expected, line.balance, ruleset):
            yield finding(
                scored,
                f"{line.name}：结余公布为 {num(line.balance)}，"
                f"按 {num(line.full_year)} − {num(line.executed)} 应为 {num(expected)}",
                source=line.source,
                expected=expected,
                stated=line.balance,
            )


@check(
    "A106",
    "exec_score_mismatch",
    "error",
    "预算执行率得分与规则集的计分公式不符",
    stake="points",
    field="score",
    parameters=("execution.weight", "execution.formula", "precision", "tolerance"),
)
def exec_score_mismatch(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The stated 预算执行率 得分 must be the rule set's execution formula on the recomputed rate.

    mof-2020: 分值 × min(执行率, 100%), half-up to 2 decimals.  Checked on
    every budget row that prints a 得分 (山西 tables score every funding row).
    """
    for line in _budget_rows(scored):
        rate = _recomputed_rate(line)
        if rate is None or line.score is None:
            continue
        weight = line.weight if line.weight is not None else ruleset.execution.weight
        value = ruleset.execution_formula.value_at(weight=float(weight), rate=float(rate))
        expected = quantize(Decimal(str(value)), ruleset.precision)
        if differs(expected, line.score, ruleset):
            yield finding(
                scored,
                f"{line.name}：执行率得分公布为 {num(line.score)}，"
                f"按执行率 {num(quantize(rate, 2))}% 应为 {num(expected)}（{ruleset.execution.formula}）",
                source=line.source,
                expected=expected,
                stated=line.score,
            )


def _sum_check(scored: ScoredAssessment, ruleset: RuleSet, group: str, label: str) -> Iterator[Finding]:
    budget = scored.assessment.budget
    members = [line for line in budget.lines if line.group == group] if budget else []
    if not budget or not members:
        return
    for field, field_label in (("initial", "年初预算数"), ("full_year", "全年预算数"), ("executed", "执行数")):
        total = getattr(budget, field)
        values = [getattr(line, field) for line in members]
        if total is None or any(v is None for v in values):
            continue  # a partition with an unstated member cannot be checked
        parts = sum(values, Decimal(0))
        if differs(parts, total, ruleset):
            names = " + ".join(line.name for line in members)
            yield finding(
                scored,
                f"{field_label}：{names} = {num(parts)}，与{label}合计 {num(total)} 不符",
                source=budget.source,
                expected=parts,
                stated=total,
                field=field,  # 年初预算数, 全年预算数 or 执行数: the column that does not add up
            )


@check(
    "A107",
    "budget_lines_mismatch",
    "error",
    "预算各行不能相加：年初 + 调整 ≠ 全年，或分项之和 ≠ 总额",
    stake="money",
    field="full_year",
    parameters=("tolerance",),
)
def budget_lines_mismatch(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """Budget rows must add up.

    On every row that prints them: 年初预算数 + 预算调整数 = 全年预算数.  Across
    rows: 基本支出 + 项目支出 = 年度资金总额, and the funding sources (财政拨款,
    上年结转, 其他资金 …) = 年度资金总额, for each of 年初预算数, 全年预算数 and
    执行数.  A breakdown with a member whose figure is not printed is not
    checked (the partition is incomplete, not wrong).
    """
    for line in _budget_rows(scored):
        if line.initial is None or line.adjustment is None or line.full_year is None:
            continue
        expected = line.initial + line.adjustment
        if differs(expected, line.full_year, ruleset):
            yield finding(
                scored,
                f"{line.name}：年初预算数 {num(line.initial)} + 调整数 {num(line.adjustment)} = "
                f"{num(expected)}，全年预算数公布为 {num(line.full_year)}",
                source=line.source,
                expected=expected,
                stated=line.full_year,
            )
    yield from _sum_check(scored, ruleset, "direction", "年度资金总额（按支出方向）")
    yield from _sum_check(scored, ruleset, "source", "年度资金总额（按资金来源）")


@check(
    "A108", "grade_mismatch", "error", "公布的等级与公布总分所在的等级区间不符", field="note", parameters=("grades",)
)
def grade_mismatch(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The stated grade must be the rule set's band for the stated total.

    mof-2020: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below.  A grade cell that names no
    grade (e.g. the template's “(自评等级)”) is not checked.
    """
    stated = normalise_grade(scored.stated_grade)
    total = scored.stated_total
    if stated is None or total is None:
        return
    expected = ruleset.grade(total)
    if expected != stated:
        yield finding(
            scored,
            f"总分 {num(total)} 对应等级为“{expected}”，公布为“{stated}”",
            source=scored.stated_source,
            expected=expected,
            stated=stated,
        )


@check(
    "A109",
    "indicator_rescored",
    "warning",
    "指标重算得分与公布得分不同",
    stake="points",
    field="score",
    parameters=("tolerance",),
)
def indicator_rescored(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A quantitative indicator recomputed under the rule set scores differently than stated.

    Only indicators that can be recomputed (a number on both sides, in
    comparable units) are checked; ``jixiao explain`` shows the working.
    """
    for r in scored.indicators:
        stated = r.indicator.score
        if r.status not in {"met", "unmet"} or r.score is None or stated is None:
            continue
        if differs(r.score, stated, ruleset):
            yield finding(
                scored,
                f"按指标值 {r.target.text} 与实际完成值 {r.actual.text}，重算得分为 {num(r.score)}，"
                f"公布为 {num(stated)}",
                result=r,
                expected=r.score,
                stated=stated,
            )


@check(
    "A110",
    "total_rescored",
    "error",
    "重算总分与公布总分不同（等级改变为错误，否则为警告）",
    stake="points",
    field="score",
    parameters=("grades", "tolerance"),
)
def total_rescored(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The total recomputed under the rule set differs from the stated 总分.

    Severity error where the grade changes, warning where it does not.  On a
    criteria sheet (评分表) nothing is rescored: its total is the 预算执行率
    score and the stated item scores added up, so this says what the stated
    scores really add up to and whether the grade holds.
    """
    stated = scored.stated_total
    if scored.total is None or stated is None or not differs(scored.total, stated, ruleset):
        return
    stated_grade = normalise_grade(scored.stated_grade) or ruleset.grade(stated)
    changed = stated_grade != scored.grade
    tail = f"，等级由“{stated_grade}”变为“{scored.grade}”" if changed else f"，等级仍为“{scored.grade}”"
    head = "按评分表各项公布得分（不重算）合计，总分为" if scored.by_criteria else "重算总分为"
    yield finding(
        scored,
        f"{head} {num(scored.total)}，公布为 {num(stated)}{tail}",
        source=scored.stated_source,
        expected=scored.total,
        stated=stated,
        severity="error" if changed else "warning",
        grade_change=changed,
    )


def block_members(indicators: Sequence[Indicator], block: Block) -> list[Indicator]:
    """The indicators under a label: all of them for level 0, else those whose levels start with its path.

    Labels and levels are compared normalised (the printed weight, spaces and
    the 指标 suffix ignored): 产出指标(50分) holds the rows whose 一级 is 产出指标.
    """
    if block.level == 0:
        return list(indicators)
    path = [taxonomy.normalise(label) for label in block.path[-block.level :]]

    def under(ind: Indicator) -> bool:
        levels = (ind.level1, ind.level2, ind.name, ind.level4)
        return all(taxonomy.normalise(levels[i]) == label for i, label in enumerate(path))

    return [ind for ind in indicators if under(ind)]


def _block_label(block: Block) -> str:
    return " → ".join(block.path) if block.path else "指标"


@check(
    "A111",
    "block_weight_mismatch",
    "error",
    "标注分值的指标栏目（如“产出指标(50分)”）与其下各指标分值之和不符",
    stages=EVERY_STAGE,
    parameters=("tolerance",),
)
def block_weight_mismatch(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A label that prints a weight must equal the Σ 分值 of the indicators under it.

    产出指标(50分) over rows of 20 + 20 + 15 is 55, not 50; 年度绩效目标(80分)
    (level 0) covers every indicator of the table.  Only checked where the
    table shows the whole block (the copy does not end inside it) and every
    indicator under it prints a 分值; compared at the label's precision plus
    the rule set's tolerance.

    Anti-pattern: 产出指标(50分) | 20 | 20 | 15.  Best practice: Σ 分值 = the label's weight.
    """
    indicators = scored.assessment.scorable_indicators
    for block in scored.assessment.blocks:
        members = block_members(indicators, block)
        if not block.closed or not members or any(ind.weight is None for ind in members):
            continue
        total = sum((ind.weight for ind in members if ind.weight is not None), Decimal(0))
        if differs(total, block.weight, ruleset):
            yield finding(
                scored,
                f"“{_block_label(block)}”标注分值 {num(block.weight)}，"
                f"其下 {len(members)} 项指标分值合计为 {num(total)}",
                source=block.source,
                expected=total,
                stated=block.weight,
            )


def _sum_of(indicators: Sequence[Indicator], field: str, every: bool) -> Decimal | None:
    """Σ of a stated figure; None when none is printed, or (``every``) when one is missing."""
    values = [getattr(ind, field) for ind in indicators]
    present = [v for v in values if v is not None]
    if not present or (every and len(present) < len(values)):
        return None
    return sum(present, Decimal(0))


def _sections(indicators: Sequence[Indicator], row: OtherRow, previous: int | None) -> list[list[Indicator]]:
    """What a subtotal row may add up: every indicator, or those between the previous subtotal and it."""
    sections = [list(indicators)]
    if row.source is not None and row.source.row is not None:
        low, high = previous or 0, row.source.row
        sections.append([i for i in indicators if i.source and i.source.row and low < i.source.row < high])
    return sections


@check("A112", "subtotal_mismatch", "error", "小计（合计）行的分值或得分不等于各指标之和", parameters=("tolerance",))
def subtotal_mismatch(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A subtotal row (figures only: Σ分值 | Σ得分) must add up the indicators' stated figures.

    It may sum every indicator, or those since the previous subtotal row
    (a subtotal per 一级), with or without the 预算执行率 item.  Only checked
    where the table was read to its end (a 总分 row was read): in a copy cut
    short, rows may be missing.  Σ分值 is compared only where every indicator
    prints one; a missing 得分 counts as 0, as in A101.

    Anti-pattern: rows 分值 50 + 40, 得分 45 + 40; subtotal row | 90 | 80 |.
    """
    if scored.assessment.stated is None:
        return
    indicators = scored.assessment.scorable_indicators
    budget = scored.assessment.budget
    previous: int | None = None
    for row in (o for o in scored.assessment.other_rows if o.kind == "subtotal"):
        sections = _sections(indicators, row, previous)
        for field, label, every in (("weight", "分值", True), ("score", "得分", False)):
            figure: Decimal | None = getattr(row, field)
            sums = [s for s in (_sum_of(section, field, every) for section in sections) if s is not None]
            if figure is None or not sums:
                continue
            execution = getattr(budget, field) if budget is not None else None
            candidates = sums + ([s + execution for s in sums] if execution is not None else [])
            if all(differs(c, figure, ruleset) for c in candidates):
                yield finding(
                    scored,
                    f"小计行{label}公布为 {num(figure)}，各指标{label}之和为 {num(sums[0])}",
                    source=row.source,
                    expected=sums[0],
                    stated=figure,
                )
        if row.source is not None and row.source.row is not None:
            previous = row.source.row


@check(
    "A113",
    "layout_ruleset",
    "info",
    "表式对应另一个随附规则集（湖北 20/80 表、成本为一级的 2021 模板）",
    stages=EVERY_STAGE,
)
def layout_ruleset(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The table's layout asks for a shipped rule set other than mof-2020: say which was used, and why.

    Two layouts are read as unambiguous (scoring.choice): the 湖北 20/80 form
    (the budget block prints 20分 and the indicators' printed 分值 add up to 80,
    or print none) → hubei-20-80; a table with a 一级 named 成本指标 (财预〔2021〕
    101号) → mof-2021.  When no ``--ruleset`` is named, such a table is scored
    under the rule set its layout asks for, and this finding says so.  When a
    rule set was named (or the table was scored under another one), it says
    which the layout asks for, so that a 湖北 table rescored with 10/50/30/10
    does not pass unnoticed.

    Anti-pattern: 预算执行情况(20分) | … and 产出指标(40分), 效益指标(30分),
    满意度指标(10分), rescored with ``--ruleset mof-2020``.
    Pattern: the same table, with no ``--ruleset``: scored under hubei-20-80.
    """
    chosen = choose(scored.assessment)
    if chosen is None:
        return
    if scored.ruleset_reason is not None and scored.ruleset == chosen.ruleset:
        message = f"未指定规则集，按表式选用 {chosen.ruleset}：{chosen.reason}"
    elif scored.ruleset != chosen.ruleset:
        message = f"{chosen.reason}，宜按规则集 {chosen.ruleset} 计分；本次按 {scored.ruleset} 计分"
    else:
        return  # the rule set named is the one the layout asks for: nothing to say
    yield finding(scored, message, expected=chosen.ruleset, stated=scored.ruleset)
