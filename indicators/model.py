"""What a self-assessment (绩效自评表) is, as published.

Every field keeps what the table says, not what it should say: a cut-off
name stays cut off, a wrong total stays wrong.  Text cells are kept as
raw text (``target``, ``actual``) so that findings can quote the source;
parsing them is the job of :mod:`indicators.values`.  Money, weights,
scores and rates are ``Decimal`` so that a figure keeps the precision it
was published with.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from indicators.limits import LARGEST_FIGURE, SMALLEST_FIGURE


def within_bounds(value: Decimal) -> bool:
    """Whether a figure is one a table can hold; the one guard every figure passes.

    Works without the decimal context (``copy_abs``), so no exponent, however
    large (1e999999999999), can overflow or trap while it is judged.
    """
    if not value.is_finite():
        return False
    size = value.copy_abs()
    return size < LARGEST_FIGURE and (not size or size >= SMALLEST_FIGURE)


def _plausible(value: Decimal) -> Decimal:
    """Refuse figures no table can hold, so that no ratio of two figures overflows the arithmetic."""
    if not within_bounds(value):
        raise ValueError(f"数值 {_short(value)} 不合理（绝对值应在 10 的 -6 次方到 10 的 15 次方之间）")
    return value


def _short(value: Decimal) -> str:
    text = str(value)
    return text if len(text) <= 24 else f"{text[:12]}…（共 {len(text)} 个字符）"


Figure = Annotated[Decimal, AfterValidator(_plausible)]
"""A published figure: money, weight, score or rate."""

Nature = Literal[">=", "<=", "=", ">", "<", "qualitative"]
Kind = Literal["project", "department"]
MoneyUnit = Literal["元", "万元", "亿元"]
Stage = Literal["draft", "assessment"]


class Strict(BaseModel):
    """Unknown keys are refused: a typo in a hand-made file (submission, rule set) is an error, not a silent loss."""

    model_config = ConfigDict(extra="forbid")


class _Submitted(Strict):
    """What a submission holds: numbers written where text is expected are read as text; fields by name or alias."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, populate_by_name=True)


class SourceRef(_Submitted):
    """Where a figure stands in the source: file, table (1-based), row (line), column (1-based)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None
    sheet: str | None = None  # the worksheet, in a workbook: its rows are the sheet's rows


class BudgetLine(_Submitted):
    """One row of the budget block (预算安排及执行情况), in the assessment's money unit."""

    name: str = Field(description="row label as published, e.g. 基本支出, 上年结转")
    group: Literal["source", "direction"] | None = Field(
        default=None,
        description="source: by funding source (财政拨款, 上年结转, 其他资金); direction: by use (基本支出, 项目支出)",
    )
    requested: Figure | None = Field(default=None, description="目标申报数 (山西 layout)")
    initial: Figure | None = Field(default=None, description="年初预算数 / 预算编制数")
    adjustment: Figure | None = Field(default=None, description="预算调整数 (+/-)")
    full_year: Figure | None = Field(default=None, description="全年预算数 / 预算确定数")
    executed: Figure | None = Field(default=None, description="全年执行数")
    balance: Figure | None = Field(default=None, description="资金结(转)余")
    rate: Figure | None = Field(default=None, description="执行率 in percent, as stated")
    weight: Figure | None = Field(default=None, description="分值, as stated")
    score: Figure | None = Field(default=None, description="得分, as stated")
    note: str | None = Field(default=None, description="情况说明")
    source: SourceRef | None = None


class Budget(BudgetLine):
    """The 年度资金总额 row, with the rows that break it down."""

    name: str = "年度资金总额"
    lines: list[BudgetLine] = Field(default_factory=list)


class Indicator(_Submitted):
    """One row of the indicator table (一级/二级/三级指标)."""

    level1: str | None = Field(default=None, description="一级指标")
    level2: str | None = Field(default=None, description="二级指标")
    name: str | None = Field(default=None, description="三级指标; empty for a 二级 row with nothing under it")
    nature: Nature | None = Field(default=None, description="指标性质 where a column states it")
    target: str | None = Field(default=None, description="年度指标值 / 年初指标值, raw text")
    adjusted_target: str | None = Field(default=None, description="调整后指标值, raw text")
    measure_unit: str | None = Field(default=None, alias="unit", description="度量单位 where a column states it")
    actual: str | None = Field(default=None, description="实际完成值, raw text")
    weight: Figure | None = Field(default=None, description="分值 (权重)")
    score: Figure | None = Field(default=None, description="得分, as stated")
    note: str | None = Field(default=None, description="偏差原因分析及改进措施")
    level4: str | None = Field(default=None, description="四级指标, on sheets with four levels")
    by_criteria: bool = Field(
        default=False,
        description="the row stands in a block with no target column (评分表, 资金管理情况): judged by criteria",
    )
    extra: dict[str, str] = Field(
        default_factory=dict,
        description="other columns kept as text, keyed by their header: 评分标准, 得分计算方法, 佐证资料, 市级评分 …",
    )
    source: SourceRef | None = None

    @property
    def is_heading(self) -> bool:
        """A 二级 row standing alone: no 三级 name and no figure at all."""
        return not (self.name or "").strip() and not any(
            (v or "").strip() if isinstance(v, str) else v is not None
            for v in (self.target, self.adjusted_target, self.actual, self.weight, self.score)
        )

    @property
    def effective_target(self) -> str | None:
        """调整后指标值 when the table gives one, else the target."""
        adjusted = (self.adjusted_target or "").strip()
        return self.adjusted_target if adjusted else self.target


