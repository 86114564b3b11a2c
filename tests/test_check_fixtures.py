"""Every check against its fixture file, in the style of sqlfluff's rule fixtures.

``tests/fixtures/checks/<CODE>.yaml`` holds, for one check code, a list of
cases.  Each case is a minimal canonical assessment (what a finance officer
would see in the table) and the findings *of that code* it must produce,
each as ``{indicator, row}`` plus, where it matters, ``severity``,
``expected`` and ``stated`` (figures compared numerically) and ``field``
(the cell of the row the finding marks: ``score``, ``initial`` …).  ``expect: []``
is a table that passes.  A case may add ``previous:``, last year's
self-assessment of the project (``--previous``, for D410/D411).  A case the code gets wrong carries ``xfail: <why>``
and runs as a strict xfail, so the suite stays green and the bug stays
visible.

A document-level check (X3xx) gets a case with ``document:`` instead of
``assessment:``: a small published disclosure, one table row a line, cells
separated by `` | `` (written for TAB), read by the same reader and scored
and checked by the same pipeline as a real document.

Findings are compared on code, place and figures, never on message text;
the message only has to be there, in Chinese.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from indicators.model import Assessment
from indicators.readers.documents.published import parse_published
from scoring.checks import CHECKS, INTERNAL_ERROR, Check, run_checks
from scoring.engine import score_assessments
from scoring.pipeline import run
from scoring.results import Finding, ScoredAssessment
from scoring.rules import RuleSet, load_ruleset

FIXTURES = Path(__file__).parent / "fixtures" / "checks"
FILE_KEYS = {"code", "cases"}
CASE_KEYS = {"name", "assessment", "previous", "document", "expect", "xfail"}
EXPECT_KEYS = {"indicator", "row", "severity", "expected", "stated", "field"}
FIGURE_KEYS = ("severity", "expected", "stated")
CJK = re.compile(r"[\u4e00-\u9fff]")
AID, READ_FROM = "case#1", "case"


class _DecimalLoader(yaml.SafeLoader):
    """Floats as Decimal from their written text, as the canonical reader does (97.80 keeps two decimals)."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = str(loader.construct_scalar(node))
    try:
        return Decimal(text.replace("_", ""))
    except InvalidOperation:
        return loader.construct_yaml_float(node)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


@cache
def fixture_files() -> dict[Path, dict[str, Any]]:
    return {path: yaml.load(path.read_text(encoding="utf-8"), Loader=_DecimalLoader) for path in sorted_fixtures()}


def sorted_fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("*.yaml"))


@cache
def ruleset() -> RuleSet:
    return load_ruleset()


def all_cases() -> Iterator[Any]:
    for path, data in fixture_files().items():
        code = data.get("code", path.stem)
        for index, case in enumerate(data.get("cases") or [], start=1):
            marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
            yield pytest.param(code, case, id=f"{code}-{index:02d}", marks=marks)


def document_findings(text: str, code: str, tmp_path: Path) -> list[Finding]:
    """Write the case's disclosure as a file and run the whole pipeline on it with one check."""
    path = tmp_path / "case.txt"
    path.write_text(text.replace(" | ", "\t"), encoding="utf-8")
    (document,) = run([str(path)], ruleset(), [CHECKS[code]])
    assert [e for e in document.errors if e.severity == "error"] == [], document.errors
    return [f for a in document.assessments for f in a.findings] + document.findings


def score(raw: dict[str, Any]) -> ScoredAssessment:
    assessment = Assessment.model_validate(raw)
    [scored] = score_assessments([assessment], ruleset(), ids=[AID], read_from=[READ_FROM])
    return scored


def same_figure(found: Any, wanted: Any) -> bool:
    """Numbers numerically (1.50 = 1.5 = 3/2), lists item by item, mappings key by key, text as text."""
    if isinstance(wanted, list):
        return (
            isinstance(found, list | tuple)
            and len(found) == len(wanted)
            and all(same_figure(f, w) for f, w in zip(found, wanted, strict=True))
        )
    if isinstance(wanted, dict):
        return (
            isinstance(found, dict)
            and set(found) == set(wanted)
            and all(same_figure(found[k], wanted[k]) for k in wanted)
        )
    if isinstance(wanted, int | float | Decimal) and not isinstance(wanted, bool):
        try:
            return abs(Decimal(str(found)) - Decimal(str(wanted))) <= Decimal("1e-9")
        except (InvalidOperation, TypeError):
            return False
    return found == wanted


def describe(findings: list[Finding]) -> str:
    return "\n".join(
        f"  {f.code} {f.severity} row={f.source.row} indicator={f.indicator!r} "
        f"expected={f.expected!r} stated={f.stated!r}: {f.message}"
        for f in findings
    )


def matches(finding: Finding, wanted: dict[str, Any], code: str) -> bool:
    if (finding.indicator, finding.source.row) != (wanted["indicator"], wanted["row"]):
        return False
    severity = wanted.get("severity", CHECKS[code].severity)
    if finding.severity != severity or ("field" in wanted and finding.field != wanted["field"]):
        return False
    return all(same_figure(getattr(finding, key), wanted[key]) for key in ("expected", "stated") if key in wanted)


