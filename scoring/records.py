"""Results as flat records: the one flattening every output starts from.

A finding, a scored assessment and an indicator row each become one ``dict`` of plain values
here (Decimals kept as Decimals); the JSON output nests and numbers them,
the batch tables write them as columns, so a field added here reaches
every output and none can name or compute it differently.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from indicators.model import Assessment, SourceRef
from indicators.values import figure_text
from indicators.vocabulary import SEVERITIES
from scoring.results import Finding, IndicatorResult, ScoredAssessment

PLACE_FIELDS = ("file", "table", "row", "column", "sheet")  # where a finding stands: its SourceRef


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per severity, every severity present (0 when none), most serious first."""
    counts = Counter(f.severity for f in findings)
    return {severity: counts[severity] for severity in SEVERITIES}


def _as_text(figure: Any) -> str | None:
    """A figure that is no number (a condition, a figure per 一级) as text; None for a number or nothing."""
    return None if figure is None or isinstance(figure, Decimal) else figure_text(figure)


def _places(model: type[BaseModel]) -> dict[str, Any]:
    """pydantic's ``exclude`` for every place (a ``source`` SourceRef) in a model and in the models it holds."""
    exclude: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        inner, many = _held_model(info.annotation)
        if inner is SourceRef and name == "source":
            exclude[name] = True
        elif inner is not None and (nested := _places(inner)):
            exclude[name] = {"__all__": nested} if many else nested
    return exclude


def _held_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (``Budget | None`` → Budget; ``list[Indicator]`` → Indicator, many)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    many = get_origin(annotation) in (list, tuple)
    for arg in get_args(annotation):
        inner, inner_many = _held_model(arg)
        if inner is not None:
            return inner, many or inner_many
    return None, False


PLACES = _places(Assessment)


def content_digest(assessment: Assessment) -> str:
    """What a table says, whatever file or place it came from: equal for two submissions of the same table.

    Every ``source`` (file, table, row, column) is left out by pydantic itself (:data:`PLACES`, read off
    the model), not by walking the dump: a province's run digests every table.
    """
    data = assessment.model_dump(mode="json", by_alias=True, exclude_none=True, exclude=PLACES)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def finding_record(document: str, f: Finding) -> dict[str, Any]:
    """A finding of ``document`` (the file read) as one flat record."""
    return {
        "code": f.code,
        "severity": f.severity,
        "message": f.message,
        "source": document,
        **{name: getattr(f.source, name) for name in PLACE_FIELDS},
        "assessment": f.assessment,
        "indicator": f.indicator,
        "expected": f.expected,
        "stated": f.stated,
        "expected_text": _as_text(f.expected),
        "stated_text": _as_text(f.stated),
        "points": f.points,
        "money": f.money,
        "grade_change": f.grade_change,
        "field": f.field,
    }


def assessment_record(document: str, s: ScoredAssessment, counts: dict[str, int]) -> dict[str, Any]:
    """A scored assessment of ``document`` as one flat record, with its ``counts`` of findings per severity."""
    a = s.assessment
    budget = a.budget
    return {
        "source": document,
        "table": a.source.table if a.source else None,
        "id": s.id,
        "kind": a.kind,
        "unit": a.implementer,  # the CSV column keeps its name
        "authority": a.authority,
        "name": a.name,
        "year": a.year,
        "money_unit": a.money_unit,
        "budget_full_year": budget.full_year if budget else None,
        "budget_executed": budget.executed if budget else None,
        "budget_rate": budget.rate if budget else None,
        "ruleset": s.ruleset,
        "stated_total": s.stated_total,
        "stated_grade": s.stated_grade,
        "recomputed_total": s.total,
        "recomputed_grade": s.grade,
        "raw": s.raw,
        "weights_total": s.weights_total,
        "status": s.status,
        **{f"findings_{k}": counts[k] for k in SEVERITIES},
    }


def indicator_record(document: str, assessment: str | None, r: IndicatorResult) -> dict[str, Any]:
    """An indicator row of the table ``assessment`` (its id) of ``document`` as one flat record.

    As published and recomputed: ``target`` is the effective target (调整后指标值 when given);
    ``target_value`` and ``actual_value`` the figures the engine compared (None when not comparable).
    """
    ind = r.indicator
    return {
        "source": document,
        "assessment": assessment,
        "row": ind.source.row if ind.source else None,
        "level1": ind.level1,
        "level2": ind.level2,
        "name": ind.name,
        "nature": r.nature,
        "target": ind.effective_target,
        "actual": ind.actual,
        "measure_unit": ind.measure_unit,
        "target_value": r.target_value,
        "actual_value": r.actual_value,
        "comparison_unit": r.comparison_unit,
        "weight": r.weight,
        "stated_score": r.stated_score,
        "score": r.score,
        "status": r.status,
        "met": r.met,
    }
