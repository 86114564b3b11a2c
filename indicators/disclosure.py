"""What a whole disclosure (部门决算公开) holds beside its self-assessment tables.

The final-accounts tables (公开01–公开12) and the narrative are kept as what
the X3xx checks need to hold the self-assessments against: a few figures
with their places, the rows of each table (for its own arithmetic), the
statements that a table has no data, the unit names as printed, and the
claims the narrative makes.  Money here is always in 元, whatever unit the
table was published in; ``AccountsTable.money_unit`` keeps what it said.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from indicators.model import Figure, MoneyUnit, SourceRef, Strict


class Located(Strict):
    """A figure and where it stands."""

    value: Figure
    source: SourceRef


Header = tuple[str, ...]
"""A column's header: the words of every header row above it, top to bottom (本年支出, 基本支出, 人员经费).

Empty for a column that no header word stands over.
"""


def header_text(header: Header) -> str:
    """A column's header as one label, for messages: ``本年支出 / 基本支出 / 人员经费``."""
    return " / ".join(header)


AccountsKind = Literal[
    "summary",  # 收入支出决算(总)表 (公开01)
    "income",  # 收入决算表
    "expenditure",  # 支出决算表
    "grants",  # 财政拨款收入支出决算(总)表
    "general",  # 一般公共预算财政拨款支出决算表
    "basic",  # … 基本支出决算(明细)表
    "project",  # … 项目支出决算表
    "detail",  # other 明细表
    "fund",  # 政府性基金预算财政拨款 …
    "state_capital",  # 国有资本经营预算财政拨款 …
    "three_public",  # “三公”经费 …
    "assets",  # 国有资产使用情况表
    "information",  # 统计表, 相关信息表
]
"""What a 决算 table is, as its title says: the checks pick the tables they hold against each other by it."""


class AccountsRow(Strict):
    """One row of a final-accounts table: its code (类/款/项 or 经济分类), its label, its figures in 元."""

    code: str | None = None
    name: str = ""
    values: list[Decimal | None] = Field(default_factory=list, description="one per column, in 元")
    source: SourceRef


class AccountsColumnGroup(Strict):
    """Side-by-side blocks of one table (公开06: 人员经费 | 公用经费 …): each its own code/name/value columns."""

    columns: list[Header] = Field(default_factory=list, description="each column's header, led by the block's")
    rows: list[AccountsRow] = Field(default_factory=list)


class AccountsTable(Strict):
    """One final-accounts table (决算表) as published."""

    number: str | None = Field(default=None, description="公开NN as printed, e.g. 公开03")
    title: str
    kind: AccountsKind | None = Field(default=None, description="what the table is, from its title; None: not known")
    money_unit: MoneyUnit = "元"
    unit_name: str | None = Field(default=None, description="部门名称 / 单位名称 as printed")
    columns: list[Header] = Field(default_factory=list, description="each value column's header, in 栏次 order")
    rows: list[AccountsRow] = Field(default_factory=list)
    groups: list[AccountsColumnGroup] = Field(default_factory=list, description="for side-by-side layouts")
    no_data: str | None = Field(default=None, description="the table's own statement that it has no data")
    source: SourceRef


class FinalAccounts(Strict):
    """The figures of the final-accounts tables that the cross-checks use, in 元, each with its place."""

    tables: list[AccountsTable] = Field(default_factory=list)
    income_total: Located | None = Field(default=None, description="本年收入合计 (公开01)")
    expenditure_total: Located | None = Field(default=None, description="本年支出合计 (公开01 / 公开03)")
    basic: Located | None = Field(default=None, description="基本支出 合计 (公开03)")
    project: Located | None = Field(default=None, description="项目支出 合计 (公开03)")
    personnel: Located | None = Field(default=None, description="人员经费合计 (公开06)")
    public: Located | None = Field(default=None, description="公用经费合计 (公开06)")
    carryover_start: Located | None = Field(default=None, description="年初结转和结余 (公开01)")
    carryover_end: Located | None = Field(default=None, description="年末结转和结余 (公开01)")
    three_public_budget: Located | None = Field(default=None, description="“三公”经费 预算数 合计")
    three_public_actual: Located | None = Field(default=None, description="“三公”经费 决算数 合计")


ClaimKind = Literal["score", "budget", "executed", "rate", "percent", "grade_count"]


class Claim(Strict):
    """Something the narrative (or a table's own analysis text) states that can be checked."""

    kind: ClaimKind
    subject: str | None = Field(default=None, description="the project or 部门整体 it is about, as written")
    value: Decimal
    unit: str | None = Field(default=None, description="元 / 万元 for money, % for rates, 分 for scores")
    numerator: Decimal | None = Field(default=None, description="percent claims: the figure it says is that share")
    denominator: Decimal | None = Field(default=None, description="percent claims: the figure it is a share of")
    grade: str | None = Field(default=None, description="grade_count claims: the grade counted")
    table: int | None = Field(default=None, description="the self-assessment table the text stands in, if any")
    text: str = Field(description="the sentence, as published")
    source: SourceRef


class UnitName(Strict):
    name: str
    source: SourceRef


class Statement(Strict):
    """A sentence that says something a check needs (我单位没有项目支出，故此表无数据), with its place."""

    text: str
    source: SourceRef


class Disclosure(Strict):
    """A disclosure's parts other than the self-assessment tables."""

    final_accounts: FinalAccounts = Field(default_factory=FinalAccounts)
    claims: list[Claim] = Field(default_factory=list)
    unit_names: list[UnitName] = Field(default_factory=list, description="every 部门名称 / 单位名称 line")
    no_project_statements: list[Statement] = Field(
        default_factory=list, description="statements anywhere in the document that the unit had no 项目支出"
    )
