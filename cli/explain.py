"""``jixiao explain``: a check's documentation, or the working behind a score.

For a score it shows what the rule set read and how: the texts as
published, the figures taken from them, the formula with the figures put
in, and the result beside the stated one.
"""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import (
    EXIT_CLEAN,
    EXIT_INTERNAL,
    fail,
    finish,
    get_checks,
    get_ruleset,
    met_a_bug,
    report_errors,
    ruleset_option,
    run_files,
    write_output,
)
from cli.render.report import BUDGET_COLUMNS, INDICATOR_COLUMNS
from cli.render.terminal import one_line
from cli.render.words import INDICATOR_STATUS_LABEL
from cli.rules import source_text
from indicators.readers.problems import CATALOGUE as PROBLEMS
from indicators.values import num
from indicators.vocabulary import SEVERITY_LABEL
from scoring.checks import CHECKS
from scoring.checks.registry import (
    FORMULA_FAILED,
    FORMULA_FAILED_DOC,
    FORMULA_FAILED_TITLE,
    INTERNAL_ERROR,
    INTERNAL_ERROR_DOC,
    INTERNAL_ERROR_TITLE,
    is_code,
)
from scoring.engine import BASE_LABEL, DRAFT_REASON
from scoring.pipeline import DocumentResult, internal_error
from scoring.results import IndicatorResult, ScoredAssessment
from scoring.rules import RuleSet, load_ruleset

NATURE_LABEL = {
    ">=": "≥（正向）",
    ">": ">（正向）",
    "<=": "≤（反向）",
    "<": "<（反向）",
    "=": "=",
    "qualitative": "定性",
}
STAGES_LABEL = {
    ("assessment",): "绩效自评表（草案不运行此项：草案还没有实际完成值和得分）",
    ("assessment", "draft"): "绩效自评表和绩效目标申报表（草案）",
    ("draft",): "绩效目标申报表（草案）",
}
WEIGHT_ORIGIN_LABEL = {
    "stated": "表中公布",
    "label": "按表中一级指标标注的分值推定",
    "inferred": "按规则集推定",
    "merged": "与上一行合并计分，分值计在上一行",
    "missing": "未填，按 0",
    "none": "无",
}
ORIGIN_LABEL = {
    "column": "指标性质列",
    "target": "指标值中的比较符",
    "default": "未写明，按正向（≥）",
    "none": "无法确定",
}


# the cells a check may mark, as the report's tables head them (indicator columns win for shared keys)
FIELD_LABEL = {c.key: c.label for c in (*BUDGET_COLUMNS, *INDICATOR_COLUMNS)}
STAKE_LABEL = {"points": "影响的分数（分）", "money": "涉及的金额（万元）"}


def explain_code(code: str) -> str:
    if code.upper() == INTERNAL_ERROR:
        return f"{INTERNAL_ERROR} check_failed（错误）\n{INTERNAL_ERROR_TITLE}\n\n{INTERNAL_ERROR_DOC}\n"
    if code.upper() == FORMULA_FAILED:
        return f"{FORMULA_FAILED} formula_failed（错误）\n{FORMULA_FAILED_TITLE}\n\n{FORMULA_FAILED_DOC}\n"
    problem = PROBLEMS.get(code.upper())
    if problem is not None:
        return f"{problem.code} {problem.name}（读取问题，{SEVERITY_LABEL[problem.severity]}）\n{problem.title}\n"
    chk = CHECKS.get(code.upper())
    if chk is None:
        fail(f"未知的检查代码：{code}（见 jixiao check --list）")
    assert chk is not None
    lines = [
        f"{chk.code} {chk.name}（{SEVERITY_LABEL[chk.severity]}）",
        chk.title,
        "",
        f"范围：{'整份公开文件（自评表与决算表、叙述对照）' if chk.scope == 'document' else '一张自评表'}",
        f"适用：{STAGES_LABEL[chk.stages]}",
        f"标出的单元格：{FIELD_LABEL.get(chk.field or '', '该行（指标名称）')}",
        f"排序所据：{STAKE_LABEL.get(chk.stake or '', '级别与位置')}",
        f"只运行此项：jixiao check FILE --select {chk.code}；接受某条：jixiao waive FILE --code {chk.code} …",
        "",
        "说明（开发者英文原文，含反例与正例）：",
    ]
    return "\n".join(lines) + f"\n{chk.doc}\n"


