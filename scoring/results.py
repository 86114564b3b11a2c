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

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
IndicatorStatus = Literal["met", "unmet", "unverifiable", "no_target"]


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

    def sort_key(self) -> tuple[int, int, str]:
        return (-SEVERITY_RANK[self.severity], self.source.row or 0, self.code)


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
    weight_origin: Literal["stated", "inferred", "missing", "none"]
    status: IndicatorStatus
    unit: str | None = None  # the unit both figures are compared in
    target_value: Decimal | None = None
    actual_value: Decimal | None = None
    met: bool | None = None
    score: Decimal | None = None
    reason: str | None = None  # why the score could not be recomputed
    rule: str | None = None  # e.g. quantitative.higher
    formula: str | None = None
    unit_mismatch: bool = False

    @property
    def stated_score(self) -> Decimal | None:
        return self.indicator.score


@dataclass
class ExecutionResult:
    """The 预算执行率 item: recomputed rate and score beside the stated ones."""

    weight: Decimal
    weight_origin: Literal["stated", "ruleset"]
    rate: Decimal | None  # executed / full_year × 100, unrounded
    score: Decimal | None
    status: Literal["scored", "unverifiable"]
    formula: str
    reason: str | None = None


@dataclass
class ScoredAssessment:
    """An assessment as published, beside what the rule set makes of it."""

    id: str
    read_from: str
    assessment: Assessment
    ruleset: str
    status: Literal["scored", "unscored"]
    indicators: list[IndicatorResult]
    execution: ExecutionResult | None
    raw: Decimal | None = None
    weights_total: Decimal | None = None
    total: Decimal | None = None
    grade: str | None = None
    weights_inferred: bool = False
    findings: list[Finding] = field(default_factory=list)

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
        return SourceRef(file=base.file or self.read_from, table=base.table, row=row if row else base.row, column=col)
