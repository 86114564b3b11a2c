"""What the engine returns: scored assessments, indicator results and findings.

Plain frozen-where-it-matters dataclasses rather than pydantic models: a
province's batch makes millions of these, and they are only ever built by
the engine.  ``Finding`` field names are a contract of the JSON output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from indicators.model import Assessment, Indicator, SourceRef
from indicators.values import Value
from indicators.vocabulary import SEVERITY_RANK, Severity

IndicatorStatus = Literal["comparable", "met", "unmet", "unverifiable", "no_target"]
"""comparable: quantitative, target and actual in one unit, not yet compared (the engine settles met / unmet)."""
WeightOrigin = Literal["stated", "label", "inferred", "merged", "missing", "none"]
"""Where an indicator's 分值 comes from.

stated: its own 分值 cell; label: the weight a label prints over its 一级 (产出指标(40分)),
split among the scoring units under it; inferred: the rule set's standard weights, split
the same way; merged: a row that shares one 得分 cell with the row above, which carries
the weight of both; missing: others print a 分值, this row none (counts 0); none: unscored.
"""
AssessmentStatus = Literal["scored", "scored_by_criteria", "unscored", "draft"]
"""draft: a 绩效目标申报表 (targets, nothing done yet): linted, not scored."""
ExecutionBase = Literal["full_year", "initial"]


@dataclass(frozen=True)
class Finding:
    """One proven inconsistency: code, severity, message, place, and the figures on both sides."""

    code: str
    severity: Severity
    message: str
    source: SourceRef
    assessment: str | None = None
    indicator: str | None = None
    expected: Any = None
    stated: Any = None
    points: Decimal | None = None  # points of the total the two figures differ by (a score, a total)
    money: Decimal | None = None  # 万元 the two figures differ by (a budget, an executed amount)
    grade_change: bool = False  # the rescoring changes the table's grade
    field: str | None = None  # the cell of its row it is about: score, actual, target, executed … (None: the row)

    def sort_key(self) -> tuple[int, int, Decimal, Decimal, int, str]:
        """Most consequential first: a grade change, then by severity, points and money at stake, then place."""
        return (
            -self.grade_change,
            -SEVERITY_RANK[self.severity],
            -(self.points or 0),
            -(self.money or 0),
            self.source.row or 0,
            self.code,
        )


@dataclass
class IndicatorResult:
    """One indicator, recomputed, with how: enough for ``jixiao explain`` to show the working."""

    index: int
    indicator: Indicator
    target: Value
    actual: Value
    nature: str | None
    nature_origin: str  # "column" (指标性质), "target" (operator in the value), "default", "none"
    weight: Decimal | None
    weight_origin: WeightOrigin
    status: IndicatorStatus
    comparison_unit: str | None = None  # the unit both figures are compared in
    target_value: Decimal | None = None
    actual_value: Decimal | None = None
    met: bool | None = None
    score: Decimal | None = None
    reason: str | None = None  # why the score could not be recomputed
    rule: str | None = None  # e.g. quantitative.higher
    formula: str | None = None
    unit_mismatch: bool = False
    # The stated score is the result by construction (a criteria sheet, a merged 二级 得分 cell):
    # neither rescored nor subject to the rule set's policy for unverifiable indicators.
    score_kept: bool = False
    formula_failed: bool = False  # the rule set's formula gave no usable score on this row (C002)

    @property
    def stated_score(self) -> Decimal | None:
        return self.indicator.score


@dataclass
class ExecutionResult:
    """The 预算执行率 item: recomputed rate and score beside the stated ones."""

    weight: Decimal
    weight_origin: Literal["stated", "ruleset"]
    rate: Decimal | None  # executed / base × 100, unrounded
    score: Decimal | None
    status: Literal["scored", "unverifiable", "unscored"]  # unscored: the table has no 得分, only the rate
    formula: str
    reason: str | None = None
    base: ExecutionBase | None = None  # 全年预算数, or 年初预算数 where the table prints no 全年预算数
    rounded_rate: Decimal | None = None  # the rate, half-up at the rule set's precision: what renderers show
    formula_failed: bool = False  # the rule set's formula gave no usable score (C002)


@dataclass
class ScoredAssessment:
    """An assessment as published, beside what the rule set makes of it."""

    id: str
    read_from: str
    assessment: Assessment
    ruleset: str
    status: AssessmentStatus  # scored_by_criteria: a 评分表 whose stated scores are kept, not rescored
    indicators: list[IndicatorResult]
    execution: ExecutionResult | None
    raw: Decimal | None = None
    weights_total: Decimal | None = None
    total: Decimal | None = None
    grade: str | None = None
    weights_inferred: bool = False
    findings: list[Finding] = field(default_factory=list)
    ruleset_reason: str | None = None  # why the layout chose ``ruleset`` (scoring.choice), when no rule set was named

    previous: ScoredAssessment | None = None  # last year's self-assessment of the same project (--previous)

    @property
    def is_scored(self) -> bool:
        """There is a total: the table was rescored, or its criteria scores were added up."""
        return self.status in ("scored", "scored_by_criteria")

    @property
    def is_draft(self) -> bool:
        """A draft indicator set (绩效目标申报表): its targets are linted, nothing is scored."""
        return self.status == "draft"

    @property
    def by_criteria(self) -> bool:
        """A scoring sheet (评分表): rows judged by written criteria, with no target or actual to rescore."""
        return self.assessment.form == "criteria"

    @property
    def cut_short(self) -> bool:
        """The copy ends inside the indicator block (the reader says so, a cut row, an open label), no 总分 row read.

        Rows may then be missing, so no sum over all of them can be proven wrong.
        """
        a = self.assessment
        if a.stated is not None:
            return False
        return (
            a.truncated or any(row.kind == "cut" for row in a.other_rows) or any(not block.closed for block in a.blocks)
        )

    @property
    def stated_total(self) -> Decimal | None:
        return self.assessment.stated.total if self.assessment.stated else None

    @property
    def stated_grade(self) -> str | None:
        return self.assessment.stated.grade if self.assessment.stated else None

    @property
    def stated_source(self) -> SourceRef | None:
        """Where the 总分 row stands."""
        return self.assessment.stated.source if self.assessment.stated else None

    def place(self, source: SourceRef | None = None, column: int | None = None) -> SourceRef:
        """A full location: the file and table of this assessment, the row (and column) given."""
        base = self.assessment.source or SourceRef()
        row = source.row if source else None
        col = column if column is not None else (source.column if source else None)
        file, row = base.file or self.read_from, row if row else base.row
        return SourceRef(file=file, table=base.table, row=row, column=col, sheet=base.sheet)
