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
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from indicators.model import SourceRef
from scoring.results import SEVERITY_RANK, Finding, IndicatorResult, ScoredAssessment, Severity
from scoring.rules import RuleSet

CheckFunction = Callable[[ScoredAssessment, RuleSet], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    code: str
    name: str
    severity: Severity
    title: str
    func: CheckFunction

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.func) or ""


CHECKS: dict[str, Check] = {}
INTERNAL_ERROR = "C001"
INTERNAL_ERROR_TITLE = "某项检查运行出错（程序缺陷，请报告）"
INTERNAL_ERROR_DOC = """A check raised an exception on this assessment (a bug in jixiao, not in the table).

The runner records it as this finding, with the check's code and the error,
and goes on with the other checks, so one broken check never hides the
others. The table's own figures are not in question; report the finding."""


def check(code: str, name: str, severity: Severity, title: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under a code that must be new."""

    def register(func: CheckFunction) -> CheckFunction:
        if code in CHECKS:
            raise ValueError(f"check code {code} registered twice")
        CHECKS[code] = Check(code, name, severity, title, func)
        return func

    return register


def finding(
    scored: ScoredAssessment,
    code: str,
    message: str,
    *,
    result: IndicatorResult | None = None,
    source: SourceRef | None = None,
    column: int | None = None,
    expected: Any = None,
    stated: Any = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding of a registered check, placed in this assessment's file and table."""
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
    )


def indicator_label(result: IndicatorResult) -> str | None:
    ind = result.indicator
    return ind.name or ind.level2 or ind.level1


def num(value: Decimal | float | int | None) -> str:
    """A figure as a person writes it: no exponent, no trailing zeros."""
    if value is None:
        return "—"
    d = Decimal(str(value)) if not isinstance(value, Decimal) else value
    text = format(d.normalize(), "f")
    return text


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


def run_checks(scored: ScoredAssessment, ruleset: RuleSet, checks: Sequence[Check]) -> list[Finding]:
    """Every selected check on one assessment; a crash is recorded, never raised."""
    findings: list[Finding] = []
    for chk in checks:
        try:
            findings.extend(chk.func(scored, ruleset))
        except Exception as exc:  # a bug in one check must not hide the others
            findings.append(
                Finding(
                    code=INTERNAL_ERROR,
                    severity="error",
                    message=f"检查 {chk.code} {INTERNAL_ERROR_TITLE}：{type(exc).__name__}: {exc}",
                    source=scored.place(),
                    assessment=scored.id,
                )
            )
    findings.sort(key=Finding.sort_key)
    return findings


def at_or_above(findings: Iterable[Finding], level: str) -> bool:
    if level == "none":
        return False
    return any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[level] for f in findings)


_CODE = re.compile(r"^[ALXC]\d{3}$")


def is_code(text: str) -> bool:
    return bool(_CODE.match(text.upper()))
