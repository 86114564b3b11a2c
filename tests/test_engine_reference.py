"""The vectorised engine agrees with the plain Decimal reference scorer on random batches."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_scorer import reference_assessment

from indicators.model import Assessment, Block, Budget, Indicator
from scoring.engine import round_half_up, score_assessments
from scoring.rules import load_ruleset

RULESET = load_ruleset()
OPS = ["≥", ">", "≤", "<", "=", "不少于", "不超过", "等于", ""]
UNITS = {  # unit → units of the same family an actual may be written in
    "%": ["%"],
    "万元": ["万元", "元"],
    "元": ["元", "万元"],
    "人": ["人"],
    "次": ["次", "场次"],
    "小时": ["小时", "分钟"],
    "分钟": ["分钟", "小时"],
    "": [""],
}
ODD_TEXTS = ["定性", "明显提升", "无", "", "达成预期指标", "支出截至12月31日", "完成"]


def _figure(rng: random.Random) -> str:
    value = rng.choice([0, 1, 3, 7, 10, 15, 35, 90, 95, 100, 183.82, 2.5, 0.5])
    if rng.random() < 0.4:
        value = round(rng.uniform(0, 200), rng.choice([0, 1, 2]))
    return f"{value:g}" if isinstance(value, float) else str(value)


def random_indicator(rng: random.Random, row: int) -> Indicator:
    unit = rng.choice(list(UNITS))
    target = rng.choice(OPS) + _figure(rng) + unit
    if rng.random() < 0.08:
        target = rng.choice(ODD_TEXTS)
    actual_op = rng.choice(["", "", "", "≥", ">", "≤", "<"])
    actual = actual_op + _figure(rng) + rng.choice(UNITS[unit])
    if rng.random() < 0.08:
        actual = rng.choice(ODD_TEXTS)
    weight = Decimal(str(rng.choice([5, 10, 10, 20, 30, 12.5, 7.25]))) if rng.random() < 0.95 else None
    score = Decimal(str(round(rng.uniform(0, float(weight or 10)), rng.choice([0, 2])))) if rng.random() < 0.9 else None
    return Indicator(
        level1=rng.choice(["产出指标", "效益指标", "满意度指标"]),
        level2="数量指标",
        name=f"指标{row}",
        nature=rng.choice([None, None, None, ">=", "<=", "=", ">", "<"]),
        target=target,
        actual=actual,
        weight=weight,
        score=score,
    )


def random_budget(rng: random.Random) -> Budget:
    """A budget block; one in six prints 年初预算数 and no 全年预算数 (the rate is then on 年初预算数)."""
    full = Decimal(str(rng.choice([0, 17.22, 200.701, 35, round(rng.uniform(1, 500), 3)])))
    executed = Decimal(str(round(float(full) * rng.uniform(0.5, 1.2), 3)))
    if rng.random() < 1 / 6:
        return Budget(initial=full, executed=executed, score=Decimal("9.5"))
    return Budget(full_year=full, executed=executed, score=Decimal("9.5"))


def without_weights(rng: random.Random, indicators: list[Indicator]) -> tuple[list[Indicator], list[Block]]:
    """A table without 分值: some 得分 left empty (merged cells), and half the time 一级 labels with weights."""
    indicators = [
        i.model_copy(update={"weight": None, "score": None if rng.random() < 0.3 else i.score}) for i in indicators
    ]
    blocks = []
    if rng.random() < 0.5:
        for level1 in sorted({i.level1 for i in indicators if i.level1 and rng.random() < 0.7}):
            weight = Decimal(rng.choice([10, 20, 30, 40, 50]))
            blocks.append(Block(level=1, path=[f"{level1}({weight}分)"], weight=weight))
    return indicators, blocks


def random_assessment(rng: random.Random, n: int) -> Assessment:
    budget = random_budget(rng) if rng.random() < 0.9 else None
    indicators = [random_indicator(rng, i) for i in range(n)]
    blocks: list[Block] = []
    if rng.random() < 0.1:  # a table without 分值: weights are inferred
        indicators, blocks = without_weights(rng, indicators)
    form = "criteria" if rng.random() < 0.1 else "indicators"  # a 评分表: stated scores kept
    # a self-assessment, said so: one whose rows all lack 实际完成值 and 得分 would otherwise read as a draft
    # (绩效目标申报表), which is linted and never scored, and the reference scorer knows no drafts
    return Assessment(
        kind="project",
        year=2022,
        name="随机",
        budget=budget,
        indicators=indicators,
        blocks=blocks,
        form=form,
        stage="assessment",
    )


def _agree(assessments: list[Assessment]) -> int:
    scored = score_assessments(
        assessments, RULESET, [f"r#{i}" for i in range(len(assessments))], ["r"] * len(assessments)
    )
    compared = 0
    for assessment, result in zip(assessments, scored, strict=True):
        scores, total = reference_assessment(assessment, RULESET)
        assert [r.score for r in result.indicators] == scores, assessment
        assert result.total == total, assessment
        compared += len(scores)
    return compared


def test_engine_matches_reference_on_ten_thousand_random_indicators() -> None:
    rng = random.Random(20261123)
    assessments = [random_assessment(rng, rng.randint(1, 12)) for _ in range(1600)]
    assert _agree(assessments) >= 10_000


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), size=st.integers(min_value=1, max_value=15))
def test_engine_matches_reference_property(seed: int, size: int) -> None:
    rng = random.Random(seed)
    _agree([random_assessment(rng, size) for _ in range(3)])


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2.675, "2.68"), (1.005, "1.01"), (0.125, "0.13"), (89.0909, "89.09"), (9.785, "9.79"), (0.0, "0.00")],
)
def test_round_half_up_ignores_binary_noise(value: float, expected: str) -> None:
    assert round_half_up([value], 2) == [Decimal(expected)]
