"""D4xx — how the indicators are set: what a target review (目标审核) asks of a 绩效目标申报表.

They run on drafts, and on the targets of a finished self-assessment where
they apply: a vague target is vague after the year too.  None repeats an
L2xx check: a missing unit is L204, a wrong direction L211, a stale year
L212, weights not 100 A103 and off the standard L209, all of which run on
drafts as well.

Sources: 财预〔2020〕10号 附件1 (the 2020 self-assessment template, 产出 → 数量 /
质量 / 时效 / 成本), 财预〔2021〕101号《中央部门项目支出核心绩效目标和指标设置及
取值指引（试行）》 (成本指标 as a 一级; targets 细化、量化, 可衡量; 时效 with a
time limit; 满意度 targets set from surveys, usually 80%–100%; output
indicators state results, not the work done), and RULES.md §2, §5.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from indicators import taxonomy, units
from indicators.values import ValueKind, num
from scoring.checks.logic import (
    budget_adjusted,
    measured,
    money_cap,
    money_tolerance,
    overshoot_ratio,
    squash,
    target_unit,
)
from scoring.checks.registry import EVERY_STAGE, check, finding
from scoring.engine import HUNDRED
from scoring.results import Finding, IndicatorResult, ScoredAssessment
from scoring.rules import RuleSet

OUTPUT_PARTS = ("数量", "质量", "时效")  # 产出指标's 二级 every project sets (10号 and 101号 templates)
COST_PARTS = frozenset({"成本", "经济成本"})  # a 二级 whose targets are amounts of money
VAGUE = re.compile(r"显著|有所|进一步|逐步|较好|较大|明显|大幅|稳步|不断|持续|大力|有效|提升|提高|改善|增强|加强")
NUMBER = re.compile(r"\d")
# A name that counts or measures something: a number is expected in its target.
MEASURED_NAME = re.compile(r"(率|数|量|人次|次数|面积|长度|金额|天数|时长|时间|比例|占比|个数|户数|人数|里程)$")
# A time limit written in words: 年底前, 12月底, 按季度, 每月, 30个工作日内, 6月30日前.
TIME_WORDS = re.compile(
    r"\d+\s*月|[一二三四五六七八九十]+月|季度|年底|年末|年初|年中|上半年|下半年|每月|每周|日前|日内|天内|工作日|周内"
)
EXECUTION = re.compile(r"预算执行率|资金执行率|执行进度|支出进度|资金支付率|支付进度")
BOUNDED_RATE = re.compile(r"合格率|完成率|达标率|覆盖率|办结率|及时率|到位率|验收率|通过率|知晓率|入学率|参保率")
SATISFACTION = re.compile(r"满意")
ACTIVITY = re.compile(r"^(?:开展|做好|抓好|加强|推进|推动|组织|落实|完善|实施|深化|强化)|工作$")
SATISFACTION_FLOOR = Decimal(80)


def _targets(scored: ScoredAssessment) -> list[IndicatorResult]:
    """Rows with a target to judge: indicator rows of a table that sets targets (no 评分表)."""
    return [r for r in measured(scored) if (r.indicator.effective_target or "").strip()]


def _level2_key(r: IndicatorResult) -> str:
    return taxonomy.normalise(r.indicator.level2)


def _percent(r: IndicatorResult) -> Decimal | None:
    """The target in percent, when it is a percentage."""
    unit = target_unit(r)
    if r.target.number is None or unit is None or unit.name != "%":
        return None
    return r.target.number


@lru_cache(maxsize=65536)
def _name_key(name: str | None) -> str:
    """An indicator's name as compared: normalised, without spaces or punctuation (培训 人次。 is 培训人次).

    Cached: a batch's tables name the same indicators again and again.
    """
    return re.sub(r"[\W_]+", "", squash(name))


def _template_requires_cost(scored: ScoredAssessment) -> bool:
    """成本 is required under the 2021 template (成本指标 a 一级), and of every draft since 101号 (2021)."""
    has_cost_level1 = any(taxonomy.normalise(r.indicator.level1) == "成本" for r in scored.indicators)
    return has_cost_level1 or scored.is_draft


@check(
    "D401",
    "missing_level",
    "warning",
    "缺少必设的一级或二级指标（产出的数量、质量、时效，成本，效益，满意度）",
    stages=EVERY_STAGE,
)
def missing_level(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A project's indicator set lacks a part every project sets.

    产出指标 with 数量, 质量 and 时效 (财预〔2020〕10号 附件1, 财预〔2021〕101号
    附件2); 成本指标 (a 一级 in the 2021 template, 产出's 成本 二级 in the 2020
    one) in every draft and in tables of the 2021 template; 效益指标; 满意度指标
    (101号: 原则上均应设置).  One finding for each part missing.  Department
    tables (部门整体) follow frameworks of their own and are not checked; a
    copy cut off before its end is not checked either.
    """
    if scored.assessment.kind != "project" or scored.cut_short or not scored.indicators:
        return
    present: dict[str, set[str]] = {}
    first_row: dict[str, IndicatorResult] = {}
    for r in scored.indicators:
        key1 = taxonomy.level1_key(r.indicator.level1) or ""
        present.setdefault(key1, set()).add(_level2_key(r))
        first_row.setdefault(key1, r)
    if not set(present) & {"产出", "效益", "满意度", "成本"}:
        return  # not a 10号/101号 indicator set (投入/过程 of 2013, a custom one): nothing to require
    where = scored.assessment.source
    for level1 in ("产出", "效益", "满意度"):
        if level1 not in present:
            yield finding(scored, f"缺少一级指标“{level1}指标”", source=where, expected=f"{level1}指标")
    if "产出" in present:
        for part in OUTPUT_PARTS:
            if part not in present["产出"]:
                yield finding(
                    scored,
                    f"产出指标下缺少二级指标“{part}指标”",
                    result=first_row["产出"],
                    expected=f"{part}指标",
                    stated="产出指标",
                )
    has_cost = "成本" in present or any(key in COST_PARTS for parts in present.values() for key in parts)
    if _template_requires_cost(scored) and not has_cost:
        yield finding(
            scored,
            "缺少成本指标（2021 年起的模板中为一级指标“成本指标”，2020 模板中为产出指标下的“成本指标”）",
            source=where,
            expected="成本指标",
        )


