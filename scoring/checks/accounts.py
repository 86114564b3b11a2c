"""X304 — the 决算 tables of a disclosure add up: rows, columns, and the same total across tables.

Importing this module registers X304.  What must add up is found by
:mod:`~scoring.checks.accounts_relations`, the one figure behind several
failed sums by :mod:`~scoring.checks.accounts_culprits`; here the findings
are worded.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from indicators.model import SourceRef
from scoring.checks.accounts_culprits import culprits
from scoring.checks.accounts_relations import Accounts, Cell, Outcome, relations
from scoring.checks.registry import DocumentContext, check, document_finding
from scoring.results import Finding
from scoring.rules import RuleSet

CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    """A figure in 元 as published: thousands separated, two decimals (more only where it has them)."""
    exponent = value.as_tuple().exponent
    shown = value.quantize(CENT) if isinstance(exponent, int) and exponent >= -2 else value
    return f"{shown:,f}"


def _ref(acc: Accounts, cell: Cell) -> SourceRef:
    return SourceRef(file=acc.row(cell).source.file, row=acc.row(cell).source.row)


def _summary(acc: Accounts, o: Outcome) -> str:
    return f"{acc.place(o.relation.total)} {money(o.stated)}元 ≠ {o.relation.what} {money(o.expected)}元"


@check(
    "X304",
    "final_accounts_sum",
    "error",
    "决算表各行、各栏不能相加，或各表之间同一合计不一致",
    scope="document",
    parameters=("accounts_tolerance",),
)
def final_accounts_sum(context: DocumentContext, ruleset: RuleSet) -> Iterator[Finding]:
    """The 决算 tables (公开01–公开12) add up, row by row, column by column and between tables.

    Within a table: 类 = Σ款, 款 = Σ项 (and 经济分类 类 = Σ款) in every
    column; 合计 = Σ类; 人员经费合计 / 公用经费合计 = Σ the 类 of their
    blocks (公开06); a numbered row = Σ the rows numbered under it ((一) 支出合计
    = 1. + 2. + 3.); 本年收入合计 / 本年支出合计 = Σ 一、…; 总计 = 本年…合计 +
    结余分配, 年末结转和结余 …; 收入 总计 = 支出 总计.  In every row, a 合计 or
    小计 column = Σ the columns beside it under the same header (本年支出合计 =
    基本支出 + 项目支出 + 上缴上级支出 + 经营支出 + 对附属单位补助支出), 其中
    columns left out.  Between tables: 公开01 本年收入合计 = 收入决算表 合计,
    本年支出合计 = 支出决算表 合计, and the 财政拨款收支总表's 一般公共预算财政拨款
    本年支出合计 = 一般公共预算财政拨款支出决算表 合计, where both are given.

    A blank cell counts as 0 in a row with other figures; a blank row, or a
    table that says it has no data (本表无数据), is not checked.  A sum may
    differ by the rule set's ``accounts_tolerance`` in the table's own unit
    (publishers round: “本套报表金额单位转换时可能存在尾数误差”).  A figure that
    alone explains several failed sums is reported once, at its own place;
    any other failed sum at its total, with the sum as expected figure.

    Anti-pattern: 支出决算表 款 20103 基本支出 606,963.86 while its 项 add up to 607,963.86.
    Best practice: every total equals the sum of what it totals.
    """
    acc = Accounts(context.disclosure.final_accounts, ruleset)
    relations(acc)
    outcomes = [o for r in acc.relations if (o := acc.evaluate(r)) is not None]
    found, others = culprits(acc, outcomes)
    for cell, broken, fix in found:
        value = acc.value(cell) or Decimal(0)
        sums = "；".join(_summary(acc, o) for o in broken)
        yield document_finding(
            context,
            f"{acc.place(cell)}为 {money(value)}元，按它所在的 {len(broken)} 处合计都应为 {money(value + fix)}元："
            f"{sums}",
            source=_ref(acc, cell),
            expected=value + fix,
            stated=value,
        )
    for o in others:
        yield document_finding(
            context,
            f"{acc.place(o.relation.total)}为 {money(o.stated)}元，{o.relation.what}为 {money(o.expected)}元，"
            f"相差 {money(o.gap)}元",
            source=_ref(acc, o.relation.total),
            expected=o.expected,
            stated=o.stated,
        )
