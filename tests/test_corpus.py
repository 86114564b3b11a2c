"""Golden tests: jixiao reads each real published table as the reviewer read it by hand.

Thirteen tables from tests/fixtures/corpus (see its README), each read with ``jixiao check FILE
--format json`` and held to ``expected.json`` by the rules of the shared corpus' ``score.py``
(tests/corpus_tools.py).  One test per case and aspect, so that a failure names what is wrong:

- ``NNN-found``: the table is found at all (at least one assessment is read);
- ``NNN-stated``: the stated total and grade;
- ``NNN-budget``: 全年预算数, 全年执行数, stated 执行率, 分值 and stated 得分;
- ``NNN-indicators``: how many indicator rows are read;
- ``NNN-indicator-K``: every field of the K-th indicator row (level1, level2, name, target,
  actual, weight, stated score);
- ``NNN-findings``: the provable findings (A101–A108, L201), missed and extra.

Each failure lists every wrong field in score.py's words ("budget stated_rate 80.45 ≠ 100").
A case whose table is not read fails every aspect, each pointing to the read errors.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from corpus_tools import (
    CASES,
    Case,
    level_key,
    read_case,
    same,
    wrong_budget,
    wrong_findings,
    wrong_indicator,
    wrong_indicator_count,
    wrong_stated,
)


def _aspects(case: Case) -> list[str]:
    count = len(case.expected.get("indicators") or [])
    return ["found", "stated", "budget", "indicators", *(f"indicator-{k}" for k in range(1, count + 1)), "findings"]


PARAMS = [pytest.param(case, aspect, id=f"{case.name}-{aspect}") for case in CASES for aspect in _aspects(case)]


def _wrong(case: Case, aspect: str, a: dict) -> list[str]:
    e, t = case.expected, case.truncated
    checks: dict[str, Callable[[], list[str]]] = {
        "stated": lambda: wrong_stated(e, a),
        "budget": lambda: wrong_budget(e, a),
        "indicators": lambda: wrong_indicator_count(e, a, t),
        "findings": lambda: wrong_findings(e, a, t),
    }
    if aspect.startswith("indicator-"):
        return wrong_indicator(e, a, t, int(aspect.removeprefix("indicator-")))
    return checks[aspect]()


@pytest.mark.parametrize(("case", "aspect"), PARAMS)
def test_corpus(case: Case, aspect: str) -> None:
    reading = read_case(case.name)
    a = reading.first
    if a is None:
        where = "" if aspect == "found" else f" (see {case.name}-found)"
        pytest.fail(f"{case.name}: the table is not read{where}\n{reading.why_not_read()}", pytrace=False)
    if aspect == "found":
        return
    wrong = _wrong(case, aspect, a)
    if wrong:
        truncated = " (truncated copy)" if case.truncated else ""
        lines = "\n    ".join(wrong)
        pytest.fail(f"{case.name} {aspect}{truncated}: {len(wrong)} wrong\n    {lines}", pytrace=False)


def test_the_corpus_is_complete() -> None:
    """All thirteen cases are here, each with its three files; a lost fixture is not a silent pass."""
    assert [c.name for c in CASES] == [
        "104", "106", "108", "110", "112", "113", "114", "116", "118", "120", "121", "123", "125"
    ]  # fmt: skip
    for case in CASES:
        assert case.text.strip() and case.expected is not None and case.meta.get("url")


def test_the_comparison_rules_are_score_py_s() -> None:
    """The rules of shared/corpus/score.py, pinned: a change here must be a change there too."""
    assert same(None, "anything") and same("", 3) and same(12.5, "12.5") and same("97.8%", 97.81)
    assert not same(100, 80.45) and not same("1.2万亩", "1.2万 亩x")
    assert same("产 出 指 标", "产出指标") and same("目标 内容 (4分)", "目标内容(4分)")
    assert level_key("产 出 指 标 (50分)") == level_key("产出指标（50）") == "产出指标"
    assert level_key("(20分)项目决策") == "项目决策"
    assert level_key("效益指标 30分)") == "效益指标30分)"  # a lost bracket is not a printed weight to score.py
    assert level_key(None) is None and level_key("(50分)") is None


def test_a_truncated_case_may_leave_out_its_cut_last_row() -> None:
    expected = {"indicators": [{"level3": "甲", "weight": 5}, {"level3": "乙(cut)", "weight": None}]}
    read = {"indicators": [{"name": "甲", "weight": 5}]}
    assert wrong_indicator_count(expected, read, truncated=True) == []
    assert wrong_indicator(expected, read, True, 2) == []
    assert wrong_indicator_count(expected, read, truncated=False)[0] == "1 indicators read, 2 in the table"
    assert wrong_indicator(expected, read, False, 2) == ["indicator 2 ('乙(cut)') not read: only 1 indicators read"]
    assert wrong_indicator(expected, {"indicators": [{"name": "丙", "weight": 4}]}, True, 1) == [
        "indicator 1 name: '丙' ≠ '甲'",
        "indicator 1 weight: 4 ≠ 5",
    ]


def test_findings_rules() -> None:
    expected = {"findings": [{"code": "rate_mismatch", "detail": "80.45% ≠ 100%"}, {"code": "other", "detail": "x"}]}
    read = {"findings": [{"code": "A104", "message": "m"}, {"code": "A103", "message": "Σ分值 90"}]}
    assert wrong_findings(expected, read, truncated=True) == []  # A103 needs the whole table
    assert wrong_findings(expected, read, truncated=False) == ["extra A103: Σ分值 90"]
    assert wrong_findings(expected, {"findings": [{"code": "L202"}]}, truncated=True) == ["missed A104: 80.45% ≠ 100%"]
