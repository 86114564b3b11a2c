"""The check catalogue: a decorator and a dict.

A check is a small function ``(scored, ruleset) -> Iterable[Finding]``
registered with a stable code, a name, a severity and a one-line title; its
docstring is its documentation (``jixiao explain CODE``).  Codes are never
reused.  A check that crashes becomes a finding (C001), not a dead run.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from indicators.disclosure import Disclosure
from indicators.model import SourceRef, Stage
from indicators.units import in_money_unit
from indicators.vocabulary import Severity, reaches
from scoring.results import Finding, IndicatorResult, ScoredAssessment
from scoring.ruledata import PARAMETERS
from scoring.rules import RuleSet

CheckFunction = Callable[[Any, RuleSet], Iterable[Finding]]
EVERY_STAGE: tuple[Stage, ...] = ("assessment", "draft")
Scope = Literal["assessment", "document"]
Stake = Literal["points", "money"]


@dataclass
class DocumentContext:
    """What a document-level (X3xx) check sees: the disclosure's other parts and its scored tables."""

    source: str
    disclosure: Disclosure
    assessments: list[ScoredAssessment]

    def place(self, source: SourceRef | None) -> SourceRef:
        """A full location in this document."""
        where = source or SourceRef()
        return SourceRef(file=where.file or self.source, table=where.table, row=where.row, column=where.column)


@dataclass(frozen=True)
class Check:
    code: str
    name: str
    severity: Severity
    title: str
    func: CheckFunction
    scope: Scope = "assessment"
    stake: Stake | None = None  # what its findings' two figures measure: points of the total, or money
    field: str | None = None  # the cell of a row its findings are about, unless a finding names another
    stages: tuple[Stage, ...] = ("assessment",)  # self-assessments, drafts (绩效目标申报表), or both
    parameters: tuple[str, ...] = ()  # the rule-set parameters it reads (scoring.ruledata.PARAMETERS)

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.func) or ""


CHECKS: dict[str, Check] = {}
INTERNAL_ERROR = "C001"
INTERNAL_ERROR_TITLE = "检查运行时内部错误，请报告（jixiao 的缺陷，不是表格的问题）"
INTERNAL_ERROR_DOC = """A check raised an exception on this assessment (a bug in jixiao, not in the table).

The runner records it as this finding, with the check's code and the error,
and goes on with the other checks, so one broken check never hides the
others. The table's own figures are not in question; report the finding."""


