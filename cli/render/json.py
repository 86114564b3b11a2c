"""The machine-readable output (a contract: keep these keys, add new ones freely)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import orjson

from indicators.model import Block, OtherRow, SourceRef
from indicators.vocabulary import VERSION
from scoring.pipeline import DocumentResult
from scoring.records import PLACE_FIELDS, assessment_record, finding_record, indicator_record, severity_counts
from scoring.results import ExecutionResult, Finding, IndicatorResult, ScoredAssessment


def number(value: Any) -> Any:
    """Decimals as JSON numbers: integral ones as int, others as float; containers walked."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: number(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [number(v) for v in value]
    return value


def source_dict(source: SourceRef | None) -> dict[str, Any]:
    if source is None:
        return {}
    return {k: v for k, v in source.model_dump().items() if v is not None}


def finding_dict(f: Finding) -> dict[str, Any]:
    """The finding's record, its place nested as ``source`` (the JSON contract)."""
    record = finding_record("", f)
    place = {name: record.pop(name) for name in PLACE_FIELDS}
    del record["source"]
    return {
        **{k: record[k] for k in ("code", "severity", "message", "indicator", "assessment")},
        "source": {k: v for k, v in place.items() if v is not None},
        "expected": number(record["expected"]),
        "stated": number(record["stated"]),
        "points": number(record["points"]),  # points of the total at stake
        "money": number(record["money"]),  # 万元 at stake
        "grade_change": record["grade_change"],
        "field": record["field"],  # the cell of its row it is about (score, actual, full_year …)
    }


def indicator_dict(r: IndicatorResult) -> dict[str, Any]:
    """The indicator's record (as the batch's indicators table has it), with what only the JSON output adds."""
    record = indicator_record("", None, r)
    ind = r.indicator
    return {
        **{k: record[k] for k in ("level1", "level2", "name")},
        "level4": ind.level4,
        **{k: record[k] for k in ("nature", "target", "actual")},
        "unit": r.comparison_unit or ind.measure_unit,
        "target_value": number(record["target_value"]),
        "actual_value": number(record["actual_value"]),
        "weight": number(record["weight"]),
        "weight_origin": r.weight_origin,
        "stated_score": number(record["stated_score"]),
        "score": number(record["score"]),
        "status": record["status"],
        "reason": r.reason,
        "extra": dict(ind.extra),
        "source": source_dict(ind.source),
    }


def budget_dict(scored: ScoredAssessment) -> dict[str, Any] | None:
    """The budget block as published beside the engine's rate (half-up at the rule set's precision) and score.

    ``base`` says what the rate is on: ``full_year`` (全年预算数) or ``initial``
    (年初预算数, where the table prints no 全年预算数).
    """
    budget = scored.assessment.budget
    if budget is None:
        return None
    execution: ExecutionResult | None = scored.execution
    counted = execution is not None and execution.status != "unscored"
    return number(
        {
            "initial": budget.initial,
            "adjustment": budget.adjustment,
            "full_year": budget.full_year,
            "executed": budget.executed,
            "balance": budget.balance,
            "stated_rate": budget.rate,
            "rate": execution.rounded_rate if execution else None,
            "base": execution.base if execution else None,
            "weight": execution.weight if execution and counted else budget.weight,
            "stated_score": budget.score,
            "score": execution.score if execution else None,
        }
    )


def block_dict(block: Block) -> dict[str, Any]:
    return {
        "level": block.level,
        "path": list(block.path),
        "weight": number(block.weight),
        "closed": block.closed,
        "source": source_dict(block.source),
    }


def other_row_dict(row: OtherRow) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "text": row.text,
        "weight": number(row.weight),
        "score": number(row.score),
        "source": source_dict(row.source),
    }


def assessment_dict(s: ScoredAssessment) -> dict[str, Any]:
    a = s.assessment
    record = assessment_record("", s, severity_counts(s.findings))  # only the id, names and totals are used
    return {
        **{k: record[k] for k in ("id", "kind", "name", "unit", "year")},
        "title": a.title,
        "form": a.form,
        "ruleset": s.ruleset,
        "source": source_dict(a.source),
        "stated": number({"total": record["stated_total"], "grade": record["stated_grade"]}),
        "recomputed": number(
            {
                "total": record["recomputed_total"],
                "grade": record["recomputed_grade"],
                "raw": record["raw"],
                "weights_total": record["weights_total"],
                "status": record["status"],
                "weights_inferred": s.weights_inferred,
            }
        ),
        "budget": budget_dict(s),
        "blocks": [block_dict(b) for b in a.blocks],
        "other_rows": [other_row_dict(o) for o in a.other_rows],
        "indicators": [indicator_dict(r) for r in s.indicators],
        "findings": [finding_dict(f) for f in s.findings],
    }


def document_dict(doc: DocumentResult) -> dict[str, Any]:
    return {
        "source": doc.source,
        "assessments": [assessment_dict(a) for a in doc.assessments],
        "findings": [finding_dict(f) for f in doc.findings],
        "errors": [e.to_dict() for e in doc.errors],
    }


def render_json(documents: list[DocumentResult], ruleset: str) -> str:
    return b"".join(json_pieces(map(document_json, documents), ruleset)).decode()


# orjson: the same text as json.dumps(indent=2, ensure_ascii=False) fifty times faster (the standard
# library's C encoder is not used with indent), so a province's JSON is written in seconds, not minutes.
INDENT = orjson.OPT_INDENT_2
IN_LIST = b"    "  # a document's indent in the list of documents (two levels in)
EMPTY = b"[]\n}"  # how the payload ends when there is no document


def document_json(doc: DocumentResult) -> bytes:
    """One document's JSON as it stands in the list of documents (indented two levels; no comma).

    orjson indents two spaces a level and writes a newline inside a string as
    ``\\n``, so every newline of the document's own text starts a line of it.
    """
    return IN_LIST + orjson.dumps(document_dict(doc), option=INDENT).replace(b"\n", b"\n" + IN_LIST)


def json_pieces(documents: Iterable[bytes], ruleset: str) -> Iterator[bytes]:
    """The payload's UTF-8 text in pieces, around the documents rendered one at a time (:func:`document_json`).

    The same bytes as the whole payload dumped at once, without it (nor its
    text) ever being in memory whole: a large run's JSON is written as it goes.
    """
    head = orjson.dumps({"version": VERSION, "ruleset": ruleset, "documents": []}, option=INDENT)
    assert head.endswith(EMPTY)
    opening = head[: -len(EMPTY)] + b"[\n"
    written = False
    for document in documents:
        yield (b",\n" if written else opening) + document
        written = True
    yield b"\n  ]\n}\n" if written else head + b"\n"
