"""The hand-read corpus in tests/fixtures/corpus: load a case, read it with jixiao, compare with the truth.

The comparison rules are those of the shared corpus' ``score.py`` (kept here so that the project
needs no folder outside itself):

- numbers agree within 0.011; text agrees once all whitespace is dropped; an empty truth
  (``None`` or ``""``) accepts anything;
- 一级/二级 labels are compared without spaces and without a printed weight such as ``(50分)``;
- a truncated case (``meta.json`` ``"truncated": true``) may read one indicator fewer than the
  reviewer lists: its last row, cut where the copy ends;
- findings: only the codes an auditor can prove from the table's own figures (A101–A108, L201),
  missed and extra; for a truncated case A101 and A103 are not held against the reader unless
  the reviewer files them.

jixiao is run the way ``score.py`` runs it, ``jixiao check FILE --format json``, but in-process
through click's ``CliRunner``; the first assessment read is the one compared.  Each ``wrong_*``
function returns one line per wrong field, worded as ``score.py`` words it, so that a failing test
and the score script name the same things.
"""

from __future__ import annotations

import json
import re
import tempfile
import traceback
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cli.main import cli

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"

# Finding names of expected.json → check codes (as in score.py).
CODE = {
    "total_mismatch": "A101", "score_exceeds_weight": "A102", "weights_not_100": "A103",
    "rate_mismatch": "A104", "balance_mismatch": "A105", "exec_score_mismatch": "A106",
    "budget_lines_mismatch": "A107", "grade_mismatch": "A108", "unmet_full_score": "L201",
    "actual_copies_target": "L202", "actual_is_bound": "L203", "missing_unit": "L204",
    "missing_weight": "L205", "placeholder_indicator": "L206", "misplaced_level2": "L207",
    "level1_weights_off": "L209", "direction_suspicious": "L211", "unexplained_deduction": "L214",
    "target_not_adjusted": "L216", "empty_level2": "L217", "indicator_rescored": "A109",
}  # fmt: skip
PROVABLE = frozenset({"A101", "A102", "A103", "A104", "A105", "A106", "A107", "A108", "L201"})
WHOLE_TABLE = frozenset({"A101", "A103"})  # need the whole table: not held against a truncated case
# expected.json budget key → JSON output budget key
BUDGET = {"full_year": "full_year", "executed": "executed", "rate_stated": "stated_rate",
          "exec_weight": "weight", "exec_score_stated": "stated_score"}  # fmt: skip
LEVELS = frozenset({"level1", "level2"})  # compared without spaces and a printed weight such as (50分)
# expected.json indicator key → JSON output indicator key
FIELDS = {"level1": "level1", "level2": "level2", "level3": "name", "target_text": "target",
          "actual_text": "actual", "weight": "weight", "score_stated": "stated_score"}  # fmt: skip
TOLERANCE = 0.011

_PRINTED_WEIGHT = re.compile(r"[\s]|[(（][\d.]+分?[)）]")  # score.py's, exactly


# --------------------------------------------------------------------------- values


def num(x: Any) -> float | None:
    """A number out of 12, '12.5', '1,000.5' or '97.8%'; None for anything else."""
    try:
        return float(str(x).replace(",", "").replace("%", "").strip())
    except (TypeError, ValueError):
        return None


def squash(x: Any) -> str:
    """Text without any whitespace; None is ''."""
    return "".join(str(x if x is not None else "").split())


def same(want: Any, got: Any) -> bool:
    """Numbers within 0.011; text equal once spaces are dropped; an empty truth accepts anything."""
    if want in (None, ""):
        return True
    w, g = num(want), num(got)
    if w is not None and g is not None:
        return abs(w - g) < TOLERANCE
    return squash(want) == squash(got)