@pytest.mark.parametrize(("code", "case"), list(all_cases()))
def test_check_fixture(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    if "document" in case:
        findings = document_findings(case["document"], code, tmp_path)
    else:
        scored = score(case["assessment"])
        if "previous" in case:  # last year's self-assessment of the project (--previous)
            scored.previous = score(case["previous"])
        findings = run_checks(scored, ruleset(), [CHECKS[code]])
    shown = describe(findings)

    assert all(f.code == code for f in findings), f"{case['name']}\n{shown}"
    for f in findings:
        if "assessment" in case:
            assert f.assessment == AID
            assert f.source.file == READ_FROM
        assert f.message.strip() and CJK.search(f.message), f"message is not Chinese text: {f.message!r}"

    expect = case["expect"] or []
    place = Counter((f.indicator, f.source.row) for f in findings)
    wanted = Counter((e["indicator"], e["row"]) for e in expect)
    assert place == wanted, f"{case['name']}\nfound:\n{shown}\nwanted: {sorted(wanted.elements(), key=str)}"

    # The figures: the most specific expectations pick their finding first.
    unused = list(findings)
    for entry in sorted(expect, key=lambda e: -sum(k in e for k in FIGURE_KEYS)):
        hit = next((f for f in unused if matches(f, entry, code)), None)
        assert hit is not None, f"{case['name']}\nno finding matches {entry}\nfound:\n{shown}"
        unused.remove(hit)


# --- meta tests: the catalogue and its fixtures stay in step ------------------------------------------------------


def test_every_fixture_file_is_well_formed() -> None:
    assert fixture_files(), f"no fixture files under {FIXTURES}"
    for path, data in fixture_files().items():
        assert isinstance(data, dict) and set(data) <= FILE_KEYS, f"{path.name}: keys {sorted(data)}"
        assert data.get("code") == path.stem, f"{path.name}: code {data.get('code')!r} is not the file name"
        for index, case in enumerate(data.get("cases") or [], start=1):
            where = f"{path.name} case {index}"
            assert set(case) <= CASE_KEYS and {"name", "expect"} <= set(case), f"{where}: {sorted(case)}"
            assert ("assessment" in case) != ("document" in case), f"{where}: an assessment or a document"
            assert isinstance(case["name"], str) and case["name"].strip(), f"{where}: no name"
            if "assessment" in case:
                Assessment.model_validate(case["assessment"])
                if "previous" in case:
                    Assessment.model_validate(case["previous"])
            else:
                assert parse_published(case["document"].replace(" | ", "\t"), "case").assessments, where
            for entry in case["expect"] or []:
                assert set(entry) <= EXPECT_KEYS and {"indicator", "row"} <= set(entry), f"{where}: {entry}"
                assert entry.get("severity", "error") in {"error", "warning", "info"}, f"{where}: {entry}"


def test_no_fixture_names_an_unregistered_code() -> None:
    unknown = {data.get("code") for data in fixture_files().values()} - set(CHECKS)
    assert not unknown, f"fixtures for codes that are not registered: {sorted(unknown)}"


@pytest.mark.parametrize("code", sorted(CHECKS))
def test_every_check_has_failing_and_passing_cases(code: str) -> None:
    path = FIXTURES / f"{code}.yaml"
    assert path.exists(), f"{code} has no fixture file tests/fixtures/checks/{code}.yaml"
    cases = [case for case in fixture_files()[path]["cases"] if not case.get("xfail")]  # known bugs do not count
    assert any(case["expect"] for case in cases), f"{code}: no failing case"
    assert any(not case["expect"] for case in cases), f"{code}: no passing case"


@pytest.mark.parametrize("code", sorted(CHECKS))
def test_every_check_is_documented(code: str) -> None:
    chk = CHECKS[code]
    assert chk.code == code
    assert re.fullmatch(r"[ALXD]\d{3}", code), code
    assert chk.name and re.fullmatch(r"[a-z0-9_]+", chk.name), chk.name
    assert chk.severity in {"error", "warning", "info"}
    assert chk.title.strip() and CJK.search(chk.title), f"{code}: no Chinese title"
    assert chk.doc.strip(), f"{code}: no docstring"
    assert len({c.name for c in CHECKS.values()}) == len(CHECKS), "two checks share a name"


def test_a_crashing_check_becomes_one_c001_finding_and_the_others_still_run() -> None:
    def boom(scored: ScoredAssessment, rules: RuleSet) -> Iterator[Finding]:
        raise ZeroDivisionError("deliberate")

    crashing = Check("X999", "deliberate_crash", "info", "故意出错的检查", boom)
    scored = score(
        {
            "kind": "project",
            "year": 2022,
            "name": "示例项目",
            "indicators": [{"name": "接待人次", "weight": 10, "score": 12, "source": {"row": 10}}],
            "stated": {"total": 50, "source": {"row": 20}},
        }
    )
    findings = run_checks(scored, ruleset(), [CHECKS["A101"], crashing, CHECKS["A102"]])

    crashes = [f for f in findings if f.code == INTERNAL_ERROR]
    assert len(crashes) == 1
    [crash] = crashes
    assert crash.severity == "error"
    assert crash.assessment == AID and crash.source.file == READ_FROM
    assert "X999" in crash.message and CJK.search(crash.message)
    assert all(f.code != "X999" for f in findings)
    # The checks before and after the crash both ran.
    assert Counter(f.code for f in findings) == Counter({INTERNAL_ERROR: 1, "A101": 1, "A102": 1})
    assert "X999" not in CHECKS