def _expects_number(r: IndicatorResult) -> bool:
    """A number is expected: the 指标性质 column says ≥ ≤ = > <, a 度量单位 is given, or the name measures something."""
    if r.nature_origin == "column" and r.nature not in (None, "qualitative"):
        return True
    if units.lookup(r.indicator.measure_unit):
        return True
    return bool(MEASURED_NAME.search(squash(r.indicator.name)))


@check(
    "D402",
    "vague_target",
    "warning",
    "指标值无法衡量：用“显著提升”“有所提高”等表述代替数值",
    field="target",
    stages=EVERY_STAGE,
)
def vague_target(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A target that cannot be measured: a vague word where a number is expected.

    101号 asks that targets be 细化、量化 and 可衡量: 显著提升, 有所提高,
    进一步, 逐步, 较好, 明显 … say which way, not how far, so no one can tell at
    the end of the year whether the target was met.  A number is expected
    where the 指标性质 column says ≥ ≤ = > <, where a 度量单位 is given, or
    where the name measures something (…率, …数, …人次, …面积).  A qualitative
    indicator (定性) written in words is not flagged.
    """
    for r in _targets(scored):
        text = r.indicator.effective_target or ""
        if NUMBER.search(text) or not VAGUE.search(text) or not _expects_number(r):
            continue
        yield finding(
            scored,
            f"“{r.indicator.name}”的指标值“{text.strip()}”没有数值，无法衡量是否完成",
            result=r,
            stated=text.strip(),
        )


@check("D403", "undated_timeliness", "warning", "时效指标没有写明日期或期限", field="target", stages=EVERY_STAGE)
def undated_timeliness(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A 时效 indicator whose target names no date, no duration and no rate.

    A time limit is a date (12月31日前), a duration (≤30天, 15个工作日内), a
    period (按季度, 年底前) or a rate of things done in time (及时率 ≥95%).
    Anti-pattern: 时效指标 | 项目完成时间 | 及时 / 按时完成.
    """
    for r in _targets(scored):
        if _level2_key(r) != "时效":
            continue
        text = r.indicator.effective_target or ""
        unit = target_unit(r)
        dated = r.target.kind is ValueKind.DATE or (unit is not None and unit.family in ("duration", "percent"))
        if dated or TIME_WORDS.search(text):
            continue
        yield finding(
            scored,
            f"时效指标“{r.indicator.name}”的指标值“{text.strip()}”没有日期或期限",
            result=r,
            stated=text.strip(),
        )


def _budget_amount(scored: ScoredAssessment) -> Decimal | None:
    """The money the project has: 全年预算数, else 年初预算数 (a draft knows only the latter)."""
    budget = scored.assessment.budget
    if budget is None:
        return None
    return budget.full_year if budget.full_year is not None else budget.initial


@check(
    "D404",
    "cost_over_budget",
    "warning",
    "成本上限高于项目预算",
    stake="money",
    field="target",
    stages=EVERY_STAGE,
    parameters=("tolerance",),
)
def cost_over_budget(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A cap on the project's total cost above the money it has: the cap constrains nothing.

    A 成本指标 (or any ≤ money target naming 资金, 经费, 成本, 费用) in 元 or
    万元, not a per-unit standard (人均, 单价, 每…), compared with 全年预算数
    (年初预算数 in a draft that states only that).  Its mirror, a cap below
    the money spent, is L215; where the budget was cut after the cap was
    set, L216 reports it instead.
    """
    budget = _budget_amount(scored)
    if budget is None or budget <= 0:
        return
    unit = scored.assessment.money_unit
    for r in _targets(scored):
        cap = money_cap(scored, r)
        if cap is None or cap <= budget + money_tolerance(scored, ruleset):
            continue
        if budget_adjusted(scored, r):
            continue  # L216 says more: the cap was set on the budget before it was cut
        yield finding(
            scored,
            f"成本上限 {r.target.text} 高于项目预算 {num(budget)}{unit}，起不到控制作用",
            result=r,
            expected=budget,
            stated=cap,
        )


@check("D405", "cost_without_amount", "warning", "成本指标没有金额", field="target", stages=EVERY_STAGE)
def cost_without_amount(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A 成本 (经济成本) indicator whose target states no amount and no rate.

    101号: 经济成本指标 state the money a unit of output or the whole
    project costs (≤…万元).  Anti-pattern: 成本指标 | 购车费 | 定性 / 控制在预算内.
    A rate (成本控制率 ≤100%) is measurable and passes.
    """
    for r in _targets(scored):
        if _level2_key(r) not in COST_PARTS:
            continue
        unit = target_unit(r)
        if r.target.number is not None and (unit is None or unit.family in ("money", "percent")):
            continue  # an amount or a rate; a figure without its unit is L204's
        text = (r.indicator.effective_target or "").strip()
        yield finding(scored, f"成本指标“{r.indicator.name}”的指标值“{text}”没有金额", result=r, stated=text)


@check("D406", "low_execution_target", "warning", "预算执行率目标低于 100%", field="target", stages=EVERY_STAGE)
def low_execution_target(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A target for the execution of the budget below 100%: the project plans not to spend what it asks for.

    The money asked for is the money the project needs; 预算执行率 (支出进度)
    targets are set at 100% of the budget (10号: 预算执行率 scored against
    全年预算数).  A lower target asks for more than is needed.
    """
    for r in _targets(scored):
        if not EXECUTION.search(squash(r.indicator.name)):
            continue
        percent = _percent(r)
        if percent is not None and percent < HUNDRED:
            yield finding(
                scored,
                f"“{r.indicator.name}”的指标值 {r.target.text} 低于 100%：预算即应全部执行",
                result=r,
                expected=HUNDRED,
                stated=percent,
            )


@check(
    "D407",
    "rate_out_of_range",
    "warning",
    "满意度指标值不在 80%–100%，或合格率、完成率等超过 100%",
    field="target",
    stages=EVERY_STAGE,
)
def rate_out_of_range(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A 满意度 target below 80% or above 100%; a rate of things done (合格率, 完成率 …) above 100%.

    Satisfaction is surveyed as a share of those asked: above 100% it cannot
    be, below 80% it asks for little (101号: 满意度 targets are set from
    surveys, 原则上不低于 80%).  A 合格率 or 完成率 is a share too.
    """
    for r in _targets(scored):
        percent = _percent(r)
        if percent is None:
            continue
        name = squash(r.indicator.name)
        if SATISFACTION.search(name) and not SATISFACTION_FLOOR <= percent <= HUNDRED:
            bound = SATISFACTION_FLOOR if percent < SATISFACTION_FLOOR else HUNDRED
            yield finding(
                scored,
                f"满意度指标“{r.indicator.name}”的指标值 {r.target.text} 不在 80%–100% 之间",
                result=r,
                expected=bound,
                stated=percent,
            )
        elif BOUNDED_RATE.search(name) and percent > HUNDRED:
            yield finding(
                scored,
                f"“{r.indicator.name}”是比率，指标值 {r.target.text} 超过 100%",
                result=r,
                expected=HUNDRED,
                stated=percent,
            )


@check("D408", "duplicate_indicator", "warning", "同一三级指标重复设置", field="name", stages=EVERY_STAGE)
def duplicate_indicator(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """The same 三级 indicator set twice in one table (same name under the same 一级).

    A repeated row counts the same result twice in the weights.  Names are
    compared without spaces and punctuation; the second and later rows are
    reported, each naming the first.
    """
    first: dict[tuple[str, str], IndicatorResult] = {}
    for r in _targets(scored):
        name = _name_key(r.indicator.name)
        if not name:
            continue
        key = (taxonomy.normalise(r.indicator.level1), name)
        if key not in first:
            first[key] = r
            continue
        earlier = first[key].indicator.source
        row = f"第 {earlier.row} 行" if earlier and earlier.row else "前面"
        yield finding(
            scored, f"“{r.indicator.name}”与{row}的指标重复", result=r, expected=earlier.row if earlier else None
        )


@check(
    "D409",
    "activity_as_output",
    "info",
    "产出指标写成了工作内容（开展……工作、做好……），不是结果",
    field="name",
    stages=EVERY_STAGE,
)
def activity_as_output(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """An output indicator named as an activity rather than a result.

    101号: 产出指标 state what is produced (培训人次, 系统正常运行率), not the
    work done to produce it (开展培训工作, 做好运维).  Anti-pattern: 产出指标 →
    数量指标 → 开展宣传工作 | 完成.
    """
    for r in _targets(scored):
        if taxonomy.level1_key(r.indicator.level1) != "产出":
            continue
        name = squash(r.indicator.name)
        if name and ACTIVITY.search(name) and not MEASURED_NAME.search(name):  # 开展培训次数 counts a result
            yield finding(scored, f"产出指标“{r.indicator.name}”写的是工作内容，不是产出结果", result=r, stated=name)


def _last_year(scored: ScoredAssessment) -> dict[str, IndicatorResult]:
    """Last year's rows of the same project (``--previous``), by name, where they were measured."""
    previous = scored.previous
    if previous is None:
        return {}
    rows: dict[str, IndicatorResult] = {}
    for r in measured(previous):
        rows.setdefault(_name_key(r.indicator.name), r)
    return rows


def _pairs(scored: ScoredAssessment) -> Iterator[tuple[IndicatorResult, IndicatorResult]]:
    """This year's quantitative targets beside last year's row of the same name, in one unit family."""
    last = _last_year(scored)
    if not last:  # no --previous, or nothing measured last year: nothing to pair (most tables of a batch)
        return
    for r in _targets(scored):
        before = last.get(_name_key(r.indicator.name))
        if before is None or r.target.number is None or r.nature not in (">=", ">", "<=", "<", "="):
            continue
        if units.same_family(r.target.unit, before.target.unit or before.actual.unit):
            yield r, before


def _in_target_unit(number: Decimal, unit: str | None, target_unit: str | None) -> Decimal | None:
    if unit == target_unit:
        return number
    if unit is None or target_unit is None:
        return None
    return units.convert(number, unit, target_unit)


def _overshoot_kept(r: IndicatorResult, before: IndicatorResult, ruleset: RuleSet) -> Decimal | None:
    """How far last year's actual beat the target this year repeats, when by the overshoot ratio or more."""
    if squash(r.target.text) != squash(before.target.text):
        return None
    return overshoot_ratio(before, ruleset)  # what L210 said of last year's row


@check(
    "D410",
    "below_last_year",
    "warning",
    "指标值低于上年实际完成值（--previous）",
    field="target",
    stages=EVERY_STAGE,
    parameters=("overshoot_ratio",),
)
def below_last_year(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """A target set below what the project already achieved last year (above it, for a ≤ indicator).

    Needs last year's self-assessment of the same project (``--previous
    FILE``); indicators are matched by name.  财预〔2021〕101号 asks targets to
    be set 从高 on history: last year's actual is the floor of this year's
    target unless the project shrank (then say so in 指标值设定依据).
    """
    for r, before in _pairs(scored):
        if before.actual.number is None or before.actual.kind is not ValueKind.QUANTITATIVE:
            continue
        if _overshoot_kept(r, before, ruleset) is not None:
            continue  # D411 says more: the same target again, after last year's overshoot
        achieved = _in_target_unit(before.actual.number, before.actual.unit, r.target.unit)
        target = r.target.number
        if achieved is None or target is None:
            continue
        lower = r.nature in ("<=", "<")
        if (target > achieved) if lower else (target < achieved):
            yield finding(
                scored,
                f"“{r.indicator.name}”的指标值 {r.target.text} {'高于' if lower else '低于'}上年实际完成值"
                f" {before.actual.text}",
                result=r,
                expected=achieved,
                stated=target,
            )


@check(
    "D411",
    "unchanged_after_overshoot",
    "warning",
    "指标值沿用上年，而上年实际远超指标值（--previous）",
    field="target",
    stages=EVERY_STAGE,
    parameters=("overshoot_ratio",),
)
def unchanged_after_overshoot(scored: ScoredAssessment, ruleset: RuleSet) -> Iterator[Finding]:
    """This year's target is last year's, although last year's actual beat it by the rule set's overshoot ratio.

    The target was too low last year (L210 said so of last year's table) and
    is set as low again.  Needs ``--previous FILE``.
    """
    for r, before in _pairs(scored):
        ratio = _overshoot_kept(r, before, ruleset)
        if ratio is not None:
            yield finding(
                scored,
                f"“{r.indicator.name}”的指标值 {r.target.text} 与上年相同，而上年实际完成 {before.actual.text}，"
                f"是指标值的 {num(round(ratio, 2))} 倍",
                result=r,
                expected=ruleset.overshoot_ratio,
                stated=round(ratio, 2),
            )
