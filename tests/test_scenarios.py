"""Scoring scenarios of every shipped rule set, read from tests/scenarios/NAME.yaml.

Each file scores its cases under the rule set it is named after.  A case of
a variant may also give ``mof-2020:``, the figures the same table gets under
the default rule set, so that the file shows where the variant differs (or,
where the sources show no difference, that it does not).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from indicators.model import Assessment, Budget, Indicator
from scoring.engine import score_assessments
from scoring.results import ScoredAssessment
from scoring.rules import DEFAULT_RULESET, RuleSet, available, load_ruleset

FOLDER = Path(__file__).parent / "scenarios"
FILES = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(FOLDER.glob("*.yaml"))}


@cache
def ruleset(name: str) -> RuleSet:
    return load_ruleset(name)


def cases(section: str) -> list[Any]:
    return [
        pytest.param(name, case, id=f"{name}: {case['name']}")
        for name, data in FILES.items()
        for case in data.get(section, [])
    ]


def expectations(name: str, case: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(rule set, expected figures): the file's own, and the default's where the case gives them."""
    out = [(name, case["expect"])]
    if DEFAULT_RULESET in case:
        out.append((DEFAULT_RULESET, case[DEFAULT_RULESET]))
    return out


def _score(assessment: Assessment, name: str) -> ScoredAssessment:
    return score_assessments([assessment], ruleset(name), ["s#1"], ["s"])[0]


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def test_every_shipped_rule_set_has_its_scenarios() -> None:
    assert sorted(FILES) == available()


@pytest.mark.parametrize("name", sorted(set(FILES) - {DEFAULT_RULESET}))
def test_a_variant_is_compared_with_the_default(name: str) -> None:
    compared = [c for section in ("indicators", "execution", "totals", "tables") for c in FILES[name].get(section, [])]
    assert any(DEFAULT_RULESET in c for c in compared)


@pytest.mark.parametrize(("name", "case"), cases("indicators"))
def test_indicator_scenario(name: str, case: dict[str, Any]) -> None:
    row = {"level1": "产出指标", "level2": "数量指标", "name": "指标", "weight": 10, **case["indicator"]}
    for rules, expect in expectations(name, case):
        scored = _score(Assessment(kind="project", name="场景", indicators=[Indicator.model_validate(row)]), rules)
        (result,) = scored.indicators
        assert (rules, result.status, result.score) == (rules, expect["status"], _dec(expect["score"]))


@pytest.mark.parametrize(("name", "case"), cases("execution"))
def test_execution_scenario(name: str, case: dict[str, Any]) -> None:
    indicator = Indicator(level1="产出指标", name="指标", target="≥1次", actual="1次", weight=Decimal(90))
    budget = Budget.model_validate(case["budget"])
    for rules, expect in expectations(name, case):
        scored = _score(Assessment(kind="project", name="场景", budget=budget, indicators=[indicator]), rules)
        assert scored.execution is not None
        assert (rules, scored.execution.score) == (rules, _dec(expect["score"]))
        assert scored.execution.status == expect.get("status", "scored")


@pytest.mark.parametrize(("name", "case"), cases("totals"))
def test_total_scenario(name: str, case: dict[str, Any]) -> None:
    indicators = [
        Indicator(level1="产出指标", name=f"指标{i}", target="≥100%", actual=f"{share * 100:g}%", weight=_dec(weight))
        for i, (weight, share) in enumerate(zip(case["weights"], case["actual_share"], strict=True))
    ]
    budget = Budget.model_validate(case["budget"])
    for rules, expect in expectations(name, case):
        scored = _score(Assessment(kind="project", name="场景", budget=budget, indicators=indicators), rules)
        assert (rules, scored.total, scored.grade) == (rules, _dec(expect["total"]), expect["grade"])
        if "raw" in expect:
            assert scored.raw == _dec(expect["raw"])


@pytest.mark.parametrize(("name", "case"), cases("tables"))
def test_table_scenario(name: str, case: dict[str, Any]) -> None:
    """A table that prints 得分 but no 分值: its weights are inferred from the rule set's 一级 weights."""
    indicators = [
        Indicator.model_validate({"name": f"指标{i}", "target": "≥100%", "actual": "100%", **row})
        for i, row in enumerate(case["rows"])
    ]
    budget = Budget.model_validate(case["budget"]) if "budget" in case else None
    for rules, expect in expectations(name, case):
        scored = _score(Assessment(kind="project", name="场景", budget=budget, indicators=indicators), rules)
        assert (rules, [r.weight for r in scored.indicators]) == (rules, [_dec(w) for w in expect["weights"]])
        assert (rules, scored.total, scored.grade) == (rules, _dec(expect["total"]), expect["grade"])
