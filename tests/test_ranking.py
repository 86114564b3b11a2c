"""Each finding states what it moves, and lists rank by it (issue 12, item 2).

On the 忻州 disclosure, read by hand: 更新公务用车 states 93 优 and
rescores to 89.09 良 (A110: 3.91 points and a grade change); L201 跟踪反馈
机制健全 keeps a full 10 for a missed target that rescores to 1 (9 points);
the department table's 年度资金总额 was executed 196.409万 against 233.6287万
in the 决算 (X301: 37.219741万 at stake).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from seed_runs import XINZHOU, findings_of, stdout_of

from indicators.model import SourceRef
from scoring.results import Finding

CAR = f"{XINZHOU}#2"


@pytest.fixture(scope="module")
def findings() -> list[dict[str, object]]:
    return findings_of(XINZHOU)


def stake(findings: list[dict[str, object]], code: str, assessment: str) -> tuple[object, object, object]:
    f = next(f for f in findings if f["code"] == code and f["assessment"] == assessment)
    return f["points"], f["money"], f["grade_change"]


def test_findings_state_what_they_move(findings: list[dict[str, object]]) -> None:
    assert stake(findings, "A110", CAR) == (3.91, None, True)
    assert stake(findings, "L201", CAR) == (9, None, False)
    assert stake(findings, "X301", f"{XINZHOU}#1") == (None, 37.219741, False)
    assert stake(findings, "L202", CAR) == (None, None, False)  # a copied value moves nothing by itself


def test_the_grade_change_comes_first_then_points() -> None:
    audit = stdout_of("audit", XINZHOU)
    rows = [line for line in audit.splitlines() if "更新公务用车" in line and " 错误 " in line]
    codes = [re.search(r"\b[ALXC]\d{3}\b", row).group() for row in rows]  # type: ignore[union-attr]
    assert codes[:4] == ["A110", "A101", "L201", "X302"]  # a grade change, then 14, 9 and 3 points


def test_sort_key_orders_by_consequence() -> None:
    place = SourceRef(row=1)
    info = Finding("L204", "info", "m", place)
    warning = Finding("L202", "warning", "m", place)
    small = Finding("A101", "error", "m", place, points=Decimal(1))
    money = Finding("X301", "error", "m", place, money=Decimal(37))
    big = Finding("A101", "error", "m", place, points=Decimal(14))
    grade = Finding("A110", "error", "m", SourceRef(row=99), points=Decimal("3.91"), grade_change=True)
    ranked = sorted([info, warning, small, money, big, grade], key=Finding.sort_key)
    assert ranked == [grade, big, small, money, warning, info]


def test_the_first_screen_of_audit_holds_what_matters() -> None:
    """The conclusion opens audit: on both seeds, within 24 lines, the three things an auditor must see first."""
    screen = "\n".join(stdout_of("audit", "samples/000_edba66f1e8899577.txt", XINZHOU).splitlines()[:24])
    assert screen.startswith("结论\n")
    assert "3. 更新公务用车：公布 93 优 → 重算 89.09 良（等级改变）" in screen
    assert "L201 跟踪反馈机制健全：实际完成值 ≥10% 未达到指标值 ≥100%，却得满分 10" in screen
    assert "6. 特需业务经费：公布 90 优 → 重算 100 优" in screen and "分值合计为 90，应为 100" in screen
    assert "全年预算数 200.701万元、执行数 196.409万元，决算表为 2336287.41元（233.6287万元" in screen
