"""Narrative claims: each extraction rule on real sentences of the seed disclosures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from indicators.disclosure import Claim
from indicators.readers.documents.narrative import read_claims
from indicators.readers.documents.published import rows_of, table_spans

ROOT = Path(__file__).resolve().parent.parent


def claims_of(name: str) -> list[Claim]:
    rows = rows_of((ROOT / "samples" / name).read_text(encoding="utf-8"))
    return read_claims(rows, name, table_spans(rows))


def claims_in(text: str) -> list[Claim]:
    rows = rows_of(text)
    return read_claims(rows, "t.txt", table_spans(rows))


XINZHOU = "004_e8e37e86adf54229.txt"


def _get(claims: list[Claim], kind: str, subject: str | None = None) -> list[Claim]:
    return [c for c in claims if c.kind == kind and (subject is None or c.subject == subject)]


def test_project_summaries_give_score_budget_execution_and_rate() -> None:
    claims = claims_of(XINZHOU)
    expected = {  # 第三部分 (四)(2): each project's 绩效自评综述, line 518 (the last one runs on to 520)
        "特需工作经费": ("90", "70", "70", "100"),
        "业务工作经费": ("90", "15", "15", "100"),
        "房屋租赁费工作经费": ("100", "35", "35", "100"),
        "二十大维稳工作经费": ("90", "20", "20", "100"),
        "更新公务用车工作经费": ("90", "17.22", "17.22", "100"),
    }
    for subject, (score, budget, executed, rate) in expected.items():
        got = {k: _get(claims, k, subject) for k in ("score", "budget", "executed", "rate")}
        assert [c.value for c in got["score"]] == [Decimal(score)], subject
        assert [(c.value, c.unit) for c in got["budget"]] == [(Decimal(budget), "万元")], subject
        assert [(c.value, c.unit) for c in got["executed"]] == [(Decimal(executed), "万元")], subject
        assert [c.value for c in got["rate"]] == [Decimal(rate)], subject
        assert got["score"][0].source.row == 518
    assert _get(claims, "rate", "更新公务用车工作经费")[0].source.row == 520  # the sentence broke across lines


def test_department_summary() -> None:
    claims = claims_of(XINZHOU)
    score, budget, executed, rate = (_get(claims, k, "部门整体") for k in ("score", "budget", "executed", "rate"))
    assert [c.value for c in score] == [Decimal("99.79")]
    assert [(c.value, c.unit) for c in budget] == [(Decimal("2336287.41"), "元")]
    assert [(c.value, c.unit) for c in executed] == [(Decimal("2336287.41"), "元")]
    assert [c.value for c in rate] == [Decimal("100")]
    assert {c.source.row for c in score + budget + executed + rate} == {524}


def test_a_tables_own_analysis_is_tied_to_that_table() -> None:
    claims = [c for c in claims_of(XINZHOU) if c.table is not None]
    assert [(c.table, c.value, c.source.row) for c in claims] == [(1, Decimal("90"), 584), (2, Decimal("93"), 611)]


def test_percent_of_budget_with_both_figures() -> None:
    (three_public,) = [c for c in _get(claims_of(XINZHOU), "percent") if c.source.row == 462]
    assert (three_public.numerator, three_public.denominator, three_public.value) == (
        Decimal("262197.00"),
        Decimal("262197.00"),
        Decimal("291.33"),
    )
    assert "完成全年预算的291.33%" in three_public.text


def test_share_of_a_named_budget() -> None:
    (reception,) = _get(claims_of("000_edba66f1e8899577.txt"), "percent")
    assert (reception.numerator, reception.denominator, reception.value) == (
        Decimal("50326"),
        Decimal("250000"),
        Decimal("20.13"),
    )
    assert reception.source.row == 386


def test_grade_counts() -> None:
    counts = [(c.value, c.grade, c.source.row) for c in _get(claims_of(XINZHOU), "grade_count")]
    assert counts[:4] == [
        (Decimal(5), "优", 510),
        (Decimal(0), "良", 510),
        (Decimal(0), "中", 510),
        (Decimal(0), "差", 510),
    ]


@pytest.mark.parametrize(
    ("sentence", "kind", "value"),
    [
        ("甲项目项目绩效自评综述：项目绩效自评得分为88.5分。", "score", "88.5"),
        ("乙项目项目绩效自评综述：项目全年预算数为1,250,000.00元，执行数为1,000,000.00元。", "executed", "1000000.00"),
        ("部门整体支出绩效自评综述：整体绩效自评得分为92分。", "score", "92"),
    ],
)
def test_variants(sentence: str, kind: str, value: str) -> None:
    assert [c.value for c in claims_in(sentence) if c.kind == kind] == [Decimal(value)]


def test_figures_are_looked_for_only_after_their_own_summary() -> None:
    text = "甲项目项目绩效自评综述：情况良好。乙项目项目绩效自评综述：项目绩效自评得分为70分。"
    scores = _get(claims_in(text), "score")
    assert [(c.subject, c.value) for c in scores] == [("乙项目", Decimal("70"))]