def level_key(label: Any) -> str | None:
    """A 一级/二级 label as score.py compares it: no whitespace, no bracketed weight; '' is None."""
    return _PRINTED_WEIGHT.sub("", str(label or "")) or None


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """One corpus case: the published text, the reviewer's reading and the page's metadata."""

    name: str

    @property
    def directory(self) -> Path:
        return CORPUS / self.name

    @property
    def source(self) -> Path:
        return self.directory / "source.txt"

    @property
    def text(self) -> str:
        return self.source.read_text(encoding="utf-8")

    @property
    def expected(self) -> dict[str, Any]:
        return _json(self.directory / "expected.json")

    @property
    def meta(self) -> dict[str, Any]:
        return _json(self.directory / "meta.json")

    @property
    def truncated(self) -> bool:
        return bool(self.meta.get("truncated"))


@cache
def _json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def case_names() -> list[str]:
    return sorted(p.parent.name for p in CORPUS.glob("*/expected.json"))


CASES = [Case(name) for name in case_names()]


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Reading:
    """What ``jixiao check FILE --format json`` gave: exit code, stdout parsed, stderr."""

    path: str
    exit_code: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None = None
    problem: str | None = None  # why there is no JSON report: a crash or output that is not JSON

    @property
    def documents(self) -> list[dict[str, Any]]:
        return list((self.report or {}).get("documents") or [])

    @property
    def assessments(self) -> list[dict[str, Any]]:
        return [a for d in self.documents for a in d.get("assessments") or []]

    @property
    def first(self) -> dict[str, Any] | None:
        """The assessment compared (the first read, as score.py takes it), or None."""
        return next(iter(self.assessments), None)

    @property
    def document_findings(self) -> list[dict[str, Any]]:
        return [f for d in self.documents for f in d.get("findings") or []]

    def why_not_read(self) -> str:
        """Everything that explains an empty reading: crash, exit code, read errors, stderr."""
        if self.problem:
            return self.problem
        errors = [e for d in self.documents for e in d.get("errors") or []]
        lines = [f"no assessment read from {self.path} (exit code {self.exit_code})"]
        lines += [f"  read error, line {e.get('line')}: {e.get('message')}" for e in errors]
        stderr = [line for line in self.stderr.splitlines() if line.strip()]
        if stderr and not errors:
            lines += [f"  stderr: {line}" for line in stderr[:10]]
        return "\n".join(lines)


def read_file(path: Path | str) -> Reading:
    """``jixiao check PATH --format json`` in-process; a crash is kept as the reading's problem."""
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json"])
    stdout, stderr = result.stdout, result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        return Reading(str(path), result.exit_code, stdout, stderr, None, f"jixiao crashed on {path}:\n{trace}")
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError as exc:
        problem = (
            f"jixiao check {path} (exit code {result.exit_code}) printed no JSON ({exc}); "
            f"stderr: {stderr.strip()[:2000]!r}; stdout starts {stdout[:300]!r}"
        )
        return Reading(str(path), result.exit_code, stdout, stderr, None, problem)
    return Reading(str(path), result.exit_code, stdout, stderr, report)


@cache
def read_case(name: str) -> Reading:
    """The reading of a corpus case's own source.txt (read once per test session)."""
    return read_file(Case(name).source)


def read_text(text: str, filename: str = "source.txt") -> Reading:
    """The reading of a text, written to a fresh temporary file named like the corpus files."""
    with tempfile.TemporaryDirectory(prefix="jixiao-corpus-") as directory:
        path = Path(directory) / filename
        path.write_text(text, encoding="utf-8")
        return read_file(path)


# --------------------------------------------------------------------------- golden comparison


def wrong_stated(expected: dict[str, Any], a: dict[str, Any]) -> list[str]:
    """The stated total and grade (the 总分 row), as score.py words a mismatch."""
    stated = a.get("stated") or {}
    st, sg = stated.get("total"), stated.get("grade")
    wrong = []
    if not same(expected.get("stated_total"), st):
        wrong.append(f"stated total {st} ≠ {expected.get('stated_total')}")
    if expected.get("stated_grade") and sg != expected.get("stated_grade"):
        wrong.append(f"stated grade {sg} ≠ {expected.get('stated_grade')}")
    return wrong