def _substituted(r: IndicatorResult) -> str:
    """The figures the formula is evaluated with (met: 是 / 否, whether the target is reached)."""
    figures = {"weight": r.weight, "target": r.target_value, "actual": r.actual_value}
    values = "，".join(f"{k}={num(v)}" for k, v in figures.items())
    return f"    代入：{values}，met={'是' if r.met else '否'}（是否达成）"


def _status(r: IndicatorResult) -> str:
    """达成 / 未达成 / 无法重算 / 无指标值, as the reports say it."""
    return INDICATOR_STATUS_LABEL.get(r.status, r.status)


def _lines(lines: list[str]) -> str:
    """The lines as text; each is one line, whatever its names and cell texts hold (see :func:`one_line`)."""
    return "".join(one_line(line) + "\n" for line in lines)


def explain_indicator(s: ScoredAssessment, r: IndicatorResult, ruleset: RuleSet) -> str:
    ind = r.indicator
    row = f"（第{ind.source.row}行）" if ind.source and ind.source.row else ""
    lines = [
        f"{s.id} {s.assessment.name}",
        f"  指标：{ind.level1 or '—'} → {ind.level2 or '—'} → {ind.name or '—'}{row}",
        f"  指标性质：{NATURE_LABEL.get(r.nature or '', '—')}（来源：{ORIGIN_LABEL[r.nature_origin]}）",
        f"  指标值：“{r.target.text}” → {r.target.kind.value}"
        + (f" {num(r.target.number)}{r.target.unit or ''}" if r.target.number is not None else ""),
        f"  实际完成值：“{r.actual.text}” → {r.actual.kind.value}"
        + (f" {num(r.actual.number)}{r.actual.unit or ''}" if r.actual.number is not None else "")
        + ("（写成了条件，按界值计）" if r.actual.op else ""),
        f"  分值：{num(r.weight)}（{WEIGHT_ORIGIN_LABEL[r.weight_origin]}）",
    ]
    if r.weight_origin == "inferred":
        lines.append(f"    一级指标标准分值 weights {source_text(ruleset, 'weights')}")
    if r.status in {"met", "unmet"}:
        lines += [
            f"  比较单位：{r.comparison_unit or '无'}；{num(r.actual_value)} 对 {num(r.target_value)}："
            f"{'达成' if r.met else '未达成'}",
            f"  计分规则 {r.rule}：{r.formula or ''}",
            f"    {source_text(ruleset, r.rule or '')}",
            _substituted(r),
        ]
        if r.nature == "=":
            lines.append(f"  “=”何时算达成 equal_met = {ruleset.equal_met}：{source_text(ruleset, 'equal_met')}")
    elif r.score_kept:
        lines.append(f"  不重算：{r.reason}；保留公布得分")
    else:
        keep = ruleset.policies.unverifiable == "keep_stated"
        lines.append(f"  无法重算：{r.reason}；按规则集政策{'保留公布得分' if keep else '计 0 分'}")
        lines.append(f"    policies.unverifiable {source_text(ruleset, 'policies.unverifiable')}")
        if r.nature == "qualitative":
            bands = "，".join(f"{k} {num(lo)}–{num(hi)}" for k, (lo, hi) in ruleset.qualitative_bands.items())
            lines.append(f"  定性得分区间（分值的比例）：{bands}；{source_text(ruleset, 'qualitative_bands')}")
    lines.append(f"  公布得分：{num(r.indicator.score)}　重算得分：{num(r.score)}　状态：{_status(r)}")
    return _lines(lines)


