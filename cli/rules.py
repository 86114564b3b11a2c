"""``jixiao rules``: list, show, diff and check rule sets, each parameter with its source and dates."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import click

from cli.common import get_ruleset, say
from indicators.values import num
from scoring.checks import CHECKS
from scoring.ruledata import PARAMETERS
from scoring.rules import RuleSet, available, load_ruleset

UNCITED = "（未注明出处）"


def value_text(value: Any) -> str:
    """A parameter's value on one line: 10, 优 ≥ 90，良 ≥ 80 …, 产出指标 50，效益指标 30 …, a formula as written."""
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return num(value)
    if isinstance(value, dict):
        return "，".join(f"{k} {value_text(v)}" for k, v in value.items())
    if isinstance(value, list) and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        return "，".join(f"{grade} ≥ {num(bound)}" for bound, grade in value)
    if isinstance(value, tuple):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    return str(value)


def source_text(ruleset: RuleSet, path: str) -> str:
    """出处：… （自 2020-02-25）, as ``rules show`` and ``explain`` name a parameter's source."""
    citation = ruleset.citation(path)
    if citation is None or not citation.source:
        return f"出处：{UNCITED}"
    dates = f"（{citation.dates}）" if citation.dates else ""
    return f"出处：{citation.source}{dates}"


def readers(path: str) -> list[str]:
    """The codes of the checks that read a parameter."""
    return sorted(c.code for c in CHECKS.values() if path in c.parameters)


def header(ruleset: RuleSet) -> list[str]:
    lines = [f"规则集 {ruleset.name}：{ruleset.title}"]
    if ruleset.lineage:
        lines.append(f"继承：{' → '.join(ruleset.lineage)}")
    lines += [f"依据：{ruleset.reference}", f"生效日期：{ruleset.effective_from}"]
    if ruleset.note:
        lines.append(f"说明：{ruleset.note}")
    return lines


def show_lines(ruleset: RuleSet) -> list[str]:
    lines = header(ruleset)
    for path, meaning in PARAMETERS.items():
        citation = ruleset.citation(path)
        where = ruleset.defined_in.get(path, ruleset.name)
        inherited = f"（继承自 {where}）" if where != ruleset.name else ""
        lines += ["", f"{path} = {value_text(ruleset.parameter(path))}{inherited}", f"  {meaning}"]
        lines.append(f"  {source_text(ruleset, path)}")
        if citation is not None and citation.note:
            lines.append(f"  注：{citation.note}")
        checks = readers(path)
        lines.append(f"  读取此项的检查：{'、'.join(checks) if checks else '无'}")
    return lines


def diff_lines(a: RuleSet, b: RuleSet) -> list[str]:
    """The parameters whose values differ, each with both values and both sources.

    A parameter one of them states again with a source of its own (the same
    value, but cited for a different reason: the platform's "=" rule) is listed
    too, marked as such: what a reviewer asks is also why the two agree.
    """
    lines: list[str] = []
    for path in PARAMETERS:
        left, right = a.parameter(path), b.parameter(path)
        mark = ""
        if left == right:
            if source_text(a, path) == source_text(b, path) or not (_states(a, path) or _states(b, path)):
                continue
            mark = "——取值相同，出处不同"
        lines += [
            f"{path}（{PARAMETERS[path]}）{mark}",
            f"  {a.name}：{value_text(left)}",
            f"    {source_text(a, path)}",
            f"  {b.name}：{value_text(right)}",
            f"    {source_text(b, path)}",
            "",
        ]
    return lines or [f"{a.name} 与 {b.name} 的参数相同。"]


def _states(ruleset: RuleSet, path: str) -> bool:
    """Does the rule set write this parameter itself (rather than inherit it)?"""
    return ruleset.defined_in.get(path, ruleset.name) == ruleset.name and bool(ruleset.lineage)


def _echo(lines: Iterable[str]) -> None:
    click.echo("\n".join(lines))


@click.group()
def rules() -> None:
    """规则集：列出、查看、比较、校验。

    \b
    Example:
      jixiao rules list
      jixiao rules show mof-2020
      jixiao rules diff mof-2020 platform-fasp
      jixiao rules check my-province.yaml
    """


@rules.command("list")
def rules_list() -> None:
    """列出随 jixiao 提供的规则集：名称、生效日期、标题、所继承的规则集。

    \b
    Example:
      jixiao rules list
    """
    for name in available():
        ruleset = load_ruleset(name)
        parent = f"\t继承 {ruleset.extends}" if ruleset.extends else ""
        click.echo(f"{ruleset.name}\t{ruleset.effective_from}\t{ruleset.title}{parent}")


@rules.command("show")
@click.argument("name")
def rules_show(name: str) -> None:
    """逐项显示规则集的参数：取值、出处、起止日期和读取它的检查。

    \b
    Example:
      jixiao rules show mof-2020
      jixiao rules show my-province.yaml
    """
    ruleset = get_ruleset(name)
    _echo(show_lines(ruleset))
    say(f"# 已检查：{ruleset.name} 的全部公式可以计算。")


@rules.command("diff")
@click.argument("first", metavar="A")
@click.argument("second", metavar="B")
def rules_diff(first: str, second: str) -> None:
    """列出两个规则集取值不同的参数，并列两边的取值和出处。

    \b
    Example:
      jixiao rules diff mof-2020 platform-fasp
      jixiao rules diff mof-2020 my-province.yaml
    """
    _echo(diff_lines(get_ruleset(first), get_ruleset(second)))


@rules.command("check")
@click.argument("path")
def rules_check(path: str) -> None:
    """校验一个规则集（含其继承的规则集与全部公式），不评分。有效时退出码 0，无效时每个问题一行、退出码 2。

    \b
    Example:
      jixiao rules check my-province.yaml
    """
    ruleset = get_ruleset(path)
    cited = sum(1 for p in PARAMETERS if (c := ruleset.citation(p)) is not None and c.source)
    parent = f"，继承 {' → '.join(ruleset.lineage)}" if ruleset.lineage else ""
    click.echo(f"规则集有效：{ruleset.name}{parent}；{len(PARAMETERS)} 个参数中 {cited} 个注明出处，全部公式可以计算。")