def check(
    code: str,
    name: str,
    severity: Severity,
    title: str,
    scope: Scope = "assessment",
    stake: Stake | None = None,
    field: str | None = None,
    stages: tuple[Stage, ...] = ("assessment",),
    parameters: tuple[str, ...] = (),
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under a code that must be new.

    An ``assessment`` check gets a :class:`ScoredAssessment`; a ``document``
    check (X3xx) gets a :class:`DocumentContext`.  ``stake``: what the two
    figures of its findings measure (``points`` of the total, ``money``), so
    that each finding states how much is at stake and lists rank by it.
    ``field``: the cell of its row a finding is about (``score``, ``actual``,
    ``full_year`` …), like a lint rule's anchor, so that layouts mark it.
    ``stages``: what it runs on: self-assessments, drafts (a 绩效目标申报表,
    with nothing done yet, so no check about actuals or scores), or both.
    ``parameters``: the rule-set parameters it reads, by path (``tolerance``,
    ``execution.weight`` …), like a lint rule's configuration keys, so that
    ``jixiao rules show`` lists the checks beside each parameter.
    """
    unknown = [p for p in parameters if p not in PARAMETERS]
    if unknown:
        raise ValueError(f"check {code} declares unknown rule-set parameters {unknown}")

    def register(func: CheckFunction) -> CheckFunction:
        if code in CHECKS:
            raise ValueError(f"check code {code} registered twice")
        CHECKS[code] = Check(code, name, severity, title, func, scope, stake, field, stages, parameters)
        return func

    return register


_RUNNING: ContextVar[str] = ContextVar("running_check")


def running() -> str:
    """The code of the check the registry is running: what a finding made now belongs to."""
    code = _RUNNING.get(None)
    if code is None:
        raise RuntimeError("a finding is made only while the registry runs a check (run_checks / run_document_checks)")
    return code


def finding(
    scored: ScoredAssessment,
    message: str,
    *,
    result: IndicatorResult | None = None,
    source: SourceRef | None = None,
    column: int | None = None,
    expected: Any = None,
    stated: Any = None,
    severity: Severity | None = None,
    grade_change: bool = False,
    field: str | None = None,
) -> Finding:
    """A finding of the check running, placed in this assessment's file and table, with what is at stake.

    The registry stamps the check's code (:func:`running`): no check types its code twice.
    """
    code = running()
    where = source if source is not None else (result.indicator.source if result else None)
    return Finding(
        code=code,
        severity=severity or CHECKS[code].severity,
        message=message,
        source=scored.place(where, column),
        assessment=scored.id,
        indicator=indicator_label(result) if result else None,
        expected=expected,
        stated=stated,
        grade_change=grade_change,
        field=field or CHECKS[code].field,
        **stakes(code, expected, stated, scored.assessment.money_unit),
    )


def stakes(code: str, expected: Any, stated: Any, money_unit: str) -> dict[str, Decimal]:
    """What a finding's two figures differ by, as its check's ``stake`` says: points, or money in 万元."""
    stake = CHECKS[code].stake
    if stake is None or not isinstance(expected, Decimal) or not isinstance(stated, Decimal):
        return {}
    difference = abs(expected - stated)
    return {"points": difference} if stake == "points" else {"money": in_money_unit(difference, money_unit, "万元")}


def document_finding(
    context: DocumentContext,
    message: str,
    *,
    source: SourceRef | None,
    assessment: ScoredAssessment | None = None,
    expected: Any = None,
    stated: Any = None,
    severity: Severity | None = None,
    field: str | None = None,
) -> Finding:
    """A finding of a document-level check, placed in the document (and tied to a table when it is about one).

    Its figures are in the table's money unit when it is tied to one, else in 元 (the 决算 tables').
    """
    code = running()
    money_unit = assessment.assessment.money_unit if assessment else "元"
    return Finding(
        code=code,
        severity=severity or CHECKS[code].severity,
        message=message,
        source=context.place(source),
        assessment=assessment.id if assessment else None,
        expected=expected,
        stated=stated,
        field=field or CHECKS[code].field,
        **stakes(code, expected, stated, money_unit),
    )


def indicator_label(result: IndicatorResult) -> str | None:
    ind = result.indicator
    return ind.name or ind.level2 or ind.level1


def decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def differs(recomputed: Decimal, stated: Decimal, ruleset: RuleSet) -> bool:
    """True when a stated figure cannot be a rounding of the recomputed one.

    A figure published with n decimals stands for anything within half a unit
    of its last place; the rule set's tolerance is added on top.
    """
    half_unit = Decimal(5).scaleb(-(decimals(stated) + 1))
    return abs(recomputed - stated) > half_unit + ruleset.tolerance


def matches(pattern: str) -> Callable[[str], bool]:
    """A code selector: ``A1`` selects A101–A110, ``L210`` just that code."""
    return lambda code: code.startswith(pattern.upper())


def selected_checks(select: Sequence[str] = (), ignore: Sequence[str] = ()) -> list[Check]:
    chosen = []
    for code, chk in sorted(CHECKS.items()):
        if select and not any(matches(p)(code) for p in select):
            continue
        if any(matches(p)(code) for p in ignore):
            continue
        chosen.append(chk)
    return chosen


def _crash(chk: Check, exc: Exception, source: SourceRef, assessment: str | None) -> Finding:
    return Finding(
        code=INTERNAL_ERROR,
        severity="error",
        message=f"检查 {chk.code} 运行时内部错误，请报告（{type(exc).__name__}: {exc}）",
        source=source,
        assessment=assessment,
    )


def _run(
    scope: Scope, subject: Any, ruleset: RuleSet, checks: Sequence[Check], place: SourceRef, assessment: str | None
) -> list[Finding]:
    findings: list[Finding] = []
    stage = "draft" if getattr(subject, "is_draft", False) else "assessment"
    for chk in checks:
        if chk.scope != scope or stage not in chk.stages:
            continue
        token = _RUNNING.set(chk.code)
        try:
            findings.extend(chk.func(subject, ruleset))
        except Exception as exc:  # a bug in one check must not hide the others
            findings.append(_crash(chk, exc, place, assessment))
        finally:
            _RUNNING.reset(token)
    findings.sort(key=Finding.sort_key)
    return findings


FORMULA_FAILED = "C002"
FORMULA_FAILED_TITLE = "规则集的计分公式对某行得不出有效得分（规则集缺陷），该行未计分"
FORMULA_FAILED_DOC = """The rule set's formula gave an infinite, undefined or out-of-range score on a row.

Every formula is tried on all kinds of figures when the rule set loads, so
this is rare: a formula that divides with / instead of ratio(), say, on a
figure the trial did not meet. The row is left unscored and reported here,
for its table alone; the other rows and tables are scored as usual. Mend
the rule set (jixiao rules show NAME prints its formulas)."""


def formula_failures(scored: ScoredAssessment) -> list[Finding]:
    """C002 for each row (and the 预算执行率 item) the rule set's formula could not score."""
    failures: list[Finding] = []
    execution = scored.execution
    if execution is not None and execution.formula_failed:
        source = scored.assessment.budget.source if scored.assessment.budget else None
        failures.append(_formula_failure(scored, "预算执行率", execution.formula, scored.place(source)))
    for r in scored.indicators:
        if r.formula_failed:
            failures.append(
                _formula_failure(scored, r.indicator.name or "", r.formula or "", scored.place(r.indicator.source))
            )
    return failures


def _formula_failure(scored: ScoredAssessment, what: str, formula: str, source: SourceRef) -> Finding:
    return Finding(
        code=FORMULA_FAILED,
        severity="error",
        message=f"{what}：{FORMULA_FAILED_TITLE}（公式 {formula}）",
        source=source,
        assessment=scored.id,
        indicator=what,
    )


def run_checks(scored: ScoredAssessment, ruleset: RuleSet, checks: Sequence[Check]) -> list[Finding]:
    """Every selected assessment-level check on one assessment; a crash is recorded, never raised."""
    findings = formula_failures(scored) + _run("assessment", scored, ruleset, checks, scored.place(), scored.id)
    findings.sort(key=Finding.sort_key)
    return findings


def run_document_checks(context: DocumentContext, ruleset: RuleSet, checks: Sequence[Check]) -> list[Finding]:
    """Every selected document-level check on one disclosure; a crash is recorded, never raised."""
    return _run("document", context, ruleset, checks, context.place(None), None)


def at_or_above(findings: Iterable[Finding], level: str) -> bool:
    return any(reaches(f.severity, level) for f in findings)


_CODE = re.compile(r"^[ALXCD]\d{3}$")


def is_code(text: str) -> bool:
    return bool(_CODE.match(text.upper()))
