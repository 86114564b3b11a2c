"""X3xx — a self-assessment held against the rest of its disclosure: 决算 tables and narrative.

The narrative rarely names a project the way its table does (业务工作经费 for
the table 驻京办业务经费), so a claim is tied to the table whose name shares
the most characters with it, with the stated budget as the tie-breaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from indicators.disclosure import Claim, Located
from indicators.labels import squash
from indicators.model import BudgetLine
from indicators.units import in_money_unit
from indicators.values import num
from scoring.checks.registry import DocumentContext, check, differs, document_finding
from scoring.engine import HUNDRED, quantize
from scoring.results import Finding, ScoredAssessment
from scoring.rules import RuleSet

TEN_THOUSAND = Decimal(10000)
_CODE_PREFIX = re.compile(r"^[A-Za-z]?\d+[-－—]")
_NOISE = set("项目工作经费支出的和与")  # words every project name shares


def _likeness(claim_subject: str, name: str) -> float:
    a, b = set(claim_subject) - _NOISE, set(name) - _NOISE
    return len(a & b) / len(a | b) if a | b else 0.0


def table_of(context: DocumentContext, claim: Claim) -> ScoredAssessment | None:
    """The self-assessment a claim is about: the table it stands in, the department table, or the likeliest project."""
    if claim.table is not None:
        return next(
            (s for s in context.assessments if s.assessment.source and s.assessment.source.table == claim.table), None
        )
    if claim.subject == "部门整体":
        return next((s for s in context.assessments if s.assessment.kind == "department"), None)
    projects = [s for s in context.assessments if s.assessment.kind == "project"]
    budgets = {
        c.value for c in context.disclosure.claims if c.subject == claim.subject and c.kind == "budget" and c.unit
    }
    best: tuple[float, ScoredAssessment] | None = None
    for scored in projects:
        score = _likeness(claim.subject or "", scored.assessment.name)
        budget = scored.assessment.budget
        if budget and budget.full_year is not None and budget.full_year in budgets:
            score += 1  # the same money: very likely the same project
        if score >= 0.2 and (best is None or score > best[0]):
            best = (score, scored)
    return best[1] if best else None


@check(
    "X302",
    "narrative_score_mismatch",
    "error",
    "叙述（或表内分析）所说的得分与自评表总分不符",
    scope="document",
    stake="points",
    parameters=("tolerance",),
)
def narrative_score_mismatch(context: DocumentContext, ruleset: RuleSet) -> Iterator[Finding]:
    """The narrative, or the table's own analysis text, states a score other than the table's 总分.

    Anti-pattern: 自评表总分 93, 绩效自评综述“项目绩效自评得分为90分”.
    """
    for claim in context.disclosure.claims:
        if claim.kind != "score":
            continue
        scored = table_of(context, claim)
        stated = scored.stated_total if scored else None
        if scored is None or stated is None or not differs(stated, claim.value, ruleset):
            continue
        where = "表内分析" if claim.table is not None else "叙述"
        yield document_finding(
            context,
            f"{where}称“{claim.subject or scored.assessment.name}”得分为{num(claim.value)}分，"
            f"自评表“{scored.assessment.name}”总分为{num(stated)}",
            source=claim.source,
            assessment=scored,
            expected=stated,
            stated=claim.value,
        )


def _table_figure(scored: ScoredAssessment, kind: str) -> Decimal | None:
    budget = scored.assessment.budget
    if budget is None:
        return None
    if kind == "budget":
        return budget.full_year
    if kind == "executed":
        return budget.executed
    if budget.rate is not None:
        return budget.rate
    if budget.full_year and budget.executed is not None:
        return quantize(budget.executed / budget.full_year * HUNDRED, 2)
    return None


_LABEL = {"budget": "全年预算数", "executed": "执行数", "rate": "执行率"}
_FIELD = {"budget": "full_year", "executed": "executed", "rate": "rate"}


@check(
    "X303",
    "narrative_rate_mismatch",
    "error",
    "叙述所说的预算数、执行数或执行率与自评表不符",
    scope="document",
    parameters=("tolerance",),
)
def narrative_rate_mismatch(context: DocumentContext, ruleset: RuleSet) -> Iterator[Finding]:
    """The narrative states a budget, execution or execution rate other than the table's.

    Money is compared in the table's unit at the precision the narrative
    wrote it with.  Anti-pattern: 综述“全年预算数为2336287.41元，执行率为100%”,
    自评表 全年预算数 200.701万元, 执行率 97.86%.
    """
    for claim in context.disclosure.claims:
        if claim.kind not in _LABEL:
            continue
        scored = table_of(context, claim)
        table_value = _table_figure(scored, claim.kind) if scored else None
        if scored is None or table_value is None:
            continue
        money_unit = scored.assessment.money_unit
        if claim.kind == "rate":
            expected, said = table_value, claim.value
            unit_text = "%"
        else:
            expected = in_money_unit(table_value, money_unit, claim.unit or money_unit)
            said, unit_text = claim.value, claim.unit or money_unit
        if not differs(expected, said, ruleset):
            continue
        table_text = f"{num(table_value)}{'%' if claim.kind == 'rate' else money_unit}"
        yield document_finding(
            context,
            f"叙述称“{claim.subject}”{_LABEL[claim.kind]}为{num(said)}{unit_text}，"
            f"自评表“{scored.assessment.name}”为{table_text}",
            source=claim.source,
            assessment=scored,
            field=_FIELD[claim.kind],  # the table's cell the narrative disagrees with
            expected=expected,
            stated=said,
        )


@check(
    "X305",
    "narrative_percent_mismatch",
    "warning",
    "叙述中的百分比不是其所说两个数字之比",
    scope="document",
    parameters=("tolerance",),
)
def narrative_percent_mismatch(context: DocumentContext, ruleset: RuleSet) -> Iterator[Finding]:
    """A percentage in the narrative is not the ratio of the figures it is about.

    Anti-pattern: “支出预算262,197.00元，支出决算262,197.00元，完成全年预算的291.33%” (100%).
    """
    for claim in context.disclosure.claims:
        if claim.kind != "percent" or not claim.numerator or not claim.denominator:
            continue
        ratio = claim.numerator / claim.denominator * HUNDRED
        if differs(ratio, claim.value, ruleset):
            yield document_finding(
                context,
                f"叙述称完成{num(claim.value)}%，按 {num(claim.numerator)} ÷ {num(claim.denominator)} "
                f"应为{num(quantize(ratio, 2))}%",
                source=claim.source,
                expected=quantize(ratio, 2),
                stated=claim.value,
            )


def _department(context: DocumentContext) -> ScoredAssessment | None:
    return next((s for s in context.assessments if s.assessment.kind == "department"), None)


def _line(scored: ScoredAssessment, word: str) -> BudgetLine | None:
    budget = scored.assessment.budget
    return next((line for line in budget.lines if word in squash(line.name)), None) if budget else None


def _no_project_expenditure(context: DocumentContext) -> bool:
    accounts = context.disclosure.final_accounts
    said = bool(context.disclosure.no_project_statements)
    return said or (accounts.project is not None and accounts.project.value == 0)


@check(
    "X301",
    "budget_vs_final_accounts",
    "error",
    "自评表的预算执行数与同一文件的决算表不符",
    scope="document",
    stake="money",
    field="executed",
    parameters=("tolerance",),
)
def budget_vs_final_accounts(context: DocumentContext, ruleset: RuleSet) -> Iterator[Finding]:
    """The department self-assessment's execution figures disagree with the 决算 tables of the same document.

    全年执行数 against 本年支出合计, 基本支出 against 基本支出, 项目支出 against
    项目支出 (left to X306 where the document says there was none), compared
    in the self-assessment's unit at its own precision.
    """
    scored = _department(context)
    accounts = context.disclosure.final_accounts
    if scored is None or scored.assessment.budget is None:
        return
    unit = scored.assessment.money_unit
    pairs: list[tuple[str, BudgetLine | None, Located | None]] = [
        ("年度资金总额", scored.assessment.budget, accounts.expenditure_total),
        ("基本支出", _line(scored, "基本支出"), accounts.basic),
    ]
    if not _no_project_expenditure(context):
        pairs.append(("项目支出", _line(scored, "项目支出"), accounts.project))
    for label, line, final in pairs:
        if line is None or line.executed is None or final is None:
            continue
        expected = in_money_unit(final.value, "元", unit)
        if differs(expected, line.executed, ruleset):
            budget_text = f"全年预算数 {num(line.full_year)}{unit}、" if line.full_year is not None else ""
            yield document_finding(
                context,
                f"自评表{label}{budget_text}执行数 {num(line.executed)}{unit}，决算表为 {num(final.value)}元"
                f"（{num(quantize(expected, 4))}{unit}，第{final.source.row}行）",
                source=line.source or scored.assessment.source,
                assessment=scored,
                expected=quantize(expected, 6),
                stated=line.executed,
            )


@check(
    "X306",
    "project_expenditure_conflict",
    "error",
    "自评表列有项目支出或上年结转，文件其他部分却说没有",
    scope="document",
)
def project_expenditure_conflict(context: DocumentContext, ruleset: RuleSet) -> Iterator[Finding]:
    """One part lists 项目支出 / 上年结转 that the other parts say do not exist.

    Anti-pattern: 部门整体自评表 项目支出 3.81万元、上年结转 3.81万元, while the
    项目支出决算表 says “我单位没有项目收入，也没有项目支出，故此表无数据”.
    """
    if not _no_project_expenditure(context):
        return
    said = context.disclosure.no_project_statements
    accounts = context.disclosure.final_accounts
    evidence = "；".join(f"第{s.source.row}行“{s.text[:40]}”" for s in said[:3]) or (
        f"决算表项目支出为 0（第{accounts.project.source.row}行）" if accounts.project else ""
    )
    for scored in context.assessments:
        for word in ("项目支出", "上年结转"):
            line = _line(scored, word)
            amount = line.executed if line and line.executed is not None else (line.full_year if line else None)
            if line is None or not amount:
                continue
            unit = scored.assessment.money_unit
            start = accounts.carryover_start
            also = (
                f"；决算表年初结转和结余为 {num(start.value)}（第{start.source.row}行）"
                if word == "上年结转" and start is not None and not start.value
                else ""
            )
            yield document_finding(
                context,
                f"自评表“{scored.assessment.name}”列有{line.name} {num(amount)}{unit}，"
                f"而文件其他部分说没有项目支出：{evidence}{also}",
                source=line.source or scored.assessment.source,
                assessment=scored,
                expected=0,
                stated=amount,
            )


def _bare_name(name: str) -> str:
    return squash(_CODE_PREFIX.sub("", squash(name)))


@check("X307", "name_mismatch", "info", "单位名称在文件各处写法不一", scope="document")
def name_mismatch(context: DocumentContext, ruleset: RuleSet) -> Iterator[Finding]:
    """The unit's name differs between the tables of one document.

    A name cut off in a narrow cell, or preceded by its code (104-…), is the
    same name; any other difference is reported with every place it stands.
    Anti-pattern: 云南省玉溪市热门政府驻北京联络处 on 公开02–05, 人民政府 elsewhere.
    """
    places: dict[str, list[int]] = {}
    for unit_name in context.disclosure.unit_names:
        places.setdefault(_bare_name(unit_name.name), []).append(unit_name.source.row or 0)
    for scored in context.assessments:
        if scored.assessment.implementer:
            row = scored.assessment.source.row if scored.assessment.source else 0
            places.setdefault(_bare_name(scored.assessment.implementer), []).append(row or 0)
    names = sorted(places, key=lambda n: (-len(places[n]), n))
    groups: list[list[str]] = []
    for name in names:  # a cut-off name joins the group of the full name it begins
        group = next((g for g in groups if g[0].startswith(name) or name.startswith(g[0])), None)
        if group is None:
            groups.append([name])
        else:
            group.append(name)
    if len(groups) < 2:
        return
    main = groups[0][0]
    for group in groups[1:]:
        rows = sorted(r for name in group for r in places[name] if r)
        listed = "、".join(f"第{r}行" for r in rows)
        yield document_finding(
            context,
            f"单位名称“{group[0]}”（{listed}）与其他各处的“{main}”不一致",
            source=None if not rows else context.place(None).model_copy(update={"row": rows[0]}),
            expected=main,
            stated=group[0],
        )
