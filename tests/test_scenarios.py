"""Scoring scenarios of the default rule set, read from tests/scenarios/mof-2020.yaml."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from indicators.model import Assessment, Budget, Indicator
from scoring.engine import score_assessments
from scoring.results import ScoredAssessment
from scoring.rules import load_ruleset

SCENARIOS = yaml.safe_load((Path(__file__).parent / "scenarios" / "mof-2020.yaml").read_text(encoding="utf-8"))
RULESET = load_ruleset("mof-2020")


def _score(assessment: Assessment) -> ScoredAssessment:
    return score_assessments([assessment], RULESET, ["s#1"], ["s"])[0]


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


@pytest.mark.parametrize("case", SCENARIOS["indicators"], ids=[c["name"] for c in SCENARIOS["indicators"]])
def test_indicator_scenario(case: dict[str, Any]) -> None:
    row = {"level1": "产出指标", "level2": "数量指标", "name": "指标", "weight": 10, **case["indicator"]}
    scored = _score(Assessment(kind="project", name="场景", indicators=[Indicator.model_validate(row)]))
    (result,) = scored.indicators
    assert result.status == case["expect"]["status"]
    assert result.score == _dec(case["expect"]["score"])


@pytest.mark.parametrize("case", SCENARIOS["execution"], ids=[c["name"] for c in SCENARIOS["execution"]])
def test_execution_scenario(case: dict[str, Any]) -> None:
    indicator = Indicator(level1="产出指标", name="指标", target="≥1次", actual="1次", weight=Decimal(90))
    budget = Budget.model_validate(case["budget"])
    scored = _score(Assessment(kind="project", name="场景", budget=budget, indicators=[indicator]))
    assert scored.execution is not None
    assert scored.execution.score == _dec(case["expect"]["score"])
    assert scored.execution.status == case["expect"].get("status", "scored")


@pytest.mark.parametrize("case", SCENARIOS["totals"], ids=[c["name"] for c in SCENARIOS["totals"]])
def test_total_scenario(case: dict[str, Any]) -> None:
    indicators = [
        Indicator(level1="产出指标", name=f"指标{i}", target="≥100%", actual=f"{share * 100:g}%", weight=_dec(weight))
        for i, (weight, share) in enumerate(zip(case["weights"], case["actual_share"], strict=True))
    ]
    scored = _score(
        Assessment(kind="project", name="场景", budget=Budget.model_validate(case["budget"]), indicators=indicators)
    )
    assert scored.total == _dec(case["expect"]["total"])
    assert scored.grade == case["expect"]["grade"]
    if "raw" in case["expect"]:
        assert scored.raw == _dec(case["expect"]["raw"])