class Block(_Submitted):
    """A label over several rows that states the weight of what stands under it.

    产出指标(50分), 工作目标(5分), 年度绩效目标(80分): ``path`` holds the labels
    from the outermost down to this one, as published, so that the rows under
    the block are those whose levels start with it.  Level 0 is a label over
    the whole indicator block; 1–4 are the indicator levels.
    """

    level: int = Field(ge=0, le=4)
    path: list[str]
    weight: Figure
    closed: bool = Field(
        default=True, description="False when the table ends inside the block: its rows may not all be visible"
    )
    source: SourceRef | None = None


RowKind = Literal["placeholder", "breakdown", "subtotal", "cut", "label"]


class OtherRow(_Submitted):
    """A row inside the indicator block that is not an indicator, and what it was read as."""

    kind: RowKind = Field(
        description=(
            "placeholder: a template row never filled (指标1:, ……, /); breakdown: a 其中… part of the indicator"
            " above; subtotal: figures only, Σ分值 / Σ得分 of the rows; cut: a last row cut off where the copy"
            " ends; label: a heading or note inside the block"
        )
    )
    text: str = Field(description="the row's cells as published, joined by ' | '")
    weight: Figure | None = None
    score: Figure | None = None
    source: SourceRef | None = None


class Stated(_Submitted):
    """The 总分 row as published."""

    total: Figure | None = None
    grade: str | None = None
    source: SourceRef | None = None


class Goals(_Submitted):
    """年度(总体)目标: the goal text and the 实际完成情况 text."""

    target: str | None = None
    actual: str | None = None
    source: SourceRef | None = None


class Assessment(_Submitted):
    """One self-assessment table: a project (项目支出) or a department (部门整体支出)."""

    kind: Kind
    year: int | None = Field(default=None, ge=1949, le=2100, description="assessment year (年度)")
    name: str = Field(description="项目名称; for a department table, what the table assesses")
    title: str | None = Field(default=None, description="table title as published")
    implementer: str | None = Field(default=None, alias="unit", description="实施单位 / 预算单位 / 部门名称")
    authority: str | None = Field(default=None, description="主管部门(及代码)")
    money_unit: MoneyUnit = "万元"
    ruleset: str | None = Field(default=None, description="rule set to score with, if not default")
    budget: Budget | None = None
    goals: Goals | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    stated: Stated | None = None
    analysis: dict[str, str] = Field(
        default_factory=dict, description="自评结果分析 and other text blocks: heading → text"
    )
    form: Literal["indicators", "criteria"] = Field(
        default="indicators",
        description=(
            "indicators: rows with targets and actuals, rescored by the rule set; criteria: a scoring sheet"
            " (评分表, 计分表, 评分细则) whose rows carry a 分值 and a 得分 by written criteria, not rescored"
        ),
    )
    blocks: list[Block] = Field(default_factory=list, description="labels that state a weight for their rows")
    other_rows: list[OtherRow] = Field(
        default_factory=list, description="rows read as something other than an indicator"
    )
    truncated: bool = Field(
        default=False,
        description="the copy ends inside the indicator block, with no 总分 row or footer: rows may be missing",
    )
    stage: Stage | None = Field(
        default=None,
        description=(
            "draft: a 绩效目标申报表 (targets set, nothing done yet): linted, not scored; assessment: a self-"
            "assessment; unset: a table with targets and no actual, 得分 or 总分 anywhere is a draft"
        ),
    )
    source: SourceRef | None = None

    @property
    def scorable_indicators(self) -> list[Indicator]:
        """Indicator rows that are real indicators (headings left out)."""
        return [i for i in self.indicators if not i.is_heading]

    @property
    def is_draft(self) -> bool:
        """A draft indicator set: said so, or targets written and nothing yet done or scored."""
        if self.stage is not None:
            return self.stage == "draft"
        rows = self.scorable_indicators
        if not rows or self.form == "criteria" or self.stated is not None:
            return False
        has_target = any(_filled(i.target) or _filled(i.adjusted_target) for i in rows)
        done = any(_filled(i.actual) or i.score is not None for i in rows)
        budget = self.budget
        executed = budget is not None and any(
            line.executed is not None or line.score is not None for line in (budget, *budget.lines)
        )
        return has_target and not done and not executed


def _filled(text: str | None) -> bool:
    return bool((text or "").strip())


class AssessmentFile(_Submitted):
    """The canonical file: one or more assessments."""

    assessments: list[Assessment]