def wrong_budget(expected: dict[str, Any], a: dict[str, Any]) -> list[str]:
    """全年预算数, 全年执行数, stated 执行率, 分值 and stated 得分 of the 年度资金总额 row."""
    b, eb = a.get("budget") or {}, expected.get("budget") or {}
    return [f"budget {gk} {b.get(gk)} ≠ {eb.get(ek)}" for ek, gk in BUDGET.items() if not same(eb.get(ek), b.get(gk))]


def indicator_rows(expected: dict[str, Any], a: dict[str, Any], truncated: bool) -> tuple[list, list]:
    """(expected rows, rows read); a truncated case that reads one row fewer drops its cut last row."""
    ei, gi = list(expected.get("indicators") or []), list(a.get("indicators") or [])
    if truncated and len(gi) == len(ei) - 1:
        ei = ei[:-1]
    return ei, gi


def wrong_indicator_count(expected: dict[str, Any], a: dict[str, Any], truncated: bool) -> list[str]:
    ei, gi = indicator_rows(expected, a, truncated)
    if len(gi) == len(ei):
        return []
    names = lambda rows, key: ", ".join(repr(r.get(key)) for r in rows)  # noqa: E731
    return [
        f"{len(gi)} indicators read, {len(ei)} in the table",
        f"  read:     {names(gi, 'name')}",
        f"  expected: {names(ei, 'level3')}",
    ]


def wrong_indicator(expected: dict[str, Any], a: dict[str, Any], truncated: bool, k: int) -> list[str]:
    """Every wrong field of the k-th indicator row (1-based), in score.py's words."""
    ei, gi = indicator_rows(expected, a, truncated)
    if k > len(ei):  # the cut last row of a truncated case that the reader left out: allowed
        return []
    e = ei[k - 1]
    if k > len(gi):
        return [f"indicator {k} ({e.get('level3')!r}) not read: only {len(gi)} indicators read"]
    g = gi[k - 1]
    wrong = []
    for ek, gk in FIELDS.items():
        want, have = e.get(ek), g.get(gk)
        if ek in LEVELS:
            want, have = level_key(want), level_key(have)
        if not same(want, have):
            wrong.append(f"indicator {k} {gk}: {g.get(gk)!r} ≠ {e.get(ek)!r}")
    return wrong


def expected_codes(expected: dict[str, Any]) -> dict[str, list[str]]:
    """Provable codes the reviewer files (policy-dependent ones left out) → their details."""
    codes: dict[str, list[str]] = {}
    for f in expected.get("findings") or []:
        code = CODE.get(f.get("code"))
        if code in PROVABLE and not f.get("policy_dependent"):
            codes.setdefault(code, []).append(str(f.get("detail") or f.get("code")))
    return codes


def read_codes(a: dict[str, Any], want: set[str], truncated: bool) -> dict[str, list[str]]:
    """Provable codes the reader files → their messages; whole-table codes dropped for a cut copy."""
    codes: dict[str, list[str]] = {}
    for f in a.get("findings") or []:
        if f.get("code") in PROVABLE:
            codes.setdefault(f["code"], []).append(str(f.get("message")))
    if truncated:
        for code in WHOLE_TABLE - want:
            codes.pop(code, None)
    return codes


def wrong_findings(expected: dict[str, Any], a: dict[str, Any], truncated: bool) -> list[str]:
    """Provable findings missed and extra, each with the reviewer's detail or the reader's message."""
    want = expected_codes(expected)
    got = read_codes(a, set(want), truncated)
    wrong = [f"missed {code}: {detail}" for code in sorted(set(want) - set(got)) for detail in want[code]]
    wrong += [f"extra {code}: {message}" for code in sorted(set(got) - set(want)) for message in got[code]]
    return wrong


def wrong_case(case: Case, reading: Reading) -> list[str]:
    """All of score.py's field comparison for a case at once (not the findings), for a whole-case view."""
    a = reading.first
    if a is None:
        return [reading.why_not_read()]
    e, t = case.expected, case.truncated
    wrong = wrong_stated(e, a) + wrong_budget(e, a) + wrong_indicator_count(e, a, t)[:1]
    ei, gi = indicator_rows(e, a, t)
    for k in range(1, min(len(ei), len(gi)) + 1):
        wrong += wrong_indicator(e, a, t, k)
    return wrong