def explain_total(s: ScoredAssessment, ruleset: RuleSet) -> str:
    lines = [f"{s.id} {s.assessment.name}（规则集 {ruleset.name}）"]
    if s.is_draft:
        lines.append(f"  {DRAFT_REASON}：各指标的方向、指标值和单位如下，审核结果见 jixiao check。")
        for r in s.indicators:
            weight = f"；分值 {num(r.weight)}" if r.weight is not None else ""
            lines.append(
                f"  - {r.indicator.name}：指标值 {r.target.text or '（无）'}；"
                f"性质 {NATURE_LABEL.get(r.nature or '', '—')}{weight}"
            )
        return _lines(lines)
    if not s.is_scored:
        lines.append("  表中没有分值和得分：不计总分、不定等级，只判断各指标是否达成。")
        for r in s.indicators:
            lines.append(f"  - {r.indicator.name}：{_status(r)}" + (f"（{r.reason}）" if r.reason else ""))
        return _lines(lines)
    if s.by_criteria:
        lines.append("  评分表：各项按评分标准打分，保留公布得分，不重算；总分为各项得分之和。")
    e = s.execution
    if e is not None and e.status != "unscored":
        budget = s.assessment.budget
        assert budget is not None
        base = budget.initial if e.base == "initial" else budget.full_year
        on_initial = f"（{BASE_LABEL['initial']}，表中未列全年预算数）" if e.base == "initial" else ""
        rate = (
            f"{num(budget.executed)} ÷ {num(base)}{on_initial} × 100 = {num(e.rounded_rate)}%"
            if e.rate is not None
            else e.reason
        )
        lines += [
            f"  预算执行率：{rate}",
            f"  执行率得分：{e.formula}（weight={num(e.weight)}）= {num(e.score)}（公布 {num(budget.score)}）",
            f"    execution.formula {source_text(ruleset, 'execution.formula')}",
        ]
    for r in s.indicators:
        name = r.indicator.name or r.indicator.level2
        lines.append(f"  + {name}：{num(r.score)} / {num(r.weight)}（{_status(r)}，公布 {num(r.indicator.score)}）")
    lines.append(f"  原始合计：{num(s.raw)}，分值合计：{num(s.weights_total)}")
    if s.total != s.raw:
        lines.append(f"  折算为百分制：{num(s.raw)} × 100 ÷ {num(s.weights_total)} = {num(s.total)}")
        lines.append(f"    policies.weights_not_100 {source_text(ruleset, 'policies.weights_not_100')}")
    bands = "，".join(f"{g} ≥ {num(b)}" for b, g in ruleset.grades)
    stated = f"{num(s.stated_total)} {s.stated_grade or '—'}"
    lines.append(f"  重算总分 {num(s.total)}，等级 {s.grade}（{bands}）；公布 {stated}")
    lines.append(f"    grades {source_text(ruleset, 'grades')}")
    return _lines(lines)


@click.command()
@click.argument("target", metavar="CODE|FILE")
@click.argument("more_files", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--indicator", "indicator_name", default=None, metavar="NAME", help="只解释名称包含 NAME 的指标。")
@ruleset_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="写入文件。")
def explain(
    target: str, more_files: tuple[str, ...], indicator_name: str | None, ruleset: str | None, output: Path | None
) -> None:
    """解释一条检查代码，或解释自评表每个得分的来由（公式与代入的数字）。

    \b
    Example:
      jixiao explain L201
      jixiao explain samples/004_忻州_更新公务用车.yaml
      jixiao explain samples/004_忻州_更新公务用车.yaml --indicator 跟踪反馈
    """
    if (is_code(target) or target.upper() in PROBLEMS) and not Path(target).exists():
        write_output(explain_code(target), output)
        raise SystemExit(EXIT_CLEAN)
    rules = get_ruleset(ruleset)
    files = (target, *more_files)
    documents = run_files(files, rules, get_checks((), ()), choose=ruleset is None)
    parts: list[str] = []
    for doc in documents:
        try:
            parts += explain_document(doc, rules, indicator_name)
        except Exception as exc:  # a bug: this file's error, the others are still explained
            doc.errors.append(internal_error(doc.source, "解释", exc))
    if indicator_name is not None and not parts:
        report_errors(documents)
        if met_a_bug(documents):
            raise SystemExit(EXIT_INTERNAL)
        fail(f"没有名称包含“{indicator_name}”的指标")
    write_output("\n".join(parts), output, files)
    finish(documents, "none")


def explain_document(doc: DocumentResult, rules: RuleSet, indicator_name: str | None) -> list[str]:
    """The working behind every total in one file, or behind every indicator whose name contains ``indicator_name``."""
    parts = []
    for s in doc.assessments:
        used = rules if s.ruleset == rules.name else load_ruleset(s.ruleset)  # the rule set the layout chose
        if indicator_name is None:
            parts.append(explain_total(s, used))
            continue
        parts += [explain_indicator(s, r, used) for r in s.indicators if indicator_name in (r.indicator.name or "")]
    return parts
